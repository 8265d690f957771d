"""The first, per-event loop version of `analytics.events.group_events`: the reference the vectorised one must match."""

from __future__ import annotations

import numpy as np

from analytics.anomalies import Scored
from analytics.events import (_NIGHT, MAX_GAP_HOURS, MIN_EVENT_EXCESS, MIN_SPIKE_EXCESS, SPIKE_MAX_HOURS,
                              STUCK_MIN_HOURS, AnomalyEvent, _describe)


def _classify(codes: np.ndarray, hour: np.ndarray, dow: np.ndarray) -> str:
    """Kind of an event from its hours' reason codes, hours of day and weekdays (plain arrays: this runs per event)."""
    if (codes == 2).mean() >= 0.5:
        return "meter-zero"
    if (codes == 3).mean() >= 0.5:
        return "flat-line"
    hours = len(hour)
    if hours <= SPIKE_MAX_HOURS:
        return "spike"
    weekend = dow >= 5
    night = _NIGHT[hour]
    if weekend.mean() >= 0.6 and hours >= 6:
        return "left-on-weekend"
    if hours >= STUCK_MIN_HOURS:
        return "stuck-on"
    if night.mean() >= 0.5 or night.sum() >= 6:  # most of one night, even if it started in the evening
        return "left-on-overnight"
    return "high-usage"


def _severity(kind: str, score: float, excess: float, level: float) -> str:
    if kind in ("meter-zero", "flat-line"):
        return "high" if score >= 0.95 else "medium"
    share = excess / (level * 24) if level > 0 else 0.0  # excess as a share of a typical day's energy
    if share >= 0.25 or score >= 0.8:
        return "high"
    if share >= 0.05 or score >= 0.7:
        return "medium"
    return "low"


def group_events_loop(scored: Scored, *, unit: str = "kW", levels: dict[str, float] | None = None) -> list[AnomalyEvent]:
    """The per-event loop group_events replaced, kept as the reference its vectorised form must match."""
    events: list[AnomalyEvent] = []
    index = scored.index
    hour_all = index.hour.to_numpy()
    dow_all = index.day_of_week.to_numpy()
    rows, cols = np.nonzero(scored.is_anomaly)
    for i in np.unique(rows):
        key = scored.keys[i]
        hits = cols[rows == i]
        breaks = np.flatnonzero(np.diff(hits) > MAX_GAP_HOURS + 1)
        level = (levels or {}).get(key)
        if level is None:
            level = float(np.nanmean(scored.usual[i]))
        for seg in np.split(hits, breaks + 1):
            lo, hi = int(seg[0]), int(seg[-1])
            vals = scored.values[i, lo : hi + 1]
            usual = scored.usual[i, lo : hi + 1]
            hour, dow = hour_all[lo : hi + 1], dow_all[lo : hi + 1]
            kind = _classify(scored.reason_code[i, seg], hour, dow)
            positive = vals > 0
            excess = float(np.sum(np.where(positive, vals - usual, 0.0)))
            vouched = scored.jump is not None and bool(scored.jump[i, seg].any())
            least = MIN_SPIKE_EXCESS if kind == "spike" and vouched else MIN_EVENT_EXCESS
            if kind not in ("meter-zero", "flat-line") and excess < least * level:
                continue
            pos = np.where(positive, vals, 0.0)
            # "usually ... at night" compares like with like: the usual reading over the hours the words name.
            focus = _NIGHT[hour] if kind == "left-on-overnight" else (
                dow >= 5 if kind == "left-on-weekend" else np.ones(len(hour), bool))
            mean = float(np.nanmean(pos[focus]))
            usual_mean = float(np.nanmean(usual[focus]))
            top = float(scored.score[i, seg].max())
            finite = vals[np.isfinite(vals)]
            first_value = float(finite[0]) if finite.size else float("nan")
            reason = _describe(kind, index[lo], index[hi], mean, usual_mean, float(np.nanmax(pos)), first_value, unit)
            events.append(AnomalyEvent(key, index[lo], index[hi], kind, reason, round(top, 4), _severity(kind, top, excess, level),
                                       mean, usual_mean, excess))
    return events
