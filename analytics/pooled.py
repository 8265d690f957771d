"""A pooled day-ahead model: one booster learnt over many series of a campus, each on its own scale.

A single building's day-ahead model (analytics.dayahead) learns from its own one or two years: a few hundred
origins, a handful of holidays, one or two cold snaps. The rooms and buildings of one campus share the calendar,
the weather and most habits (term starts, closures, how Monday follows a weekend), so one model fitted on all of
their origins sees each of those situations many times over. It uses exactly the day-ahead model's features, whose
target and lags are already divided by the series' own four-week lag mean, so a 5 kW room and a 500 kW building
fit the same shape; it is fitted once per campus (not per series) and then forecasts any series of that campus,
including one it never saw (the benchmark holds each building out of its own pool).

Training rows are capped (`max_rows`): a campus with many series gives each series fewer, more widely spaced
origins, so the fit costs about the same for 12 buildings or 1,000 rooms.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from analytics.calendar import CampusCalendar
from analytics.dayahead import HORIZON, MIN_ORIGIN, MIN_WEATHER_COVERAGE, WEATHER_FEATURES, DayAhead, temperature_at
from analytics.series import usable

log = logging.getLogger(__name__)

# About 600,000 rows: the twelve Cambridge buildings' two years at the day-ahead model's own stride (17) fill it.
MAX_ROWS = 600_000
BASE_STRIDE = 17


@dataclass(frozen=True)
class Rows:
    """One series' training rows for the pooled model.

    x: feature rows (the day-ahead model's features, weather columns included only when `with_weather`).
    target: the reading at each row's target hour divided by the series' four-week lag mean (finite rows only).
    with_weather: whether x carries the two temperature columns.
    """

    x: np.ndarray
    target: np.ndarray
    with_weather: bool


def stride_for(total_hours: int, max_rows: int = MAX_ROWS) -> int:
    """Hours between training origins so that `total_hours` of history over all series give at most ~max_rows rows:
    at least BASE_STRIDE, and coprime with 24 so that every origin hour of the day is sampled."""
    stride = max(BASE_STRIDE, math.ceil(total_hours * HORIZON / max(max_rows, 1)))
    while math.gcd(stride, 24) != 1:
        stride += 1
    return stride


def origin_grid(y: pd.Series, stride: int,
                min_origin: int = MIN_ORIGIN) -> tuple[np.ndarray, np.ndarray, np.ndarray, pd.DatetimeIndex] | None:
    """A training grid over one series: its values, then per row the origin (index of the first forecast hour), the
    horizon hour (1..HORIZON) and the target's timestamp; origins every `stride` hours from `min_origin`. None when the
    series is too short for one origin."""
    values = y.to_numpy(dtype=float)
    origins = np.arange(min_origin, len(values) - HORIZON + 1, int(stride))
    if len(origins) == 0:
        return None
    origin = np.repeat(origins, HORIZON)
    h = np.tile(np.arange(1, HORIZON + 1), len(origins))
    return values, origin, h, y.index[origin + h - 1]


def training_rows(history: pd.Series, calendar: CampusCalendar, *, stride: int = BASE_STRIDE,
                  weather: pd.Series | None = None, use_weather: bool | None = None) -> Rows | None:
    """One series' rows, or None when it is too short to give any. `use_weather`: force the temperature columns on
    or off (a pool must be of one width); None decides from the weather's coverage of the targets."""
    grid = origin_grid(usable(history), stride)
    if grid is None:
        return None
    values, origin, h, stamps = grid
    builder = DayAhead(calendar)
    if use_weather is None:
        use_weather = bool(np.isfinite(temperature_at(weather, stamps)).mean() >= MIN_WEATHER_COVERAGE)
    builder.uses_weather = bool(use_weather)
    x, scale = builder._features(values, origin, h, stamps, weather)
    target = values[origin + h - 1] / np.where(scale > 0, scale, np.nan)
    ok = np.isfinite(target)
    if not ok.any():
        return None
    return Rows(x[ok], target[ok], builder.uses_weather)


def fit_rows(parts: Iterable[Rows], calendar: CampusCalendar | None = None, *, max_rows: int = MAX_ROWS,
             max_iter: int = 200, max_leaf_nodes: int = 31, learning_rate: float = 0.1) -> DayAhead:
    """One booster over the rows of many series (all of one width). Returns a DayAhead that forecasts any series
    with it; its `model` is None when the rows were too few. Rows beyond `max_rows` are dropped at random (fixed
    seed) so a long list of series cannot blow up the fit."""
    from sklearn.ensemble import HistGradientBoostingRegressor

    from analytics.models import _one_thread

    parts = [p for p in parts if p is not None and len(p.target)]
    pooled = DayAhead(calendar)
    if not parts:
        return pooled
    weather = all(p.with_weather for p in parts)  # one width: the temperature only if every series has it
    x = np.vstack([p.x if weather or not p.with_weather else p.x[:, :-WEATHER_FEATURES] for p in parts])
    target = np.concatenate([p.target for p in parts])
    if len(target) > max_rows:
        keep = np.sort(np.random.default_rng(0).choice(len(target), max_rows, replace=False))
        x, target = x[keep], target[keep]
    if len(target) < 2 * HORIZON:
        return pooled
    model = HistGradientBoostingRegressor(max_iter=max_iter, learning_rate=learning_rate, max_leaf_nodes=max_leaf_nodes,
                                          random_state=0)
    with _one_thread():  # one core per fit, as every other booster here (the other core serves the bot)
        pooled.model = model.fit(x, target)
    pooled.uses_weather = weather
    log.info("pooled day-ahead fitted", extra={"kv": {"series": len(parts), "rows": int(len(target)), "weather": weather}})
    return pooled


def fit_pool(histories: Mapping[str, pd.Series], calendar: CampusCalendar | None = None, *,
             weather: pd.Series | None = None, max_rows: int = MAX_ROWS) -> DayAhead:
    """Fit the campus pool on every series in `histories` (key -> hourly readings); `weather` is the campus's
    outdoor temperature (one series for all). The temperature columns are used only if every series has them."""
    calendar = calendar or CampusCalendar()
    total = sum(len(h) for h in histories.values())
    stride = stride_for(total, max_rows)
    rows = [training_rows(h, calendar, stride=stride, weather=weather) for h in histories.values()]
    return fit_rows(rows, calendar, max_rows=max_rows)
