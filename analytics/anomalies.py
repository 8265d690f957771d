"""Anomaly scoring: an IsolationForest over per-series normalised features, plus rules for dead meters.

Features per hour, in units of the series' own robust spread for that hour of day:
  usual:    reading minus the usual reading for this hour and weekday (training median),
  forecast: reading minus the same-hour median of the previous three weeks (a one-week-ahead forecast),
  sustained: the `usual` deviation averaged over the last six hours.
One forest is fitted on the training features of all series given (they are scale-free), then tabulated on a
grid so that scoring millions of hours is an array lookup. Only readings above normal count as forest anomalies;
readings of zero where the meter normally reads something, and flat-lined readings, are caught by rules.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from analytics.series import DAY_HOURS, WEEK_HOURS, hour_of_week

log = logging.getLogger(__name__)

N_FEATURES = 3
SUSTAIN_HOURS = 6
# Grid over g = sign(f)*log1p(|f|): fine near 0, coarse for huge deviations (the forest is flat out there anyway).
GRID_PER_UNIT = 6
GRID_MAX = 4.0  # |f| up to e^4 - 1 ~ 54 spreads
FLAT_HOURS = 6  # identical readings in a row before a flat-line counts
MIN_SPREADS = 3.0  # ... and be at least this many of the hour's robust spreads above it
MIN_EXCESS_SHARE = 0.25  # a high reading must also exceed the usual one by 25 % of the series' mean level
ZERO_SCORE = 0.9  # score given to rule hits (dead meter), above any threshold


@dataclass(frozen=True)
class ScoreTable:
    """An IsolationForest's anomaly score (0..1, higher = odder) tabulated on a grid of the three features.

    values: score per grid cell, shape (B, B, B). threshold: scores above it are anomalous.
    """

    values: np.ndarray
    threshold: float

    @property
    def bins(self) -> int:
        return self.values.shape[0]

    def lookup(self, features: np.ndarray) -> np.ndarray:
        """Scores for features of shape (..., 3)."""
        idx = _grid_index(features, self.bins)
        return self.values[idx[..., 0], idx[..., 1], idx[..., 2]]


@dataclass(frozen=True)
class Baselines:
    """Per-series normal behaviour learned from training data (arrays have one row per series).

    keys: series ids. profile: usual reading per hour of week, (n, 168). spread: robust spread per hour of
    day, (n, 24). level: mean positive reading. zero_share: share of training hours reading <= 0.
    flat_run: longest run of identical positive readings seen in training. train_end: last training stamp.
    """

    keys: tuple[str, ...]
    profile: np.ndarray
    spread: np.ndarray
    level: np.ndarray
    zero_share: np.ndarray
    flat_run: np.ndarray
    train_end: pd.Timestamp


@dataclass(frozen=True)
class Detector:
    """Fitted anomaly detector: per-series baselines and the shared forest table."""

    baselines: Baselines
    table: ScoreTable


@dataclass(frozen=True)
class Scored:
    """Scores of a block of hours. Arrays are (n_series, n_hours) aligned with `index` and `keys`.

    score: 0..1, higher = more anomalous. is_anomaly: the verdict. reason_code: 0 none, 1 high, 2 zero, 3 flat.
    usual: the usual reading at that hour. values: readings as given (NaN = missing).
    """

    keys: tuple[str, ...]
    index: pd.DatetimeIndex
    values: np.ndarray
    usual: np.ndarray
    score: np.ndarray
    is_anomaly: np.ndarray
    reason_code: np.ndarray


def _grid_index(features: np.ndarray, bins: int) -> np.ndarray:
    g = np.sign(features) * np.log1p(np.abs(features))
    half = bins // 2
    idx = np.rint(g * GRID_PER_UNIT).astype(np.int64) + half
    return np.clip(idx, 0, bins - 1)


def _grid_points(bins: int) -> np.ndarray:
    half = bins // 2
    g = (np.arange(bins) - half) / GRID_PER_UNIT
    f = np.sign(g) * np.expm1(np.abs(g))
    mesh = np.stack(np.meshgrid(f, f, f, indexing="ij"), axis=-1)
    return mesh.reshape(-1, N_FEATURES)


def _as_matrix(data: pd.DataFrame | pd.Series) -> tuple[tuple[str, ...], pd.DatetimeIndex, np.ndarray]:
    frame = data.to_frame() if isinstance(data, pd.Series) else data
    return tuple(map(str, frame.columns)), pd.DatetimeIndex(frame.index), frame.to_numpy(dtype=float).T.copy()


def _nan_median3(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Element-wise median of three arrays ignoring NaN, without sorting (fast on millions of hours)."""
    stack_count = np.isfinite(a).astype(np.int8) + np.isfinite(b) + np.isfinite(c)
    total = np.where(np.isfinite(a), a, 0) + np.where(np.isfinite(b), b, 0) + np.where(np.isfinite(c), c, 0)
    hi = np.fmax(np.fmax(a, b), c)
    lo = np.fmin(np.fmin(a, b), c)
    out = np.where(stack_count == 3, total - hi - lo, np.where(stack_count == 2, total / 2, np.where(stack_count == 1, total, np.nan)))
    return out


