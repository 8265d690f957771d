"""The day-ahead part's weight chosen per series by its own backtest, and bands from the forecast as given
(issue 19, fifth pass; off in production, `DAY_AHEAD_BY_BACKTEST`: it did not win on the tuning year)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import analytics.forecast as forecast
from analytics.dayahead import HORIZON
from analytics.forecast import DAY_AHEAD_WEIGHT, DAY_AHEAD_WEIGHTS, choose_model, pick_best, pick_weight

from .conftest import classroom, spells


def regimes(weeks: int = 30, seed: int = 7) -> pd.Series:
    """A classroom whose whole load moves between levels lasting 4-12 days: only the latest readings tell the level,
    which the day-ahead part sees and the weekly models do not."""
    base = classroom(weeks=weeks, seed=seed, noise=0.1)
    return base * spells(len(base), np.random.default_rng(seed), (4, 13), (0.7, 1.3))


@pytest.fixture(autouse=True)
def by_backtest(monkeypatch):
    monkeypatch.setattr(forecast, "DAY_AHEAD_BY_BACKTEST", True)


@pytest.fixture(scope="module")
def chosen():
    series = regimes()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(forecast, "DAY_AHEAD_BY_BACKTEST", True)
        return series, choose_model(series, series_key="r", origins=6)


def test_the_weight_is_the_backtests_best_and_the_forecast_uses_it(chosen):
    _, sel = chosen
    record = sel.run.backtest["day_ahead"]
    assert record["weights"] == list(DAY_AHEAD_WEIGHTS) and record["default"] == DAY_AHEAD_WEIGHT
    assert record["chosen"] == pick_weight(record["rmse_48"], DAY_AHEAD_WEIGHT)
    assert record["chosen"] == sel.model.params["day_ahead"] == sel.run.params["day_ahead"]
    # Levels that only the latest readings show: the day-ahead part earns more than the default share.
    assert record["chosen"] > DAY_AHEAD_WEIGHT
    assert min(record["rmse_48"]) < record["rmse_48"][DAY_AHEAD_WEIGHTS.index(DAY_AHEAD_WEIGHT)]


def test_the_bands_are_built_from_the_mixed_backtest_forecasts(chosen):
    _, sel = chosen
    windows = pick_best(list(sel.candidates)).windows
    assert len(sel.windows) == len(windows)
    for (actual, mixed), (same, weekly) in zip(sel.windows, windows):
        np.testing.assert_array_equal(actual, same)
        np.testing.assert_allclose(mixed[HORIZON:], weekly[HORIZON:])  # after the day-ahead hours: the weekly model's
        assert not np.allclose(mixed[:HORIZON], weekly[:HORIZON])  # the first 48 hours: the forecast as mixed
    # Out-of-sample errors of the mixed forecast over hours 1-48 are smaller, and so is the first day's band.
    first_day = [np.abs(a[:24] - f[:24]).mean() for a, f in sel.windows]
    weekly_day = [np.abs(a[:24] - f[:24]).mean() for a, f in windows]
    assert np.mean(first_day) < np.mean(weekly_day)


def test_a_steady_room_leans_on_the_day_ahead_part_less(chosen):
    """Same timetable every week, no level spells: last week already says it all, the day-ahead part adds noise."""
    sel = choose_model(classroom(weeks=30, seed=3, noise=0.1), series_key="steady", origins=6)
    record = sel.run.backtest["day_ahead"]
    assert sel.model.params["day_ahead"] == record["chosen"] == pick_weight(record["rmse_48"], record["default"])
    assert record["chosen"] < chosen[1].run.backtest["day_ahead"]["chosen"]


def test_pick_weight_keeps_the_default_unless_another_is_clearly_better():
    grid = list(DAY_AHEAD_WEIGHTS)
    assert grid == [0.3, 0.5, 0.7, 0.9]
    assert pick_weight([1.0, 0.99, 0.98, 1.2], 0.5, margin=0.0) == 0.7
    assert pick_weight([1.0, 0.99, 0.98, 1.2], 0.5, margin=0.02) == 0.5  # 1 % better is not clear
    assert pick_weight([1.0, 0.99, 0.90, 1.2], 0.5, margin=0.02) == 0.7
    assert pick_weight([float("nan")] * 4, 0.7) == 0.7
    assert pick_weight([1.0, 0.9, float("nan"), 1.2], 0.7, margin=0.05) == 0.5  # no error at the default: the best


def test_off_the_fixed_weight_stays_and_nothing_is_recorded(monkeypatch):
    monkeypatch.setattr(forecast, "DAY_AHEAD_BY_BACKTEST", False)
    sel = choose_model(regimes(), series_key="r", origins=6)
    assert sel.run.backtest["day_ahead"] is None and sel.model.params["day_ahead"] == DAY_AHEAD_WEIGHT
    np.testing.assert_array_equal(sel.windows[0][1], pick_best(list(sel.candidates)).windows[0][1])


def test_a_weight_per_hour_mixes_each_hour_at_its_own_weight():
    from analytics.models import mix_day_ahead

    point, view = np.full(72, 10.0), np.full(48, 20.0)
    view[5] = np.nan  # no view that hour: the point stands alone
    weights = np.linspace(0.9, 0.5, 48)
    mixed = mix_day_ahead(point, view, weights)
    expected = 10.0 + 10.0 * weights
    expected[5] = 10.0
    np.testing.assert_allclose(mixed[:48], expected)
    np.testing.assert_array_equal(mixed[48:], point[48:])
    np.testing.assert_allclose(mix_day_ahead(point, view[:24], weights)[:24], expected[:24])  # a shorter view
    assert mix_day_ahead(point, view, 0.0) is point and mix_day_ahead(point, None, 0.7) is point
