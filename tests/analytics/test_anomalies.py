"""Each fault type, injected into a generated classroom series, is found and described."""

import numpy as np
import pandas as pd
import pytest

from analytics.anomalies import _extend_back, _runs_of_equal, fit_detector, score
from analytics.detect import detect_anomalies
from analytics.events import group_events
from tests.analytics.conftest import classroom

TRAIN_UNTIL = pd.Timestamp("2025-03-02 23:00")  # 8 weeks of training, 4 weeks scored


def _events(y: pd.Series):
    return detect_anomalies(y, TRAIN_UNTIL).events


def _overlapping(events, start, end):
    return [e for e in events if e.start <= pd.Timestamp(end) and e.end >= pd.Timestamp(start)]


def test_clean_series_raises_no_alarm():
    found = detect_anomalies(classroom(), TRAIN_UNTIL)
    assert len(found.rows) == 4 * 168
    assert found.rows.index[0] == TRAIN_UNTIL + pd.Timedelta(hours=1)
    assert len(found.events) == 0


def test_left_on_overnight():
    y = classroom()
    y[pd.date_range("2025-03-11 22:00", "2025-03-12 06:00", freq="h")] += 1.4
    hits = _overlapping(_events(y), "2025-03-11 22:00", "2025-03-12 06:00")
    assert [e.kind for e in hits] == ["left-on-overnight"]
    assert "usually 0.1" in hits[0].reason and "at night" in hits[0].reason and "drew 1.5 kW" in hits[0].reason


def test_left_on_over_a_weekend():
    y = classroom()
    y[pd.date_range("2025-03-15 00:00", "2025-03-16 23:00", freq="h")] += 1.4
    hits = _overlapping(_events(y), "2025-03-15", "2025-03-16 23:00")
    assert [e.kind for e in hits] == ["left-on-weekend"] and hits[0].severity == "high"
    assert hits[0].hours >= 40


def test_appliance_stuck_on():
    y = classroom()
    stuck = pd.date_range("2025-03-18 17:00", "2025-03-20 08:00", freq="h")
    y[stuck] = 1.5 + np.random.default_rng(5).normal(0, 0.03, len(stuck))
    hits = _overlapping(_events(y), stuck[0], stuck[-1])
    assert hits and {e.kind for e in hits} <= {"stuck-on", "left-on-overnight"}
    assert any(e.kind == "stuck-on" for e in hits) or len(hits) == 2


def test_sudden_spike():
    y = classroom()
    y[pd.Timestamp("2025-03-13 11:00")] += 6.0
    hits = _overlapping(_events(y), "2025-03-13 11:00", "2025-03-13 11:00")
    assert [e.kind for e in hits] == ["spike"] and "spiked to" in hits[0].reason


def test_meter_drops_to_zero():
    y = classroom()
    y[pd.date_range("2025-03-24 09:00", "2025-03-24 20:00", freq="h")] = 0.0
    hits = _overlapping(_events(y), "2025-03-24 09:00", "2025-03-24 20:00")
    assert [e.kind for e in hits] == ["meter-zero"] and "zero" in hits[0].reason


def test_meter_flat_lines():
    y = classroom()
    y[pd.date_range("2025-03-05 06:00", "2025-03-05 20:00", freq="h")] = 0.733
    hits = _overlapping(_events(y), "2025-03-05 06:00", "2025-03-05 20:00")
    assert [e.kind for e in hits] == ["flat-line"] and "stuck at 0.73" in hits[0].reason


def test_scores_rank_the_fault_above_normal_hours():
    y = classroom()
    y[pd.Timestamp("2025-03-13 03:00")] += 3.0
    rows = detect_anomalies(y, TRAIN_UNTIL).rows
    assert rows.loc["2025-03-13 03:00", "score"] > rows["score"].drop(pd.Timestamp("2025-03-13 03:00")).quantile(0.99)


def test_many_series_share_one_forest_and_keep_their_own_baselines():
    frame = pd.DataFrame({f"room-{i}": classroom(seed=i, load=0.5 + i) for i in range(4)})
    frame.loc[pd.Timestamp("2025-03-12 02:00"), "room-3"] += 4.0
    detector = fit_detector(frame[frame.index <= TRAIN_UNTIL])
    scored = score(detector, frame)
    events = group_events(scored)
    assert [(e.series_key, e.kind) for e in events] == [("room-3", "spike")]