def _shift(x: np.ndarray, hours: int) -> np.ndarray:
    out = np.full_like(x, np.nan)
    out[:, hours:] = x[:, :-hours]
    return out


def _runs_of_equal(x: np.ndarray) -> np.ndarray:
    """Per element: how many consecutive identical readings end here (1 = differs from the previous)."""
    same = np.zeros_like(x, dtype=bool)
    same[:, 1:] = (x[:, 1:] == x[:, :-1]) & np.isfinite(x[:, 1:])
    # Run length via cumulative counts reset at each change.
    counts = np.cumsum(~same, axis=1)
    run = np.zeros_like(x, dtype=np.int64)
    for i in range(x.shape[0]):
        starts = np.flatnonzero(~same[i])
        seg = counts[i] - 1
        run[i] = np.arange(x.shape[1]) - starts[seg] + 1
    return run


def _features(values: np.ndarray, index: pd.DatetimeIndex, base: Baselines) -> tuple[np.ndarray, np.ndarray]:
    """(features (n, T, 3), usual reading (n, T)) for readings `values` (n, T); missing hours give 0 features."""
    pos = np.where(values > 0, values, np.nan)
    how = hour_of_week(index)
    usual = base.profile[:, how]
    spread = base.spread[:, index.hour.to_numpy()]
    dev = (pos - usual) / spread
    prior = _nan_median3(_shift(pos, WEEK_HOURS), _shift(pos, 2 * WEEK_HOURS), _shift(pos, 3 * WEEK_HOURS))
    prior = np.where(np.isfinite(prior), prior, usual)
    fdev = (pos - prior) / spread
    dev0 = np.nan_to_num(dev)
    csum = np.cumsum(dev0, axis=1)
    sustained = csum - np.concatenate([np.zeros((dev0.shape[0], SUSTAIN_HOURS)), csum[:, :-SUSTAIN_HOURS]], axis=1)
    sustained = sustained / SUSTAIN_HOURS
    feats = np.stack([dev0, np.nan_to_num(fdev), sustained], axis=-1)
    return feats, usual


def fit_baselines(train: pd.DataFrame | pd.Series) -> Baselines:
    """Learn each series' usual hour-of-week reading and spread from its training hours."""
    keys, index, values = _as_matrix(train)
    if len(index) < DAY_HOURS:
        raise ValueError(f"need at least {DAY_HOURS} training hours for anomaly detection; got {len(index)}")
    pos = np.where(values > 0, values, np.nan)
    how = hour_of_week(index)
    n = values.shape[0]
    profile = np.full((n, WEEK_HOURS), np.nan)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for h in range(WEEK_HOURS):
            cols = how == h
            if cols.any():
                profile[:, h] = np.nanmedian(pos[:, cols], axis=1)
        # Hours of week never seen (short training) borrow the same hour of day.
        by_hour = np.vstack([np.nanmedian(pos[:, index.hour == h], axis=1) if (index.hour == h).any() else np.full(n, np.nan) for h in range(24)]).T
        level = np.nanmean(pos, axis=1)
        fill = np.where(np.isfinite(by_hour), by_hour, level[:, None])
        profile = np.where(np.isfinite(profile), profile, fill[:, np.arange(WEEK_HOURS) % 24])
        profile = np.where(np.isfinite(profile), profile, 0.0)
        resid = np.abs(pos - profile[:, how])
        spread = np.vstack([1.4826 * np.nanmedian(resid[:, index.hour == h], axis=1) if (index.hour == h).any() else np.full(n, np.nan) for h in range(24)]).T
        overall = 1.4826 * np.nanmedian(resid, axis=1)
    level = np.where(np.isfinite(level), level, 0.0)
    # A floor keeps near-constant hours from turning tiny wobbles into huge deviations.
    floor = np.maximum(0.5 * np.nan_to_num(overall), 0.02 * level)[:, None]
    spread = np.fmax(np.nan_to_num(spread, nan=0.0), floor)
    spread = np.where(spread > 0, spread, 1e-6)
    zero_share = np.mean(~(values > 0), axis=1)
    runs = _runs_of_equal(pos)
    flat_run = np.where(np.isfinite(pos), runs, 0).max(axis=1)
    return Baselines(keys, profile, spread, level, zero_share, flat_run.astype(float), index[-1])


