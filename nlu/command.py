"""What the parser hands to the bot: a typed command, and the conversation context it may reuse."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

INTENTS = (
    "device_control",
    "status_query",
    "energy_query",
    "forecast_query",
    "schedule_query",
    "alerts_query",
    "help",
    "unknown",
)


class AskReason(StrEnum):
    """Why a command asks (its `clarification`) instead of acting: the kind of its question, so that code which must
    tell the kinds apart (the voice rules, `nlu.speech.lacking`) reads this, never the reply's wording."""

    WHICH_ROOM = "which_room"  # no room named, or several of the user's rooms it could be ("Which room ...?")
    SHARED_NAME = "shared_name"  # a name several rooms share ("Which one do you mean: Seminar Hall or Auditorium?")
    NO_DEVICE = "no_device"  # an order that names nothing to switch ("What should I switch? ...")
    WHICH_DEVICE = "which_device"  # a state asked of "it" with nothing it could be ("Which device do you mean?")
    WHICH_NAMED = "which_named"  # a type said of several named switches of it ("Which lights do you mean: Hall ...?")
    UNKNOWN_PLACE = "unknown_place"  # a place this campus lacks ("I don't know room 205 on this campus. ...")
    ROOM_LACKS = "room_lacks"  # the rooms named hold no such switch ("I found no heater in Classroom 101. ...")
    EXCEPTION = "exception"  # an exception that leaves unclear what stays ("Which ones should I leave as they are?")
    HESITATION = "hesitation"  # a pause between two devices or places ("Did you mean X only, or ...")
    CORRECTION = "correction"  # a self-correction that leaves unclear what to switch
    TIME_PASSED = "time_passed"  # the moment or day named has passed (the question offers to act now)
    # a clock time said with no day has passed today ("at 7 am" at 10:00): the question offers tomorrow at that time,
    # so a plain "yes" means tomorrow (text-left5; it was scheduled for tomorrow unasked)
    PASSED_TODAY = "passed_today"
    TIME_NEEDED = "time_needed"  # a day, a vague time, a range or a bare small hour: no moment to act at
    NOT_A_TIME = "not_a_time"  # a date or clock time that does not exist ("30 february", "25:00")
    IN_OR_FOR = "in_or_for"  # "in 2 hours, or for 2 hours?"
    TOO_FAR = "too_far"  # a moment (or a duration's end) further ahead than the bot schedules
    TWO_TIMES = "two_times"  # several moments in one command
    NOT_UNDERSTOOD = "not_understood"  # a voice note the voice rule refused (`nlu.speech.understand`)


@dataclass(frozen=True)
class Period:
    """A half-open time range [`start`, `end`) in the campus time zone, both timezone-aware."""

    start: dt.datetime
    end: dt.datetime

    def to_dict(self) -> dict[str, str]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}


@dataclass(frozen=True)
class Command:
    """One understood message.

    Fields:
    - `text`: the message as received.
    - `intent`: one of `INTENTS`; `unknown` means the bot must not act.
    - `action`: `on`/`off` for device control, else None.
    - `device_types`: switch types mentioned or implied, in order of mention (light, fan, ac, ...).
    - `rooms`: registry room ids the command targets; empty when none could be decided.
    - `buildings`: registry building ids named in the message.
    - `switches`: registry switch ids a device command acts on (empty for queries unless named).
    - `when`: timezone-aware time of a scheduled action; None means now.
    - `period`: the time range of an energy, forecast or schedule question; for a command asking "At what time?",
      the day it named ("on monday").
    - `confidence`: 0..1, how sure the parser is of the intent and its entities.
    - `clarification`: a question to ask instead of acting (ambiguous room, missing device...), else None.
    - `ask_reason`: with a clarification, why it asks (`AskReason`); None without one.
    - `candidates`: with a clarification, the room ids the user may mean (empty when the parser has no shortlist).
    - `operation`: for `schedule_query`, `list` or `cancel`; else None.
    - `everything`: True when the message says "everything"/"all devices" rather than naming types.
    - `needs_time`: with a clarification, the command is complete but for when to act ("At what time?"): an answer
      such as "at 6 pm" or "now" completes it.
    - `offers_now`: with `needs_time`, the question offered to act now (the time named has passed), so a plain "yes"
      completes it too.
    - `until`: for a device command with a duration ("turn the AC on for an hour"), when the opposite action is due
      (the bot schedules it); None otherwise.
    """

    text: str
    intent: str
    action: str | None = None
    device_types: tuple[str, ...] = ()
    rooms: tuple[str, ...] = ()
    buildings: tuple[str, ...] = ()
    switches: tuple[str, ...] = ()
    when: dt.datetime | None = None
    period: Period | None = None
    confidence: float = 0.0
    clarification: str | None = None
    candidates: tuple[str, ...] = ()
    operation: str | None = None
    everything: bool = False
    needs_time: bool = False
    offers_now: bool = False
    until: dt.datetime | None = None
    ask_reason: AskReason | None = None

    def __post_init__(self) -> None:
        if self.ask_reason is not None and self.clarification is None:
            raise ValueError(f"a reason to ask ({self.ask_reason}) with no question")  # a replace() that forgot it

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of the `autovolt nlu parse` contract (contract keys first, extras after)."""
        return {
            "text": self.text,
            "intent": self.intent,
            "action": self.action,
            "device_types": list(self.device_types),
            "rooms": list(self.rooms),
            "switches": list(self.switches),
            "when": self.when.isoformat() if self.when else None,
            "period": self.period.to_dict() if self.period else None,
            "confidence": round(self.confidence, 2),
            "buildings": list(self.buildings),
            "clarification": self.clarification,
            "candidates": list(self.candidates),
            "operation": self.operation,
            "everything": self.everything,
            "needs_time": self.needs_time,
            "offers_now": self.offers_now,
            "until": self.until.isoformat() if self.until else None,
            "ask_reason": self.ask_reason.value if self.ask_reason else None,
        }

    def to_json(self) -> str:
        """One line of `autovolt nlu parse` output."""
        return json.dumps(self.to_dict(), ensure_ascii=False)


@dataclass(frozen=True)
class ParseContext:
    """What a conversation carries between messages.

    - `previous`: the last command the user gave (for "and the fans too", "turn them back on").
    - `user_rooms`: rooms assigned to the user; a single one is used when a command names no room.
    """

    previous: Command | None = None
    user_rooms: tuple[str, ...] = field(default=())

    def after(self, command: Command) -> "ParseContext":
        """The context for the next message; an `unknown` message does not replace the last understood command."""
        if command.intent == "unknown":
            return self
        return ParseContext(previous=command, user_rooms=self.user_rooms)
