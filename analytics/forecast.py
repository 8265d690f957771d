"""Choose a forecast model per series by rolling-origin backtest, forecast with it, and describe the choice
as a model-run record for the store."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import pandas as pd

from analytics.calendar import CampusCalendar
from analytics.dayahead import HORIZON as DAY_AHEAD_HOURS, DayAhead
from analytics.intervals import conformal_bands
from analytics.metrics import Scores, score, seasonal_naive_scale
from analytics.models import (Blend, Forecaster, LagBoost, SameHourYesterday, SeasonalNaive, WeeklyMedian,
                              levelled_day_ahead, mix_day_ahead)
from analytics.series import DAY_HOURS, WEEK_HOURS, usable

log = logging.getLogger(__name__)


def _prophet(calendar: CampusCalendar | None = None, **params: Any) -> Forecaster:
    from analytics.prophet_model import ProphetForecaster

    return ProphetForecaster(calendar, **params)


# Model name -> factory(calendar, **params). "auto" is not a model: it backtests these and keeps the best.
MODELS: dict[str, Callable[..., Forecaster]] = {
    "seasonal-naive": SeasonalNaive,
    "naive-daily": SameHourYesterday,
    "weekly-median": WeeklyMedian,
    "lag-boost": LagBoost,
    "blend": Blend,
    "prophet": _prophet,
}
# What "auto" tries: (model, params). Each is scored plain and with the short-term error correction.
# Prophet is not among them by default: it lost the backtest on every Cambridge building (as the archive's
# README predicts) and costs most of the time of a choice; WITH_PROPHET is for an occasional thorough re-choice.
AUTO_CANDIDATES: tuple[tuple[str, dict[str, Any]], ...] = (
    ("seasonal-naive", {}),
    ("naive-daily", {}),
    ("weekly-median", {"weeks": 4}),
    ("lag-boost", {}),
    ("blend", {}),
)
WITH_PROPHET: tuple[tuple[str, dict[str, Any]], ...] = AUTO_CANDIDATES + (("prophet", {}),)
# The blend with correction is kept unless another candidate's backtest MAE is lower by more than this share:
# six weekly origins are a noisy ranking, and on the Cambridge tuning year the blend was the best model
# overall while the raw per-building winner often was not the best on the following year.
PREFERRED = ("blend", True)
PREFER_MARGIN = 0.05
# Never worse than the baseline: same-hour-last-week (plain) is kept unless the winner's gain over it is clear in
# the backtest, a pooled MAE lower by BASELINE_MARGIN *and* a lower MAE on more than BASELINE_WINS of the origins
# where the two differ (a sign test against a lucky week or two). When the baseline is kept it is used plain, without the day-ahead mix,
# which the backtest does not score.
BASELINE = ("seasonal-naive", False)
BASELINE_MARGIN = 0.03
BASELINE_WINS = 0.5
# Weekly backtest origins (0 in a signature means this). Twelve rank the candidates more reliably than six on the
# Cambridge tuning year (median MASE 0.914 -> 0.898 with the preference above); each costs one forecast per variant.
BACKTEST_ORIGINS = 12
# The chosen model's first 48 hours are this share the direct day-ahead model (analytics.dayahead) and the rest the
# chosen model, whichever won. It is added after the choice (the backtest ranks the weekly models alone, which keeps
# a choice within the speed budget). Cambridge tuning year (test 2018): 0.5 over hours 1-48 took median MASE
# 0.894 -> 0.879 and day-ahead CV(RMSE) 18.0 % -> 16.1 %; 0.7 gave 0.877 / 16.1 %, 0.3 0.884 / 16.5 %; fading the
# weight over the 48 hours, or 24 hours only, did worse; per-building weights were flat around 0.5 (docs/benchmarks.md).
DAY_AHEAD_WEIGHT = 0.5
# The campus's pooled day-ahead model (analytics.pooled) takes this share of the day-ahead part, for a series whose
# backtest says it helps: the chosen model's backtest forecasts mixed with the pool at DAY_AHEAD_WEIGHT over hours
# 1-POOL_HOURS must have an MAE lower by POOL_MARGIN than the chosen model's alone, and be lower on most origins.
# With the pool in, the day-ahead part weighs POOLED_DAY_AHEAD_WEIGHT. Cambridge tuning year 2018, each building
# forecast by a pool of the other eleven (leave-one-building-out), day-ahead weight / pool share -> median (mean)
# CV(RMSE) 1-24 h: 0.5 / 0 (no pool) 15.30 % (17.09); 0.7 / 0 15.15 (16.59); 0.5 / 0.5 15.27 (16.87);
# 0.5 / 1 15.57 (16.99); 0.6 / 0.5 15.05 (16.47); 0.7 / 0.5 14.98 (16.20); 0.7 / 0.33 14.96 (16.25); 0.7 / 1 15.45.
POOL_SHARE = 0.5
POOLED_DAY_AHEAD_WEIGHT = 0.7
POOL_MARGIN = 0.02
POOL_HOURS = 48
# Per-series day-ahead weight, chosen by the day-ahead part's own backtest: a day-ahead model fitted before the first
# backtest origin (as the weekly candidates are) forecasts hours 1-48 from each origin, the pool mixed in as the
# choice decided and carrying its latest error, as in production; each weight in DAY_AHEAD_WEIGHTS mixes it into
# the chosen model's backtest forecasts. The weight with the lowest squared error over hours 1-DAY_AHEAD_HOURS wins
# when it beats the default weight (DAY_AHEAD_WEIGHT, or POOLED_DAY_AHEAD_WEIGHT with the pool) by WEIGHT_MARGIN.
# The mixed backtest forecasts are also what the conformal bands are built from, so hours 1-48 of the bands are
# the errors of the forecast actually given.
# Tried on the Cambridge tuning year 2018 and NOT adopted (DAY_AHEAD_BY_BACKTEST off): twelve weekly origins rank the
# weights too noisily. Median (mean) CV(RMSE) 1-24 h over 12 buildings: the fixed weights 13.65 % (16.07); chosen by
# RMSE 1-48 h 14.02 (16.04), better on 4 buildings and worse on 5; with a 2 % margin 13.65 (16.05); by RMSE 1-24 h
# 14.33; every building at 0.7 13.65 (16.05); at 0.9 13.83 (16.01) (docs/benchmarks.md, issue 19 fifth pass). The
# function stays for the benchmark, which scores these policies beside the production forecast.
DAY_AHEAD_BY_BACKTEST = False
DAY_AHEAD_WEIGHTS = (0.3, 0.5, 0.7, 0.9)
WEIGHT_MARGIN = 0.0
# A previous choice younger than this is refitted as is instead of re-running the backtest.
RECHOOSE_AFTER = dt.timedelta(days=7)
# History needed before the first backtest origin, and the fewest origins worth a comparison.
MIN_TRAIN_HOURS = 3 * WEEK_HOURS


class ForecastError(ValueError):
    """The series cannot be forecast as asked; the message says why in one line."""


@dataclass(frozen=True)
class CandidateScore:
    """One model variant's backtest result. mase_24 / cv_rmse_24 score only hours 1-24 of each origin."""

    model: str
    params: dict[str, Any]
    scores: Scores
    mase_24: float
    cv_rmse_24: float
    origins: tuple[str, ...] = ()
    windows: tuple[tuple[np.ndarray, np.ndarray], ...] = field(default=(), repr=False)
    scale: float = float("nan")


