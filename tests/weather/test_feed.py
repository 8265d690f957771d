"""The Open-Meteo feed against a local stand-in: what it asks, what it stores (observed up to now, forecast after),
the archive backfill in chunks, and every failure writing nothing and raising nothing."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

import pytest
from sqlalchemy import func, select

from autovolt.weather_feed import OpenMeteo
from autovolt.weather_jobs import (ARCHIVE_CHUNK_DAYS, WeatherComponent, backfill, backfill_if_sparse,
                                   refresh_forecast)
from store import models as m
from store.db import session_scope, upgrade
from store.weather import TemperatureHour, temperature_series, upsert_temperatures
from tests.weather.conftest import COORDS

UTC = dt.timezone.utc


@pytest.fixture
def url(sqlite_url: str) -> str:
    upgrade(sqlite_url)
    return sqlite_url


def _feed(fake, timeout_s: float = 5.0) -> OpenMeteo:
    return OpenMeteo(fake.forecast_url, fake.archive_url, timeout_s)


def _rows(url: str) -> list[tuple[dt.datetime, float, str, str]]:
    with session_scope(url) as s:
        return [tuple(r) for r in s.execute(select(m.OutdoorTemperature.ts, m.OutdoorTemperature.temperature_c,
                                                   m.OutdoorTemperature.kind, m.OutdoorTemperature.source)
                                            .order_by(m.OutdoorTemperature.ts))]


def test_the_forecast_is_asked_for_with_the_coordinates_only_and_stored_by_kind(url, open_meteo):
    now = dt.datetime.now(UTC)
    report = refresh_forecast(url, _feed(open_meteo), COORDS, now)
    assert open_meteo.requests == [("/v1/forecast", {"latitude": "18.5204", "longitude": "73.8567",
                                                     "hourly": "temperature_2m", "past_days": "2",
                                                     "forecast_days": "3", "timezone": "UTC"})]
    rows = _rows(url)
    assert report.error is None and report.written == len(rows) == 5 * 24
    assert all((kind == "observed") == (ts <= now) for ts, _, kind, _ in rows)
    assert report.observed == sum(kind == "observed" for *_, kind, _ in rows) and 48 <= report.observed <= 72
    assert all(temp == 20.0 + ts.hour % 12 and source == "open-meteo" for ts, temp, _, source in rows)
    # An hour later the same hours come again: the forecast of an hour now past becomes observed.
    again = refresh_forecast(url, _feed(open_meteo), COORDS, now + dt.timedelta(hours=1))
    assert again.observed == report.observed + 1 and len(_rows(url)) == 5 * 24


@pytest.mark.parametrize(("mode", "reason"), [
    ("http-500", "answered HTTP 500"),
    ("http-429", "rate limiting (HTTP 429), retry after 60 s"),
    ("slow", "timed out after 0.3 s"),
    ("not-json", "not JSON"),
    ("all-nulls", "no temperatures in the response (120 hours null)"),
    ("ragged", "malformed response"),
    ("offset", "not on UTC"),
])
def test_a_failed_fetch_logs_one_warning_writes_nothing_and_raises_nothing(url, open_meteo, caplog, mode, reason):
    earlier = dt.datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=1)
    with session_scope(url) as s:
        upsert_temperatures(s, [TemperatureHour(earlier, 12.5, "forecast")], "open-meteo", earlier)
    open_meteo.mode = mode
    with caplog.at_level(logging.INFO, logger="autovolt.weather_jobs"):
        report = refresh_forecast(url, _feed(open_meteo, timeout_s=0.3), COORDS)
    assert report.error is not None and reason in report.error, report.error
    assert "73.8567" not in report.error  # the query stays out of messages
    assert _rows(url) == [(earlier, 12.5, "forecast", "open-meteo")]
    records = [r for r in caplog.records if r.name == "autovolt.weather_jobs"]
    assert [(r.levelname, r.getMessage()) for r in records] == [("WARNING", "weather fetch failed")]
    assert records[0].kv == {"what": "forecast", "reason": report.error}
    # The next run retries and succeeds.
    open_meteo.mode = "ok"
    assert refresh_forecast(url, _feed(open_meteo), COORDS).written == 120


def test_null_hours_are_skipped_and_the_rest_stored(url, open_meteo, caplog):
    open_meteo.mode = "some-nulls"
    with caplog.at_level(logging.WARNING, logger="autovolt.weather_jobs"):
        report = refresh_forecast(url, _feed(open_meteo), COORDS)
    assert (report.written, report.missing) == (108, 12) and len(_rows(url)) == 108
    assert all(temp is not None for _, temp, *_ in _rows(url))
    assert [r.getMessage() for r in caplog.records] == ["weather fetch incomplete"]


def test_the_archive_backfills_in_chunks_of_at_most_90_days(url, open_meteo):
    end = dt.date(2026, 6, 30)
    start = end - dt.timedelta(days=199)
    reports = backfill(url, _feed(open_meteo), COORDS, start, end, now=dt.datetime(2026, 7, 5, tzinfo=UTC))
    spans = [(dt.date.fromisoformat(q["start_date"]), dt.date.fromisoformat(q["end_date"]))
             for path, q in open_meteo.requests if path == "/v1/archive"]
    assert spans[0][0] == start and spans[-1][1] == end and len(spans) == 3
    assert all((b - a).days + 1 <= ARCHIVE_CHUNK_DAYS for a, b in spans)
    assert all(nxt[0] == prev[1] + dt.timedelta(days=1) for prev, nxt in zip(spans, spans[1:]))
    assert [r.error for r in reports] == [None] * 3 and sum(r.written for r in reports) == 200 * 24
    rows = _rows(url)
    assert len(rows) == 200 * 24 and {(kind, source) for *_, kind, source in rows} == {("observed", "open-meteo-archive")}


def test_start_up_backfills_a_sparse_year_once_and_skips_an_unreachable_archive(url, open_meteo):
    now = dt.datetime.now(UTC)
    open_meteo.mode = "http-500"
    failed = backfill_if_sparse(url, _feed(open_meteo), COORDS, now)
    assert len(failed) == 1 and failed[0].error and len(open_meteo.requests) == 1  # one try, no storm of chunks
    open_meteo.mode = "ok"
    done = backfill_if_sparse(url, _feed(open_meteo), COORDS, now)
    assert len(done) == 5 and all(r.error is None for r in done)
    with session_scope(url) as s:
        stored = s.scalar(select(func.count()).select_from(m.OutdoorTemperature))
    assert stored == 365 * 24
    assert backfill_if_sparse(url, _feed(open_meteo), COORDS, now) == []  # covered now: nothing asked
    assert len(open_meteo.requests) == 6


async def test_the_service_component_backfills_and_fetches_at_start(url, open_meteo):
    component = WeatherComponent(url, _feed(open_meteo), COORDS)
    await component.start()
    try:
        for _ in range(200):
            if any(path == "/v1/forecast" for path, _ in open_meteo.requests) and len(_rows(url)) > 365 * 24:
                break
            await asyncio.sleep(0.1)
        jobs = {job.id: job for job in component.scheduler.get_jobs()}
        hourly = jobs["weather.forecast"]
        assert hourly.trigger.interval == dt.timedelta(hours=1)
    finally:
        await component.stop()
    paths = [path for path, _ in open_meteo.requests]
    assert paths.count("/v1/archive") == 5 and paths[-1] == "/v1/forecast"
    with session_scope(url) as s:
        series = temperature_series(s, dt.datetime.now(UTC) - dt.timedelta(days=400), dt.datetime.now(UTC) + dt.timedelta(days=4))
    # The forecast runs to the last hour of its third day (today and two more, on the feed's UTC days); late in a UTC
    # day that is less than 2 days ahead, so the check is "more than a day ahead, to the end of a day".
    latest = series.index.max()
    assert latest > dt.datetime.now(UTC).replace(tzinfo=None) + dt.timedelta(days=1) and latest.hour == 23


async def test_the_component_survives_an_unreachable_feed(url):
    component = WeatherComponent(url, OpenMeteo("http://127.0.0.1:9/v1/forecast", "http://127.0.0.1:9/v1/archive", 1.0),
                                 COORDS)
    await component.on_start()  # refused connections: warnings only
    await component.hourly()
    assert _rows(url) == []
