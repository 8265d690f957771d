"""The vectorised event grouping says exactly what the per-event loop said, on many series at once."""

import numpy as np
import pandas as pd

from analytics.anomalies import Scored
from analytics.events import group_events
from tests.analytics.event_reference import group_events_loop


def _random_scored(seed: int, n: int = 6, hours: int = 24 * 21) -> Scored:
    rng = np.random.default_rng(seed)
    index = pd.date_range("2025-03-01", periods=hours, freq="h")
    values = rng.uniform(0.5, 3.0, (n, hours))
    values[rng.random((n, hours)) < 0.03] = np.nan
    usual = np.full((n, hours), 1.0)
    usual[rng.random((n, hours)) < 0.02] = np.nan
    code = np.zeros((n, hours), np.int8)
    # Runs of anomalous hours of random length and reason, with short gaps so some merge.
    for i in range(n):
        t = int(rng.integers(0, 30))
        while t < hours:
            length = int(rng.choice([1, 2, 5, 8, 30, 50]))
            code[i, t : t + length] = rng.choice([1, 1, 1, 2, 3])
            if code[i, t] == 2:
                values[i, t : t + length] = 0.0
            t += length + int(rng.integers(1, 60))
    score = np.where(code > 0, rng.uniform(0.6, 1.0, (n, hours)), rng.uniform(0, 0.5, (n, hours)))
    return Scored(tuple(f"s{i}" for i in range(n)), index, values, usual, score, code > 0, code)


def test_vectorised_grouping_matches_the_loop():
    for seed in range(5):
        scored = _random_scored(seed)
        levels = {"s0": 1.2, "s3": 0.4}
        new, old = group_events(scored, levels=levels), group_events_loop(scored, levels=levels)
        assert len(new) == len(old) > 5
        for a, b in zip(new, old):
            assert (a.series_key, a.start, a.end, a.kind, a.reason, a.severity) == (b.series_key, b.start, b.end, b.kind, b.reason, b.severity)
            np.testing.assert_allclose([a.score, a.mean_value, a.usual_value, a.excess],
                                       [b.score, b.mean_value, b.usual_value, b.excess], rtol=1e-9, equal_nan=True)
        kinds = {e.kind for e in new}
        assert {"spike", "meter-zero", "flat-line"} <= kinds


def test_no_anomalous_hour_gives_no_event():
    scored = _random_scored(1)
    none = Scored(scored.keys, scored.index, scored.values, scored.usual, scored.score,
                  np.zeros_like(scored.is_anomaly), np.zeros_like(scored.reason_code))
    assert group_events(none) == []
