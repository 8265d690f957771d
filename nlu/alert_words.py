"""Words that act on an alert: "ack the AC alert", "acknowledge alert 12", "snooze it for an hour", "snooze the
lab 1 alert until tomorrow". Pure: text in, an `AlertAction` (or None) out; which alert is meant (device type,
room, "it") is decided by the bot from the parsed command and the conversation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlu.numbers import normalize_numbers

_ACK = re.compile(r"\b(ack|acknowledge|acknowledged|acknowledging)\b")
_SNOOZE = re.compile(r"\b(snooze|snoozed|silence)\b")
_NUMBER = re.compile(r"(?:#|\balert\s+(?:number\s+|no\.?\s*)?|\b(?:ack|acknowledge|snooze)\s+(?:number\s+)?)"
                     r"(\d{1,9})\b(?!\s*(?:hours?|hrs?|h|minutes?|mins?|m)\b)")
_BACK = re.compile(r"\b(it|that|this|that one|this one)\b")
_HOURS = re.compile(r"\bfor\s+(?:an?|one|(\d{1,2}))\s*(hours?|hrs?|h|minutes?|mins?|m)\b")
_TOMORROW = re.compile(r"\b(until|till|til)\s+(tomorrow|the morning|morning)\b|\btomorrow\b")
MAX_SNOOZE_MINUTES = 24 * 60


@dataclass(frozen=True)
class AlertAction:
    """`kind`: ack or snooze. `snooze`: "tomorrow" or minutes as "<n>m" (None: the configured short snooze).
    `alert_id`: a number the words gave ("alert 12", "#12"). `refers_back`: "it"/"that": the alert just talked about."""

    kind: str
    snooze: str | None = None
    alert_id: int | None = None
    refers_back: bool = False


def read_alert_action(text: str) -> AlertAction | None:
    said = " ".join(normalize_numbers(text.lower().split())) if text else ""
    ack, snooze = _ACK.search(said), _SNOOZE.search(said)
    if not ack and not snooze:
        return None
    number = _NUMBER.search(said)
    alert_id = int(number.group(1)) if number else None
    back = bool(_BACK.search(said)) and alert_id is None
    if ack and not snooze:
        return AlertAction("ack", alert_id=alert_id, refers_back=back)
    return AlertAction("snooze", _snooze_length(said), alert_id, back)


def _snooze_length(said: str) -> str | None:
    if _TOMORROW.search(said):
        return "tomorrow"
    found = _HOURS.search(said)
    if not found:
        return None
    count = int(found.group(1)) if found.group(1) else 1
    minutes = count * 60 if found.group(2).startswith("h") else count
    return f"{max(1, min(minutes, MAX_SNOOZE_MINUTES))}m"
