"""Per-series alarm bars calibrated on a held-out year, to spend a false-alarm budget on recall.

A detector's bars come from high quantiles of its own training year, so its false-alarm rate on the *next* year
differs per meter: calm meters alarm far less than the budget (their bars could come down and find smaller
faults), noisy ones more. `calibrate_sensitivity` scores a held-out span (readings after the detector's training
end, assumed mostly fault-free) at several bar multipliers and keeps, per series, the lowest multiplier whose
high-usage alarm rate stays within the budget. `with_sensitivity` applies the multipliers to any detector of the
same series (e.g. one refitted on the held-out year itself).
"""

from __future__ import annotations

import logging
from dataclasses import replace

import numpy as np
import pandas as pd

from analytics.anomalies import Detector, score
from analytics.events import group_events

log = logging.getLogger(__name__)

SCALES = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.15, 1.3, 1.5, 2.0)
DEFAULT_BUDGET = 0.8  # high-usage alarms per series-month on the held-out span (the target allows 1)
RULE_KINDS = ("meter-zero", "flat-line")  # dead-meter rules do not depend on the bars


def with_sensitivity(detector: Detector, sensitivity: np.ndarray | dict[str, float]) -> Detector:
    """The detector with per-series bar multipliers (an array in the detector's key order, or key -> multiplier;
    missing keys keep 1)."""
    keys = detector.baselines.keys
    if isinstance(sensitivity, dict):
        sens = np.array([float(sensitivity.get(k, 1.0)) for k in keys])
    else:
        sens = np.asarray(sensitivity, dtype=float)
    if sens.shape != (len(keys),) or not np.all(np.isfinite(sens)) or np.any(sens <= 0):
        raise ValueError(f"sensitivity needs one positive multiplier per series ({len(keys)})")
    return replace(detector, baselines=replace(detector.baselines, sensitivity=sens))


def calibrate_sensitivity(detector: Detector, holdout: pd.DataFrame | pd.Series, *, budget: float = DEFAULT_BUDGET,
                          since: pd.Timestamp | None = None, scales: tuple[float, ...] = SCALES) -> dict[str, float]:
    """Per series key: the lowest multiplier in `scales` whose high-usage alarms on `holdout` (scored after `since`,
    default the detector's training end) stay within `budget` per 30 days; the highest scale if none does."""
    if isinstance(holdout, pd.Series):
        holdout = holdout.to_frame(holdout.name if holdout.name is not None else detector.baselines.keys[0])
    keys = tuple(str(k) for k in holdout.columns)
    start = since if since is not None else detector.baselines.train_end
    months = max(float((holdout.index > start).sum()) / (24 * 30), 1e-9)
    ordered = sorted(scales)
    counts = np.zeros((len(ordered), len(keys)))
    col = {k: i for i, k in enumerate(keys)}
    for i, s in enumerate(ordered):
        sub = with_sensitivity(detector, np.full(len(detector.baselines.keys), s))
        for e in group_events(score(sub, holdout, since=start)):
            if e.kind not in RULE_KINDS:
                counts[i, col[e.series_key]] += 1
    rate = counts / months
    chosen = {}
    for j, k in enumerate(keys):
        ok = np.flatnonzero(rate[:, j] <= budget)
        chosen[k] = float(ordered[ok[0]] if ok.size else ordered[-1])
    log.info("anomaly sensitivity calibrated", extra={"kv": {"series": len(keys), "months": round(months, 1),
                                                           "median": float(np.median(list(chosen.values())))}})
    return chosen
