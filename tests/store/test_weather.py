"""The outdoor temperature store: upserts where the newest fetch wins and observed values stand, range reads on
both databases, and what `weather show` summarises."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from store.db import session_scope, upgrade
from store.weather import (TemperatureHour, stored_temperature, temperature_series, upsert_temperatures,
                           weather_summary, year_coverage)

UTC = dt.timezone.utc
T0 = dt.datetime(2026, 3, 1, tzinfo=UTC)
EARLY, LATE = T0 + dt.timedelta(days=1), T0 + dt.timedelta(days=2)


def _hours(n: int, temp: float, kind: str, start: dt.datetime = T0) -> list[TemperatureHour]:
    return [TemperatureHour(start + dt.timedelta(hours=i), temp + i, kind) for i in range(n)]


def _read(url: str, start: dt.datetime = T0, end: dt.datetime = T0 + dt.timedelta(days=3)) -> pd.Series:
    with session_scope(url) as s:
        return temperature_series(s, start, end)


def test_a_batch_reads_back_as_a_series_of_its_utc_hours(db_url):
    upgrade(db_url)
    ist = dt.timezone(dt.timedelta(hours=5, minutes=30))
    with session_scope(db_url) as s:  # any zone in, UTC hour starts stored
        assert upsert_temperatures(s, [TemperatureHour(T0.astimezone(ist), 20.0, "observed"),
                                       TemperatureHour(T0 + dt.timedelta(hours=1, minutes=20), 21.5, "observed")],
                                   "test", EARLY) == 2
    series = _read(db_url)
    assert list(series.index) == [pd.Timestamp("2026-03-01 00:00"), pd.Timestamp("2026-03-01 01:00")]
    assert series.tolist() == [20.0, 21.5] and series.index.tz is None
    assert _read(db_url, T0 + dt.timedelta(hours=1)).tolist() == [21.5]  # [start, end)


def test_the_newest_fetch_wins_but_a_forecast_never_replaces_an_observation(db_url):
    upgrade(db_url)
    with session_scope(db_url) as s:
        upsert_temperatures(s, _hours(4, 10.0, "forecast"), "feed", EARLY)
        upsert_temperatures(s, _hours(2, 30.0, "observed", T0 + dt.timedelta(hours=2)), "feed", EARLY)
    with session_scope(db_url) as s:
        # A newer forecast replaces the older forecast of hours 0-1, not the observations of hours 2-3.
        assert upsert_temperatures(s, _hours(4, 50.0, "forecast"), "feed", LATE) == 2
        # An older fetch changes nothing; a newer observation replaces an observation.
        assert upsert_temperatures(s, _hours(1, 70.0, "observed"), "feed", EARLY) == 0
        assert upsert_temperatures(s, _hours(1, 80.0, "observed", T0 + dt.timedelta(hours=3)), "csv:x", LATE) == 1
    assert _read(db_url).tolist() == [50.0, 51.0, 30.0, 80.0]
    with session_scope(db_url) as s:
        with pytest.raises(ValueError, match="kind"):
            upsert_temperatures(s, _hours(1, 1.0, "guess"), "feed", LATE)
        with pytest.raises(ValueError, match="naive"):
            upsert_temperatures(s, [TemperatureHour(dt.datetime(2026, 3, 1), 1.0, "observed")], "feed", LATE)


def test_local_temperature_is_on_the_campus_clock_and_none_without_data(db_url):
    upgrade(db_url)
    assert stored_temperature(db_url, T0, LATE, "Europe/London") is None
    autumn = dt.datetime(2025, 10, 25, 23, tzinfo=UTC)  # 00:00 and 01:00 UTC are both 01:xx in London on the 26th
    with session_scope(db_url) as s:
        upsert_temperatures(s, [TemperatureHour(autumn + dt.timedelta(hours=i), t, "observed")
                                for i, t in enumerate([8.0, 10.0, 12.0, 14.0])], "feed", EARLY)
    local = stored_temperature(db_url, autumn, autumn + dt.timedelta(hours=4), "Europe/London")
    assert local.to_dict() == {pd.Timestamp("2025-10-26 00:00"): 8.0, pd.Timestamp("2025-10-26 01:00"): 11.0,
                               pd.Timestamp("2025-10-26 02:00"): 14.0}
    utc = stored_temperature(db_url, autumn, autumn + dt.timedelta(hours=4), None)  # the UTC hours as stored
    assert utc.tolist() == [8.0, 10.0, 12.0, 14.0] and utc.index[0] == pd.Timestamp("2025-10-25 23:00")


def test_summary_counts_hours_coverage_and_the_newest_forecast(db_url):
    upgrade(db_url)
    now = T0 + dt.timedelta(hours=30, minutes=10)
    with session_scope(db_url) as s:
        empty = weather_summary(s, now)
        assert (empty.hours, empty.first, empty.newest_forecast, empty.year_coverage) == (0, None, None, 0.0)
        upsert_temperatures(s, _hours(31, 5.0, "observed"), "feed", now)
        upsert_temperatures(s, _hours(10, 5.0, "forecast", T0 + dt.timedelta(hours=31)), "feed", now)
    with session_scope(db_url) as s:
        summary = weather_summary(s, now)
        assert year_coverage(s, now) == pytest.approx(31 / 8760)
    assert summary.hours == 41 and summary.first == T0
    assert summary.last == summary.newest_forecast == T0 + dt.timedelta(hours=40)
    assert summary.year_coverage == pytest.approx(31 / 8760)
