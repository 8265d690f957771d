"""Outdoor temperatures from a CSV file (`timestamp,temperature`), for campuses whose service cannot reach the
internet: a weather station's export, or a download made elsewhere."""

from __future__ import annotations

import csv
import datetime as dt
import math
from pathlib import Path
from zoneinfo import ZoneInfo

from autovolt.weather_feed import PLAUSIBLE_C
from store.weather import TemperatureHour

COLUMNS = ("timestamp", "temperature")


class WeatherCsvError(Exception):
    """The file cannot be used; the message is one line naming the file and the first bad line."""


def read_temperature_csv(path: Path, tz: str, kind: str = "observed") -> list[TemperatureHour]:
    """Every row's temperature, averaged per UTC hour. A stamp without a UTC offset is campus wall-clock time in
    `tz` (a repeated autumn hour is taken as its first pass); one with an offset (or Z) is the instant it states."""
    zone = ZoneInfo(tz)
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                raise WeatherCsvError(f"{path}:1: the file is empty")
            names = [h.strip().lower() for h in header]
            missing = [c for c in COLUMNS if c not in names]
            if missing:
                raise WeatherCsvError(f"{path}:1: expected columns timestamp,temperature; missing {','.join(missing)}")
            at, temp_at = names.index("timestamp"), names.index("temperature")
            sums: dict[dt.datetime, list[float]] = {}
            for row in reader:
                if not any(cell.strip() for cell in row):
                    continue
                where = f"{path}:{reader.line_num}"
                if len(row) <= max(at, temp_at):
                    raise WeatherCsvError(f"{where}: expected {len(names)} columns, found {len(row)}")
                hour = _utc_hour(row[at], zone, where)
                sums.setdefault(hour, []).append(_temperature(row[temp_at], where))
    except FileNotFoundError:
        raise WeatherCsvError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise WeatherCsvError(f"{path}: cannot read: {str(exc).splitlines()[0]}") from None
    if not sums:
        raise WeatherCsvError(f"{path}:2: no rows after the header")
    return [TemperatureHour(hour, sum(v) / len(v), kind) for hour, v in sorted(sums.items())]


def _utc_hour(text: str, zone: ZoneInfo, where: str) -> dt.datetime:
    try:
        stamp = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise WeatherCsvError(f"{where}: timestamp {text.strip()[:40]!r} is not an ISO date and time, "
                              "e.g. 2026-03-01 14:00 or 2026-03-01T14:00+05:30") from None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=zone)
    return stamp.astimezone(dt.timezone.utc).replace(minute=0, second=0, microsecond=0)


def _temperature(text: str, where: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise WeatherCsvError(f"{where}: temperature {text.strip()[:40]!r} is not a number") from None
    if not math.isfinite(value) or not PLAUSIBLE_C[0] <= value <= PLAUSIBLE_C[1]:
        raise WeatherCsvError(f"{where}: temperature {value:g} is not a plausible outdoor temperature in deg C")
    return value
