"""The cheaper paths of a model choice give what the plain ones give (issue 19, speed pass): the backtest's two
variants from one point forecast, the array path of a history with no index gaps, and the short-term correction's
normal equations solved for all horizons at once. Timings live in bench/analytics_forecast.py, not here."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.forecast import make_model
from analytics.models import _correction_coefficients, _extended
from analytics.series import DAY_HOURS, usable

from .conftest import classroom, lab


@pytest.mark.parametrize("name", ["seasonal-naive", "weekly-median", "lag-boost", "blend"])
def test_backtest_variants_equal_the_forecasts_with_and_without_correction(name):
    room = classroom(weeks=14, noise=0.2, seed=3)
    room.iloc[500:530] = np.nan  # a gap inside the lags
    fit_on, past = room.iloc[: 10 * 168], room.iloc[: 12 * 168 + 7]
    model = make_model(name).fit(fit_on)
    assert model.correction is not None  # otherwise the corrected variant would test nothing
    plain, corrected = model.backtest_forecasts(past, 168)
    model.params["correct"] = False
    expect_plain = model.forecast(past, 168, intervals=False)["yhat"].to_numpy()
    model.params["correct"] = True
    expect_corrected = model.forecast(past, 168, intervals=False)["yhat"].to_numpy()
    np.testing.assert_array_equal(plain, expect_plain)
    np.testing.assert_array_equal(corrected, expect_corrected)
    assert not np.array_equal(plain, corrected)  # the correction did something


def test_a_history_with_missing_stamps_gives_the_same_lags_as_the_gap_free_one():
    y = usable(lab(weeks=6))
    y.iloc[100] = -1.0  # a negative reading is missing on either path
    index = pd.date_range(y.index[-1] + pd.Timedelta(hours=1), periods=48, freq="h")
    values, first = _extended(y, index, None)
    holed = y.drop(y.index[[50, 51, 400]])  # stamps absent, not NaN: the reindex path
    values_holed, first_holed = _extended(holed, index, None)
    expected = y.copy()
    expected.iloc[[50, 51, 100, 400]] = np.nan
    assert first == first_holed == len(y)
    np.testing.assert_array_equal(values_holed, np.concatenate([expected.to_numpy(), np.full(48, np.nan)]))
    gap_free = y.copy()
    gap_free.iloc[100] = np.nan
    np.testing.assert_array_equal(values, np.concatenate([gap_free.to_numpy(), np.full(48, np.nan)]))


def _one_horizon_at_a_time(err: np.ndarray, horizon: int = 168) -> np.ndarray:
    """The reference: one least-squares solve per horizon, stopping at the first with under two days of rows."""
    n, e = len(err), np.nan_to_num(err)
    last = np.convolve(e, np.ones(3) / 3, mode="full")[:n]
    level = np.convolve(e, np.ones(DAY_HOURS) / DAY_HOURS, mode="full")[:n]
    ridge = 1e-6 + 1e-3 * float(np.mean(e**2)) * n
    coef = np.zeros((horizon, 2))
    for h in range(1, horizon + 1):
        if DAY_HOURS + h >= n:
            break
        ok = np.isfinite(err[DAY_HOURS + h :])
        x = np.column_stack([last[DAY_HOURS : n - h], level[DAY_HOURS : n - h]])[ok]
        target = e[DAY_HOURS + h :][ok]
        if len(target) < 2 * DAY_HOURS:
            break
        coef[h - 1] = np.linalg.solve(x.T @ x + ridge * np.eye(2), x.T @ target)
    return coef


@pytest.mark.parametrize("n, missing", [(1344, 0.0), (1344, 0.5), (230, 0.2), (100, 0.0), (40, 0.0)])
def test_correction_coefficients_match_one_solve_per_horizon(n, missing):
    rng = np.random.default_rng(n)
    err = np.cumsum(rng.normal(size=n)) * 0.3 + rng.normal(size=n)
    err[rng.random(n) < missing] = np.nan
    expected = _one_horizon_at_a_time(err)
    got = _correction_coefficients(err)
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-12)
    assert (got != 0).any() == (expected != 0).any()
