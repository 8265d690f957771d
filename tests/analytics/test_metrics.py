import numpy as np
import pandas as pd
import pytest

from analytics.metrics import score, seasonal_naive_scale


def test_known_values():
    actual = np.array([10.0, 20.0, 30.0, 40.0])
    forecast = np.array([12.0, 18.0, 33.0, 40.0])
    s = score(actual, forecast, scale=2.0)
    assert s.mae == pytest.approx(7 / 4)
    assert s.rmse == pytest.approx(np.sqrt((4 + 4 + 9 + 0) / 4))
    assert s.cv_rmse == pytest.approx(s.rmse / 25 * 100)
    assert s.mape == pytest.approx((0.2 + 0.1 + 0.1 + 0) / 4 * 100)
    assert s.mase == pytest.approx(7 / 4 / 2.0)
    assert s.n == 4


def test_zero_readings_are_scored_and_negative_ones_missing():
    # A room at zero is a room using nothing: a forecast of 5 there is a miss of 5, not an hour to skip.
    s = score(np.array([0.0, -1.0, 10.0]), np.array([5.0, 5.0, 11.0]), scale=1.0)
    assert s.n == 2 and s.mae == pytest.approx(3.0)


def test_wape_stays_finite_where_mape_explodes():
    # Weekend hours at zero and a weekday at 2 kWh: WAPE = total miss / total use.
    actual = np.array([0.0, 0.0, 0.0, 2.0])
    forecast = np.array([0.1, 0.0, 0.1, 1.8])
    s = score(actual, forecast, scale=1.0)
    assert s.wape == pytest.approx((0.1 + 0.1 + 0.2) / 2.0 * 100)
    assert s.as_dict()["wape"] == pytest.approx(20.0)


def test_mape_skips_tiny_hours():
    # 0.1 is under 5 % of the mean (~33): a 100 % miss there must not count.
    s = score(np.array([0.1, 50.0, 50.0]), np.array([0.2, 50.0, 55.0]), scale=1.0)
    assert s.mape == pytest.approx(5.0)


def test_mase_scale_is_in_sample_same_hour_last_week():
    idx = pd.date_range("2025-01-06", periods=168 * 3, freq="h")
    y = pd.Series(np.r_[np.full(168, 1.0), np.full(168, 3.0), np.full(168, 4.0)], index=idx)
    assert seasonal_naive_scale(y) == pytest.approx((2.0 * 168 + 1.0 * 168) / 336)
    y.iloc[200] = np.nan  # a missing reading drops both pairs it is in
    assert seasonal_naive_scale(y) == pytest.approx((2.0 * 167 + 1.0 * 167) / 334)


def test_empty_score_is_nan_not_error():
    s = score(np.array([np.nan]), np.array([1.0]), scale=1.0)
    assert s.n == 0 and np.isnan(s.mae)
    assert s.as_dict()["mae"] is None
