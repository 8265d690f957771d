"""The day-ahead part carries its own latest error into the next hours (issue 19, fourth pass)."""

from __future__ import annotations

import numpy as np
import pytest

import analytics.models as models
from analytics.forecast import make_model

from .conftest import classroom


@pytest.fixture
def raised():
    """A classroom whose last 30 hours and the day after sit 0.6 kW higher (a heater left on), and that day."""
    room = classroom(weeks=30, noise=0.05, seed=11)
    cut = len(room) - 2 * 168 + 10  # a Monday 10:00 origin
    shifted = room.copy()
    shifted.iloc[cut - 30 : cut + 24] += 0.6
    return shifted.iloc[:cut], shifted.iloc[cut : cut + 24].to_numpy(), room.iloc[: cut - 168]


def _day_ahead_mae(model, history, truth) -> float:
    return float(np.abs(model.forecast(history, 24, intervals=False)["yhat"].to_numpy() - truth).mean())


def test_the_day_ahead_part_keeps_a_recent_offset(raised, monkeypatch):
    history, truth, train = raised
    model = make_model("weekly-median", day_ahead=0.7).fit(train)
    assert model.direct is not None and model.direct.model is not None
    with_level = _day_ahead_mae(model, history, truth)
    monkeypatch.setattr(models, "DAY_AHEAD_LEVEL_HOURS", 0.0)
    without = _day_ahead_mae(model, history, truth)
    assert with_level < 0.8 * without


def test_no_day_ahead_part_no_change(raised, monkeypatch):
    history, _, train = raised
    model = make_model("weekly-median").fit(train)
    plain = model.forecast(history, 48)
    monkeypatch.setattr(models, "DAY_AHEAD_LEVEL_HOURS", 0.0)
    assert plain.equals(model.forecast(history, 48))


def test_the_offset_fades_and_is_nothing_without_a_miss(raised):
    history, _, train = raised
    model = make_model("weekly-median", day_ahead=0.7).fit(train)
    view = model._day_ahead_view(history, 48, None)
    levelled = model._day_ahead(history, 48, None)
    shift = levelled - view
    assert shift[0] > 0.3  # about the 0.6 kW the view missed
    assert np.all(np.diff(shift) < 0) and shift[-1] < 0.2 * shift[0]
