"""The sixth pass's checks on generated meters: one-hour spikes against the neighbouring hours, and bars that
rise with a meter's recent noise. Each test shows the new check finding (or silencing) what the old ones did not."""

import numpy as np
import pandas as pd

import analytics.anomalies as anomalies
from analytics.detect import detect_anomalies
from tests.analytics.conftest import classroom

TRAIN_UNTIL = pd.Timestamp("2025-03-02 23:00")  # 8 weeks of training, 4 weeks scored


def _wandering(seed: int = 11, wander: float = 0.4) -> pd.Series:
    """A building-like meter whose level wanders from day to day (a random offset per day) while the hours
    within a day stay smooth: last week's same hour is a poor expectation, the hours around are a good one."""
    y = classroom(base=2.0, load=1.0, noise=0.03, seed=seed)
    days = len(y) // 24
    return y + np.repeat(np.random.default_rng(seed + 100).normal(0, wander, days), 24)


def _overlapping(events, start, end):
    return [e for e in events if e.start <= pd.Timestamp(end) and e.end >= pd.Timestamp(start)]


def test_a_one_hour_spike_is_found_against_its_neighbours_where_the_hourly_check_misses_it(monkeypatch):
    y = _wandering()
    assert detect_anomalies(y, TRAIN_UNTIL).events == ()  # the wandering meter alone raises nothing
    stamp = pd.Timestamp("2025-03-13 02:00")
    y[stamp] += 0.3 * y.mean()  # +30 % of the mean for one hour: within the day-to-day wander of that hour
    hits = _overlapping(detect_anomalies(y, TRAIN_UNTIL).events, stamp, stamp)
    assert [(e.kind, e.start, e.hours) for e in hits] == [("spike", stamp, 1)]
    assert hits[0].reason.startswith("spiked to 2.5 kW at Thu 13 Mar 02:00; usually")
    monkeypatch.setattr(anomalies, "MIN_JUMP_SPREADS", 1e9)  # the neighbour check off: nothing else finds it
    assert _overlapping(detect_anomalies(y, TRAIN_UNTIL).events, stamp, stamp) == []


def test_a_step_is_no_spike():
    # A load that comes on and stays on stands above the hour before but not above the hour after.
    y = _wandering()
    step = pd.date_range("2025-03-13 02:00", periods=3, freq="h")
    y[step] += 0.3 * y.mean()
    rows = detect_anomalies(y, TRAIN_UNTIL).rows
    assert not rows.loc[step, "is_anomaly"].any()


def test_bars_rise_with_the_recent_noise_of_a_meter(monkeypatch):
    # A meter that turned noisier two weeks before the cut-off (its training year was mostly calm): with bars
    # fixed from training, its ordinary noise pages someone several times in four weeks; adaptive bars stay quiet.
    calm = classroom(base=2.0, load=1.0, noise=0.05, seed=21)
    noisy = classroom(base=2.0, load=1.0, noise=0.2, seed=21)
    y = calm.where(calm.index <= pd.Timestamp("2025-02-16"), noisy)
    assert detect_anomalies(y, TRAIN_UNTIL).events == ()
    monkeypatch.setattr(anomalies, "ADAPT_HOURS", 0)
    monkeypatch.setattr(anomalies, "JUMP_RECUR_DAYS", 0)  # (recurring jumps would hide some of the noise too)
    assert len(detect_anomalies(y, TRAIN_UNTIL).events) >= 3


def test_adaptive_bars_still_find_a_fault_on_the_noisier_meter():
    calm = classroom(base=2.0, load=1.0, noise=0.05, seed=21)
    y = calm.where(calm.index <= pd.Timestamp("2025-02-16"), classroom(base=2.0, load=1.0, noise=0.2, seed=21))
    night = pd.date_range("2025-03-18 22:00", "2025-03-19 05:00", freq="h")
    y[night] += 0.5 * y.mean()
    hits = _overlapping(detect_anomalies(y, TRAIN_UNTIL).events, night[0], night[-1])
    assert [e.kind for e in hits] == ["left-on-overnight"]


def test_a_jump_that_recurs_every_night_is_a_habit_not_a_fault(monkeypatch):
    # A heater that starts cycling at 02:00 every night: the first night is news, the next six are its new habit.
    y = _wandering()
    nights = [pd.Timestamp("2025-03-10 02:00") + pd.Timedelta(days=d) for d in range(7)]
    for stamp in nights:
        y[stamp] += 0.3 * y.mean()
    spikes = [e.start for e in detect_anomalies(y, TRAIN_UNTIL).events if e.kind == "spike"]
    assert spikes == [nights[0]]
    monkeypatch.setattr(anomalies, "JUMP_RECUR_DAYS", 0)  # every night pages someone again
    assert len([e for e in detect_anomalies(y, TRAIN_UNTIL).events if e.kind == "spike" and e.start in nights]) >= 5
