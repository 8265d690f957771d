"""The seventh pass's weekend check on generated meters: a weekend must stand out against both the usual weekend
and the weekend before, each at a lower bar than the single reference needed. The tests show the pair finding a
weekend left on that the sixth pass's single check missed, and staying quiet on a clean meter where the usual
weekend alone, at the same bar, would page someone."""

import numpy as np
import pandas as pd

import analytics.anomalies as anomalies
from analytics.detect import detect_anomalies
from tests.analytics.conftest import classroom

TRAIN_UNTIL = pd.Timestamp("2025-03-02 23:00")  # 8 weeks of training, 4 weeks scored
WEEKEND = pd.date_range("2025-03-15 00:00", "2025-03-16 23:00", freq="h")
# The sixth pass: the weekend against the usual weekend only, at 6 spreads.
SIXTH_PASS = (tuple(c for c in anomalies.RUN_CHECKS if not (c[0] == "weekend" and c[4])), (3.0, 3.0, 6.0, 7.0))


def _wandering(seed: int) -> pd.Series:
    """A building-like meter whose level takes a random offset each day (10 % of its daytime load), so that one
    weekend differs from the next by more than its hours wobble."""
    y = classroom(base=2.0, load=1.0, noise=0.05, seed=seed)
    return y + np.repeat(np.random.default_rng(seed + 100).normal(0, 0.1, len(y) // 24), 24)


def _weekend_events(y: pd.Series) -> list:
    return [e for e in detect_anomalies(y, TRAIN_UNTIL).events
            if e.start <= WEEKEND[-1] and e.end >= WEEKEND[0]]


def test_a_weekend_left_on_is_found_against_both_references_where_the_single_check_missed_it(monkeypatch):
    y = _wandering(seed=9)
    assert detect_anomalies(y, TRAIN_UNTIL).events == ()  # the clean meter raises nothing
    y[WEEKEND] += 0.1 * y.mean()
    hits = _weekend_events(y)
    assert [e.kind for e in hits] == ["left-on-weekend"]
    assert hits[0].hours >= 44 and "usually" in hits[0].reason and "at weekends" in hits[0].reason
    monkeypatch.setattr(anomalies, "RUN_CHECKS", SIXTH_PASS[0])
    monkeypatch.setattr(anomalies, "RUN_SPREADS", SIXTH_PASS[1])
    assert _weekend_events(y) == []  # one reference at 6 spreads, and no other check, finds it


def test_a_clean_wandering_meter_stays_quiet_where_the_usual_weekend_alone_would_alarm(monkeypatch):
    y = _wandering(seed=13)
    assert detect_anomalies(y, TRAIN_UNTIL).events == ()
    # The same bar (2 spreads) against the usual weekend only: an ordinary weekend pages someone.
    monkeypatch.setattr(anomalies, "RUN_CHECKS", SIXTH_PASS[0])
    monkeypatch.setattr(anomalies, "RUN_SPREADS", (3.0, 3.0, 2.0, 7.0))
    assert [e.kind for e in detect_anomalies(y, TRAIN_UNTIL).events] == ["left-on-weekend"]
