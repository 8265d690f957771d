"""`autovolt weather fetch|load|show` as a user runs them: a real process against the local Open-Meteo stand-in,
real exit codes, one-line errors, nothing written from a bad file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from store.db import session_scope
from store.weather import temperature_series
from tests.cli.test_campus_cli import run
from tests.conftest import MINIMAL_CAMPUS
from tests.weather.conftest import CAMPUS_WITH_COORDS

UTC = dt.timezone.utc
FAR = (dt.datetime(2000, 1, 1, tzinfo=UTC), dt.datetime(2100, 1, 1, tzinfo=UTC))


@pytest.fixture
def env(tmp_path: Path, open_meteo) -> dict[str, str]:
    env = {"AUTOVOLT_DATABASE_URL": f"sqlite:///{tmp_path / 'a.db'}",
           "AUTOVOLT_WEATHER_FORECAST_URL": open_meteo.forecast_url,
           "AUTOVOLT_WEATHER_ARCHIVE_URL": open_meteo.archive_url}
    campus = tmp_path / "campus.yaml"
    campus.write_text(CAMPUS_WITH_COORDS)
    assert run(["campus", "load", str(campus)], tmp_path, **env).returncode == 0
    return env


def _stored(env: dict[str, str]) -> pd.Series:
    with session_scope(env["AUTOVOLT_DATABASE_URL"]) as s:
        return temperature_series(s, *FAR)


def test_fetch_with_since_backfills_then_show_reports_it(tmp_path, env, open_meteo):
    since = dt.datetime.now(UTC).date() - dt.timedelta(days=100)
    fetched = run(["weather", "fetch", "--since", since.isoformat()], tmp_path, **env)
    assert fetched.returncode == 0, fetched.stderr
    lines = fetched.stdout.splitlines()
    assert len(lines) == 3 and lines[0].startswith(f"archive {since.isoformat()}..") and lines[-1].startswith("forecast: ")
    assert [p for p, _ in open_meteo.requests] == ["/v1/archive", "/v1/archive", "/v1/forecast"]
    assert len(_stored(env)) == 100 * 24 + 3 * 24  # yesterday and today overlap the forecast's past days
    show = run(["weather", "show"], tmp_path, **env)
    assert show.returncode == 0, show.stderr
    assert f"Outdoor temperature: {103 * 24} hours stored" in show.stdout
    assert "Last 365 days covered: 27." in show.stdout  # 100 days and today's past hours
    assert "Newest forecast hour: " in show.stdout and "IST" in show.stdout
    assert "Feed: hourly from Open-Meteo at 18.5204, 73.8567" in show.stdout


def test_a_failed_fetch_exits_1_with_the_reason_and_no_coordinates_is_refused(tmp_path, env, open_meteo):
    open_meteo.mode = "http-429"
    failed = run(["weather", "fetch"], tmp_path, **env)
    assert failed.returncode == 1 and "forecast: failed:" in failed.stdout and "HTTP 429" in failed.stdout
    assert "Traceback" not in failed.stderr and _stored(env).empty
    assert run(["campus", "load", str(MINIMAL_CAMPUS)], tmp_path, **env).returncode == 0
    refused = run(["weather", "fetch"], tmp_path, **env)
    assert refused.returncode == 2 and "the campus has no coordinates" in refused.stderr
    assert len(open_meteo.requests) == 1
    show = run(["weather", "show"], tmp_path, **env)
    assert "0 hours stored" in show.stdout and "Feed: off (the campus file gives no latitude" in show.stdout


def test_load_reads_campus_wall_clock_or_the_stated_offset(tmp_path, env):
    csv = tmp_path / "station.csv"
    csv.write_text("Timestamp,Temperature\n"
                   "2026-03-01 10:00,30.0\n"          # Asia/Kolkata wall clock: 04:30 UTC
                   "2026-03-01 10:20,32.0\n"          # the same UTC hour: averaged
                   "2026-03-01T10:00:00Z,25.5\n"      # an instant
                   "2026-03-01T12:00+01:00,-3\n")
    loaded = run(["weather", "load", "--input", str(csv)], tmp_path, **env)
    assert loaded.returncode == 0, loaded.stderr
    assert "3 observed hours" in loaded.stdout and "3 written" in loaded.stdout
    assert _stored(env).to_dict() == {pd.Timestamp("2026-03-01 04:00"): 31.0, pd.Timestamp("2026-03-01 10:00"): 25.5,
                                      pd.Timestamp("2026-03-01 11:00"): -3.0}


@pytest.mark.parametrize(("body", "expected"), [
    ("time,temp\n2026-03-01 10:00,30\n", "bad.csv:1: expected columns timestamp,temperature; missing timestamp,temperature"),
    ("timestamp,temperature\n2026-03-01 10:00,30\nyesterday noon,31\n", "bad.csv:3: timestamp 'yesterday noon' is not"),
    ("timestamp,temperature\n2026-03-01 10:00,30\n2026-03-01 11:00,warm\n", "bad.csv:3: temperature 'warm' is not a number"),
    ("timestamp,temperature\n2026-03-01 10:00,30\n\n2026-03-01 11:00,300\n", "bad.csv:4: temperature 300 is not a plausible"),
    ("timestamp,temperature\n2026-03-01 10:00\n", "bad.csv:2: expected 2 columns, found 1"),
    ("timestamp,temperature\n", "bad.csv:2: no rows after the header"),
])
def test_a_bad_csv_is_one_line_naming_the_line_and_writes_nothing(tmp_path, env, body, expected):
    bad = tmp_path / "bad.csv"
    bad.write_text(body)
    result = run(["weather", "load", "--input", str(bad)], tmp_path, **env)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 2 and len(lines) == 1 and expected in lines[0], result.stderr
    assert _stored(env).empty
