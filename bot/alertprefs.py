"""Alert preferences in chat: what `/mute`, `/unmute`, `/quiet` and `/prefs` accept and how they describe the
result. Validation and storage belong to `alerts.preferences` (the alerts component reads the same columns when it
routes an alert); this module only turns chat words into its calls and its values into sentences."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from alerts.model import ALERT_TYPES, MUTE_ALIASES
from alerts.preferences import PreferenceError, Preferences

# What each type means to a person, in the order /mute lists them. Grouped forms (MUTE_ALIASES) are not listed:
# muting the plain type mutes them too.
TYPE_MEANING = {
    "board_offline": "a board stopped reporting",
    "after_hours": "lights, fans or AC on after hours",
    "anomaly": "unusual consumption",
    "high_consumption": "a room or building over its power threshold",
    "forecast_accuracy": "forecasts going wrong (admins)",
    "alertmanager": "service problems from monitoring (admins)",
}
# Words people type for a type, besides its own name (spaces and dashes count as underscores).
_TYPE_WORDS = {"offline": "board_offline", "boards": "board_offline", "board": "board_offline",
               "afterhours": "after_hours", "after": "after_hours", "anomalies": "anomaly", "unusual": "anomaly",
               "high": "high_consumption", "consumption": "high_consumption", "threshold": "high_consumption",
               "forecast": "forecast_accuracy", "monitoring": "alertmanager", "service": "alertmanager"}
_CLOCK = re.compile(r"^(\d{1,2})(?::?(\d{2}))?$")


@dataclass(frozen=True)
class QuietChange:
    """A parsed `/quiet` argument: `start`/`end` as "HH:MM", or both None to turn quiet hours off."""

    start: str | None
    end: str | None


def listed_types() -> list[str]:
    return [t for t in ALERT_TYPES if t not in MUTE_ALIASES]


def types_help() -> str:
    return "\n".join(f"- {t}: {TYPE_MEANING.get(t, t.replace('_', ' '))}" for t in listed_types())


def alert_type(words: Sequence[str]) -> str:
    """The alert type named by `words` ("board_offline", "board offline", "offline"...). Raises PreferenceError."""
    name = "_".join(w.strip().lower() for w in words if w.strip()).replace("-", "_")
    if name in ALERT_TYPES:
        return name
    if name in _TYPE_WORDS:
        return _TYPE_WORDS[name]
    if name.replace("_", "") in _TYPE_WORDS:
        return _TYPE_WORDS[name.replace("_", "")]
    shown = " ".join(words)[:40]
    raise PreferenceError(f"I do not know the alert type \"{shown}\"; types: {', '.join(listed_types())}.")


def _clock(text: str) -> str:
    match = _CLOCK.match(text.strip())
    if match is None:
        raise PreferenceError(f"\"{text[:20]}\" is not a time; use 24-hour times like /quiet 22:00-07:00.")
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if hour > 23 or minute > 59:
        raise PreferenceError(f"\"{text[:20]}\" is not a time of day; use 24-hour times like /quiet 22:00-07:00.")
    return f"{hour:02d}:{minute:02d}"


def quiet_change(args: Sequence[str]) -> QuietChange:
    """`22:00-07:00`, `22:00 - 07:00`, `22:00 to 07:00`, `22-7`, or `off`. Raises PreferenceError."""
    text = " ".join(args).strip().lower()
    if text in ("off", "none", "no", "clear"):
        return QuietChange(None, None)
    parts = [p for p in re.split(r"\s*(?:-|–|to|until|\s)\s*", text) if p]
    if len(parts) != 2:
        raise PreferenceError("Usage: /quiet 22:00-07:00 (from - to, 24-hour clock), or /quiet off.")
    start, end = _clock(parts[0]), _clock(parts[1])
    if start == end:
        raise PreferenceError("Quiet hours need a start and an end that differ, e.g. /quiet 22:00-07:00.")
    return QuietChange(start, end)


def describe(prefs: Preferences) -> str:
    """The current settings in two lines."""
    muted = sorted(t for t in prefs.muted if t in ALERT_TYPES)
    lines = ["Muted alert types: " + (", ".join(muted) if muted else "none (you get every alert meant for you)")]
    if prefs.quiet is None:
        lines.append("Quiet hours: off")
    else:
        lines.append(f"Quiet hours: {_hm(prefs.quiet.start)}-{_hm(prefs.quiet.end)} (alerts then wait until the "
                     "end; critical ones still come at once)")
    return "\n".join(lines)


def _hm(value: dt.time) -> str:
    return value.strftime("%H:%M")


def usage() -> str:
    return ("Change them with /mute TYPE, /unmute TYPE, /quiet 22:00-07:00 or /quiet off. "
            "Critical alerts always come through.\nTypes:\n" + types_help())
