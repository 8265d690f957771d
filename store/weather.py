"""The campus's hourly outdoor temperature: batch upserts (from the weather feed or a CSV) and range reads.

One row per UTC hour. A batch written later replaces what an earlier one said about the same hour (a newer forecast
is a better one), but a forecast never replaces an observed value: once an hour has happened, its measurement stands.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from analytics.series import local_hours
from store.db import session_scope
from store.models import OutdoorTemperature

KINDS = ("observed", "forecast")
YEAR = dt.timedelta(days=365)


@dataclass(frozen=True)
class TemperatureHour:
    """One hour's outdoor air temperature. ts: the start of the hour, aware (any zone; stored as UTC).
    kind: "observed" (the hour has happened) or "forecast"."""

    ts: dt.datetime
    temperature_c: float
    kind: str


@dataclass(frozen=True)
class WeatherSummary:
    """What `autovolt weather show` prints. year_coverage: the share of the last 365 days' hours stored (0-1);
    newest_forecast: the latest hour held as a forecast, None when none is."""

    hours: int
    first: dt.datetime | None
    last: dt.datetime | None
    year_coverage: float
    newest_forecast: dt.datetime | None


def _utc_hour(ts: dt.datetime) -> dt.datetime:
    if ts.tzinfo is None:
        raise ValueError("naive time given for a weather hour; use an aware datetime")
    return ts.astimezone(dt.timezone.utc).replace(minute=0, second=0, microsecond=0)


def upsert_temperatures(session: Session, hours: Sequence[TemperatureHour], source: str,
                        fetched_at: dt.datetime) -> int:
    """Write a batch fetched at `fetched_at`; return how many hours were inserted or replaced. Within the batch the
    last value of an hour counts. An hour already stored keeps its value when that was fetched later, or when it
    is observed and this one a forecast."""
    batch: dict[dt.datetime, TemperatureHour] = {}
    for hour in hours:
        if hour.kind not in KINDS:
            raise ValueError(f"weather kind must be one of {', '.join(KINDS)}, got {hour.kind!r}")
        batch[_utc_hour(hour.ts)] = hour
    if not batch:
        return 0
    rows = session.execute(select(OutdoorTemperature.ts, OutdoorTemperature.kind, OutdoorTemperature.fetched_at)
                           .where(OutdoorTemperature.ts >= min(batch), OutdoorTemperature.ts <= max(batch)))
    stored = {ts: (kind, at) for ts, kind, at in rows}
    inserts, updates = [], []
    for ts, hour in batch.items():
        row = {"ts": ts, "temperature_c": float(hour.temperature_c), "kind": hour.kind, "source": source,
               "fetched_at": fetched_at}
        old = stored.get(ts)
        if old is None:
            inserts.append(row)
        elif not (old[0] == "observed" and hour.kind == "forecast") and fetched_at >= old[1]:
            updates.append(row)
    if inserts:
        session.execute(insert(OutdoorTemperature), inserts)
    if updates:
        session.execute(update(OutdoorTemperature), updates)  # by primary key
    return len(inserts) + len(updates)


def temperature_series(session: Session, start: dt.datetime, end: dt.datetime) -> pd.Series:
    """Stored temperatures (deg C) of the UTC hours in [start, end), indexed by naive UTC hour stamps, only the
    hours held (no grid): the caller puts them on its own clock."""
    rows = session.execute(select(OutdoorTemperature.ts, OutdoorTemperature.temperature_c)
                           .where(OutdoorTemperature.ts >= start, OutdoorTemperature.ts < end)
                           .order_by(OutdoorTemperature.ts)).all()
    index = pd.DatetimeIndex([ts.astimezone(dt.timezone.utc).replace(tzinfo=None) for ts, _ in rows], name="timestamp")
    return pd.Series([float(t) for _, t in rows], index=index, dtype=float, name="temperature_c")


def stored_temperature(database_url: str, start: dt.datetime, end: dt.datetime, tz: str | None) -> pd.Series | None:
    """The temperatures of [start, end) for a forecast: on naive campus wall-clock hours of `tz` (the clock the
    models' histories use; a repeated autumn hour is averaged), or on naive UTC hours when `tz` is None. None when
    none is stored, so callers behave exactly as without a feed."""
    with session_scope(database_url) as session:
        utc = temperature_series(session, start, end)
    if utc.empty:
        return None
    return utc if tz is None else local_hours(utc, tz, mean=True)


def hours_stored(session: Session, start: dt.datetime, end: dt.datetime) -> int:
    return int(session.scalar(select(func.count()).select_from(OutdoorTemperature)
                              .where(OutdoorTemperature.ts >= start, OutdoorTemperature.ts < end)) or 0)


def year_coverage(session: Session, now: dt.datetime) -> float:
    """The share of the hours of the 365 days before `now` that have a stored temperature."""
    return hours_stored(session, now - YEAR, now) / (YEAR / dt.timedelta(hours=1))


def weather_summary(session: Session, now: dt.datetime) -> WeatherSummary:
    count, first, last = session.execute(select(func.count(), func.min(OutdoorTemperature.ts),
                                                func.max(OutdoorTemperature.ts))).one()
    newest = session.scalar(select(func.max(OutdoorTemperature.ts)).where(OutdoorTemperature.kind == "forecast"))
    return WeatherSummary(int(count or 0), _aware(first), _aware(last), year_coverage(session, now), _aware(newest))


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    """Aggregates bypass the column type, so SQLite hands back naive UTC (or even text)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value.astimezone(dt.timezone.utc)
