"""Group anomalous hours into events and say what each one is, in a facility manager's words."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.anomalies import Scored

NIGHT_HOURS = frozenset([22, 23, 0, 1, 2, 3, 4, 5])
MAX_GAP_HOURS = 1  # anomalous hours with at most this many normal hours between them are one event
MIN_EVENT_EXCESS = 0.5  # an above-normal event must add at least half an hour of the mean level
SPIKE_MAX_HOURS = 2
STUCK_MIN_HOURS = 24
_NIGHT = np.isin(np.arange(24), sorted(NIGHT_HOURS))


@dataclass(frozen=True)
class AnomalyEvent:
    """One fault: consecutive anomalous hours of one series.

    series_key: which series. start, end: first and last anomalous hour (inclusive). kind: spike,
    left-on-overnight, left-on-weekend, stuck-on, high-usage, meter-zero or flat-line. reason: one sentence.
    score: the highest hourly score (0..1). severity: low, medium or high. mean_value, usual_value: average
    reading and usual reading over the event. excess: reading above usual, summed over the event (unit x h).
    """

    series_key: str
    start: pd.Timestamp
    end: pd.Timestamp
    kind: str
    reason: str
    score: float
    severity: str
    mean_value: float
    usual_value: float
    excess: float

    @property
    def hours(self) -> int:
        return int((self.end - self.start) / pd.Timedelta(hours=1)) + 1


def _fmt(value: float, unit: str) -> str:
    if not np.isfinite(value):
        return f"? {unit}"
    if abs(value) >= 100:
        return f"{value:,.0f} {unit}"
    if abs(value) >= 10:
        return f"{value:.1f} {unit}"
    return f"{value:.2f} {unit}".replace(".00 ", " ") if abs(value) < 1 else f"{value:.1f} {unit}"


def _when(ts: pd.Timestamp, ref: pd.Timestamp | None = None) -> str:
    if ref is not None and ts.normalize() == ref.normalize():
        return ts.strftime("%H:%M")
    return ts.strftime("%a %d %b %H:%M")


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


def _describe(kind: str, start: pd.Timestamp, end: pd.Timestamp, mean: float, usual: float, peak: float, value: float, unit: str) -> str:
    span = f"from {_when(start)} to {_when(end + pd.Timedelta(hours=1), start)}"
    hours = int((end - start) / pd.Timedelta(hours=1)) + 1
    if kind == "meter-zero":
        return f"meter read zero {span} ({hours} h); usually {_fmt(usual, unit)} at these hours: check the meter or its supply"
    if kind == "flat-line":
        return f"reading stuck at {_fmt(value, unit)} {span} ({hours} h); a live meter varies (usually {_fmt(usual, unit)} at these hours)"
    if kind == "spike":
        return f"spiked to {_fmt(peak, unit)} at {_when(start)}; usually {_fmt(usual, unit)} at this hour"
    if kind == "left-on-overnight":
        return f"drew {_fmt(mean, unit)} {span}; usually {_fmt(usual, unit)} at night"
    if kind == "left-on-weekend":
        return f"drew {_fmt(mean, unit)} over the weekend, {span}; usually {_fmt(usual, unit)} at weekends"
    if kind == "stuck-on":
        return f"stayed on at {_fmt(mean, unit)} for {hours} h {span}; usually {_fmt(usual, unit)} at these hours"
    return f"drew {_fmt(mean, unit)} {span}; usually {_fmt(usual, unit)} at these hours"


def _severity(kind: str, score: float, excess: float, level: float) -> str:
    if kind in ("meter-zero", "flat-line"):
        return "high" if score >= 0.95 else "medium"
    share = excess / (level * 24) if level > 0 else 0.0  # excess as a share of a typical day's energy
    if share >= 0.25 or score >= 0.8:
        return "high"
    if share >= 0.05 or score >= 0.7:
        return "medium"
    return "low"


def group_events(scored: Scored, *, unit: str = "kW", levels: dict[str, float] | None = None) -> list[AnomalyEvent]:
    """Turn the hourly verdicts into events (gaps of up to two normal hours do not split an event)."""
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
            if kind not in ("meter-zero", "flat-line") and excess < MIN_EVENT_EXCESS * level:
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