@dataclass(frozen=True)
class ModelRun:
    """What the store saves in `model_runs` after a fit: the chosen model, its parameters and every candidate's scores.

    series_key: the caller's id for the series (e.g. a switch or room id). model: the chosen model name.
    params: its parameters (JSON-able). scores: candidate label -> metric dict, "chosen" included.
    backtest: how the scores were made (origins, horizon, train end), `versus_baseline` (the choice against same hour
    last week, see `versus_baseline`) and `intervals` (the conformal bands, analytics.intervals). created_at: UTC fit
    time.
    artifact_path: where `save_model` put the fitted model, when it was saved.
    """

    series_key: str
    model: str
    params: dict[str, Any]
    scores: dict[str, dict[str, Any]]
    backtest: dict[str, Any]
    created_at: dt.datetime
    artifact_path: str | None = None

    def with_artifact(self, path: str) -> "ModelRun":
        return ModelRun(self.series_key, self.model, self.params, self.scores, self.backtest, self.created_at, path)


@dataclass(frozen=True)
class Selection:
    """The fitted winner and the record describing how it won."""

    model: Forecaster
    run: ModelRun
    candidates: tuple[CandidateScore, ...] = field(default=())
    # The backtest windows ((actual, forecast) per origin) the conformal bands were built from: the chosen model's
    # (with DAY_AHEAD_BY_BACKTEST, hours 1-48 mixed with the day-ahead part as the forecast is).
    windows: tuple[tuple[np.ndarray, np.ndarray], ...] = field(default=(), repr=False)


