"""Noise control decisions, as pure functions of an alert's stored state and the time.

- Deduplication: one firing episode per key; later scans only refresh it.
- Cooldown: a key that was announced less than `cooldown_s` ago (in an earlier episode) is not announced again
  until the cooldown has passed, so a flapping board yields one message, not one per flap.
- Escalation: while firing and unacknowledged, reminders follow `reminders_s` (30 min, 1 h, 4 h ...), at most
  `max_reminders`; a snooze postpones the next one; acknowledging stops them for everybody.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from alerts.model import FIRING, AlertConfig


@dataclass(frozen=True)
class EpisodeState:
    """The fields of an `alerts` row that the policy looks at.

    status: firing/resolved/grouped. last_notified: last announcement or reminder (None = never announced).
    reminders_sent: reminders so far. acknowledged: someone acknowledged. snoozed_until: no reminders before it.
    not_before: the cooldown's end for the first announcement (None = no cooldown).
    """

    status: str
    last_notified: dt.datetime | None
    reminders_sent: int
    acknowledged: bool
    snoozed_until: dt.datetime | None
    not_before: dt.datetime | None = None


def cooldown_end(previous_notified: dt.datetime | None, config: AlertConfig) -> dt.datetime | None:
    """When a new episode of a key may be announced, given when the previous episode last was."""
    if previous_notified is None:
        return None
    return previous_notified + dt.timedelta(seconds=config.cooldown_s)


def reminder_delay(reminders_sent: int, config: AlertConfig) -> float | None:
    """Seconds from the last notice to the next reminder; None when no more reminders are due."""
    if reminders_sent >= config.max_reminders or not config.reminders_s:
        return None
    return config.reminders_s[min(reminders_sent, len(config.reminders_s) - 1)]


def next_notice_at(state: EpisodeState, config: AlertConfig) -> dt.datetime | None:
    """When this episode should next be announced (first notice or reminder); None = never again."""
    if state.status != FIRING or state.acknowledged:
        return None
    if state.last_notified is None:
        due = state.not_before
        if due is None:
            return dt.datetime.min.replace(tzinfo=dt.timezone.utc)
    else:
        delay = reminder_delay(state.reminders_sent, config)
        if delay is None:
            return None
        due = state.last_notified + dt.timedelta(seconds=delay)
    if state.snoozed_until is not None and state.snoozed_until > due:
        due = state.snoozed_until
    return due


def is_due(state: EpisodeState, now: dt.datetime, config: AlertConfig) -> bool:
    due = next_notice_at(state, config)
    return due is not None and due <= now


def snooze_end(choice: str, now: dt.datetime, tz: ZoneInfo, config: AlertConfig,
               morning: dt.time = dt.time(8, 0)) -> dt.datetime:
    """The end of a snooze: "1h" (the configured short snooze), "tomorrow" (8:00 local the next day) or "<n>m" (n
    minutes, 1 to 1440: "snooze it for two hours" in a chat)."""
    if choice.endswith("m") and choice[:-1].isdigit() and 1 <= int(choice[:-1]) <= 1440:
        return now + dt.timedelta(minutes=int(choice[:-1]))
    if choice == "tomorrow":
        day = now.astimezone(tz).date() + dt.timedelta(days=1)
        return dt.datetime.combine(day, morning, tzinfo=tz).astimezone(dt.timezone.utc)
    if choice == "1h":
        return now + dt.timedelta(seconds=config.snooze_s)
    raise ValueError(f"unknown snooze {choice!r}; expected 1h, tomorrow or a number of minutes such as 90m")
