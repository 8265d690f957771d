"""A day-ahead model over the recent hours: the next 48 hours from the last day's readings, pooled over a campus.

The weekly models and `analytics.dayahead` see a building mostly through the same hour of past weeks, scaled by
their mean. This one sees the hours just before the forecast origin one by one (the last `RECENT` readings), the
target hour on each of the last seven days (where already observed) and in each of the last four weeks, the
calendar of the target day and of the day before the origin, and the temperature: every value divided by the
series' own level, the mean of the week before the origin, so one booster serves a 5 kW room and a 500 kW building
and is fitted once over all the series of a campus (`fit_recent`), like `analytics.pooled`.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from analytics.calendar import CampusCalendar
from analytics.dayahead import HORIZON, MIN_WEATHER_COVERAGE, temperature_at
from analytics.pooled import BASE_STRIDE, MAX_ROWS, origin_grid, stride_for
from analytics.series import DAY_HOURS, WEEK_HOURS, future_index, usable

log = logging.getLogger(__name__)

RECENT = 24
DAYS = 7
WEEKS = 4
MIN_ORIGIN = (WEEKS + 1) * WEEK_HOURS


def _take(values: np.ndarray, positions: np.ndarray) -> np.ndarray:
    out = np.full(positions.shape, np.nan)
    ok = (positions >= 0) & (positions < len(values))
    out[ok] = values[positions[ok]]
    return out


@dataclass(frozen=True)
class RecentRows:
    """One series' training rows: features, target (reading / level) and whether the temperature columns are in."""

    x: np.ndarray
    target: np.ndarray
    with_weather: bool
    scale: str = "week"


def features(values: np.ndarray, origin: np.ndarray, h: np.ndarray, stamps: pd.DatetimeIndex,
             calendar: CampusCalendar, weather: pd.Series | None, with_weather: bool,
             scale: str = "week") -> tuple[np.ndarray, np.ndarray]:
    """Feature rows for the targets at position origin + h - 1 from the values before `origin` only; and the level
    that the target is divided by: `scale` "week", the mean of the week before the origin; "lags", the mean of the
    target hour in the last four weeks (the weekly shape is then in the level, not in the booster)."""
    t = origin + h - 1
    week = origin[:, None] - np.arange(1, WEEK_HOURS + 1)[None, :]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an all-NaN window gives NaN features: the booster copes
        level = np.nanmean(_take(values, week), axis=1)
        if scale == "lags":
            level = np.nanmean(_take(values, t[:, None] - WEEK_HOURS * np.arange(1, WEEKS + 1)[None, :]), axis=1)
        safe = np.where(level > 0, level, np.nan)[:, None]
        recent = _take(values, origin[:, None] - np.arange(1, RECENT + 1)[None, :]) / safe
        back = t[:, None] - DAY_HOURS * np.arange(1, DAYS + 1)[None, :]
        days = np.where(back < origin[:, None], _take(values, back), np.nan) / safe
        weeks = _take(values, t[:, None] - WEEK_HOURS * np.arange(1, WEEKS + 1)[None, :]) / safe
        week_mean = np.nanmean(weeks, axis=1)
        day_mean = np.nanmean(recent, axis=1)
    hol, brk = calendar.day_flags(stamps)
    hol_1, brk_1 = calendar.day_flags(stamps - pd.Timedelta(hours=WEEK_HOURS))
    origin_stamps = stamps - pd.to_timedelta(h, unit="h")  # the last observed hour
    hol_o, brk_o = calendar.day_flags(origin_stamps)
    x = np.column_stack([recent, days, weeks, week_mean, day_mean, h, stamps.hour, stamps.day_of_week,
                         hol, brk, hol_1, brk_1, hol_o, brk_o])
    if with_weather:
        temp = temperature_at(weather, stamps)
        x = np.column_stack([x, temp, temp - temperature_at(weather, stamps - pd.Timedelta(hours=WEEK_HOURS)),
                             temp - temperature_at(weather, origin_stamps)])
    return x, level


def training_rows(history: pd.Series, calendar: CampusCalendar, *, stride: int = BASE_STRIDE,
                  weather: pd.Series | None = None, use_weather: bool | None = None,
                  scale: str = "week") -> RecentRows | None:
    grid = origin_grid(usable(history), stride, MIN_ORIGIN)
    if grid is None:
        return None
    values, origin, h, stamps = grid
    if use_weather is None:
        use_weather = bool(np.isfinite(temperature_at(weather, stamps)).mean() >= MIN_WEATHER_COVERAGE)
    x, level = features(values, origin, h, stamps, calendar, weather, bool(use_weather), scale)
    target = values[origin + h - 1] / np.where(level > 0, level, np.nan)
    ok = np.isfinite(target)
    if not ok.any():
        return None
    return RecentRows(x[ok], target[ok], bool(use_weather), scale)



class RecentDayAhead:
    """The fitted booster and how to forecast any series of its campus with it."""

    def __init__(self, calendar: CampusCalendar | None = None) -> None:
        self.calendar = calendar or CampusCalendar()
        self.model = None
        self.uses_weather = False
        self.scale = "week"

    def predict(self, history: pd.Series, horizon: int, weather: pd.Series | None = None) -> np.ndarray:
        n = min(int(horizon), HORIZON)
        if self.model is None or n <= 0:
            return np.full(max(n, 0), np.nan)
        from analytics.models import _one_thread

        y = usable(history)
        values = np.concatenate([y.to_numpy(dtype=float), np.full(n, np.nan)])
        origin = np.full(n, len(y))
        h = np.arange(1, n + 1)
        x, level = features(values, origin, h, future_index(y.index[-1], n), self.calendar, weather, self.uses_weather,
                            self.scale)
        with _one_thread():
            out = level * self.model.predict(x)
        return np.where(np.isfinite(out), np.maximum(out, 0.0), np.nan)


def fit_rows(parts: Iterable[RecentRows | None], calendar: CampusCalendar | None = None, *, max_rows: int = MAX_ROWS,
             max_iter: int = 200, max_leaf_nodes: int = 31, learning_rate: float = 0.1,
             loss: str = "squared_error") -> RecentDayAhead:
    from sklearn.ensemble import HistGradientBoostingRegressor

    from analytics.models import _one_thread

    parts = [p for p in parts if p is not None and len(p.target)]
    out = RecentDayAhead(calendar)
    if not parts:
        return out
    weather = all(p.with_weather for p in parts)
    x = np.vstack([p.x if weather or not p.with_weather else p.x[:, :-3] for p in parts])
    target = np.concatenate([p.target for p in parts])
    if len(target) > max_rows:
        keep = np.sort(np.random.default_rng(0).choice(len(target), max_rows, replace=False))
        x, target = x[keep], target[keep]
    if len(target) < 2 * HORIZON:
        return out
    model = HistGradientBoostingRegressor(loss=loss, max_iter=max_iter, learning_rate=learning_rate,
                                          max_leaf_nodes=max_leaf_nodes, random_state=0)
    with _one_thread():
        out.model = model.fit(x, target)
    out.uses_weather = weather
    out.scale = parts[0].scale
    return out


def fit_recent(histories: Mapping[str, pd.Series], calendar: CampusCalendar | None = None, *,
               weather: pd.Series | None = None, max_rows: int = MAX_ROWS) -> RecentDayAhead:
    calendar = calendar or CampusCalendar()
    stride = stride_for(sum(len(h) for h in histories.values()), max_rows)
    return fit_rows([training_rows(h, calendar, stride=stride, weather=weather) for h in histories.values()], calendar,
                    max_rows=max_rows)