def make_model(name: str, calendar: CampusCalendar | None = None, **params: Any) -> Forecaster:
    try:
        factory = MODELS[name]
    except KeyError:
        raise ForecastError(f"unknown model {name!r}; choose auto or one of {', '.join(MODELS)}") from None
    correct = bool(params.pop("correct", False))
    day_ahead = float(params.pop("day_ahead", 0.0))
    pooled = float(params.pop("pooled", 0.0))
    model = factory(calendar, **params)
    model.params["correct"] = correct
    model.params["day_ahead"] = day_ahead
    if pooled > 0:
        model.params["pooled"] = pooled
    return model


def backtest_origins(history: pd.Series, horizon: int, origins: int) -> list[pd.Timestamp]:
    """The last `origins` forecast starts, a week apart, whose whole horizon lies inside the history.
    (Holiday weeks are kept: skipping them was tried and chose worse models, since the weeks around breaks
    are where the calendar-aware models earn their place.)"""
    last_start = history.index[-1] - pd.Timedelta(hours=horizon - 1)
    starts = [last_start - pd.Timedelta(hours=WEEK_HOURS * k) for k in range(origins - 1, -1, -1)]
    return [s for s in starts if (s - history.index[0]) / pd.Timedelta(hours=1) >= MIN_TRAIN_HOURS]


