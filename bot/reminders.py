"""A reminder asked for a switch: "remind me to switch off the lights at 5", "set a reminder to turn the AC off at 6".

The bot sends no reminders. The parser reads such a message as the switch it names (with its time), so the bot says
it cannot remind and offers to do the switch itself: it asks the room when none was named (the answer schedules it,
as the offer said), and otherwise asks first with a "Yes" button, since the user meant to switch by hand and may
not want it done unasked. Reminders of anything else ("remind me to submit the marks") stay out of scope.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from bot.replies import TYPE_WORDS, when_text
from nlu.command import Command

# "remind me to", "remind us at 5 to", "set a reminder to", "reminder: lights off at 6". Not "remind me what is
# scheduled" (a schedule question, which the parser reads as one) nor "remind my wife to" (no switch of ours).
_ASKS = re.compile(r"\b(remind (me|us)\b(?! (what|which|whether|if|when|how)\b)|reminders?\b)")


def asks_reminder(command: Command) -> bool:
    """Whether `command` is a switch its message asked to be reminded of."""
    return command.intent == "device_control" and command.action in ("on", "off") \
        and _ASKS.search(command.text.lower()) is not None


def reminder_note(command: Command, tz: ZoneInfo, now: dt.datetime) -> str:
    """"I can't send reminders, but I can switch the lights off at 17:00 myself." (no time said: "now or later")."""
    kinds = [TYPE_WORDS.get(t, t) for t in command.device_types]
    what = f"the {' and '.join(kinds)}" if kinds else "them"
    later = when_text(command.when, tz, now) if command.when is not None and command.when > now \
        else "now or at a time you say"
    return f"I can't send reminders, but I can switch {what} {command.action} {later} myself."
