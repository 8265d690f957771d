"""One call for one series: fit on the hours up to a cut-off, score every later hour, group the events."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analytics.anomalies import fit_detector, score
from analytics.events import AnomalyEvent, group_events


@dataclass(frozen=True)
class Detection:
    """rows: DataFrame indexed by timestamp with value, score, is_anomaly for every hour after the cut-off.
    events: the grouped faults, described."""

    rows: pd.DataFrame
    events: tuple[AnomalyEvent, ...]


def detect_anomalies(series: pd.Series, train_until: pd.Timestamp, *, unit: str = "kW", key: str = "series") -> Detection:
    train = series[series.index <= train_until]
    if train.notna().sum() < 24 or (train > 0).sum() < 24:
        raise ValueError(f"need at least 24 positive readings up to {train_until}; got {int((train > 0).sum())}")
    if not (series.index > train_until).any():
        raise ValueError(f"no readings after {train_until} to score")
    frame = series.rename(key).to_frame()
    detector = fit_detector(frame[frame.index <= train_until])
    scored = score(detector, frame, since=train_until)
    rows = pd.DataFrame({"value": scored.values[0], "score": scored.score[0].round(4), "is_anomaly": scored.is_anomaly[0]},
                        index=scored.index)
    levels = {key: float(detector.baselines.level[0])}
    return Detection(rows, tuple(group_events(scored, unit=unit, levels=levels)))
