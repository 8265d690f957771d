"""The general-purpose anomaly mode on labelled series that are not meters (issue 19)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.general import detect, find_period

from .labelled_series import KINDS, evaluate, generate


def test_finds_most_labelled_windows_within_the_false_alarm_budget():
    found = windows = false = points = 0
    for kind in KINDS:
        for seed in range(3):
            lab = generate(kind, seed)
            result = detect(lab.values, budget=1.0)
            f, fa, _ = evaluate(result.events, lab.windows, len(lab.values))
            found, windows, false, points = found + f, windows + len(lab.windows), false + fa, points + len(lab.values)
    assert found >= 0.8 * windows
    assert false / points * 1000 <= 1.0


def test_the_mode_follows_the_rhythm():
    assert detect(generate("traffic", 0).values).mode == "rhythm"
    assert find_period(generate("traffic", 0).values.to_numpy(), pd.Timedelta(minutes=5)) == 288
    assert detect(generate("cloud-metric", 0).values).mode == "level"
    assert find_period(np.arange(500.0), None) is None  # no clock, no rhythm


def test_each_point_is_scored_from_the_points_before_it():
    x = generate("machine-temperature", 2).values.to_numpy()
    whole, head = detect(x), detect(x[:1500])
    assert np.allclose(whole.z[:1500], head.z, equal_nan=True)


def test_the_budget_moves_the_bars_and_bad_input_is_a_clear_error():
    x = generate("cloud-metric", 4).values
    strict, loose = detect(x, budget=0.1), detect(x, budget=20)
    assert strict.thresholds[0] > loose.thresholds[0] and len(strict.events) <= len(loose.events)
    with pytest.raises(ValueError, match="at least 50"):
        detect(np.arange(10.0))
    with pytest.raises(ValueError, match="budget"):
        detect(x, budget=0)


def test_a_counters_outage_at_a_quiet_hour_is_found():
    # Poisson counts: at night a drop from ~20 to 0 is small next to the rush hours' noise unless the noise is
    # measured on the square-root scale (window 2 of this series was missed on the raw scale).
    lab = generate("traffic", 4)
    result = detect(lab.values)
    found, false, _ = evaluate(result.events, lab.windows, len(lab.values))
    assert found == len(lab.windows) and false <= 1
    assert np.nanmin(result.expected) >= 0.0 and np.nanmax(result.expected) > 50  # back on the counts' own scale


def _office_week(weeks: int, seed: int) -> pd.Series:
    """Hourly load with a working-hours weekly rhythm and mild AR(1) noise (sd ~4)."""
    rng = np.random.default_rng(seed)
    n = 24 * 7 * weeks
    t = np.arange(n)
    noise = np.zeros(n)
    e = rng.normal(0.0, 4.0, n)
    for i in range(1, n):
        noise[i] = 0.3 * noise[i - 1] + e[i]
    load = 100.0 + 30.0 * (((t % 24) >= 8) & ((t % 24) < 18) & (((t // 24) % 7) < 5)) + noise
    return pd.Series(load, index=pd.date_range("2025-01-06", periods=n, freq="h"))


def test_a_level_shift_on_a_weekly_rhythm_is_found_and_leaves_no_ghost_weeks_later():
    # The rhythm is learnt as deviations from each week's level: learnt from raw values, the phase median jumped by
    # the shift two weeks after it (a ghost as large as the shift), which raised the bars over every real shift.
    y = _office_week(12, seed=3)
    shifts = (4 * 168 + 37, 7 * 168 + 101, 10 * 168 + 5)
    for i, start in enumerate(shifts):
        y.iloc[start:] += 24.0 * (1 if i % 2 == 0 else -1)
    result = detect(y, budget=1.0)
    assert result.mode == "rhythm" and result.period == 168
    for start in shifts:
        assert any(e.start <= start + 24 and e.end >= start for e in result.events), start
    # Nothing flagged around two weeks after the first shift (where the ghost used to be).
    ghost = shifts[0] + 2 * 168
    assert not any(e.start <= ghost + 24 and e.end >= ghost - 12 for e in result.events)
    assert len(result.events) <= len(shifts) + 1
