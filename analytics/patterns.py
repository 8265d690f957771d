"""Usage patterns: group series (rooms) by their daily load shape and habits with KMeans."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from analytics.series import DAY_HOURS

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SeriesProfile:
    """One series' habits. shape: mean reading per hour of day divided by the daily mean (24 values).
    weekday_means: mean reading per weekday (Mon..Sun). spread: coefficient of variation of hourly readings.
    peak_hour: hour of day with the highest mean. weekend_ratio: weekend mean / weekday mean.
    daily_energy: mean reading summed over a day (unit x h)."""

    key: str
    shape: tuple[float, ...]
    weekday_means: tuple[float, ...]
    spread: float
    peak_hour: int
    weekend_ratio: float
    daily_energy: float


@dataclass(frozen=True)
class Cluster:
    """A group of series used alike. members: series keys. peak_hour: peak of the members' mean shape.
    weekend_ratio, daily_energy: medians over members. label: a short description."""

    cluster: int
    members: tuple[str, ...]
    peak_hour: int
    weekend_ratio: float
    daily_energy: float
    label: str


@dataclass(frozen=True)
class PatternResult:
    """The clustering: k chosen (by silhouette unless given), its silhouette, the clusters and each profile."""

    k: int
    silhouette: float | None
    clusters: tuple[Cluster, ...]
    profiles: tuple[SeriesProfile, ...]
    assignment: dict[str, int]


def profile_series(key: str, series: pd.Series) -> SeriesProfile | None:
    """Habits of one hourly series (readings <= 0 are missing); None if under a day of data."""
    y = series.where(series > 0)
    if y.notna().sum() < DAY_HOURS:
        return None
    by_hour = y.groupby(y.index.hour).mean().reindex(range(24))
    by_hour = by_hour.interpolate(limit_direction="both").fillna(0.0)
    mean = float(by_hour.mean())
    shape = (by_hour / mean).to_numpy() if mean > 0 else np.zeros(24)
    by_day = y.groupby(y.index.day_of_week).mean().reindex(range(7))
    weekday = by_day.iloc[:5].mean()
    weekend = by_day.iloc[5:].mean()
    ratio = float(weekend / weekday) if np.isfinite(weekend) and weekday and np.isfinite(weekday) else float("nan")
    spread = float(y.std() / y.mean()) if y.mean() > 0 else 0.0
    return SeriesProfile(key, tuple(np.round(shape, 4)), tuple(np.round(by_day.to_numpy(dtype=float), 4)), round(spread, 4),
                         int(by_hour.idxmax()), round(ratio, 4) if np.isfinite(ratio) else float("nan"), round(mean * 24, 4))


def _feature_matrix(profiles: list[SeriesProfile]) -> np.ndarray:
    shapes = np.array([p.shape for p in profiles])
    weekday = np.array([p.weekday_means for p in profiles], dtype=float)
    weekday = weekday / np.where(np.nanmean(weekday, axis=1, keepdims=True) > 0, np.nanmean(weekday, axis=1, keepdims=True), 1)
    extra = np.array([[p.spread, p.weekend_ratio] for p in profiles], dtype=float)
    x = np.column_stack([shapes, weekday, extra])
    return np.nan_to_num(x, nan=1.0)


def _label(shape: np.ndarray, weekend_ratio: float) -> str:
    peak = int(np.argmax(shape))
    flatness = float(shape.max() - shape.min())
    if flatness < 0.5:
        base = "round-the-clock load"
    elif 7 <= peak <= 18:
        base = "daytime use"
    else:
        base = "evening/night use"
    if np.isfinite(weekend_ratio) and weekend_ratio < 0.6:
        base += ", quiet at weekends"
    elif np.isfinite(weekend_ratio) and weekend_ratio > 0.9:
        base += ", busy at weekends too"
    return f"{base}, peak {peak:02d}:00"


def cluster_usage(data: pd.DataFrame, *, k: int | None = None, k_max: int = 8, seed: int = 0) -> PatternResult:
    """KMeans on daily load shapes plus weekday means, spread and weekend ratio; k by silhouette unless given."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    profiles = [p for key in data.columns if (p := profile_series(str(key), data[key].astype(float))) is not None]
    if not profiles:
        raise ValueError("no series has a day of positive readings")
    x = _feature_matrix(profiles)
    n = len(profiles)
    if k is not None and not 1 <= k <= n:
        raise ValueError(f"k must be between 1 and the number of series ({n}); got {k}")
    best: tuple[float | None, np.ndarray, int] | None = None
    with threadpool_limits(1):
        if k is not None or n < 3:
            k = k or 1
            labels = KMeans(k, n_init=10, random_state=seed).fit_predict(x) if k > 1 else np.zeros(n, int)
            sil = float(silhouette_score(x, labels)) if 1 < k < n else None
            best = (sil, labels, k)
        else:
            for kk in range(2, min(k_max, n - 1) + 1):
                labels = KMeans(kk, n_init=10, random_state=seed).fit_predict(x)
                if len(set(labels)) < 2:
                    continue
                sil = float(silhouette_score(x, labels))
                if best is None or sil > best[0]:
                    best = (sil, labels, kk)
            if best is None:
                best = (None, np.zeros(n, int), 1)
    sil, labels, k = best
    clusters = []
    for c in range(k):
        members = [p for p, lab in zip(profiles, labels) if lab == c]
        if not members:
            continue
        shape = np.mean([m.shape for m in members], axis=0)
        ratio = float(np.nanmedian([m.weekend_ratio for m in members]))
        clusters.append(Cluster(c, tuple(m.key for m in members), int(np.argmax(shape)), round(ratio, 3),
                                round(float(np.median([m.daily_energy for m in members])), 3), _label(shape, ratio)))
    log.info("usage patterns", extra={"kv": {"series": n, "k": k, "silhouette": None if sil is None else round(sil, 3)}})
    return PatternResult(k, None if sil is None else round(sil, 4), tuple(clusters), tuple(profiles),
                         {p.key: int(lab) for p, lab in zip(profiles, labels)})
