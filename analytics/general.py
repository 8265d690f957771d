"""Anomalies in any series: a streaming robust z-test with thresholds set by a false-alarm budget.

The building-meter detector (analytics.anomalies) is built for hourly energy with a daily and weekly rhythm; on a
machine temperature, a traffic count or a cloud metric it flags far too much. This detector assumes no unit and
no frequency. It looks at each point only with the points before it (so it runs on a stream):

- counts (whole numbers, never negative) are scored on the Anscombe square-root scale, where Poisson noise is about
  the same at every level (a counter's outage at a quiet hour is as visible as at a busy one);
- the expected value is the median of the last `window` points (a local level), or, for a series with a daily or
  weekly rhythm (`find_period`), the median of the same phase over the last few periods plus the recent level of
  the difference from it;
- the spread is the median absolute deviation of the last `spread_window` residuals, so the bar adapts when the
  series turns noisier or calmer;
- two statistics: the point's residual in spreads (spikes, dips, a sudden shift) and the mean residual of the last
  `run` points in spreads (a drift or a small lasting shift that no single point shows);
- each statistic's bar is its quantile on the calibration part (the first points, or all of them) at one minus the
  caller's false-alarm budget, never below `MIN_Z`: a series with heavy tails gets a higher bar instead of more
  alarms.

Flagged points closer than `merge` points are one event; the budget counts events per 1,000 points.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

DEFAULT_BUDGET = 1.0  # false alarms per 1,000 points
MIN_Z = 4.0  # never flag a point under this many spreads, whatever the calibration part says
RHYTHM_MIN_ACF = 0.3  # autocorrelation at the day or week lag that counts as a rhythm
MIN_POINTS = 50
# The fitted power-law tail errs high (it overstates Gaussian tails): the bar is set for this many times the
# budgeted share of points. Tuned on the dev series (tests/analytics/labelled_series.py), see docs/benchmarks.md.
TAIL_SLACK = 3.0
MAD_TO_SD = 1.4826


@dataclass(frozen=True)
class GeneralEvent:
    """One anomaly: positions `start`..`end` (inclusive) in the series, the strongest statistic's value in spreads
    (`peak_z`, signed: negative below the expected value) and `kind` (high, low)."""

    start: int
    end: int
    peak_z: float
    kind: str


@dataclass(frozen=True)
class GeneralResult:
    """mode: "rhythm" (expected value from the same phase of past periods) or "level" (from the recent level).
    period: the rhythm's length in points (None in level mode). expected, z (point statistic, signed), run_z (the
    run statistic, signed), flags: per point. thresholds: (point, run) bars in spreads. step: the series' time step.
    calibration: points the bars were set on. events: grouped flags."""

    mode: str
    period: int | None
    step: pd.Timedelta | None
    expected: np.ndarray
    z: np.ndarray
    run_z: np.ndarray
    flags: np.ndarray
    thresholds: tuple[float, float]
    calibration: int
    events: tuple[GeneralEvent, ...]


def _rolling(values: np.ndarray, window: int, how: str, min_periods: int) -> np.ndarray:
    """Rolling statistic over the `window` points *before* each point (the point itself excluded)."""
    s = pd.Series(values).shift(1).rolling(window, min_periods=min_periods)
    return (s.median() if how == "median" else s.mean()).to_numpy()


def find_period(values: np.ndarray, step: pd.Timedelta | None) -> int | None:
    """The daily or weekly period in points when the series has that rhythm (autocorrelation of the detrended
    series at the lag above RHYTHM_MIN_ACF, with three whole periods of data); None otherwise or without a step."""
    if step is None or step <= pd.Timedelta(0):
        return None
    x = pd.Series(values, dtype=float).interpolate(limit_direction="both").to_numpy()
    if not np.isfinite(x).all():
        return None
    best, best_acf = None, RHYTHM_MIN_ACF
    for span in (pd.Timedelta(days=1), pd.Timedelta(days=7)):
        lag = span / step
        if abs(lag - round(lag)) > 1e-6 or round(lag) < 2 or 3 * round(lag) > len(x):
            continue
        lag = int(round(lag))
        trend = pd.Series(x).rolling(lag, center=True, min_periods=1).mean().to_numpy()
        d = x - trend
        a, b = d[lag:], d[:-lag]
        denom = float(np.sqrt((a * a).sum() * (b * b).sum()))
        acf = float((a * b).sum() / denom) if denom > 0 else 0.0
        if acf > best_acf:
            best, best_acf = lag, acf
    return best


# The bar is extrapolated from the bulk of the statistic, not read off its extreme quantile: a series with a few
# per cent of anomalous points would otherwise set its bar inside its own anomalies. Between these quantiles of
# |z| the tail is fitted as a power law.
TAIL_FROM = (0.90, 0.97)


def tail_bar(stat: np.ndarray, rate: float) -> float:
    """The |statistic| exceeded by a share `rate` of ordinary points, extrapolated from its 90-97 % quantiles."""
    ref = np.abs(stat[np.isfinite(stat)])
    if ref.size < MIN_POINTS:
        return MIN_Z
    lo, hi = np.quantile(ref, TAIL_FROM)
    if not lo > 0:
        return MIN_Z
    # A power-law tail: log |z| linear in log p. Heavy-tailed noise (Student t, bursts) is then not taken for
    # anomalies; on Gaussian noise the bar is a little higher than it needs to be.
    power = np.log(hi / lo) / np.log((1 - TAIL_FROM[0]) / (1 - TAIL_FROM[1]))
    return float(hi * ((1 - TAIL_FROM[1]) / rate) ** power)


def _phase_median(x: np.ndarray, period: int, periods: int = 3) -> np.ndarray:
    """Median of the same phase over the last `periods` periods before each point (NaN where there is none)."""
    lags = np.vstack([np.r_[np.full(min(k * period, len(x)), np.nan), x[: max(len(x) - k * period, 0)]]
                      for k in range(1, periods + 1)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN phases are filled by the caller
        return np.nanmedian(lags, axis=0)


def is_counts(values: np.ndarray) -> bool:
    """Whether the series holds counts (whole numbers, never negative, more than a few distinct values)."""
    v = values[np.isfinite(values)]
    return bool(v.size and (v >= 0).all() and np.array_equal(v, np.round(v)) and np.unique(v).size > 5)


def cluster_size(stat: np.ndarray) -> float:
    """Points per excursion of |stat| over its 97 % quantile (1 for independent noise, more when a series'
    residuals stay high for a while): one false alarm costs that many points over the bar."""
    ref = np.abs(np.nan_to_num(stat))
    above = ref > np.quantile(ref, TAIL_FROM[1])
    starts = int(above[0]) + int(np.count_nonzero(above[1:] & ~above[:-1]))
    return float(above.sum() / starts) if starts else 1.0


def _group(flags: np.ndarray, signed: np.ndarray, merge: int) -> tuple[GeneralEvent, ...]:
    hits = np.flatnonzero(flags)
    if hits.size == 0:
        return ()
    breaks = np.flatnonzero(np.diff(hits) > merge)
    starts = np.r_[hits[0], hits[breaks + 1]]
    ends = np.r_[hits[breaks], hits[-1]]
    out = []
    for s, e in zip(starts, ends):
        seg = signed[s : e + 1]
        peak = float(seg[np.nanargmax(np.abs(seg))])
        out.append(GeneralEvent(int(s), int(e), round(peak, 3), "high" if peak >= 0 else "low"))
    return tuple(out)


def detect(values: np.ndarray | pd.Series, *, step: pd.Timedelta | None = None, budget: float = DEFAULT_BUDGET,
           calibration: int | None = None, window: int = 24, spread_window: int = 200, run: int = 8,
           merge: int = 10, period: int | None = -1) -> GeneralResult:
    """Score every point of `values` against the points before it and flag anomalies.

    step: time between points (finds a daily/weekly rhythm; a pandas Series with a DatetimeIndex gives it).
    budget: false alarms per 1,000 points the caller accepts (sets the bars on the calibration part).
    calibration: the first points the bars are set on (default: all points, i.e. the bars assume anomalies are
    rare); period: -1 finds the rhythm, None forces level mode, an int forces that period.
    """
    if isinstance(values, pd.Series):
        if step is None and isinstance(values.index, pd.DatetimeIndex) and len(values) > 1:
            step = values.index.to_series().diff().median()
        values = values.to_numpy(dtype=float)
    x = np.asarray(values, dtype=float)
    if np.isfinite(x).sum() < MIN_POINTS:
        raise ValueError(f"need at least {MIN_POINTS} readings to learn what is normal; got {int(np.isfinite(x).sum())}")
    if not budget > 0:
        raise ValueError("the false-alarm budget must be above 0 per 1,000 points")
    if period == -1:
        period = find_period(x, step)
    counts = is_counts(x)
    if counts:  # a count's noise grows with its level (Poisson): on the Anscombe scale it is about 1 everywhere
        x = 2.0 * np.sqrt(x + 0.375)
    min_periods = max(3, window // 3)
    if period:
        # The rhythm is learnt as each phase's deviation from the level of the period before it, not as raw values:
        # after a lasting level shift the phase median of raw values would jump by the shift once most of its
        # periods lie after it, a ghost of the shift weeks later that raised the bars over the real shifts (on the
        # dev series, 0 of 6 shifts found on weekly series). A deviation is off only in the one period that holds
        # the shift, which the median over three periods outvotes.
        deviation = x - _rolling(x, period, "median", max(3, period // 3))
        seasonal = _phase_median(deviation, period)
        if period % 7 == 0 and step is not None and period * step == pd.Timedelta(days=7):
            # The first weeks of a weekly rhythm have no week before them: the same phase of the last days stands in.
            seasonal = np.where(np.isfinite(seasonal), seasonal, _phase_median(x - _rolling(x, period // 7, "median", 3), period // 7))
        seasonal = np.where(np.isfinite(seasonal), seasonal, 0.0)
        diff = x - seasonal
        expected = seasonal + np.nan_to_num(_rolling(diff, window, "median", min_periods))
    else:
        expected = _rolling(x, window, "median", min_periods)
    resid = x - expected
    spread = MAD_TO_SD * _rolling(np.abs(resid - _rolling(resid, spread_window, "median", min_periods)), spread_window,
                                  "median", min_periods)
    floor = 1e-9 + 1e-6 * np.nanmedian(np.abs(x[np.isfinite(x)]))
    spread = np.where(np.isfinite(spread) & (spread > floor), spread, np.nan)
    z = resid / spread
    # The mean of `run` residuals varies less than one residual, by how much depends on how correlated the residuals
    # are: it gets a rolling spread of its own.
    run_mean = pd.Series(resid).rolling(run, min_periods=run).mean().to_numpy()
    run_spread = MAD_TO_SD * _rolling(np.abs(run_mean - _rolling(run_mean, spread_window, "median", min_periods)),
                                      spread_window, "median", min_periods)
    run_z = run_mean / np.where(np.isfinite(run_spread) & (run_spread > floor), run_spread, np.nan)
    n_cal = len(x) if calibration is None else max(MIN_POINTS, min(int(calibration), len(x)))
    per_alarm = budget / 1000.0 / 2  # half the budget to each statistic
    thresholds = [max(MIN_Z, tail_bar(stat[:n_cal], per_alarm * TAIL_SLACK * cluster_size(stat[:n_cal])))
                  for stat in (z, run_z)]
    flags = (np.abs(np.nan_to_num(z)) > thresholds[0]) | (np.abs(np.nan_to_num(run_z)) > thresholds[1])
    signed = np.where(np.abs(np.nan_to_num(z)) / thresholds[0] >= np.abs(np.nan_to_num(run_z)) / thresholds[1],
                      np.nan_to_num(z), np.nan_to_num(run_z))
    events = _group(flags, signed, merge)
    if counts:
        expected = np.maximum((expected / 2.0) ** 2 - 0.375, 0.0)
    return GeneralResult("rhythm" if period else "level", period or None, step, expected, z, run_z, flags,
                         (round(thresholds[0], 3), round(thresholds[1], 3)), n_cal, events)
