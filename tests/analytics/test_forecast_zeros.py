"""A room that is off every weekend: zero readings are use, not gaps (issue 20: 7.8 kWh forecast for a Sunday in a
classroom that used 0-0.7 kWh on every past weekend)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from analytics.forecast import choose_model, forecast, pick_best, refit
from analytics.series import usable, zeros_are_readings

from .conftest import classroom


def weekend_off_room(weeks: int = 8, seed: int = 3) -> pd.Series:
    """A classroom whose switch is off (reads 0) from Friday 18:00 to Monday 07:00 and every night 22-06."""
    y = classroom(weeks=weeks, seed=seed)
    idx = y.index
    off = (idx.day_of_week >= 5) | ((idx.day_of_week == 4) & (idx.hour >= 18)) | (idx.hour >= 22) | (idx.hour < 6)
    return y.where(~off, 0.0)


def test_zero_readings_of_a_room_are_use_and_a_buildings_outage_is_a_gap():
    room = weekend_off_room()
    assert zeros_are_readings(room)
    assert (usable(room) == 0).sum() == (room == 0).sum()
    building = classroom(seed=4) + 50.0
    building.iloc[500:506] = 0.0  # a logger outage
    assert not zeros_are_readings(building)
    assert usable(building).iloc[500:506].isna().all()


@pytest.mark.parametrize("model", ["auto", "seasonal-naive", "weekly-median", "lag-boost", "blend"])
def test_a_weekend_off_room_is_forecast_near_zero_on_sunday(model):
    room = weekend_off_room()
    history = room[room.index < room.index[-1] - pd.Timedelta(hours=2 * 24 + 5)]  # ends on Friday 18:00
    assert history.index[-1].day_of_week == 4
    frame, _ = forecast(history, 72, model=model)
    sunday = frame[frame.index.day_of_week == 6]["yhat"]
    assert len(sunday) == 24
    assert sunday.sum() < 0.7  # every past Sunday used 0
    assert frame[frame.index.day_of_week == 5]["yhat"].max() < 0.1


def test_a_refit_keeps_the_weekend_at_zero_and_the_backtest_error_is_finite():
    room = weekend_off_room(weeks=10)
    history = room[room.index < room.index[-1] - pd.Timedelta(hours=2 * 24 + 5)]
    selection = choose_model(history, series_key="room:cr-102")
    best = pick_best(list(selection.candidates))
    assert best.scores.wape < 10 and np.isfinite(best.scores.mase)
    later = room[room.index < room.index[-1] - pd.Timedelta(hours=5)]  # a week later, same choice refitted
    again = refit(later, selection.run, now=selection.run.created_at + dt.timedelta(days=1))
    frame = again.model.forecast(later, 168)
    weekend = frame[frame.index.day_of_week >= 5]["yhat"]
    assert weekend.sum() < 1.0
    assert frame["yhat_lower"].min() >= 0.0
    assert np.isfinite(frame["yhat_upper"]).all()