def backtest(history: pd.Series, candidates: tuple[tuple[str, dict[str, Any]], ...], calendar: CampusCalendar,
             *, horizon: int = WEEK_HOURS, origins: int = 0, refit_origins: int = 2) -> list[CandidateScore]:
    """Rolling-origin backtest. Each candidate is fitted on the data before the first origin only, then conditioned
    on the history up to each origin (as production uses a nightly fit). Prophet, whose fit is its only view of
    recent data, is refitted at each origin, over the last `refit_origins` origins only (it is the slow one).
    Scores pool the origins each candidate ran on; `compare_on` scores any candidate on another's origins."""
    y = usable(history)
    all_starts = backtest_origins(y, horizon, origins or BACKTEST_ORIGINS)
    if not all_starts:
        return []
    scale = seasonal_naive_scale(y[: all_starts[0] - pd.Timedelta(hours=1)])
    results: list[CandidateScore] = []
    boosters: dict[int, Forecaster] = {}  # lag-boost fitted before the first origin, by train_weeks: blend reuses it
    for name, params in candidates:
        model = None
        starts = all_starts[-refit_origins:] if name == "prophet" else all_starts
        per_variant: dict[bool, tuple[list[np.ndarray], list[np.ndarray]]] = {False: ([], []), True: ([], [])}
        try:
            for start in starts:
                past = y[: start - pd.Timedelta(hours=1)]
                if model is None or name == "prophet":
                    model = make_model(name, calendar, **params)
                    shared = boosters.get(model.params.get("train_weeks", -1))
                    if isinstance(model, Blend) and shared is not None:
                        model.with_boost(shared)  # type: ignore[arg-type]
                    model.fit(past)
                    if isinstance(model, LagBoost) and model.params == make_model("lag-boost", calendar, train_weeks=model.params["train_weeks"]).params:
                        boosters[model.params["train_weeks"]] = model
                actual = y[start : start + pd.Timedelta(hours=horizon - 1)].to_numpy()
                for correct, predicted in zip((False, True), model.backtest_forecasts(past, horizon)):
                    per_variant[correct][0].append(actual)
                    per_variant[correct][1].append(predicted)
        except Exception as exc:  # one failing candidate must not stop the choice
            log.warning("backtest candidate failed", extra={"kv": {"model": name, "error": str(exc)[:200]}})
            continue
        for correct, (acts, preds) in per_variant.items():
            if correct and model.correction is None:
                continue
            a, f = np.concatenate(acts), np.concatenate(preds)
            a24 = np.concatenate([x[:DAY_HOURS] for x in acts])
            f24 = np.concatenate([x[:DAY_HOURS] for x in preds])
            s24 = score(a24, f24, scale)
            results.append(CandidateScore(name, {**params, "correct": correct}, score(a, f, scale), s24.mase, s24.cv_rmse,
                                          tuple(s.isoformat() for s in starts), tuple(zip(acts, preds)), scale))
    return results


def compare_on(candidate: CandidateScore, origins: tuple[str, ...]) -> float:
    """The candidate's MAE over only the given origins (NaN if it did not run on all of them)."""
    pairs = dict(zip(candidate.origins, candidate.windows))
    if not all(o in pairs for o in origins):
        return float("nan")
    a = np.concatenate([pairs[o][0] for o in origins])
    f = np.concatenate([pairs[o][1] for o in origins])
    return score(a, f, candidate.scale).mae


def pick_best(results: list[CandidateScore]) -> CandidateScore | None:
    """Lowest pooled MAE (the same ranking as MASE: one series, one scale, but defined even when the scale is 0),
    except that the PREFERRED candidate wins when within PREFER_MARGIN of the lowest; a candidate that ran on
    fewer origins must beat the leader on those same origins. Then the winner must clearly beat the baseline
    (`clearly_beats`), or the baseline is kept."""
    ranked = [r for r in results if np.isfinite(r.scores.mae)]
    if not ranked:
        return None
    most = max(len(r.origins) for r in ranked)
    full = [r for r in ranked if len(r.origins) == most]
    best = min(full, key=lambda r: r.scores.mae)
    preferred = [r for r in full if (r.model, bool(r.params.get("correct"))) == PREFERRED]
    if preferred and preferred[0].scores.mae <= best.scores.mae * (1 + PREFER_MARGIN):
        best = preferred[0]
    for other in sorted((r for r in ranked if len(r.origins) < most), key=lambda r: r.scores.mae):
        if other.scores.mae < compare_on(best, other.origins):
            best = other
            break
    baseline = baseline_of(full)
    if baseline is not None and best is not baseline and not clearly_beats(best, baseline):
        return baseline
    return best


def baseline_of(results: list[CandidateScore] | tuple[CandidateScore, ...]) -> CandidateScore | None:
    return next((r for r in results if (r.model, bool(r.params.get("correct"))) == BASELINE), None)


def origin_maes(candidate: CandidateScore, origins: tuple[str, ...]) -> np.ndarray:
    """The candidate's MAE at each of the given origins (NaN where it did not run or scored nothing)."""
    pairs = dict(zip(candidate.origins, candidate.windows))
    out = []
    for o in origins:
        a, f = pairs.get(o, (np.array([np.nan]), np.array([np.nan])))
        ok = np.isfinite(a) & np.isfinite(f)
        out.append(float(np.abs(a[ok] - f[ok]).mean()) if ok.any() else float("nan"))
    return np.array(out)


