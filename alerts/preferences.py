"""Per-user alert preferences: muted alert types and quiet hours (in the campus time zone).

Stored on `users.muted_alert_types` (a list of type names) and `users.quiet_hours` ({"start": "22:00",
"end": "07:00"}); a window whose end is before its start runs over midnight.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from alerts.model import ALERT_TYPES, MUTE_ALIASES


class PreferenceError(ValueError):
    """A preference value cannot be used; the message says what was expected, in one line."""


@dataclass(frozen=True)
class QuietHours:
    """A daily window without non-critical alerts: local `start` to local `end` (over midnight when end < start)."""

    start: dt.time
    end: dt.time

    def contains(self, local: dt.time) -> bool:
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def ends_after(self, now: dt.datetime, tz: ZoneInfo) -> dt.datetime:
        """The first moment at or after `now` outside the window (returns `now` itself when not quiet)."""
        local = now.astimezone(tz)
        if not self.contains(local.time()):
            return now
        day = local.date()
        if self.start > self.end and local.time() >= self.start:
            day += dt.timedelta(days=1)
        end = dt.datetime.combine(day, self.end, tzinfo=tz)
        return end.astimezone(dt.timezone.utc)

    def as_json(self) -> dict[str, str]:
        return {"start": self.start.isoformat("minutes"), "end": self.end.isoformat("minutes")}


@dataclass(frozen=True)
class Preferences:
    """One user's alert settings. muted: alert type names not wanted. quiet: quiet hours or None."""

    muted: frozenset[str] = frozenset()
    quiet: QuietHours | None = None

    def mutes(self, alert_type: str) -> bool:
        return alert_type in self.muted or MUTE_ALIASES.get(alert_type, "") in self.muted


def _parse_time(value: Any, field: str) -> dt.time:
    try:
        return dt.time.fromisoformat(str(value))
    except ValueError:
        raise PreferenceError(f"quiet hours {field}: expected a time such as 22:00, got {value!r}") from None


def parse_quiet_hours(value: Mapping[str, Any] | None) -> QuietHours | None:
    """From the stored JSON (or None). Raises PreferenceError on a malformed value."""
    if not value:
        return None
    if not isinstance(value, Mapping) or "start" not in value or "end" not in value:
        raise PreferenceError("quiet hours: expected {'start': 'HH:MM', 'end': 'HH:MM'}")
    return QuietHours(_parse_time(value["start"], "start"), _parse_time(value["end"], "end"))


def validate_muted(types: Iterable[str]) -> frozenset[str]:
    """Check alert type names a user wants muted; unknown names are refused with the list of known ones."""
    out = set()
    for name in types:
        if name not in ALERT_TYPES:
            raise PreferenceError(f"unknown alert type {name!r}; known types: {', '.join(ALERT_TYPES)}")
        out.add(name)
    return frozenset(out)


def preferences_from_row(muted: Iterable[str] | None, quiet: Mapping[str, Any] | None) -> Preferences:
    """Lenient reading of stored values: a corrupt quiet-hours value is ignored rather than blocking alerts."""
    try:
        quiet_hours = parse_quiet_hours(quiet)
    except PreferenceError:
        quiet_hours = None
    return Preferences(frozenset(str(t) for t in (muted or ())), quiet_hours)


def set_muted(session: Any, user_id: int, types: Iterable[str]) -> frozenset[str]:
    """Store the alert types a user mutes (replacing the previous list). For the bot's /mute command."""
    from store.models import User

    muted = validate_muted(types)
    user = session.get(User, user_id)
    if user is None:
        raise PreferenceError(f"user {user_id} is not registered")
    user.muted_alert_types = sorted(muted)
    return muted


def set_quiet_hours(session: Any, user_id: int, start: str | None, end: str | None) -> QuietHours | None:
    """Store a user's quiet hours ("22:00", "07:00"), or clear them with None. For the bot's /quiet command."""
    from store.models import User

    user = session.get(User, user_id)
    if user is None:
        raise PreferenceError(f"user {user_id} is not registered")
    if start is None or end is None:
        user.quiet_hours = None
        return None
    quiet = parse_quiet_hours({"start": start, "end": end})
    user.quiet_hours = quiet.as_json() if quiet else None
    return quiet
