"""Conformal 80 % intervals from the choosing backtest's errors (issue 19)."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest
import pandas as pd

from analytics.forecast import choose_model, refit
from analytics.intervals import apply_bands, conformal_bands
from analytics.persistence import load_model, save_model

from .conftest import classroom


def test_bands_follow_the_backtest_errors_per_block_and_level():
    rng = np.random.default_rng(0)
    # Forecasts of 1 (quiet) and 10 (busy); busy hours err ten times more, and errors grow after the first day.
    windows = []
    for _ in range(12):
        f = np.where(np.arange(168) % 24 < 12, 1.0, 10.0)
        sd = np.where(f > 5, 1.0, 0.1) * np.where(np.arange(168) < 24, 1.0, 2.0)
        windows.append((f + rng.normal(0, 1, 168) * sd, f))
    bands = conformal_bands(windows, coverage=0.8)
    lo, hi = apply_bands(bands, np.array([1.0] * 12 + [10.0] * 12 + [1.0] * 12 + [10.0] * 12))
    width = hi - lo
    assert width[12:24].mean() > 5 * width[:12].mean()  # busy hours get the wider band
    assert width[36:48].mean() > 1.4 * width[12:24].mean()  # the second day's band is wider than the first's
    json.dumps(bands)


def test_a_chosen_model_carries_conformal_bands_through_refit_and_save(tmp_path):
    room = classroom(weeks=16, noise=0.15, seed=5)
    history = room.iloc[: -2 * 168]
    sel = choose_model(history)
    assert sel.model.conformal is not None and sel.run.backtest["intervals"] == sel.model.conformal
    frame = sel.model.forecast(history, 168)
    lo, hi = apply_bands(sel.model.conformal, frame["yhat"].to_numpy())
    assert np.allclose(frame["yhat_upper"], np.maximum(hi, frame["yhat"]))
    # Held-out weeks: about 80 % of the outcomes inside (the in-sample bands were narrower than out-of-sample errors).
    inside = []
    for k in (2, 1):
        past = room.iloc[: -k * 168]
        f = sel.model.forecast(past, 168)
        actual = room.iloc[len(past) : len(past) + 168].to_numpy()
        inside.append((actual >= f["yhat_lower"].to_numpy()) & (actual <= f["yhat_upper"].to_numpy()))
    assert 0.75 <= np.concatenate(inside).mean() <= 0.9  # the in-sample bands held 0.73 here
    again = refit(room.iloc[:-168], sel.run, now=sel.run.created_at + dt.timedelta(days=1))
    assert again.model.conformal == sel.model.conformal
    path = save_model(again.model, tmp_path / "m")
    assert load_model(path).conformal == sel.model.conformal


def test_each_block_takes_its_own_level_and_only_its_own():
    rng = np.random.default_rng(3)
    windows = [(f + rng.standard_t(4, 168) * (1 + np.arange(168) / 48), f) for f in [np.full(168, 10.0)] * 24]
    mixed = conformal_bands(windows, coverage=(0.8, 0.7, 0.9))
    for block, level in enumerate((0.8, 0.7, 0.9)):
        alone = conformal_bands(windows, coverage=level)
        assert mixed["lower"][block] == alone["lower"][block] and mixed["upper"][block] == alone["upper"][block]
    assert mixed["nominal"] == [0.8, 0.7, 0.9]
    # A lower level gives a narrower band than a higher one on the same errors.
    wide, narrow = conformal_bands(windows, coverage=0.9), conformal_bands(windows, coverage=0.7)
    assert np.all(np.asarray(wide["upper"]) - np.asarray(wide["lower"]) > np.asarray(narrow["upper"]) - np.asarray(narrow["lower"]))


def test_a_level_per_block_needs_one_per_block():
    windows = [(np.arange(168.0), np.arange(168.0) + 1)] * 4
    with pytest.raises(ValueError):
        conformal_bands(windows, coverage=(0.8, 0.8))
    with pytest.raises(ValueError):
        conformal_bands(windows, coverage=1.2)