def clearly_beats(candidate: CandidateScore, baseline: CandidateScore) -> bool:
    """Pooled MAE lower than the baseline's by BASELINE_MARGIN, on the candidate's origins, and a lower MAE on more
    than BASELINE_WINS of them. Without windows to compare (a hand-made score) the pooled MAE alone decides."""
    base_mae = compare_on(baseline, candidate.origins) if candidate.windows else baseline.scores.mae
    if not np.isfinite(base_mae) or candidate.scores.mae > base_mae * (1 - BASELINE_MARGIN):
        return False
    if not candidate.windows or not baseline.windows:
        return True
    mine, theirs = origin_maes(candidate, candidate.origins), origin_maes(baseline, candidate.origins)
    # Origins where both forecast alike (a flat week, a closure at zero) decide nothing: a sign test drops ties.
    decided = np.isfinite(mine) & np.isfinite(theirs) & ~np.isclose(mine, theirs, rtol=1e-6, atol=1e-12)
    return bool(decided.any() and np.sum(mine[decided] < theirs[decided]) > BASELINE_WINS * decided.sum())


def versus_baseline(chosen: CandidateScore | None, results: list[CandidateScore]) -> dict[str, Any] | None:
    """The chosen model's backtest next to same-hour-last-week's on the same origins: MASE and WAPE of each, the
    share of error saved (`gain`, 0 when the baseline itself was kept) and on how many origins the choice did better.
    None without a backtest."""
    baseline = baseline_of(results)
    if chosen is None or baseline is None:
        return None
    origins = chosen.origins
    pairs = dict(zip(baseline.origins, baseline.windows))
    if not all(o in pairs for o in origins):
        return None
    a = np.concatenate([pairs[o][0] for o in origins])
    f = np.concatenate([pairs[o][1] for o in origins])
    base = score(a, f, baseline.scale)
    mine, theirs = origin_maes(chosen, origins), origin_maes(baseline, origins)
    ok = np.isfinite(mine) & np.isfinite(theirs)
    gain = 1 - chosen.scores.mae / base.mae if base.mae > 0 else 0.0
    return {"baseline": "same hour last week", "is_baseline": chosen is baseline,
            "mase": _finite(chosen.scores.mase), "baseline_mase": _finite(base.mase),
            "wape": _finite(chosen.scores.wape), "baseline_wape": _finite(base.wape),
            "gain": round(float(gain), 4), "origins_better": int(np.sum(mine[ok] < theirs[ok])), "origins": int(ok.sum())}


def pool_backtest(candidate: CandidateScore, history: pd.Series, pool: DayAhead,
                  weather: pd.Series | None = None) -> dict[str, Any] | None:
    """The candidate's backtest forecasts over hours 1-POOL_HOURS, alone and mixed with the pool's day-ahead view at
    DAY_AHEAD_WEIGHT, on the same origins: both MAEs, on how many origins the mix erred less, and `helps` (the
    mix's MAE lower by POOL_MARGIN and lower on more than half of the origins that differ). None without windows."""
    if pool.model is None or not candidate.windows:
        return None
    y = usable(history)
    plain, mixed = [], []
    for start, (actual, point) in zip(candidate.origins, candidate.windows):
        past = y[: pd.Timestamp(start) - pd.Timedelta(hours=1)]
        n = min(POOL_HOURS, len(point))
        view = pool.predict(past, n, weather)
        a, f = np.asarray(actual[:n], dtype=float), np.asarray(point[:n], dtype=float)
        m = np.where(np.isfinite(view), DAY_AHEAD_WEIGHT * view + (1 - DAY_AHEAD_WEIGHT) * f, f)
        ok = np.isfinite(a) & np.isfinite(f)
        if ok.any():
            plain.append(np.abs(a[ok] - f[ok]))
            mixed.append(np.abs(a[ok] - m[ok]))
    if not plain:
        return None
    mae_plain, mae_mixed = float(np.concatenate(plain).mean()), float(np.concatenate(mixed).mean())
    mine, theirs = np.array([e.mean() for e in mixed]), np.array([e.mean() for e in plain])
    decided = ~np.isclose(mine, theirs, rtol=1e-6, atol=1e-12)
    wins = int(np.sum(mine[decided] < theirs[decided]))
    helps = bool(mae_mixed < mae_plain * (1 - POOL_MARGIN) and decided.any() and wins > 0.5 * decided.sum())
    return {"mae": round(mae_plain, 6), "mae_with_pool": round(mae_mixed, 6), "origins_better": wins,
            "origins": int(len(plain)), "helps": helps, "hours": POOL_HOURS}


