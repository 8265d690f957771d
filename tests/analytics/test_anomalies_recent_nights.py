"""The eighth pass's night bars on generated meters: a night's spread may fall to that of the ten weeks before it
(never below half the fit year's), so a meter whose nights were noisy long ago but are calm lately has a night
left on found that the fit year's spread missed, and clean meters stay quiet."""

import numpy as np
import pandas as pd

import analytics.anomalies as anomalies
from analytics.detect import detect_anomalies
from tests.analytics.conftest import classroom

TRAIN_UNTIL = pd.Timestamp("2025-05-25 23:00")  # 20 weeks of training, 10 weeks scored
NIGHT = pd.date_range("2025-06-17 22:00", periods=8, freq="h")  # a Tuesday night, in the scored weeks


def _meter(seed: int, noisy_until: str) -> pd.Series:
    """A building-like meter whose nights (22:00-05:59) each carry a random extra load until `noisy_until`."""
    y = classroom(weeks=30, base=2.0, load=1.0, noise=0.05, seed=seed)
    night = (y.index.hour >= 22) | (y.index.hour < 6)
    which = pd.factorize((y.index - pd.Timedelta(hours=6)).normalize())[0]  # one offset per night
    extra = np.abs(np.random.default_rng(seed + 100).normal(0, 0.4, which.max() + 1))[which]
    return y + np.where(night & (y.index < pd.Timestamp(noisy_until)), extra, 0.0)


def _night_events(y: pd.Series) -> list:
    return [e for e in detect_anomalies(y, TRAIN_UNTIL).events if e.start <= NIGHT[-1] and e.end >= NIGHT[0]]


def test_a_night_left_on_is_found_once_the_noisy_nights_are_long_past(monkeypatch):
    y = _meter(seed=5, noisy_until="2025-03-31")  # noisy for the first 12 weeks, calm for the 18 after
    assert detect_anomalies(y, TRAIN_UNTIL).events == ()  # the clean meter raises nothing
    y[NIGHT] += 0.2 * y.mean()
    hits = _night_events(y)
    assert [e.kind for e in hits] == ["left-on-overnight"]
    assert hits[0].start <= NIGHT[1] and hits[0].end >= NIGHT[-2]
    monkeypatch.setattr(anomalies, "RECENT_NIGHTS", 0)  # the fit year's spread: the noisy weeks hide it
    monkeypatch.setattr(anomalies, "BAR_SCALE", 1.0)  # (at the eighth pass's bars; the ninth's lower ones find it)
    assert _night_events(y) == []


def test_clean_meters_stay_quiet_with_bars_that_fall():
    # Calm throughout, and calm lately after noisy nights in training: the fallen bars page no one.
    for seed in (3, 9, 11):
        calm = classroom(weeks=30, base=2.0, load=1.0, noise=0.05, seed=seed)
        assert detect_anomalies(calm, TRAIN_UNTIL).events == ()
        assert detect_anomalies(_meter(seed, noisy_until="2025-03-31"), TRAIN_UNTIL).events == ()
