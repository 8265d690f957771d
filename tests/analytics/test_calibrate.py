"""Per-series bar multipliers: lower bars find smaller faults, and calibration spends a false-alarm budget."""

import numpy as np
import pandas as pd
import pytest

from analytics.anomalies import fit_detector, score
from analytics.calibrate import calibrate_sensitivity, with_sensitivity
from analytics.events import group_events
from tests.analytics.conftest import classroom

TRAIN_UNTIL = pd.Timestamp("2025-03-02 23:00")


def _found(detector, y: pd.Series, start, end) -> bool:
    events = group_events(score(detector, y.to_frame("room")))
    return any(e.start <= pd.Timestamp(end) and e.end >= pd.Timestamp(start) for e in events)


def test_a_lower_multiplier_finds_a_fault_the_default_bars_miss():
    clean = classroom(base=2.0, load=1.0, noise=0.2, seed=9)
    det = fit_detector(clean[clean.index <= TRAIN_UNTIL].to_frame("room"))
    night = pd.date_range("2025-03-18 22:00", "2025-03-19 05:00", freq="h")
    y = clean.copy()
    y[night] += 0.09 * clean.mean()  # +9 % of the mean for one night: below the default night bar here
    assert not _found(det, y, night[0], night[-1])
    lower = with_sensitivity(det, {"room": 0.7})
    assert _found(lower, y, night[0], night[-1])
    assert group_events(score(lower, clean.to_frame("room"))) == []  # and still quiet on the clean series
    assert not _found(with_sensitivity(det, np.array([1.5])), y, night[0], night[-1])


def test_calibration_keeps_each_series_within_its_budget_on_the_held_out_span():
    frame = pd.DataFrame({"calm": classroom(seed=3), "noisy": classroom(base=2.0, load=1.0, noise=0.3, seed=4)})
    det = fit_detector(frame[frame.index <= TRAIN_UNTIL])
    chosen = calibrate_sensitivity(det, frame, budget=0.0)
    assert set(chosen) == {"calm", "noisy"}
    for key, mult in chosen.items():
        events = group_events(score(with_sensitivity(det, chosen), frame[[key]]))
        assert [e for e in events if e.kind not in ("meter-zero", "flat-line")] == [] or mult == 2.0
    # A clean classroom stays quiet below the default bars.
    assert chosen["calm"] < 1.0


def test_bad_multipliers_are_a_clear_error():
    det = fit_detector(classroom(weeks=10).to_frame("room"))
    with pytest.raises(ValueError, match="one positive multiplier per series"):
        with_sensitivity(det, np.array([0.0]))
    with pytest.raises(ValueError, match="one positive multiplier per series"):
        with_sensitivity(det, np.array([1.0, 1.0]))
