"""The recent-hours day-ahead model (analytics.recent, issue 19 sixth pass): what it may see and its scale."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.calendar import CampusCalendar
from analytics.dayahead import HORIZON
from analytics.recent import DAYS, RECENT, WEEKS, features, fit_rows, training_rows

from .conftest import classroom, spells


def _room(seed: int, size: float, weeks: int = 14) -> pd.Series:
    base = classroom(weeks=weeks, seed=seed, noise=0.3) * size
    return base * spells(len(base), np.random.default_rng(seed + 100), (4, 13), (0.6, 1.6))


@pytest.mark.parametrize("scale", ["week", "lags"])
def test_features_use_only_the_readings_before_the_origin(scale):
    values = _room(0, 1.0).to_numpy()
    stamps_all = _room(0, 1.0).index
    origin = np.full(HORIZON, 10 * 168)
    h = np.arange(1, HORIZON + 1)
    stamps = stamps_all[origin + h - 1]
    x, level = features(values, origin, h, stamps, CampusCalendar(), None, False, scale)
    changed = values.copy()
    changed[10 * 168:] = 1e6  # the future, wildly different
    x2, level2 = features(changed, origin, h, stamps, CampusCalendar(), None, False, scale)
    np.testing.assert_array_equal(np.nan_to_num(x, nan=-1), np.nan_to_num(x2, nan=-1))
    np.testing.assert_array_equal(level, level2)
    assert x.shape[1] == RECENT + DAYS + WEEKS + 2 + 9
    # The same hour on a day after the origin is unknown: hour 30 has only 6 of the last 7 days observed.
    assert np.isnan(x[29, RECENT]) and np.isfinite(x[29, RECENT + 1])


def test_a_series_ten_times_larger_gets_a_forecast_ten_times_larger():
    rows = [training_rows(_room(i, 1.0 + i), CampusCalendar(), stride=13) for i in range(3)]
    model = fit_rows(rows, CampusCalendar(), max_iter=30)
    room = _room(7, 2.0)
    small = model.predict(room, 48)
    large = model.predict(room * 10, 48)
    assert np.all(np.isfinite(small)) and small.shape == (48,)
    np.testing.assert_allclose(large, 10 * small, rtol=1e-9)


def test_the_fit_is_deterministic_and_the_row_cap_holds():
    rows = [training_rows(_room(i, 1.0), CampusCalendar(), stride=13) for i in range(2)]
    a = fit_rows(rows, CampusCalendar(), max_iter=20, max_rows=3_000)
    b = fit_rows(rows, CampusCalendar(), max_iter=20, max_rows=3_000)
    room = _room(5, 1.0)
    np.testing.assert_array_equal(a.predict(room, 24), b.predict(room, 24))
    assert training_rows(classroom(weeks=4), CampusCalendar()) is None  # shorter than four weeks of lags need
    assert fit_rows([None], CampusCalendar()).model is None
    assert np.isnan(fit_rows([None], CampusCalendar()).predict(room, 24)).all()
