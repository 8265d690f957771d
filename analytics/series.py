"""Turn raw meter readings into the regular hourly series every other analytics module expects."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

HOUR = pd.Timedelta(hours=1)
WEEK_HOURS = 168
DAY_HOURS = 24


# A UTC offset (or Z) at the end of a timestamp with a time of day: "2025-03-30T02:00:00+01:00" -> "2025-03-30T02:00:00".
_OFFSET = re.compile(r"^(.*\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(?:Z|UTC|[+-]\d{2}(?::?\d{2})?)$", re.IGNORECASE)


def wall_clock(raw: pd.Series) -> pd.Series:
    """Timestamp texts as the wall-clock time they state, their UTC offset dropped. A campus runs on its own clock
    (classes start at 09:00 summer and winter), so hour-of-week patterns and holidays are learnt on local time; a
    file whose offset changes with daylight saving then has one hour missing in spring and one hour twice in autumn
    (averaged), instead of every summer hour shifted by one (or a parse error for mixed offsets)."""
    return raw.astype(str).str.strip().str.replace(_OFFSET, r"\1", regex=True)


def local_hours(data: pd.Series | pd.DataFrame, tz: str | ZoneInfo, *, mean: bool = False) -> pd.Series | pd.DataFrame:
    """Energy on naive UTC hours (as the store keeps it) moved to naive campus wall-clock hours, on a gap-free grid.
    A half-hour zone's hour is filed under the local hour it starts in; a repeated autumn hour is summed, a skipped
    spring hour is missing. `mean`: average instead of sum, for a level such as a temperature."""
    if len(data.index) == 0:
        return data
    local = data.index.tz_localize("UTC").tz_convert(tz).tz_localize(None).floor("h")
    groups = data.groupby(local)
    out = groups.mean() if mean else groups.sum(min_count=1)
    out = out.reindex(pd.date_range(out.index[0], out.index[-1], freq="h"))
    out.index.name = data.index.name
    return out


def utc_hours(index: pd.DatetimeIndex, tz: str | ZoneInfo) -> pd.DatetimeIndex:
    """Naive campus wall-clock stamps back to naive UTC (a skipped hour moves forward, a repeated one takes the
    first)."""
    aware = index.tz_localize(tz, ambiguous=np.ones(len(index), dtype=bool), nonexistent="shift_forward")
    return aware.tz_convert("UTC").tz_localize(None)


class SeriesError(ValueError):
    """The readings cannot be turned into an hourly series; the message says why in one line."""


def hourly_series(frame: pd.DataFrame, *, time_col: str = "timestamp", value_col: str = "value") -> pd.Series:
    """Return a float Series on a gap-free hourly grid (naive timestamps) from `timestamp,value` rows.

    Sub-hourly readings are averaged (values are taken as average power over the interval), duplicate
    timestamps are averaged, missing hours become NaN. Time-zone-aware stamps keep their local wall-clock time
    (a campus runs on its own clock; across a daylight-saving change one hour is missing, or averaged twice).
    Values <= 0 are kept here: callers decide (forecasting treats them as missing, fault detection needs them).
    """
    missing = [c for c in (time_col, value_col) if c not in frame.columns]
    if missing:
        raise SeriesError(f"expected columns {time_col},{value_col}; missing {','.join(missing)} (found {','.join(map(str, frame.columns))})")
    if frame.empty:
        raise SeriesError("no rows")
    raw = frame[time_col]
    texts = raw.dtype == object or pd.api.types.is_string_dtype(raw)
    stamps = pd.to_datetime(wall_clock(raw) if texts else raw, errors="coerce", utc=False, format="mixed")
    if getattr(stamps.dt, "tz", None) is not None:
        stamps = stamps.dt.tz_localize(None)
    values = pd.to_numeric(frame[value_col], errors="coerce")
    bad_time = int(stamps.isna().sum())
    if bad_time == len(frame):
        raise SeriesError(f"no parseable timestamps in column {time_col}")
    series = pd.Series(values.to_numpy(dtype=float), index=pd.DatetimeIndex(stamps), name="value")
    series = series[series.index.notna()].sort_index()
    series = series.groupby(series.index.floor("h")).mean()
    full = pd.date_range(series.index[0], series.index[-1], freq="h")
    series = series.reindex(full)
    series.index.name = "timestamp"
    return series.astype(float)


def positive(series: pd.Series) -> pd.Series:
    """Readings <= 0 become NaN (for checks that need real use, such as a dead-meter rule's training hours)."""
    return series.where(series > 0)


# Zero readings are use (a switch or room that is off) when they are a real share of the readings and come back
# again and again; a building's meter reading zero once or twice (a logger outage) is a gap. On the Cambridge
# buildings the zeros are 0-0.4 % of the hours in 0-4 runs; a classroom off every night or weekend has hundreds.
ZERO_SHARE = 0.01
ZERO_RUNS = 3


def zeros_are_readings(values: np.ndarray | pd.Series) -> bool:
    """Whether the series' zero readings mean 'nothing used' (True) rather than 'no reading' (False)."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    zero = v == 0
    if v.size == 0 or zero.mean() < ZERO_SHARE:
        return False
    starts = int(zero[0]) + int(np.count_nonzero(zero[1:] & ~zero[:-1]))
    return starts >= ZERO_RUNS


def usable(series: pd.Series) -> pd.Series:
    """The readings the forecast models learn from: negative readings are missing; zero readings are kept as no use
    where the series is often at zero (`zeros_are_readings`), and missing where zero means an outage."""
    # On the array, not with Series.where: a backtest calls this on every origin's history (~10 % of a choice's CPU).
    v = series.to_numpy(dtype=float, copy=True)
    v[v < 0] = np.nan
    if not zeros_are_readings(v):
        v[v == 0] = np.nan
    return pd.Series(v, index=series.index, name=series.name)


def hour_of_week(index: pd.DatetimeIndex) -> np.ndarray:
    """0 = Monday 00:00 ... 167 = Sunday 23:00."""
    return (index.day_of_week.to_numpy() * 24 + index.hour.to_numpy()).astype(np.int64)


def future_index(last: pd.Timestamp, horizon: int) -> pd.DatetimeIndex:
    """The `horizon` hourly stamps after `last`."""
    return pd.date_range(last + HOUR, periods=horizon, freq="h")