def day_ahead_backtest(candidate: CandidateScore, history: pd.Series, calendar: CampusCalendar,
                       weather: pd.Series | None = None, pool: DayAhead | None = None, share: float = 0.0,
                       default: float = DAY_AHEAD_WEIGHT) -> tuple[dict[str, Any], tuple] | None:
    """The day-ahead part's own backtest on the candidate's origins (see DAY_AHEAD_WEIGHTS): per weight, the RMSE
    over hours 1-24 and 1-48 and the MAE over 1-48 of the candidate's forecasts mixed at that weight; the weight
    chosen; and the backtest windows mixed at it (for the bands). None when there is no day-ahead view to test."""
    if not candidate.windows:
        return None
    y = usable(history)
    direct = DayAhead(calendar).fit(y[: pd.Timestamp(candidate.origins[0]) - pd.Timedelta(hours=1)], weather)
    if direct.model is None and (share <= 0 or pool is None or pool.model is None):
        return None
    acts, points, views = [], [], []
    for start, (actual, point) in zip(candidate.origins, candidate.windows):
        past = y[: pd.Timestamp(start) - pd.Timedelta(hours=1)]
        n = min(DAY_AHEAD_HOURS, len(point))
        view = levelled_day_ahead(direct, pool, share, past, n, weather)
        acts.append(np.asarray(actual, dtype=float))
        points.append(np.asarray(point, dtype=float))
        views.append(view)
    err: dict[str, list[float]] = {"rmse_24": [], "rmse_48": [], "mae_48": []}
    for w in DAY_AHEAD_WEIGHTS:
        e = np.concatenate([(a - np.maximum(mix_day_ahead(p, v, w), 0.0))[:DAY_AHEAD_HOURS]
                            for a, p, v in zip(acts, points, views)]).reshape(len(acts), -1)
        day, both = e[:, :DAY_HOURS], e
        err["rmse_24"].append(float(np.sqrt(np.nanmean(day**2))))
        err["rmse_48"].append(float(np.sqrt(np.nanmean(both**2))))
        err["mae_48"].append(float(np.nanmean(np.abs(both))))
    chosen = pick_weight(err["rmse_48"], default)
    windows = tuple((a, np.maximum(mix_day_ahead(p, v, chosen), 0.0)) for a, p, v in zip(acts, points, views))
    record = {"weights": list(DAY_AHEAD_WEIGHTS), **{k: [round(x, 6) for x in v] for k, v in err.items()},
              "default": default, "chosen": chosen, "hours": DAY_AHEAD_HOURS}
    return record, windows


def pick_weight(errors: list[float], default: float, margin: float | None = None) -> float:
    """The weight of DAY_AHEAD_WEIGHTS with the lowest error, if it beats the default's by `margin` (WEIGHT_MARGIN);
    else the default."""
    margin = WEIGHT_MARGIN if margin is None else margin
    finite = [(e, w) for e, w in zip(errors, DAY_AHEAD_WEIGHTS) if np.isfinite(e)]
    if not finite:
        return default
    best_error, best = min(finite)
    at_default = dict((w, e) for e, w in finite).get(default, float("nan"))
    if not np.isfinite(at_default) or best_error < at_default * (1 - margin):
        return best
    return default