def test_training_cutoff_is_respected():
    y = classroom()
    y[y.index > TRAIN_UNTIL] += 2.0  # everything after the cut-off is odd: fitting on it would hide that
    flags = detect_anomalies(y, TRAIN_UNTIL).rows["is_anomaly"]
    # Every hour of the first two weeks; after that the three-week recent usual has absorbed the lasting shift.
    assert flags.iloc[: 2 * 168].all() and flags.mean() >= 0.5


def test_too_little_training_data_is_a_clear_error():
    y = classroom()
    with pytest.raises(ValueError, match="at least 24 positive readings"):
        detect_anomalies(y, y.index[10])


def _loop_runs(x):
    out = np.ones_like(x, dtype=np.int64)
    for i in range(x.shape[0]):
        for t in range(1, x.shape[1]):
            if np.isfinite(x[i, t]) and x[i, t] == x[i, t - 1]:
                out[i, t] = out[i, t - 1] + 1
    return out


def test_vectorised_runs_match_a_plain_loop():
    rng = np.random.default_rng(3)
    x = rng.integers(0, 3, size=(5, 200)).astype(float)
    x[x == 0] = np.nan
    runs = _runs_of_equal(x)
    np.testing.assert_array_equal(runs, _loop_runs(x))
    flags = runs >= 3
    expected = flags.copy()
    for i, t in zip(*np.nonzero(flags)):
        expected[i, t - runs[i, t] + 1 : t + 1] = True
    np.testing.assert_array_equal(_extend_back(flags, x), expected)


def test_moderate_overnight_load_on_a_noisy_meter_is_found_as_one_night():
    # A building-like meter: a high base load with week-to-week wobble; +25 % of its level left on for a night.
    y = classroom(base=2.0, load=1.0, noise=0.08, seed=9)
    night = pd.date_range("2025-03-18 22:00", "2025-03-19 05:00", freq="h")
    y[night] += 0.25 * y.mean()
    hits = _overlapping(_events(y), night[0], night[-1])
    assert [e.kind for e in hits] == ["left-on-overnight"]
    # The night run check alone flags every hour of it (the retired sustained check used to).
    found = detect_anomalies(y, TRAIN_UNTIL).rows.loc[night]
    assert found["is_anomaly"].mean() >= 0.75


def _without_run_checks(monkeypatch):
    import analytics.anomalies as anomalies

    monkeypatch.setattr(anomalies, "RUN_SPREADS", (1e9,) * len(anomalies.RUN_CHECKS))


def test_a_small_load_left_on_all_night_is_found_by_the_night_run_check(monkeypatch):
    # +8 % of the mean for one night: no single hour, nor any 6 h window, stands out on this noisy meter,
    # but the night as a whole does, against both the usual night and the night before.
    y = classroom(base=2.0, load=1.0, noise=0.08, seed=9)
    night = pd.date_range("2025-03-18 22:00", "2025-03-19 05:00", freq="h")
    y[night] += 0.08 * y.mean()
    hits = _overlapping(_events(y), night[0], night[-1])
    assert [(e.kind, e.start, e.hours) for e in hits] == [("left-on-overnight", night[0], 8)]
    assert "usually" in hits[0].reason and "at night" in hits[0].reason
    _without_run_checks(monkeypatch)
    assert _overlapping(_events(y), night[0], night[-1]) == []


def test_a_weekend_left_on_is_one_event_covering_the_weekend(monkeypatch):
    y = classroom(base=2.0, load=1.0, noise=0.08, seed=9)
    weekend = pd.date_range("2025-03-15 00:00", "2025-03-16 23:00", freq="h")
    y[weekend] += 0.08 * y.mean()
    hits = _overlapping(_events(y), weekend[0], weekend[-1])
    assert len(hits) == 1 and hits[0].kind == "left-on-weekend"
    assert hits[0].start <= weekend[0] and hits[0].end >= weekend[-1]
    _without_run_checks(monkeypatch)
    assert all(e.hours < 12 for e in _overlapping(_events(y), weekend[0], weekend[-1]))  # only fragments


def test_an_appliance_stuck_on_for_days_is_found_by_the_day_run_check(monkeypatch):
    y = classroom(base=2.0, load=1.0, noise=0.08, seed=9)
    stuck = pd.date_range("2025-03-18 13:00", periods=40, freq="h")
    y[stuck] += 0.08 * y.mean()
    hits = _overlapping(_events(y), stuck[0], stuck[-1])
    assert [e.kind for e in hits] == ["stuck-on"] and hits[0].start == stuck[0] and hits[0].hours >= 36
    _without_run_checks(monkeypatch)
    assert not any(e.kind == "stuck-on" for e in _overlapping(_events(y), stuck[0], stuck[-1]))
