"""What the parser hands to the bot: a typed command, and the conversation context it may reuse."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
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