def _label(c: CandidateScore) -> str:
    extra = ",".join(f"{k}={v}" for k, v in sorted(c.params.items()) if k != "correct")
    return c.model + (f"[{extra}]" if extra else "") + ("+correction" if c.params.get("correct") else "")


def choose_model(history: pd.Series, calendar: CampusCalendar | None = None, *, series_key: str = "series",
                 horizon: int = WEEK_HOURS, origins: int = 0,
                 candidates: tuple[tuple[str, dict[str, Any]], ...] = AUTO_CANDIDATES,
                 weather: pd.Series | None = None, pool: DayAhead | None = None) -> Selection:
    """Backtest the candidates, fit the best (lowest pooled MASE; ties go to the earlier, simpler one) on the
    whole history, and return it with its model-run record. Short histories fall back to same-hour-last-week,
    or same-hour-yesterday below two weeks. `weather`: hourly outdoor temperature on the history's clock; the
    chosen model's day-ahead part learns from it (the backtest ranks the weekly models, which do not use it).
    `pool`: the campus's pooled day-ahead model (analytics.pooled); the chosen model mixes it in (POOL_SHARE of the
    day-ahead part) when `pool_backtest` says it helps this series, never when the baseline was kept."""
    calendar = calendar or CampusCalendar()
    origins = origins or BACKTEST_ORIGINS
    y = usable(history)
    if y.notna().sum() < DAY_HOURS + 1:
        raise ForecastError(f"need at least {DAY_HOURS + 1} hours of readings to forecast; got {int(y.notna().sum())}")
    bt_horizon = min(max(horizon, DAY_HOURS), WEEK_HOURS)
    results = backtest(y, candidates, calendar, horizon=bt_horizon, origins=origins)
    best = pick_best(results)
    if best is not None:
        name, params = best.model, best.params
    else:
        name, params = ("seasonal-naive", {"correct": False}) if len(y) >= 2 * WEEK_HOURS else ("naive-daily", {"correct": False})
    final = {k: v for k, v in params.items() if k != "correct"}
    final.setdefault("day_ahead", 0.0 if (name, bool(params.get("correct"))) == BASELINE else DAY_AHEAD_WEIGHT)
    kept_baseline = (name, bool(params.get("correct"))) == BASELINE
    pool_check = pool_backtest(best, y, pool, weather) if pool is not None and best is not None and not kept_baseline else None
    if pool_check is not None and pool_check["helps"]:
        final["pooled"] = POOL_SHARE
        final["day_ahead"] = POOLED_DAY_AHEAD_WEIGHT
    day_ahead_check, windows = None, (best.windows if best is not None else ())
    if DAY_AHEAD_BY_BACKTEST and best is not None and final["day_ahead"] > 0:
        tested = day_ahead_backtest(best, y, calendar, weather, pool, float(final.get("pooled", 0.0)), final["day_ahead"])
        if tested is not None:
            day_ahead_check, windows = tested
            final["day_ahead"] = day_ahead_check["chosen"]
    model = make_model(name, calendar, **final)
    model.fit(y, weather)
    model.pooled = pool if final.get("pooled") else None
    model.params["correct"] = bool(params.get("correct")) and model.correction is not None
    model.conformal = conformal_bands(windows) if best is not None else None
    starts = backtest_origins(y, bt_horizon, origins)
    run = ModelRun(
        series_key=series_key,
        model=name,
        params=dict(model.params),
        scores={_label(r): {**r.scores.as_dict(), "mase_24": _finite(r.mase_24), "cv_rmse_24": _finite(r.cv_rmse_24)} for r in results},
        backtest={"origins": [s.isoformat() for s in starts], "horizon": bt_horizon,
                  "chosen_at": dt.datetime.now(dt.timezone.utc).isoformat(),
                  "train_end": y.index[-1].isoformat(), "criterion": "pooled MAE (= MASE ranking), hours 1-horizon; "
                  f"same hour last week unless beaten by {BASELINE_MARGIN:.0%} and on most origins",
                  "versus_baseline": versus_baseline(best, results), "intervals": model.conformal,
                  "pool": pool_check, "day_ahead": day_ahead_check},
        created_at=dt.datetime.now(dt.timezone.utc),
    )
    log.info("model chosen", extra={"kv": {"series": series_key, "model": name, "correct": model.params["correct"],
                                           "candidates": len(results)}})
    return Selection(model, run, tuple(results), tuple(windows))


