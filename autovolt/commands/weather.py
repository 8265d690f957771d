"""`autovolt weather fetch|load|show`: the outdoor temperature the forecasts learn from."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING

from autovolt.cli import UserError
from autovolt.settings import Settings, load_settings

if TYPE_CHECKING:
    from store.campus import Campus

# Heavy imports (SQLAlchemy, pandas, httpx) happen inside the commands, so other commands start fast.


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}") from None


def register(subparsers: argparse._SubParsersAction) -> None:
    weather = subparsers.add_parser("weather", help="the outdoor temperature the forecasts learn from")
    sub = weather.add_subparsers(dest="weather_command", metavar="ACTION", required=True)
    fetch = sub.add_parser("fetch", help="fetch the temperature forecast now (Open-Meteo); --since also backfills")
    fetch.add_argument("--since", type=_day, metavar="YYYY-MM-DD", help="also store the archive's hours from this day")
    fetch.set_defaults(func=cmd_fetch)
    load = sub.add_parser("load", help="store temperatures from a CSV (timestamp,temperature), e.g. when offline")
    load.add_argument("--input", required=True, type=Path, metavar="CSV")
    load.add_argument("--kind", choices=("observed", "forecast"), default="observed",
                      help="what the file holds (default observed)")
    load.set_defaults(func=cmd_load)
    show = sub.add_parser("show", help="what is stored: hours, span, the last year's coverage, the newest forecast")
    show.add_argument("--json", action="store_true", help="machine-readable output")
    show.set_defaults(func=cmd_show)


def _campus(settings: Settings) -> Campus:
    from store.db import DatabaseError, session_scope, upgrade
    from store.registry import load_registry

    try:
        upgrade(settings.effective_database_url)
        with session_scope(settings.effective_database_url) as session:
            campus = load_registry(session)
    except DatabaseError as exc:
        raise UserError(str(exc)) from None
    if campus is None:
        raise UserError("no campus loaded yet: run `autovolt campus load FILE`")
    return campus


def cmd_fetch(args: argparse.Namespace) -> int:
    from autovolt.weather_feed import OpenMeteo
    from autovolt.weather_jobs import backfill, refresh_forecast

    settings = load_settings()
    campus = _campus(settings)
    if campus.coordinates is None:
        raise UserError("the campus has no coordinates: add latitude and longitude under `campus:` in the campus "
                        "file and load it (or use `autovolt weather load --input CSV`)")
    now = dt.datetime.now(dt.timezone.utc)
    if args.since is not None and args.since >= now.date():
        raise UserError(f"--since must be a day before today, got {args.since.isoformat()}")
    feed, url = OpenMeteo.from_settings(settings), settings.effective_database_url
    reports = backfill(url, feed, campus.coordinates, args.since, now=now) if args.since is not None else []
    reports.append(refresh_forecast(url, feed, campus.coordinates, now))
    for report in reports:
        print(report.line())
    return 1 if any(r.error for r in reports) else 0


def cmd_load(args: argparse.Namespace) -> int:
    from autovolt.weather_csv import WeatherCsvError, read_temperature_csv
    from store.db import session_scope
    from store.weather import upsert_temperatures

    settings = load_settings()
    campus = _campus(settings)
    try:
        hours = read_temperature_csv(args.input, campus.timezone, args.kind)
    except WeatherCsvError as exc:
        raise UserError(str(exc)) from None
    with session_scope(settings.effective_database_url) as session:
        written = upsert_temperatures(session, hours, f"csv:{args.input.name}"[:64], dt.datetime.now(dt.timezone.utc))
    print(f"{args.input}: {len(hours)} {args.kind} hours from {_when(hours[0].ts, campus.timezone)} to "
          f"{_when(hours[-1].ts, campus.timezone)}, {written} written")
    return 0


def _when(ts: dt.datetime | None, tz: str) -> str:
    from zoneinfo import ZoneInfo

    return ts.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M %Z") if ts is not None else "-"


def cmd_show(args: argparse.Namespace) -> int:
    from store.db import session_scope
    from store.weather import weather_summary

    settings = load_settings()
    campus = _campus(settings)
    with session_scope(settings.effective_database_url) as session:
        summary = weather_summary(session, dt.datetime.now(dt.timezone.utc))
    feed = ("off (AUTOVOLT_WEATHER_ENABLED is false)" if not settings.weather_enabled
            else "off (the campus file gives no latitude and longitude)" if campus.coordinates is None
            else f"hourly from Open-Meteo at {campus.latitude:g}, {campus.longitude:g}")
    if args.json:
        row = {k: (v.isoformat() if isinstance(v, dt.datetime) else v) for k, v in dataclasses.asdict(summary).items()}
        print(json.dumps({**row, "year_coverage": round(summary.year_coverage, 4), "feed": feed}, indent=2))
        return 0
    print(f"Outdoor temperature: {summary.hours} hours stored"
          + (f", {_when(summary.first, campus.timezone)} to {_when(summary.last, campus.timezone)}" if summary.hours else ""))
    print(f"Last 365 days covered: {100 * summary.year_coverage:.1f} % (the forecasts learn from it at 80 %)")
    print(f"Newest forecast hour: {_when(summary.newest_forecast, campus.timezone)}")
    print(f"Feed: {feed}")
    return 0
