"""Group anomalous hours into events and say what each one is, in a facility manager's words."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.anomalies import Scored

NIGHT_HOURS = frozenset([22, 23, 0, 1, 2, 3, 4, 5])
MAX_GAP_HOURS = 1  # anomalous hours with at most this many normal hours between them are one event
MIN_EVENT_EXCESS = 0.5  # an above-normal event must add at least half an hour of the mean level
# ... except a spike the neighbour check vouches for (`Scored.jump`: the hour stands far above both of its
# neighbours), which needs only what each anomalous hour needs (analytics.anomalies.MIN_EXCESS_SHARE): a one-hour
# spike of a tenth of a building's mean draw or more is worth a look (a short circuit, a plant fault).
MIN_SPIKE_EXCESS = 0.1
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


def group_events(scored: Scored, *, unit: str = "kW", levels: dict[str, float] | None = None) -> list[AnomalyEvent]:
    """Turn the hourly verdicts into events (gaps of up to MAX_GAP_HOURS normal hours do not split an event).

    Vectorised over all events of all series: segments come from one pass over the anomalous hours, their
    statistics from sums over the concatenated event spans (`np.add.reduceat`); only the wording runs per event.
    """
    rows, cols = np.nonzero(scored.is_anomaly)  # row-major: by series, then by hour
    if rows.size == 0:
        return []
    new = np.ones(rows.size, dtype=bool)
    new[1:] = (rows[1:] != rows[:-1]) | (np.diff(cols) > MAX_GAP_HOURS + 1)
    first_hit = np.flatnonzero(new)
    seg_of_hit = np.cumsum(new) - 1
    last_hit = np.r_[first_hit[1:], rows.size] - 1
    seg_row, lo, hi = rows[first_hit], cols[first_hit], cols[last_hit]
    n_seg = first_hit.size
    # Over the anomalous hours of each event: reason shares and the top score.
    codes = scored.reason_code[rows, cols]
    n_hits = np.bincount(seg_of_hit, minlength=n_seg)
    zero_share = np.bincount(seg_of_hit, weights=codes == 2, minlength=n_seg) / n_hits
    flat_share = np.bincount(seg_of_hit, weights=codes == 3, minlength=n_seg) / n_hits
    top = np.maximum.reduceat(scored.score[rows, cols], first_hit)
    vouched = (np.bincount(seg_of_hit, weights=scored.jump[rows, cols], minlength=n_seg) > 0 if scored.jump is not None
               else np.zeros(n_seg, dtype=bool))
    # Over every hour of each event's span (gaps included): one flat array of all spans.
    length = hi - lo + 1
    span_start = np.cumsum(length) - length
    offset = np.arange(int(length.sum())) - np.repeat(span_start, length)
    span_col = np.repeat(lo, length) + offset
    span_row = np.repeat(seg_row, length)
    vals = scored.values[span_row, span_col]
    usual = scored.usual[span_row, span_col]
    hour = scored.index.hour.to_numpy()[span_col]
    weekend = scored.index.day_of_week.to_numpy()[span_col] >= 5
    night = _NIGHT[hour]
    positive = vals > 0
    pos = np.where(positive, vals, 0.0)

    def total(x: np.ndarray) -> np.ndarray:
        return np.add.reduceat(np.asarray(x, dtype=float), span_start)

    excess = total(np.where(positive, vals - usual, 0.0))
    weekend_share, night_share, night_hours = total(weekend) / length, total(night) / length, total(night)
    kind = np.select(
        [zero_share >= 0.5, flat_share >= 0.5, length <= SPIKE_MAX_HOURS, (weekend_share >= 0.6) & (length >= 6),
         length >= STUCK_MIN_HOURS, (night_share >= 0.5) | (night_hours >= 6)],
        ["meter-zero", "flat-line", "spike", "left-on-weekend", "stuck-on", "left-on-overnight"], "high-usage")
    # Level per series: the caller's, else the mean usual reading of the block.
    level = np.empty(n_seg)
    given = levels or {}
    for r in np.unique(seg_row):
        key = scored.keys[r]
        level[seg_row == r] = given[key] if key in given else float(np.nanmean(scored.usual[r]))
    dead = (kind == "meter-zero") | (kind == "flat-line")
    least = np.where((kind == "spike") & vouched, MIN_SPIKE_EXCESS, MIN_EVENT_EXCESS)
    keep = dead | ~(excess < least * level)
    # "usually ... at night" compares like with like: the usual reading over the hours the words name.
    span_kind = np.repeat(kind, length)
    focus = np.where(span_kind == "left-on-overnight", night, np.where(span_kind == "left-on-weekend", weekend, True))
    usual_ok = focus & np.isfinite(usual)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total(np.where(focus, pos, 0.0)) / total(focus)
        usual_mean = total(np.where(usual_ok, usual, 0.0)) / total(usual_ok)
    peak = np.maximum.reduceat(pos, span_start)
    finite = np.isfinite(vals)
    first_at = np.minimum.reduceat(np.where(finite, offset, np.iinfo(np.int64).max), span_start)
    has_value = first_at < np.iinfo(np.int64).max
    first_value = np.where(has_value, vals[span_start + np.where(has_value, first_at, 0)], np.nan)
    share = np.where(level > 0, excess / np.where(level > 0, level * 24, 1.0), 0.0)
    severity = np.where(dead, np.where(top >= 0.95, "high", "medium"),
                        np.where((share >= 0.25) | (top >= 0.8), "high",
                                 np.where((share >= 0.05) | (top >= 0.7), "medium", "low")))
    kept = np.flatnonzero(keep)
    starts, ends = scored.index[lo[kept]], scored.index[hi[kept]]
    events = []
    for j, start, end in zip(kept, starts, ends):
        k = str(kind[j])
        reason = _describe(k, start, end, float(mean[j]), float(usual_mean[j]), float(peak[j]), float(first_value[j]), unit)
        events.append(AnomalyEvent(scored.keys[seg_row[j]], start, end, k, reason, round(float(top[j]), 4),
                                   str(severity[j]), float(mean[j]), float(usual_mean[j]), float(excess[j])))
    return events
