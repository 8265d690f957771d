"""Anomaly scoring: an IsolationForest over per-series normalised features, checks against the recent usual
reading and against the neighbouring hours, and rules for dead meters.

The "usual" reading of an hour is the median of the same hour over the previous three weeks (a one-week-ahead
forecast, so term starts and breaks do not look like faults for long). Features per hour, in units of the series'
robust spread around that usual (per hour of day):
  dev:      reading minus the recent usual,
  pdev:     reading minus the training profile for this hour and weekday (spread around the profile),
  sustained: dev averaged over the last six hours.
One forest is fitted on the training features of all series given (they are scale-free), then tabulated on a
grid so that scoring millions of hours is an array lookup. An hour is a high-usage anomaly when the forest finds it
odd and it passes the series' own hourly bar, or when it stands far above both of its neighbouring hours (the
neighbour check: a one-hour spike), or when it carries a whole night, weekend or day far above usual (RUN_CHECKS:
a night's mean excess against both the usual night and the night before, a weekend's against both the usual
weekend and the weekend before, any 24 h against the usual, trimmed of its largest hour so one spike is no run).
Bars are high quantiles of the series' own training year, and rise while the meter's recent weeks are noisier
than its training year (adaptive bars), and a night's spread may fall to that of the ten weeks' nights before it
(RECENT_NIGHTS: a noisy fit year is forgotten); every check also asks for an excess of at least a share of the
series' mean level. Zero readings where the meter normally reads something, and flat-lined readings, are caught by
rules.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from analytics.series import DAY_HOURS, WEEK_HOURS, hour_of_week

log = logging.getLogger(__name__)

N_FEATURES = 3
# Grid over g = sign(f)*log1p(|f|): fine near 0, coarse for huge deviations (the forest is flat out there anyway).
GRID_PER_UNIT = 4
GRID_MAX = 4.0  # |f| up to e^4 - 1 ~ 54 spreads
FLAT_HOURS = 6  # identical readings in a row before a flat-line counts
MIN_SPREADS = 3.0  # an odd hour must be at least this many of the hour's robust spreads above the recent usual
# A fault worth a facility manager's time adds at least this share of the series' mean level (a tenth of a
# building's average draw); smaller excesses are within what these meters wander by from week to week.
MIN_EXCESS_SHARE = 0.10
# The forest's third feature: the mean deviation over the last SUSTAIN_HOURS. (Sixth pass: the sustained 6 h / 24 h
# checks on it were retired: on the tuning year they found no fault that another check missed, for 14 false alarms.)
SUSTAIN_HOURS = 6
BAR_QUANTILE = 0.9998  # the hourly bar: this quantile of the series' own training deviations
RECENT_WEEKS = 3  # "usual" = median of the same hour over the last three weeks (a one-week-ahead forecast)
ZERO_SCORE = 0.9  # score given to rule hits (dead meter), above any threshold
# Event-level (run) checks: the mean excess across a whole night / weekend / day, against the spread of that same
# statistic over the series' training year. A floor's lights left on all night adds little to any single hour
# but a lot to the night as a whole. Entries: (run, window hours, hour of day the window ends at or None for
# every hour, weekday it ends on or None, reference). Reference 0: the recent usual (three-week same-hour median);
# L > 0: the same window L hours earlier (last night). A run is flagged when every entry of its name passes:
# nights on these meters wander from week to week, and a fault must stand out against both references.
RUN_CHECKS: tuple[tuple[str, int, int | None, int | None, int], ...] = (
    ("night", 8, 5, None, 0),  # 22:00-05:59 vs the usual night
    ("night", 8, 5, None, 24),  # ... and vs the night before
    ("weekend", 48, 23, 6, 0),  # Saturday 00:00 - Sunday 23:59 vs the usual weekend
    ("weekend", 48, 23, 6, WEEK_HOURS),  # ... and vs the weekend before
    ("day", 24, None, None, 0),  # any 24 h: an appliance stuck on
)
# Per entry: how many robust spreads (of the training runs) above their median a run must lie. A weekend must
# pass both of its references (7th pass): an ordinary weekend above the lagging three-week usual is seldom also
# above the weekend before, so two bars of 2 spreads cost few more alarms than one bar of 6 against the usual did,
# and find small faults that one missed (tuning year: weekends 14 -> 20 of 29 found, 8 more false alarms in all;
# the RUN_QUANTILE guard below still holds each reference's bar for heavy-tailed meters).
RUN_SPREADS = (3.0, 3.0, 2.0, 2.0, 7.0)
# ... and above this quantile of the series' own training runs. With fixed bars this guard had to stay at 99.5 %
# (0.99 / 0.98 cost 1.01 / 1.19 false alarms per building-month on the tuning year); with the adaptive spreads
# below and the sustained checks retired, 97 % finds 11 more faults of 144 there, within the budget (0.73).
RUN_QUANTILE = 0.97
RUN_MIN_SHARE = 0.03  # and adds at least this share of the series' mean level over the run
RUN_BROAD = 2 / 3  # a 24 h run needs this share of its hours carrying at least half its mean excess
# Neighbour (spike) check: an hour's excess over the usual minus the larger of its two neighbours' excesses. Last
# week's same hour is a poor expectation for one hour (buildings drift by more from week to week than from hour
# to hour), while a one-hour spike stands above both neighbours by its whole size. Compared, per hour of day, with
# the median and robust spread of the same statistic over the training year; the bar is the JUMP_QUANTILE of the
# series' own training values, at least MIN_JUMP_SPREADS. It needs the hour after, so it flags an hour late.
JUMP_QUANTILE = 0.9999
MIN_JUMP_SPREADS = 5.0  # a fixed floor (not moved by a calibrated sensitivity): below it a wobble is noise
# Adaptive bars: the hourly and neighbour bars rise (never fall) with the recent noise of their statistic: its mean
# |z| (clipped at NOISE_CLIP, so that a fault hardly counts) over the last ADAPT_HOURS against the same over the
# training year. Some meters are much noisier in one year than in the year before (b48, b56 and
# b7 of the Cambridge set carried most false alarms before). 0 turns the adaptation off.
ADAPT_HOURS = 4 * WEEK_HOURS
NOISE_CLIP = 3.0
# The run checks' spreads widen by that factor (read at the window's end) to this power: the hourly noise says less
# about a whole night's (power 1 missed nights at +25-45 % of the level on meters with a noisy autumn; 0.5 was best).
RUN_ADAPT_POWER = 0.5
# Night bars that forget a noisy year (8th pass): a night's spread may fall to that of the RECENT_NIGHTS nights
# before it (the last ten weeks), when the block holds all of them (else the fit year's), but never below
# RECENT_FLOOR of the fit year's, so a calm spell cannot make the bar tiny. Meters whose fit year had noisy nights
# (b14, b32, b48) otherwise carry that noise into the next year. 0 turns it off.
RECENT_NIGHTS = 70
RECENT_FLOOR = 0.5
# Training years hold faults too (9th pass): b83 of the Cambridge set flat-lined for 24 h three times in 2018 and
# glitched to five times its level twice. A bar learned from such one-offs hides the same fault for a year, so a
# flat run counts as the meter's own up to FLAT_GAP times the FLAT_RECUR-th longest training run (a low-resolution
# meter repeats a reading for 6-15 h now and then, its runs tailing off; a stuck meter's runs stand apart), and
# the neighbour bar never exceeds JUMP_TAIL_GUARD times the JUMP_GUARD_RANK-th largest training value (about the
# 99.95 % quantile of a year; a tail that far above it is a few glitches, not the meter's way).
FLAT_RECUR = 4
FLAT_GAP = 2
JUMP_GUARD_RANK = 5
JUMP_TAIL_GUARD = 2.0
# ... but only on a meter whose reading changes most hours (fewer than this share of hours repeat the hour before).
# A relay switch's series is runs by nature (off for days, then its rated draw): its few long runs are its normal.
FLAT_CONTINUOUS = 0.5
# A jump that recurs is a habit, not a fault (9th pass): an hour is no spike when the neighbour check's ratio reached
# JUMP_RECUR_SHARE of its bar within an hour of the same time on any of the JUMP_RECUR_DAYS days before (a heater
# cycling at midnight every night for a week: b14 of the Cambridge set, May 2019, paged 7 times in 5 days).
JUMP_RECUR_DAYS = 7
JUMP_RECUR_SHARE = 0.7
# Every bar (hourly, neighbour above its fixed floor, run checks) times this. With recurring jumps no longer alarms,
# the tuning years had false-alarm budget to spare; 0.9 spent it (2017: 96 -> 101 of 132 faults found, 0.61 -> 0.74
# false alarms per building-month; 2018: 113 of 144 as before, 0.83 -> 0.96); 0.85 overspent 2018 (1.11).
BAR_SCALE = 0.9


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
        return self.lookup_columns(*(features[..., j] for j in range(N_FEATURES)))

    def lookup_columns(self, *columns: np.ndarray) -> np.ndarray:
        """Scores for the three features given as separate same-shaped arrays (no stacking copy)."""
        bins = self.bins
        flat = np.zeros(columns[0].shape, dtype=np.int32)
        for col in columns:  # one feature at a time keeps the temporaries small
            flat = flat * bins + _grid_index(col, bins)
        return self.values.ravel()[flat]


@dataclass(frozen=True)
class Baselines:
    """Per-series normal behaviour learned from training data (arrays have one row per series).

    keys: series ids. profile: usual reading per hour of week over the training span, (n, 168). spread: robust
    spread around that profile per hour of day, (n, 24). recent_spread: robust spread around the recent usual
    (same-hour median of the previous three weeks) per hour of day, (n, 24). bars: per series, the deviation (in
    recent spreads) that the hourly check must reach, (n, 1).
    level: mean positive reading. zero_share: share of training hours reading <= 0. flat_run: longest run of
    identical positive readings seen in training that is the meter's own (`_recurring_flat_run`). train_end: last
    training stamp. sensitivity: per series, a multiplier on every bar (hourly, sustained, run checks), (n,);
    None = 1. Below 1 spends more of a false-alarm budget on recall; set by `analytics.calibrate` from a held-out
    year. jump_center, jump_spread: median and robust spread of the neighbour statistic per hour of day, (n, 24);
    jump_bar: its bar in those spreads, (n,); jump_noise, dev_noise: the training mean of the clipped |z| of the
    neighbour statistic and of the hourly deviation, (n,), for the adaptive bars.
    """

    keys: tuple[str, ...]
    profile: np.ndarray
    spread: np.ndarray
    level: np.ndarray
    zero_share: np.ndarray
    flat_run: np.ndarray
    train_end: pd.Timestamp
    recent_spread: np.ndarray | None = None
    bars: np.ndarray | None = None
    run_center: np.ndarray | None = None
    run_spread: np.ndarray | None = None
    sensitivity: np.ndarray | None = None
    jump_center: np.ndarray | None = None
    jump_spread: np.ndarray | None = None
    jump_bar: np.ndarray | None = None
    jump_noise: np.ndarray | None = None
    dev_noise: np.ndarray | None = None

    def take(self, rows: np.ndarray, keys: tuple[str, ...]) -> "Baselines":
        """The baselines of some series only, in the given order."""
        pick = (lambda a: None if a is None else a[rows])
        return Baselines(keys, self.profile[rows], self.spread[rows], self.level[rows], self.zero_share[rows],
                         self.flat_run[rows], self.train_end, pick(self.recent_spread), pick(self.bars),
                         pick(self.run_center), pick(self.run_spread), pick(self.sensitivity), pick(self.jump_center),
                         pick(self.jump_spread), pick(self.jump_bar), pick(self.jump_noise),
                         pick(self.dev_noise))

    def scale(self) -> np.ndarray:
        """The per-series bar multiplier, float32: BAR_SCALE times the calibrated sensitivity (1 when none)."""
        if self.sensitivity is None:
            return np.full(len(self.keys), BAR_SCALE, np.float32)
        return np.asarray(self.sensitivity, np.float32) * np.float32(BAR_SCALE)


@dataclass(frozen=True)
class Detector:
    """Fitted anomaly detector: per-series baselines and the shared forest table."""

    baselines: Baselines
    table: ScoreTable


@dataclass(frozen=True)
class Scored:
    """Scores of a block of hours. Arrays are (n_series, n_hours) aligned with `index` and `keys`.

    score: 0..1, higher = more anomalous. is_anomaly: the verdict. reason_code: 0 none, 1 high, 2 zero, 3 flat.
    usual: the usual reading at that hour (recent weeks). values: readings as given (NaN = missing).
    jump: hours the neighbour check found standing above both neighbours (None = not known); a one-hour event
    vouched for by it needs a smaller excess to be reported (analytics.events.MIN_SPIKE_EXCESS).
    """

    keys: tuple[str, ...]
    index: pd.DatetimeIndex
    values: np.ndarray
    usual: np.ndarray
    score: np.ndarray
    is_anomaly: np.ndarray
    reason_code: np.ndarray
    jump: np.ndarray | None = None


@dataclass(frozen=True)
class _Features:
    """Intermediate arrays of one scoring pass, all (n, T).
    The forest's three features are dev (vs the recent usual), pdev (vs the training profile), sustained (the mean
    dev over the last SUSTAIN_HOURS)."""

    dev: np.ndarray
    pdev: np.ndarray
    usual: np.ndarray
    excess: np.ndarray
    sustained: np.ndarray


def _grid_index(features: np.ndarray, bins: int) -> np.ndarray:
    """Grid cell per feature value: bin edges in feature units, so no logarithm per hour is needed."""
    return np.searchsorted(_grid_edges(bins), features).astype(np.int32)


def _grid_edges(bins: int) -> np.ndarray:
    half = bins // 2
    g = (np.arange(bins - 1) - half + 0.5) / GRID_PER_UNIT
    return (np.sign(g) * np.expm1(np.abs(g))).astype(np.float32)


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
    fa, fb, fc = np.isfinite(a), np.isfinite(b), np.isfinite(c)
    count = fa.astype(np.int8) + fb + fc
    total = np.where(fa, a, 0) + np.where(fb, b, 0) + np.where(fc, c, 0)
    hi = np.fmax(np.fmax(a, b), c)
    lo = np.fmin(np.fmin(a, b), c)
    out = np.where(count == 3, total - hi - lo, total / np.maximum(count, 1))
    return np.where(count > 0, out, np.nan)


def _window_mean(x: np.ndarray, hours: int) -> np.ndarray:
    """Mean of the last `hours` values ending at each position (the hours before the block count as 0).
    scipy's running filter is one C pass in float32: a cumsum over a year of 1,000 series costs several times more."""
    from scipy.ndimage import uniform_filter1d

    return uniform_filter1d(np.asarray(x, dtype=np.float32), hours, axis=1, mode="constant", origin=(hours - 1) // 2)


def _run_starts(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(position where the run of identical readings containing each element starts, `same` mask)."""
    same = np.zeros_like(x, dtype=bool)
    same[:, 1:] = (x[:, 1:] == x[:, :-1]) & np.isfinite(x[:, 1:])
    positions = np.broadcast_to(np.arange(x.shape[1]), x.shape)
    starts = np.maximum.accumulate(np.where(same, 0, positions), axis=1)
    return starts, same


def _runs_of_equal(x: np.ndarray) -> np.ndarray:
    """Per element: how many consecutive identical readings end here (1 = differs from the previous)."""
    starts, _ = _run_starts(x)
    return np.arange(x.shape[1]) - starts + 1


def _extend_back(flags: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Flag whole runs of identical readings whose last element is flagged (flags only grow within a run)."""
    starts, same = _run_starts(x)
    n, t = x.shape
    # Last position of each element's run: the next position whose reading differs, minus one.
    is_end = np.ones_like(same)
    is_end[:, :-1] = ~same[:, 1:]
    ends = np.where(is_end, np.arange(t), t - 1)
    ends = np.minimum.accumulate(ends[:, ::-1], axis=1)[:, ::-1]
    return np.take_along_axis(flags, ends, axis=1)


def _recent_usual(pos: np.ndarray, profile_at: np.ndarray) -> np.ndarray:
    """Median of the same hour over the previous three weeks; the training profile where none is known."""
    # One padded copy; the three weeks back are views into it (shifting each would copy the block three times).
    back = RECENT_WEEKS * WEEK_HOURS
    padded = np.concatenate([np.full((pos.shape[0], back), np.nan, dtype=pos.dtype), pos], axis=1)
    t = pos.shape[1]
    prior = _nan_median3(*(padded[:, back - k * WEEK_HOURS : back - k * WEEK_HOURS + t] for k in range(1, RECENT_WEEKS + 1)))
    return np.where(np.isfinite(prior), prior, profile_at)


def _features(values: np.ndarray, index: pd.DatetimeIndex, base: Baselines) -> _Features:
    """Features (n, T, 3) and the arrays the checks need, for readings `values` (n, T); missing hours give 0."""
    # float32 halves the memory traffic of a 1,000-series scan; readings need no more precision than that here.
    pos = np.where(values > 0, values, np.nan).astype(np.float32)
    how = hour_of_week(index)
    hod = index.hour.to_numpy()
    profile_at = base.profile.astype(np.float32)[:, how]
    usual = _recent_usual(pos, profile_at)
    recent_spread = (base.recent_spread if base.recent_spread is not None else base.spread).astype(np.float32)
    excess = np.nan_to_num(pos - usual)
    dev = excess / recent_spread[:, hod]
    pdev = np.nan_to_num((pos - profile_at) / base.spread.astype(np.float32)[:, hod])
    return _Features(dev, pdev, usual, excess, _window_mean(dev, SUSTAIN_HOURS))


def _robust_spread_by_hour(resid: np.ndarray, hod: np.ndarray, level: np.ndarray) -> np.ndarray:
    """1.4826 x median absolute residual per hour of day, floored so near-constant hours stay sane."""
    n = resid.shape[0]
    spread = np.vstack([1.4826 * np.nanmedian(resid[:, hod == h], axis=1) if (hod == h).any() else np.full(n, np.nan)
                        for h in range(DAY_HOURS)]).T
    overall = 1.4826 * np.nanmedian(resid, axis=1)
    # A floor keeps near-constant hours from turning tiny wobbles into huge deviations.
    floor = np.maximum(0.5 * np.nan_to_num(overall), 0.02 * level)[:, None]
    spread = np.fmax(np.nan_to_num(spread, nan=0.0), floor)
    return np.where(spread > 0, spread, 1e-6)


def _flat_lines(values: np.ndarray, longest_seen: np.ndarray) -> np.ndarray:
    """Runs of identical positive readings longer than FLAT_HOURS and than any seen in training, flagged whole.
    A cheap window test finds the few series with a candidate run; only those get the full run-length pass."""
    flat = np.zeros(values.shape, dtype=bool)
    if values.shape[1] < FLAT_HOURS:
        return flat
    same = (values[:, 1:] == values[:, :-1]) & (values[:, 1:] > 0)
    rows = np.flatnonzero((_window_mean(same, FLAT_HOURS - 1) > 1 - 0.5 / FLAT_HOURS).any(axis=1))
    if rows.size == 0:
        return flat
    pos = np.where(values[rows] > 0, values[rows], np.nan)
    runs = _runs_of_equal(pos)
    hit = (runs >= FLAT_HOURS) & (runs > longest_seen[rows, None]) & (pos > 0)
    # Mark the whole flat run, not only the hours after it became long enough.
    flat[rows] = _extend_back(hit, pos)
    return flat


def fit_baselines(train: pd.DataFrame | pd.Series) -> Baselines:
    """Learn each series' usual hour-of-week reading, spreads and alarm bars from its training hours."""
    keys, index, values = _as_matrix(train)
    if len(index) < DAY_HOURS:
        raise ValueError(f"need at least {DAY_HOURS} training hours for anomaly detection; got {len(index)}")
    pos = np.where(values > 0, values, np.nan)
    how = hour_of_week(index)
    hod = index.hour.to_numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        # Median per hour of week via a sort over a (n, weeks, 168) layout: one call instead of 168.
        profile = _median_by(pos, how, WEEK_HOURS)
        by_hour = _median_by(pos, hod, DAY_HOURS)
        level = np.nanmean(pos, axis=1)
        # Hours of week never seen (short training) borrow the same hour of day.
        fill = np.where(np.isfinite(by_hour), by_hour, level[:, None])
        profile = np.where(np.isfinite(profile), profile, fill[:, np.arange(WEEK_HOURS) % DAY_HOURS])
        profile = np.where(np.isfinite(profile), profile, 0.0)
        level = np.where(np.isfinite(level), level, 0.0)
        spread = _robust_spread_by_hour(np.abs(pos - profile[:, how]), hod, level)
        usual = _recent_usual(pos, profile[:, how])
        recent_spread = _robust_spread_by_hour(np.abs(pos - usual), hod, level)
    zero_share = np.mean(~(values > 0), axis=1)
    flat_run = _recurring_flat_run(pos)
    base = Baselines(keys, profile, spread, level, zero_share, flat_run.astype(float), index[-1], recent_spread)
    f = _features(values, index, base)
    center, run_spread = _run_baselines(f, index, level)
    jump_center, jump_spread, jump_bar, jump_noise = _jump_baselines(f, index, level)
    return replace(base, bars=_bars(f, values.shape[1]), run_center=center, run_spread=run_spread,
                   jump_center=jump_center, jump_spread=jump_spread, jump_bar=jump_bar, jump_noise=jump_noise,
                   dev_noise=_noise(f.dev[:, _training_skip(values.shape[1]):]))


def _recurring_flat_run(pos: np.ndarray) -> np.ndarray:
    """Per series: the longest run of identical positive readings seen in training that is the meter's own (on a
    continuous meter at most FLAT_GAP times the FLAT_RECUR-th longest run; longer ones were faults)."""
    runs = _runs_of_equal(pos)
    ends = np.ones(pos.shape, dtype=bool)
    ends[:, :-1] = ~((pos[:, 1:] == pos[:, :-1]) & np.isfinite(pos[:, 1:]))
    lengths = np.where(ends & np.isfinite(pos), runs, 0)
    k = min(FLAT_RECUR, lengths.shape[1])
    recurring = -np.partition(-lengths, k - 1, axis=1)[:, k - 1]
    longest = lengths.max(axis=1)
    with np.errstate(invalid="ignore"):
        repeats = np.nanmean(np.where(np.isfinite(pos[:, 1:]), pos[:, 1:] == pos[:, :-1], np.nan), axis=1)
    continuous = np.nan_to_num(repeats, nan=1.0) < FLAT_CONTINUOUS
    return np.where(continuous, np.minimum(longest, FLAT_GAP * recurring), longest)


def _median_by(pos: np.ndarray, group: np.ndarray, groups: int) -> np.ndarray:
    out = np.full((pos.shape[0], groups), np.nan)
    order = np.argsort(group, kind="stable")
    counts = np.bincount(group, minlength=groups)
    bounds = np.concatenate([[0], np.cumsum(counts)])
    sorted_pos = pos[:, order]
    # Equal-sized groups (whole weeks/days) take one vectorised nanmedian; ragged ones go group by group.
    if counts.min() == counts.max() and counts.min() > 0:
        return np.nanmedian(sorted_pos.reshape(pos.shape[0], groups, counts[0]), axis=2)
    for g in range(groups):
        if counts[g]:
            out[:, g] = np.nanmedian(sorted_pos[:, bounds[g] : bounds[g + 1]], axis=1)
    return out


def _training_skip(hours: int) -> int:
    """The first weeks have no recent usual of their own: skip them when there is enough training after."""
    return RECENT_WEEKS * WEEK_HOURS if hours > (RECENT_WEEKS + 4) * WEEK_HOURS else 0


def _run_ends(index: pd.DatetimeIndex, hours: int, end_hour: int | None, end_day: int | None) -> np.ndarray:
    """Positions where a run check's window ends (a whole window must fit in the block)."""
    ok = np.arange(len(index)) >= hours - 1
    if end_hour is not None:
        ok &= index.hour.to_numpy() == end_hour
    if end_day is not None:
        ok &= index.day_of_week.to_numpy() == end_day
    return np.flatnonzero(ok)


def _run_means(f: "_Features", index: pd.DatetimeIndex) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per RUN_CHECKS entry: (end positions, statistic of each window ending there, (n, ends)): the mean excess
    over the usual without the window's largest hour (one spike is no run), or the mean reading minus that of
    the same window `reference` hours earlier."""
    from scipy.ndimage import maximum_filter1d

    out = []
    raw = None
    for _, hours, end_hour, end_day, reference in RUN_CHECKS:
        ends = _run_ends(index, hours + reference, end_hour, end_day)
        if ends.size == 0:
            out.append((ends, np.zeros((f.excess.shape[0], 0), np.float32)))
            continue
        if reference == 0 and end_hour is None:  # a window ending at every hour: running filters
            total = _window_mean(f.excess, hours)[:, ends] * hours
            top = maximum_filter1d(f.excess, hours, axis=1, mode="constant", origin=(hours - 1) // 2)[:, ends]
            out.append((ends, (total - top) / (hours - 1)))
            continue
        cols = ends[:, None] - np.arange(hours)[None, :]  # few windows: gather them directly
        if reference == 0:
            window = f.excess[:, cols]
            stat = (window.sum(axis=2) - window.max(axis=2)) / (hours - 1)
        else:
            if raw is None:
                raw = f.usual + f.excess  # the reading, with missing hours read as usual
            stat = raw[:, cols].mean(axis=2) - raw[:, cols - reference].mean(axis=2)
        out.append((ends, stat.astype(np.float32)))
    return out


def _run_baselines(f: "_Features", index: pd.DatetimeIndex, level: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Median and robust spread of each run check's training windows, floored at 1 % of the level."""
    skip = _training_skip(f.excess.shape[1])
    centers, spreads = [], []
    floor = np.maximum(0.01 * level, 1e-6)
    for ends, means in _run_means(f, index):
        keep = ends >= skip
        m = means[:, keep] if keep.sum() >= 4 else means
        if m.shape[1] == 0:
            centers.append(np.zeros(len(level)))
            spreads.append(floor)
            continue
        c = np.median(m, axis=1)
        spread = np.maximum(1.4826 * np.median(np.abs(m - c[:, None]), axis=1), floor)
        # A meter whose training runs have heavy tails gets a wider spread, so that its bar also clears the
        # RUN_QUANTILE of its own training runs (the same rule as the hourly bars).
        j = len(spreads)
        tail = np.quantile((m - c[:, None]) / spread[:, None], RUN_QUANTILE, axis=1) / RUN_SPREADS[j]
        spreads.append(spread * np.maximum(tail, 1.0))
        centers.append(c)
    return np.column_stack(centers), np.column_stack(spreads)


def _run_candidates(f: "_Features", index: pd.DatetimeIndex, base: Baselines, j: int,
                    adapt: np.ndarray | None = None) -> tuple[np.ndarray, ...]:
    """The windows of RUN_CHECKS entry j that pass it: (series rows, end positions, statistic, z), sparse.
    Windows ending at every hour are first screened by their plain mean (the trimmed mean is never larger), so
    the exact statistic is only gathered for the few that could pass. `adapt` (n, T): the noise factor of the
    adaptive bars, read at each window's end; the spread widens by it to the power RUN_ADAPT_POWER."""
    _, hours, end_hour, end_day, reference = RUN_CHECKS[j]
    center = base.run_center[:, j].astype(np.float32)
    spread = base.run_spread[:, j].astype(np.float32)
    sens = base.scale()
    bar = np.maximum(center + RUN_SPREADS[j] * spread * sens, RUN_MIN_SHARE * base.level.astype(np.float32))
    ends = _run_ends(index, hours + reference, end_hour, end_day)
    if ends.size == 0:
        empty = np.zeros(0, np.int64)
        return empty, empty, np.zeros(0, np.float32), np.zeros(0, np.float32)
    if reference == 0 and end_hour is None:
        mean = _window_mean(f.excess, hours)[:, ends[0] : ends[-1] + 1]  # ends are every position from the first
        rows, k = np.nonzero(mean >= bar[:, None])
        end = ends[k]
        window = f.excess[rows[:, None], end[:, None] - np.arange(hours)[None, :]]
        stat = (window.sum(axis=1) - window.max(axis=1)) / (hours - 1)
    else:
        cols = ends[:, None] - np.arange(hours)[None, :]
        if reference == 0:
            window = f.excess[:, cols]
            stat_all = (window.sum(axis=2) - window.max(axis=2)) / (hours - 1)
        else:
            now = (f.usual[:, cols] + f.excess[:, cols]).mean(axis=2)  # readings, missing hours read as usual
            before = (f.usual[:, cols - reference] + f.excess[:, cols - reference]).mean(axis=2)
            stat_all = now - before
        if RECENT_NIGHTS and RUN_CHECKS[j][0] == "night":
            return _recent_night_candidates(stat_all, ends, base, j, adapt)
        rows, k = np.nonzero(stat_all >= bar[:, None])
        end, stat = ends[k], stat_all[rows, k]
    keep = stat >= bar[rows]
    rows, end, stat = rows[keep], end[keep], stat[keep].astype(np.float32)
    if adapt is None:
        return rows, end, stat, (stat - center[rows]) / spread[rows]
    z = (stat - center[rows]) / (spread[rows] * adapt[rows, end] ** np.float32(RUN_ADAPT_POWER))
    keep = z >= RUN_SPREADS[j] * sens[rows]
    return rows[keep], end[keep], stat[keep], z[keep]


def _recent_night_candidates(stat_all: np.ndarray, ends: np.ndarray, base: Baselines, j: int,
                              adapt: np.ndarray | None) -> tuple[np.ndarray, ...]:
    """Nights of RUN_CHECKS entry j whose spread may fall to that of the RECENT_NIGHTS nights before each (robust,
    widened to their RUN_QUANTILE like the fit year's), never below RECENT_FLOOR of the fit year's spread nor above
    it; nights with fewer than RECENT_NIGHTS before them in the block keep the fit year's. The centre stays the
    fit year's. stat_all: (n, nights) statistic of every night ending at `ends`. Returns as _run_candidates."""
    level = base.level.astype(np.float32)
    sens = base.scale()
    center = base.run_center[:, j].astype(np.float32)
    fit_spread = base.run_spread[:, j].astype(np.float32)
    floor = np.maximum(RECENT_FLOOR * fit_spread, np.float32(0.01) * level)
    # The lowest bar any night can get (adaptive factors are >= 1): screens out most nights before any gathering.
    low = np.maximum(center + RUN_SPREADS[j] * floor * sens, RUN_MIN_SHARE * level)
    rows, k = np.nonzero(stat_all >= low[:, None])
    stat = stat_all[rows, k].astype(np.float32)
    spread = fit_spread[rows]
    known = np.flatnonzero(k >= RECENT_NIGHTS)  # a whole window of nights before it in the block
    if known.size:
        r = rows[known]
        past = stat_all[r[:, None], k[known, None] - np.arange(1, RECENT_NIGHTS + 1)[None, :]]
        c = np.median(past, axis=1)
        s = np.maximum(1.4826 * np.median(np.abs(past - c[:, None]), axis=1), 1e-6)
        tail = np.quantile((past - c[:, None]) / s[:, None], RUN_QUANTILE, axis=1) / RUN_SPREADS[j]
        s = s * np.maximum(tail, 1.0)
        spread[known] = np.clip(s, floor[r], spread[known])
    end = ends[k]
    if adapt is not None:
        spread = spread * adapt[rows, end] ** np.float32(RUN_ADAPT_POWER)
    z = (stat - center[rows]) / spread
    keep = (z >= RUN_SPREADS[j] * sens[rows]) & (stat >= RUN_MIN_SHARE * level[rows])
    return rows[keep], end[keep], stat[keep], z[keep]


def _run_hits(f: "_Features", index: pd.DatetimeIndex, base: Baselines,
              adapt: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Hours of runs (night, weekend, day) far above the series' usual runs by every reference of the run.
    Returns (flag per hour, ratio of the run's statistic to its bar, 0 where none)."""
    flags = np.zeros(f.excess.shape, dtype=bool)
    ratio = np.zeros(f.excess.shape, dtype=np.float32)
    if base.run_center is None or base.run_spread is None or base.run_center.shape[1] != len(RUN_CHECKS):
        return flags, ratio
    t = f.excess.shape[1]
    adapt = adapt if RUN_ADAPT_POWER else None
    passed: dict[str, tuple[np.ndarray, ...]] = {}  # run -> (window keys, z summed over references, stat, count)
    for j, name in enumerate(c[0] for c in RUN_CHECKS):
        rows, end, stat, z = _run_candidates(f, index, base, j, adapt)
        key = rows.astype(np.int64) * t + end
        if name in passed:  # same run, another reference: keep the windows that pass both
            key0, z0, stat0, count = passed[name]
            common, i0, i1 = np.intersect1d(key0, key, return_indices=True)
            passed[name] = (common, z0[i0] + z[i1], stat0[i0], count + 1)
        else:
            passed[name] = (key, z, stat, 1)
    for name in list(passed):
        key, zsum, stat, count = passed[name]
        # Each reference passed its own bar already; the strength is the mean z against the highest bar.
        bar = max(RUN_SPREADS[j] for j, c in enumerate(RUN_CHECKS) if c[0] == name)
        keep = zsum / count >= bar * base.scale()[key // t]
        passed[name] = (key[keep], zsum[keep] / count / bar, stat[keep], key[keep] // t, key[keep] % t)
    for name, (_, r, stat, rows, end) in passed.items():
        if rows.size == 0:
            continue
        hours, end_hour = next((h, e) for n, h, e, *_x in RUN_CHECKS if n == name)
        cols = end[:, None] - np.arange(hours)[None, ::-1]  # (windows, hours), in time order
        carry = f.excess[rows[:, None], cols] >= 0.5 * stat[:, None]  # hours carrying the run
        if end_hour is not None:
            # A night or a weekend is one event: from its first to its last hour carrying the run.
            first = np.argmax(carry, axis=1)
            last = hours - 1 - np.argmax(carry[:, ::-1], axis=1)
            span = np.arange(hours)[None, :]
            carry = (span >= first[:, None]) & (span <= last[:, None])
        else:
            # A 24 h window may straddle a fault's start or hold one busy evening: a stuck load carries most of
            # the window, so only windows with RUN_BROAD of their hours carrying count, and only those hours.
            carry &= (carry.mean(axis=1) >= RUN_BROAD)[:, None]
        rr = np.broadcast_to(rows[:, None], cols.shape)[carry]
        cc = cols[carry]
        flags[rr, cc] = True
        np.maximum.at(ratio, (rr, cc), np.broadcast_to(r.astype(np.float32)[:, None], cols.shape)[carry])
    return flags, ratio


def _bars(f: "_Features", hours: int) -> np.ndarray:
    """Per series: the high quantile of its own training deviations, (n, 1). Training hours are scored as if live
    (recent usual from the weeks before), so the bars match scoring."""
    bars = np.quantile(f.dev[:, _training_skip(hours):], BAR_QUANTILE, axis=1)[:, None]
    # Floor: a clean meter's training year may be too calm for its quantile to mean anything.
    return np.maximum(bars, MIN_SPREADS)


def _jump(excess: np.ndarray) -> np.ndarray:
    """Per hour: its excess over the usual minus the larger of its neighbours' (NaN at the block's two ends)."""
    out = np.full(excess.shape, np.nan, dtype=np.float32)
    out[:, 1:-1] = excess[:, 1:-1] - np.maximum(excess[:, :-2], excess[:, 2:])
    return out


def _jump_baselines(f: "_Features", index: pd.DatetimeIndex, level: np.ndarray) -> tuple[np.ndarray, ...]:
    """Median and robust spread per hour of day of the training neighbour statistic, and each series' bar (the
    JUMP_QUANTILE of its training values in those spreads, at least MIN_JUMP_SPREADS)."""
    skip = max(_training_skip(f.excess.shape[1]), 1)
    jump = _jump(f.excess)[:, skip:-1]  # every hour with two neighbours: finite (missing readings count as usual)
    hod = index.hour.to_numpy()[skip:-1]
    center = _median_by(jump, hod, DAY_HOURS)
    center = np.where(np.isfinite(center), center, 0.0)
    spread = _robust_spread_by_hour(np.abs(jump - center[:, hod]), hod, level)
    z = (jump - center[:, hod]) / spread[:, hod]
    if z.shape[1]:
        k = min(JUMP_GUARD_RANK, z.shape[1])
        guard = -np.partition(-z, k - 1, axis=1)[:, k - 1]
        bar = np.minimum(np.quantile(z, JUMP_QUANTILE, axis=1), JUMP_TAIL_GUARD * guard)
    else:
        bar = np.zeros(len(z))
    return center, spread, np.maximum(bar, MIN_JUMP_SPREADS), _noise(z)


def _noise(z: np.ndarray) -> np.ndarray:
    """Per series: mean clipped |z| of finite z, 1 where unknown."""
    noise = np.mean(np.minimum(np.abs(z), NOISE_CLIP), axis=1) if z.shape[1] else np.ones(len(z))
    return np.where(np.isfinite(noise) & (noise > 0), noise, 1.0)


def _noise_factor(z: np.ndarray, train_noise: np.ndarray | None) -> np.ndarray | float:
    """Per hour, how much noisier the last ADAPT_HOURS were than training (at least 1): the bars' multiplier."""
    if not ADAPT_HOURS or train_noise is None:
        return 1.0
    recent = _window_mean(np.minimum(np.abs(z), np.float32(NOISE_CLIP)), ADAPT_HOURS)  # z must be finite
    return np.maximum(recent / train_noise.astype(np.float32)[:, None], np.float32(1.0))


def _jump_hits(f: "_Features", index: pd.DatetimeIndex, base: Baselines) -> tuple[np.ndarray, np.ndarray]:
    """Hours standing above both neighbours far more than usual at that hour of day: (flags, z / bar)."""
    if base.jump_center is None or base.jump_spread is None or base.jump_bar is None:
        return np.zeros(f.excess.shape, dtype=bool), np.zeros(f.excess.shape, dtype=np.float32)
    hod = index.hour.to_numpy()[1:-1]
    x = f.excess
    # z = 0 at the block's two ends (no neighbour there): finite everywhere, so no NaN pass over the block.
    z = np.zeros(x.shape, dtype=np.float32)
    z[:, 1:-1] = ((x[:, 1:-1] - np.maximum(x[:, :-2], x[:, 2:]) - base.jump_center.astype(np.float32)[:, hod])
                  / base.jump_spread.astype(np.float32)[:, hod])
    bar = np.maximum(base.jump_bar.astype(np.float32) * base.scale(), np.float32(MIN_JUMP_SPREADS))[:, None]
    ratio = z / (bar * _noise_factor(z, base.jump_noise))
    return (ratio >= 1.0) & ~_recurring(ratio), ratio


def _recurring(ratio: np.ndarray) -> np.ndarray:
    """Hours whose neighbour ratio reached JUMP_RECUR_SHARE within an hour of the same time on a recent day."""
    from scipy.ndimage import maximum_filter1d

    if not JUMP_RECUR_DAYS or ratio.shape[1] <= DAY_HOURS:
        return np.zeros(ratio.shape, dtype=bool)
    near = maximum_filter1d(ratio, 3, axis=1)  # the hour and its two neighbours
    seen = np.zeros(ratio.shape, dtype=bool)
    for day in range(1, JUMP_RECUR_DAYS + 1):
        lag = day * DAY_HOURS
        if lag >= ratio.shape[1]:
            break
        seen[:, lag:] |= near[:, :-lag] >= JUMP_RECUR_SHARE
    return seen


def fit_detector(train: pd.DataFrame | pd.Series, *, n_estimators: int = 100, sample_rows: int = 50_000,
                 threshold_quantile: float = 0.99, seed: int = 0) -> Detector:
    """Fit baselines per series and one IsolationForest on their pooled training features."""
    from sklearn.ensemble import IsolationForest

    base = fit_baselines(train)
    keys, index, values = _as_matrix(train)
    f = _features(values, index, base)
    ok = values > 0
    rng = np.random.default_rng(seed)
    # Sample positions before gathering: copying every training row of 1,000 series is the slow part.
    rows, cols = np.nonzero(ok)
    if len(rows) > sample_rows:
        pick = rng.choice(len(rows), sample_rows, replace=False)
        rows, cols = rows[pick], cols[pick]
    pool = np.column_stack([f.dev[rows, cols], f.pdev[rows, cols], f.sustained[rows, cols]]).astype(float)
    if len(pool) < 10:
        raise ValueError("too few positive training readings for anomaly detection")
    with threadpool_limits(1, "openmp"):
        forest = IsolationForest(n_estimators=n_estimators, max_samples=min(256, len(pool)), random_state=seed).fit(pool)
        bins = 2 * int(GRID_MAX * GRID_PER_UNIT) + 1
        table = -forest.score_samples(_grid_points(bins)).reshape(bins, bins, bins)
    train_scores = ScoreTable(table, 0.0).lookup(pool)
    threshold = float(max(np.quantile(train_scores, threshold_quantile), 0.55))
    log.info("anomaly detector fitted", extra={"kv": {"series": len(keys), "train_rows": int(ok.sum()), "threshold": round(threshold, 4)}})
    return Detector(base, ScoreTable(table.astype(np.float32), threshold))


def score(detector: Detector, data: pd.DataFrame | pd.Series, *, since: pd.Timestamp | None = None) -> Scored:
    """Score every hour of `data` (same series as the detector, in any order of columns) after `since`
    (default: after the training end). Earlier hours of `data` only serve as context for the features
    (give three weeks of context for the recent usual to be known from the first scored hour)."""
    base = detector.baselines
    keys, index, values = _as_matrix(data)
    order = {k: i for i, k in enumerate(base.keys)}
    unknown = [k for k in keys if k not in order]
    if unknown:
        raise ValueError(f"series not in the detector: {', '.join(unknown[:5])}")
    sub = base.take(np.array([order[k] for k in keys], dtype=np.int64), keys)
    start = since if since is not None else base.train_end
    keep = np.asarray(index > start)
    f = _features(values, index, sub)
    first = int(np.argmax(keep)) if keep.any() else len(index)
    # Run and neighbour checks may reach back before `since`: flag within the whole block, then keep the scored part.
    bars = (sub.bars[:, :1] if sub.bars is not None else np.full((len(keys), 1), MIN_SPREADS)).astype(np.float32)
    sens = sub.scale()[:, None]
    bars = bars * sens  # a calibrated series' bars (its floors too) move with its sensitivity
    level = sub.level.astype(np.float32)[:, None]  # float32 throughout: a float64 operand would double every pass
    sl = slice(first, None)
    n_scored = len(index) - first
    # Rule hits are few: their strength (how far past their bar) is gathered sparsely as (row, col, ratio).
    hit_rows, hit_cols, hit_ratio = [], [], []

    def note(flags: np.ndarray, strength: np.ndarray) -> None:
        r, c = np.nonzero(flags)
        hit_rows.append(r)
        hit_cols.append(c)
        hit_ratio.append(strength[r, c])

    adapt = _noise_factor(f.dev, sub.dev_noise)  # (n, T) or 1: bars rise when the recent weeks were noisy
    f_index = index
    dev, usual, values, index = f.dev[:, sl], f.usual[:, sl], values[:, sl], index[sl]
    excess = f.excess[:, sl]
    forest_score = detector.table.lookup_columns(dev, f.pdev[:, sl], f.sustained[:, sl])
    thr = detector.table.threshold
    # The forest says "odd"; the reading must also be clearly above the recent usual, in the series' own spreads
    # and in share of its level, so that noise on a quiet meter and ordinary busy hours never page anyone.
    hour_bar = np.maximum(bars[:, :1], MIN_SPREADS * sens)
    hour_bar = hour_bar * (adapt[:, sl] if isinstance(adapt, np.ndarray) else adapt)  # rises when recently noisy
    spike = (forest_score > thr) & (dev >= hour_bar) & (excess > MIN_EXCESS_SHARE * level)
    note(spike, dev / hour_bar)
    # One hour standing above both of its neighbours (by the share of the level a manager cares about too).
    jump_flag, jump_ratio = _jump_hits(f, f_index, sub)
    jump = jump_flag[:, sl] & (excess > MIN_EXCESS_SHARE * level)
    note(jump, jump_ratio[:, sl])
    spike |= jump
    # Whole nights, weekends and days far above their usual: the hours that carry the run.
    run_flag, run_ratio = _run_hits(f, f_index, sub, adapt if isinstance(adapt, np.ndarray) else None)
    runs = run_flag[:, sl]
    note(runs, run_ratio[:, sl])
    high = spike | runs
    ratio = np.zeros((len(keys), n_scored), dtype=np.float32)
    np.maximum.at(ratio, (np.concatenate(hit_rows), np.concatenate(hit_cols)), np.concatenate(hit_ratio).astype(np.float32))
    # Dead meter: zero (or missing-as-zero) where this hour normally reads clearly above zero.
    zero = (values <= 0) & (usual > 0.05 * level) & (sub.zero_share[:, None] < 0.5)
    # Identical readings far above the usual are a load drawing constant power (a relay switch reports its rated
    # draw hour after hour), so those hours are high usage ("left on"); a frozen meter repeats an ordinary value.
    flat = _flat_lines(values, sub.flat_run) & ~high
    reason = np.where(zero, 2, np.where(flat, 3, np.where(high, 1, 0))).astype(np.int8)
    # Rule hits score above the threshold, higher the further past their bar (ratio 1 -> threshold, large -> 1).
    rule_score = np.where(high, np.float32(1.0 + 1e-4) - np.float32(1.0 - thr) / np.maximum(ratio, 1.0), 0.0)
    final = np.fmax(forest_score, np.minimum(rule_score, 1.0))
    final = np.where(reason >= 2, np.maximum(final, ZERO_SCORE), final)
    return Scored(keys, index, values, usual.astype(float), final.astype(float), reason > 0, reason,
                  jump & (reason == 1))
