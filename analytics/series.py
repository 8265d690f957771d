"""Turn raw meter readings into the regular hourly series every other analytics module expects."""

from __future__ import annotations

import numpy as np
import pandas as pd

HOUR = pd.Timedelta(hours=1)
WEEK_HOURS = 168
DAY_HOURS = 24


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
    stamps = pd.to_datetime(frame[time_col], errors="coerce", utc=False, format="mixed")
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
    """Readings <= 0 become NaN: on campus meters they mean 'no reading', never 'no use'."""
    return series.where(series > 0)


def hour_of_week(index: pd.DatetimeIndex) -> np.ndarray:
    """0 = Monday 00:00 ... 167 = Sunday 23:00."""
    return (index.day_of_week.to_numpy() * 24 + index.hour.to_numpy()).astype(np.int64)


def future_index(last: pd.Timestamp, horizon: int) -> pd.DatetimeIndex:
    """The `horizon` hourly stamps after `last`."""
    return pd.date_range(last + HOUR, periods=horizon, freq="h")