def fit_detector(train: pd.DataFrame | pd.Series, *, n_estimators: int = 100, sample_rows: int = 50_000,
                 threshold_quantile: float = 0.999, seed: int = 0) -> Detector:
    """Fit baselines per series and one IsolationForest on their pooled training features."""
    from sklearn.ensemble import IsolationForest

    base = fit_baselines(train)
    keys, index, values = _as_matrix(train)
    feats, _ = _features(values, index, base)
    ok = (values > 0)[..., None].repeat(N_FEATURES, axis=-1).all(axis=-1)
    pool = feats[ok]
    rng = np.random.default_rng(seed)
    if len(pool) > sample_rows:
        pool = pool[rng.choice(len(pool), sample_rows, replace=False)]
    if len(pool) < 10:
        raise ValueError("too few positive training readings for anomaly detection")
    with threadpool_limits(1, "openmp"):
        forest = IsolationForest(n_estimators=n_estimators, max_samples=min(256, len(pool)), random_state=seed).fit(pool)
        bins = 2 * int(GRID_MAX * GRID_PER_UNIT) + 1
        table = -forest.score_samples(_grid_points(bins)).reshape(bins, bins, bins)
    train_scores = table[tuple(_grid_index(pool, bins).T)]
    threshold = float(max(np.quantile(train_scores, threshold_quantile), 0.55))
    log.info("anomaly detector fitted", extra={"kv": {"series": len(keys), "train_rows": int(ok.sum()), "threshold": round(threshold, 4)}})
    return Detector(base, ScoreTable(table.astype(np.float32), threshold))


def score(detector: Detector, data: pd.DataFrame | pd.Series, *, since: pd.Timestamp | None = None) -> Scored:
    """Score every hour of `data` (same series as the detector, in any order of columns) after `since`
    (default: after the training end). Earlier hours of `data` only serve as context for the features."""
    base = detector.baselines
    keys, index, values = _as_matrix(data)
    order = {k: i for i, k in enumerate(base.keys)}
    unknown = [k for k in keys if k not in order]
    if unknown:
        raise ValueError(f"series not in the detector: {', '.join(unknown[:5])}")
    rows = np.array([order[k] for k in keys])
    sub = Baselines(keys, base.profile[rows], base.spread[rows], base.level[rows], base.zero_share[rows], base.flat_run[rows], base.train_end)
    feats, usual = _features(values, index, sub)
    start = since if since is not None else base.train_end
    keep = index > start
    feats, usual, values, index = feats[:, keep], usual[:, keep], values[:, keep], index[keep]
    forest_score = detector.table.lookup(feats)
    excess = np.nan_to_num(values - usual)
    # The forest says "odd"; the reading must also be clearly above usual, in spreads and in share of the level,
    # so that noise on a quiet meter and ordinary busy hours never page anyone.
    high = ((forest_score > detector.table.threshold) & (feats[..., 0] >= MIN_SPREADS)
            & (excess > MIN_EXCESS_SHARE * sub.level[:, None]))
    # Dead meter: zero (or missing-as-zero) where this hour normally reads clearly above zero.
    zero = (values <= 0) & (usual > 0.05 * sub.level[:, None]) & (sub.zero_share[:, None] < 0.5)
    runs = _runs_of_equal(np.where(values > 0, values, np.nan))
    flat = (runs >= max(FLAT_HOURS, 0)) & (runs > sub.flat_run[:, None]) & (values > 0)
    # Mark the whole flat run, not only the hours after it became long enough.
    flat = _extend_back(flat, runs)
    reason = np.where(zero, 2, np.where(flat, 3, np.where(high, 1, 0))).astype(np.int8)
    final = np.where(reason >= 2, np.maximum(forest_score, ZERO_SCORE), forest_score)
    return Scored(keys, index, values, usual, final.astype(float), reason > 0, reason)


def _extend_back(flags: np.ndarray, runs: np.ndarray) -> np.ndarray:
    out = flags.copy()
    for i, t in zip(*np.nonzero(flags)):
        out[i, t - runs[i, t] + 1 : t + 1] = True
    return out
