"""Ninth pass: faults inside the training weeks must not become the meter's normal. A meter that flat-lined for a
day three times, or glitched to five times its level twice, before the cut-off still has the same faults found
after it; a low-resolution meter's own long runs of one reading still raise nothing."""

import numpy as np
import pandas as pd

import analytics.anomalies as anomalies
from analytics.detect import detect_anomalies
from tests.analytics.conftest import classroom

TRAIN_UNTIL = pd.Timestamp("2025-03-02 23:00")  # 8 weeks of training, 4 weeks scored


def _overlapping(events, start, end):
    return [e for e in events if e.start <= pd.Timestamp(end) and e.end >= pd.Timestamp(start)]


def _with_flat_days(y: pd.Series, days=("2025-01-14", "2025-01-29", "2025-02-19")) -> pd.Series:
    y = y.copy()
    for day in days:  # a stuck meter for 24 h: the reading at 03:00 repeated until 02:00 the next day
        span = pd.date_range(f"{day} 03:00", periods=24, freq="h")
        y[span] = y[span[0]]
    return y


def test_a_flat_line_is_found_after_a_training_span_that_flat_lined_too(monkeypatch):
    y = _with_flat_days(classroom(base=2.0, load=1.0, noise=0.05, seed=3))
    stuck = pd.date_range("2025-03-12 05:00", periods=12, freq="h")
    y[stuck] = y[stuck[0]]
    hits = _overlapping(detect_anomalies(y, TRAIN_UNTIL).events, stuck[0], stuck[-1])
    assert [e.kind for e in hits] == ["flat-line"]
    # The training spans' 24 h runs taken as the meter's own (the eighth pass's rule): the 12 h line is missed.
    monkeypatch.setattr(anomalies, "FLAT_RECUR", 1)
    assert _overlapping(detect_anomalies(y, TRAIN_UNTIL).events, stuck[0], stuck[-1]) == []


def _low_resolution(seed: int = 5) -> pd.Series:
    """A meter reading to 0.5 kW that sits at 2.0 kW all night and most weekends: runs of 8-60 equal readings."""
    y = classroom(base=2.0, load=1.5, noise=0.12, seed=seed)
    return (y * 2).round() / 2


def test_a_low_resolution_meter_s_own_runs_raise_nothing():
    y = _low_resolution()
    runs = anomalies._recurring_flat_run(np.where(y[:TRAIN_UNTIL] > 0, y[:TRAIN_UNTIL], np.nan)[None, :])
    assert runs[0] >= 24  # its weekends repeat one reading for a day or more, again and again
    flats = [e for e in detect_anomalies(y, TRAIN_UNTIL).events if e.kind == "flat-line"]
    assert flats == []


def _with_glitches(y: pd.Series) -> pd.Series:
    y = y.copy()
    for stamp in ("2025-01-21 03:00", "2025-02-11 15:00"):  # the meter read 5x its level for one hour, twice
        y[pd.Timestamp(stamp)] = 5 * y.mean()
    return y


def _wandering(seed: int = 11) -> pd.Series:
    y = classroom(base=2.0, load=1.0, noise=0.03, seed=seed)
    return y + np.repeat(np.random.default_rng(seed + 100).normal(0, 0.4, len(y) // 24), 24)


def test_a_spike_is_found_after_training_glitches(monkeypatch):
    y = _with_glitches(_wandering())
    stamp = pd.Timestamp("2025-03-13 02:00")
    y[stamp] += 0.3 * y.mean()
    hits = _overlapping(detect_anomalies(y, TRAIN_UNTIL).events, stamp, stamp)
    assert [(e.kind, e.start) for e in hits] == [("spike", stamp)]
    # With the bar at the training quantile alone, the two glitches set it and the spike is lost.
    monkeypatch.setattr(anomalies, "JUMP_TAIL_GUARD", 1e9)
    assert _overlapping(detect_anomalies(y, TRAIN_UNTIL).events, stamp, stamp) == []


def test_a_glitched_training_span_raises_no_alarm_on_clean_weeks():
    y = _with_glitches(_wandering())
    assert detect_anomalies(y, TRAIN_UNTIL).events == ()


def test_a_constant_draw_far_above_the_usual_is_left_on_not_a_frozen_meter():
    # A relay reports its rated draw hour after hour: identical readings, but far above the usual night. With one-off
    # training runs no longer the meter's normal, the flat-line rule alone would call this a frozen meter.
    y = classroom(base=0.5, load=4.5, noise=0.05, seed=9)
    night = pd.date_range("2025-03-18 22:00", "2025-03-19 05:00", freq="h")
    y[night] = 5.0
    hits = _overlapping(detect_anomalies(y, TRAIN_UNTIL).events, night[0], night[-1])
    assert [e.kind for e in hits] == ["left-on-overnight"]


def test_a_relay_switch_s_long_off_runs_are_its_normal():
    # A switch series is runs by nature (the alert scan gives "off" a small constant): used on a few afternoons, off
    # for days otherwise. Its few long runs are not faults, and the weeks off after the cut-off are no frozen meter.
    y = pd.Series(1.0, index=classroom().index)
    for day in ("2025-01-15", "2025-02-12", "2025-02-26", "2025-03-11", "2025-03-25"):
        y[pd.date_range(f"{day} 14:00", periods=3, freq="h")] = 1500.0
    runs = anomalies._recurring_flat_run(y[:TRAIN_UNTIL].to_numpy()[None, :])
    assert runs[0] == len(y["2025-01-15 17:00":"2025-02-12 13:00"])  # the longest off stretch, as before
    assert [e for e in detect_anomalies(y, TRAIN_UNTIL).events if e.kind == "flat-line"] == []
