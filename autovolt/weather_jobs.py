"""Fetch the outdoor temperature and store it: the hourly forecast refresh, the archive backfill, and the service
component that schedules them. A failed fetch logs one warning and writes nothing; the next run tries again."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from autovolt.weather_feed import OpenMeteo, RawHour, WeatherFeedError, archive_chunks
from store.db import session_scope
from store.weather import TemperatureHour, upsert_temperatures, year_coverage

log = logging.getLogger(__name__)

FORECAST_SOURCE = "open-meteo"
ARCHIVE_SOURCE = "open-meteo-archive"
ARCHIVE_CHUNK_DAYS = 90  # Open-Meteo answers a quarter's hours quickly; a year in one request is slow and large
# Below this share of the last year stored, the start-up backfills it (the day-ahead model wants 80 % of its
# training hours: analytics.dayahead.MIN_WEATHER_COVERAGE).
BACKFILL_BELOW = 0.8
BACKFILL_DAYS = 365
FORECAST_EVERY = dt.timedelta(hours=1)


@dataclass(frozen=True)
class FetchReport:
    """One request's outcome. what: "forecast" or "archive START..END"; written: hours inserted or replaced;
    observed / forecast: usable hours of each kind; missing: null hours skipped; error: why nothing was written."""

    what: str
    written: int = 0
    observed: int = 0
    forecast: int = 0
    missing: int = 0
    error: str | None = None

    def line(self) -> str:
        if self.error:
            return f"{self.what}: failed: {self.error}"
        gaps = f", {self.missing} hours without a value" if self.missing else ""
        return (f"{self.what}: {self.observed} observed and {self.forecast} forecast hours, {self.written} written"
                f"{gaps}")


def _store(database_url: str, what: str, raw: list[RawHour], now: dt.datetime, source: str) -> FetchReport:
    """Hours up to `now` are observed, later ones forecast; null hours are skipped, an all-null answer is a failure."""
    hours = [TemperatureHour(h.ts, h.temperature_c, "observed" if h.ts <= now else "forecast")
             for h in raw if h.temperature_c is not None]
    missing = len(raw) - len(hours)
    if not hours:
        return _failed(what, f"no temperatures in the response ({missing} hours null)")
    with session_scope(database_url) as session:
        written = upsert_temperatures(session, hours, source, now)
    observed = sum(h.kind == "observed" for h in hours)
    report = FetchReport(what, written, observed, len(hours) - observed, missing)
    if missing:
        log.warning("weather fetch incomplete", extra={"kv": {"what": what, "written": written, "missing": missing}})
    else:
        log.info("weather fetched", extra={"kv": {"what": what, "written": written, "observed": observed,
                                                  "forecast": report.forecast}})
    return report


def _failed(what: str, reason: str) -> FetchReport:
    log.warning("weather fetch failed", extra={"kv": {"what": what, "reason": reason}})
    return FetchReport(what, error=reason)


def refresh_forecast(database_url: str, feed: OpenMeteo, coordinates: tuple[float, float],
                     now: dt.datetime | None = None) -> FetchReport:
    """Fetch the last two days and the next three and store them."""
    now = now or dt.datetime.now(dt.timezone.utc)
    try:
        raw = feed.forecast(*coordinates)
    except WeatherFeedError as exc:
        return _failed("forecast", str(exc))
    return _store(database_url, "forecast", raw, now, FORECAST_SOURCE)


def backfill(database_url: str, feed: OpenMeteo, coordinates: tuple[float, float], start: dt.date,
             end: dt.date | None = None, now: dt.datetime | None = None) -> list[FetchReport]:
    """Store the archive's hours of start..end (default yesterday), ARCHIVE_CHUNK_DAYS at a time, oldest first.
    Stops at the first chunk that fails (an unreachable archive fails them all alike)."""
    now = now or dt.datetime.now(dt.timezone.utc)
    end = end or (now.date() - dt.timedelta(days=1))
    reports = []
    for first, last in archive_chunks(start, end, ARCHIVE_CHUNK_DAYS):
        what = f"archive {first.isoformat()}..{last.isoformat()}"
        try:
            raw = feed.archive(*coordinates, first, last)
        except WeatherFeedError as exc:
            reports.append(_failed(what, str(exc)))
            break
        reports.append(_store(database_url, what, raw, now, ARCHIVE_SOURCE))
    return reports


def backfill_if_sparse(database_url: str, feed: OpenMeteo, coordinates: tuple[float, float],
                       now: dt.datetime | None = None) -> list[FetchReport]:
    """Backfill the last BACKFILL_DAYS from the archive when less than BACKFILL_BELOW of them is stored."""
    now = now or dt.datetime.now(dt.timezone.utc)
    with session_scope(database_url) as session:
        covered = year_coverage(session, now)
    if covered >= BACKFILL_BELOW:
        return []
    log.info("weather backfill", extra={"kv": {"days": BACKFILL_DAYS, "covered": round(covered, 3)}})
    return backfill(database_url, feed, coordinates, now.date() - dt.timedelta(days=BACKFILL_DAYS), now=now)


class WeatherComponent:
    """At start: the archive backfill when the last year is sparse, then the forecast; after that the forecast
    every hour. The jobs live in memory (they run at every start anyway) and never raise into the scheduler."""

    name = "weather"

    def __init__(self, database_url: str, feed: OpenMeteo, coordinates: tuple[float, float]) -> None:
        self.database_url = database_url
        self.feed = feed
        self.coordinates = coordinates
        self.scheduler: Any = None

    async def _run(self, job: str, func: Any, *args: Any) -> Any:
        try:
            return await asyncio.to_thread(func, self.database_url, self.feed, self.coordinates, *args)
        except Exception as exc:  # a store error (say, the database restarting): the next run retries
            log.warning("weather job failed", extra={"kv": {"job": job, "error": f"{type(exc).__name__}: {exc}"[:300]}})
            return None

    async def on_start(self) -> None:
        await self._run("backfill", backfill_if_sparse)
        await self._run("forecast", refresh_forecast)

    async def hourly(self) -> None:
        await self._run("forecast", refresh_forecast)

    async def start(self) -> None:
        from apscheduler.schedulers.asyncio import AsyncIOScheduler
        from apscheduler.triggers.interval import IntervalTrigger

        now = dt.datetime.now(dt.timezone.utc)
        self.scheduler = AsyncIOScheduler(timezone=dt.timezone.utc, event_loop=asyncio.get_running_loop(),
                                          job_defaults={"coalesce": True, "max_instances": 1,
                                                        "misfire_grace_time": None})
        self.scheduler.add_job(self.on_start, "date", run_date=now, id="weather.start", name="weather at start")
        self.scheduler.add_job(self.hourly, IntervalTrigger(hours=1, start_date=now + FORECAST_EVERY, timezone=dt.timezone.utc),
                               id="weather.forecast", name="hourly weather forecast")
        self.scheduler.start()
        log.info("weather feed scheduled", extra={"kv": {"every": "1h", "latitude": self.coordinates[0],
                                                         "longitude": self.coordinates[1]}})

    async def stop(self) -> None:
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
            self.scheduler = None
