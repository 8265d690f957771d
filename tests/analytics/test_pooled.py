"""The pooled day-ahead model: one booster over a campus's series, each on its own scale (issue 19)."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from analytics.calendar import CampusCalendar
from analytics.dayahead import HORIZON, DayAhead
from analytics.forecast import POOL_SHARE, POOLED_DAY_AHEAD_WEIGHT, choose_model, pool_backtest, refit
from analytics.persistence import load_model, save_model, save_pool
from analytics.pooled import MAX_ROWS, Rows, fit_pool, fit_rows, stride_for, training_rows

from .conftest import classroom, spells


def _campus_room(seed: int, size: float, weeks: int = 30) -> pd.Series:
    """A classroom of `size` whose whole load moves between levels lasting 4-12 days: last week's shape is right,
    its level often is not, and the latest readings tell which (what a day-ahead model is for)."""
    base = classroom(weeks=weeks, seed=seed, noise=0.3) * size
    return base * spells(len(base), np.random.default_rng(seed + 100), (4, 13), (0.6, 1.6))


@pytest.fixture(scope="module")
def pool() -> DayAhead:
    """One campus pool over rooms of 0.5 to 100 kW; the test room (30 kW, seed 11) is never among them."""
    return fit_pool({f"r{i}": _campus_room(i, size) for i, size in enumerate((0.5, 1.0, 10.0, 100.0))})


def _day_mae(predict, series: pd.Series, origins: list[pd.Timestamp]) -> float:
    errors = []
    for origin in origins:
        past = series[: origin - pd.Timedelta(hours=1)]
        actual = series[origin : origin + pd.Timedelta(hours=23)].to_numpy()
        errors.append(np.abs(predict(past) - actual))
    return float(np.mean(errors))


def test_a_pool_forecasts_a_room_it_never_saw_at_that_rooms_own_scale(pool):
    assert pool.model is not None
    unseen = _campus_room(11, 30.0)
    origins = [unseen.index[0] + pd.Timedelta(weeks=24) + pd.Timedelta(hours=29 * k) for k in range(25)]
    pooled = _day_mae(lambda past: pool.predict(past, 24), unseen, origins)
    last_week = _day_mae(lambda past: past.iloc[-168:-144].to_numpy(), unseen, origins)
    own = DayAhead(CampusCalendar()).fit(unseen[: origins[0] - pd.Timedelta(hours=1)])
    by_itself = _day_mae(lambda past: own.predict(past, 24), unseen, origins)
    assert pooled < 0.9 * last_week  # the pool reads the room's level from its latest readings
    assert pooled < 1.1 * by_itself  # and, never having seen it, does about as well as the room's own model
    # Its forecast is on the room's scale (about 30 kW in class), not on the pool's rooms' scales.
    assert 10 < float(np.nanmax(pool.predict(unseen, HORIZON))) < 100


def test_the_stride_keeps_every_origin_hour_and_caps_the_rows():
    assert stride_for(12 * 17_520) == 17  # twelve buildings' two years: the day-ahead model's own stride
    for total in (10_000, 12 * 17_520, 1_000 * 8_760, 5_000 * 17_520):
        stride = stride_for(total)
        assert math.gcd(stride, 24) == 1 and stride >= 17
        assert total * HORIZON / stride <= MAX_ROWS or stride == 17


def test_the_row_cap_holds_and_too_little_history_gives_no_pool():
    campus = {f"r{i}": _campus_room(i, 1.0 + i, weeks=14) for i in range(3)}
    rows = [training_rows(s, CampusCalendar()) for s in campus.values()]
    assert all(r is not None and len(r.target) > 1000 for r in rows)
    capped = fit_rows(rows, max_rows=2_000, max_iter=20)
    assert capped.model is not None and capped.model.n_iter_ <= 20
    assert training_rows(classroom(weeks=4), CampusCalendar()) is None  # shorter than the lags need
    assert fit_pool({"new": classroom(weeks=4)}).model is None


def test_the_choice_mixes_the_pool_in_only_where_its_backtest_says_it_helps(pool, tmp_path):
    history = _campus_room(11, 30.0)
    sel = choose_model(history, series_key="r9", origins=6, pool=pool)
    check = sel.run.backtest["pool"]
    assert check["helps"] and check["mae_with_pool"] < check["mae"]
    assert sel.model.params["pooled"] == POOL_SHARE and sel.model.pooled is pool
    assert sel.model.params["day_ahead"] == POOLED_DAY_AHEAD_WEIGHT  # with the pool the day-ahead part weighs more
    alone = choose_model(history, series_key="r9", origins=6)
    with_pool, without = sel.model.forecast(history, 72)["yhat"].to_numpy(), alone.model.forecast(history, 72)["yhat"].to_numpy()
    assert not np.allclose(with_pool[:HORIZON], without[:HORIZON])  # the pool moves the first 48 hours ...
    np.testing.assert_allclose(with_pool[HORIZON:], without[HORIZON:])  # ... and only those

    # A pool that learnt every level twice too high is refused by the same backtest.
    rows = [training_rows(_campus_room(i, size), CampusCalendar()) for i, size in enumerate((0.5, 1.0, 10.0, 100.0))]
    wrong = fit_rows([Rows(r.x, 2.0 * r.target, r.with_weather) for r in rows])
    refused = choose_model(history, series_key="r9", origins=6, pool=wrong)
    assert refused.run.backtest["pool"]["helps"] is False
    assert "pooled" not in refused.model.params and refused.model.pooled is None
    np.testing.assert_allclose(refused.model.forecast(history, 72)["yhat"], without)

    # The pool is the campus's, not the room's: saved rooms keep the share, and the pool is handed back in.
    pool_file = save_pool(pool, tmp_path / "campus" / "pool.skops")
    again = load_model(save_model(sel.model, tmp_path / "r9", pool_file=pool_file))
    assert again.params["pooled"] == POOL_SHARE and again.pooled is not None
    np.testing.assert_allclose(again.forecast(history, 72)["yhat"], with_pool, rtol=1e-6)
    # A pool file pruned since (or never written) leaves the room's own day-ahead view, still a whole forecast.
    orphan = load_model(save_model(sel.model, tmp_path / "r9-old", pool_file=tmp_path / "campus" / "gone.skops"))
    assert orphan.pooled is None
    alone_view = orphan.forecast(history, 72)["yhat"].to_numpy()
    assert np.isfinite(alone_view).all() and not np.allclose(alone_view[:HORIZON], with_pool[:HORIZON])
    np.testing.assert_allclose(alone_view[HORIZON:], with_pool[HORIZON:], rtol=1e-6)


def test_the_nightly_refit_keeps_the_pool_share_and_uses_tonights_pool(pool):
    history = _campus_room(11, 30.0)
    sel = choose_model(history[:-24], series_key="r9", origins=6, pool=pool)
    assert sel.model.params.get("pooled") == POOL_SHARE
    now = sel.run.created_at + dt.timedelta(days=1)
    again = refit(history, sel.run, now=now, pool=pool)
    assert again.model.params["pooled"] == POOL_SHARE and again.model.pooled is pool
    assert again.run.backtest["pool"] == sel.run.backtest["pool"]  # the choice's evidence is kept with it


def test_the_baseline_kept_stays_plain_whatever_the_pool(pool):
    # White noise around a flat level: no model beats same hour last week clearly, so it is kept, without a pool.
    rng = np.random.default_rng(4)
    idx = pd.date_range("2025-01-06", periods=20 * 168, freq="h")
    flat = pd.Series(10 + rng.normal(0, 1, len(idx)), index=idx)
    sel = choose_model(flat, series_key="flat", origins=6, pool=pool)
    if sel.model.name == "seasonal-naive" and not sel.model.params.get("correct"):
        assert sel.run.backtest["pool"] is None and sel.model.pooled is None
    else:  # the noise let a model through the baseline rule; the pool's own check then decided
        assert sel.run.backtest["pool"] is not None
    assert pool_backtest(sel.candidates[0], flat, DayAhead()) is None  # an unfitted pool has nothing to say