def _finite(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def refit(history: pd.Series, previous: ModelRun, calendar: CampusCalendar | None = None, *,
          now: dt.datetime | None = None, weather: pd.Series | None = None, pool: DayAhead | None = None) -> Selection:
    """Nightly refit: the model `previous` chose, refitted on the new history without a backtest while the choice
    is younger than RECHOOSE_AFTER; otherwise a fresh `choose_model`. The record keeps the original choice's
    scores and says when the choice was made."""
    calendar = calendar or CampusCalendar()
    now = now or dt.datetime.now(dt.timezone.utc)
    chosen_at = dt.datetime.fromisoformat(previous.backtest.get("chosen_at", previous.created_at.isoformat()))
    if previous.model not in MODELS or now - chosen_at >= RECHOOSE_AFTER:
        return choose_model(history, calendar, series_key=previous.series_key, weather=weather, pool=pool)
    y = usable(history)
    params = {k: v for k, v in previous.params.items() if k in _constructor_params(previous.model, calendar)}
    model = make_model(previous.model, calendar, **params).fit(y, weather)
    model.pooled = pool if params.get("pooled") else None  # the choice said the pool helps; tonight's pool is used
    model.params["correct"] = bool(previous.params.get("correct")) and model.correction is not None
    model.conformal = previous.backtest.get("intervals")  # the choice's backtest errors, until the next re-choice
    run = ModelRun(previous.series_key, previous.model, dict(model.params), previous.scores,
                   {**previous.backtest, "chosen_at": chosen_at.isoformat(), "train_end": y.index[-1].isoformat()}, now)
    return Selection(model, run)


def _constructor_params(name: str, calendar: CampusCalendar) -> set[str]:
    """The parameter names a model's constructor takes (fitted state such as `has_model` is not one)."""
    return set(make_model(name, calendar).params) | {"pooled"}


def forecast(history: pd.Series, horizon: int, *, model: str = "auto", calendar: CampusCalendar | None = None,
             series_key: str = "series", weather: pd.Series | None = None,
             pool: DayAhead | None = None) -> tuple[pd.DataFrame, Selection]:
    """Forecast the next `horizon` hours. `model="auto"` chooses by backtest; a named model is fitted as is.
    `weather`: hourly outdoor temperature, observed over the history and forecast for the hours ahead (optional)."""
    if horizon < 1:
        raise ForecastError("horizon must be at least 1 hour")
    calendar = calendar or CampusCalendar()
    y = usable(history)
    if y.notna().sum() < DAY_HOURS + 1:
        raise ForecastError(f"need at least {DAY_HOURS + 1} hours of readings to forecast; got {int(y.notna().sum())}")
    if model == "auto":
        selection = choose_model(y, calendar, series_key=series_key, horizon=horizon, weather=weather, pool=pool)
    else:
        fitted = make_model(model, calendar).fit(y, weather)
        run = ModelRun(series_key, model, dict(fitted.params), {}, {"origins": [], "horizon": 0, "train_end": y.index[-1].isoformat()},
                       dt.datetime.now(dt.timezone.utc))
        selection = Selection(fitted, run)
    return selection.model.forecast(y, horizon, weather=weather), selection
