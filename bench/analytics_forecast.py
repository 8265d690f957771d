"""Forecast benchmark on Cambridge Estates: train on 2017-2018, forecast 168 h from every Monday of 2019.

Run: .venv/bin/python bench/analytics_forecast.py [--buildings N] [--runs R] [--year 2019] [--weather none|forecast|observed]
Per building the model is chosen by the auto backtest on 2017-2018 only and fitted on 2017-2018; every Monday of
2019 it forecasts with the readings up to that Monday (Prophet, if chosen, is refitted every 4th Monday, as in
the archive's reference figures). Baseline: same hour last week. MASE scale: in-sample lag-168 MAE on 2017-2018.

--weather: the outdoor temperature the models get (Bedford, Met Office). `none` (default): none. `forecast`: the
observed temperature up to each Monday and, for the hours ahead, the observed temperature with a day-ahead
forecast's error added (analytics_common.forecast_like; fixed seed). `observed`: the observed temperature ahead
too (a perfect forecast: an upper bound, not a figure a service can reach).

Coverage is also printed per horizon block and for a grid of nominal levels (tuning `analytics.intervals.NOMINAL` on
the tuning year); `--dump PATH` saves the per-building results and `--calibrate-from PATH` (a dump of the tuning
year) adds the coverage with each building's block levels chosen on the other buildings' tuning year only.
`--refresh-weeks N` also scores the bands rebuilt every N weeks from the chosen model's backtest on the readings so
far (the service re-chooses, and so rebuilds its bands, weekly). Day-ahead weight policies (WEIGHTS) and relative-error
bands are scored beside the production forecast; `--skip-mixes` leaves out the third pass's pool mixes.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import time

import numpy as np
import pandas as pd

from analytics_common import CAMBRIDGE, available, bedford_temperature, buildings, forecast_like, load
from analytics.forecast import DAY_AHEAD_WEIGHTS, backtest, choose_model, day_ahead_backtest, make_model, pick_best, pick_weight
from analytics.intervals import BLOCK_EDGES, NOMINAL as NOMINAL_IN_USE, _quantiles, apply_bands, conformal_bands
from analytics.metrics import score, seasonal_naive_scale
from analytics.models import mix_day_ahead
from analytics.pooled import fit_rows, stride_for, training_rows
from analytics.series import usable

logging.basicConfig(level=logging.WARNING)
# Nominal coverages whose held-out coverage is also reported (tuning the conformal level on the tuning year).
NOMINAL = (0.76, 0.78, 0.8, 0.82, 0.83, 0.84, 0.86, 0.88)
BLOCK_NAMES = ("1-24", "25-48", "49-168")  # the horizon blocks of analytics.intervals, for per-block coverage
BLOCK_LEVELS = tuple(NOMINAL_IN_USE)  # production's per-block levels (analytics.intervals.NOMINAL)
# Other per-block levels whose coverage is printed for each band kind.
LEVEL_CHOICES = ((0.8, 0.78, 0.84), (0.8, 0.8, 0.8), (0.8, 0.78, 0.82), (0.8, 0.78, 0.83), (0.82, 0.78, 0.84), (0.8, 0.76, 0.84),
                 (0.78, 0.76, 0.82), (0.8, 0.78, 0.86))


# Day-ahead mixes scored beside the production forecast (tuning the pool on the tuning year): name -> (weight of the
# day-ahead part in hours 1-24, in hours 25-48, the pool's share of that part). ("own", 0.5, 0.5, 0) is the forecast
# without a pool.
MIXES = {"own": (0.5, 0.5, 0.0), "own.7": (0.7, 0.7, 0.0), "pool": (0.5, 0.5, 1.0), "half": (0.5, 0.5, 0.5),
         "half.6": (0.6, 0.6, 0.5), "half.7": (0.7, 0.7, 0.5), "third.7": (0.7, 0.7, 0.33), "pool.7": (0.7, 0.7, 1.0),
         "half.8/.6": (0.8, 0.6, 0.5), "half.9/.6": (0.9, 0.6, 0.5), "half.9/.7": (0.9, 0.7, 0.5),
         "half1/.7": (1.0, 0.7, 0.5), "own.9/.6": (0.9, 0.6, 0.0)}
# Mixes whose day-ahead part also carries its own latest error (its forecast of the last 24 h from the day before
# against the readings: the mean error of the last 3 h, fading as exp(-h / hours)): name -> (mix, hours).
LEVELLED = {"half.7+lvl3": ("half.7", 3.0), "half.7+lvl8": ("half.7", 8.0), "half.7+lvl24": ("half.7", 24.0)}
# Day-ahead weight policies scored beside the production forecast (tuning the per-series weight on the tuning year):
# name -> a fixed weight, or (the backtest error it is chosen by, the margin over the default weight). "default" is
# the fourth pass's fixed weights (0.7 with the pool, 0.5 without).
WEIGHTS = {"default": None, **{f"w{w}": w for w in DAY_AHEAD_WEIGHTS},
           **{f"{k}+{m}": (k, m) for k in ("rmse_24", "rmse_48", "mae_48") for m in (0.0, 0.02, 0.05)},
           # Weights shaped over the 48 hours (hour 1 first), the same for every building.
           "0.9(1-12h)/0.7": np.where(np.arange(48) < 12, 0.9, 0.7),
           "0.9->0.5": np.linspace(0.9, 0.5, 48), "1.0(1-6h)/0.7": np.where(np.arange(48) < 6, 1.0, 0.7)}


def train_series(building: str, year: int) -> tuple[pd.Series, pd.Series]:
    """(the readings of the two years before `year` and of `year`, the training part only)."""
    s = usable(load(building, years=available(building, (year - 2, year - 1, year))))
    return s, s[: f"{year - 1}-12-31 23:00"]


def evaluate(building: str, year: int = 2019, weather: str = "none", pool=None, mixes: bool = True,
             refresh_weeks: int = 0) -> dict:
    s, train = train_series(building, year)
    scale = seasonal_naive_scale(train)
    observed = bedford_temperature() if weather != "none" else None
    rng = np.random.default_rng(year)
    t0 = time.perf_counter()
    sel = choose_model(train, CAMBRIDGE, series_key=building, weather=observed, pool=pool)
    choose_seconds = time.perf_counter() - t0
    model = sel.model
    mixes = {k: [] for k in (*MIXES, *LEVELLED)} if pool is not None and mixes else {}
    naive = make_model("seasonal-naive").fit(train)
    acts, preds, bases, inside = [], [], [], []
    best = pick_best(list(sel.candidates))
    tuning = {c: [] for c in NOMINAL} if best is not None else {}
    seen = []  # per Monday: which of the 168 hours have a reading (per-block coverage counts only those)
    bands = {c: conformal_bands(sel.windows or best.windows, c) for c in tuning}  # as production builds them
    record = sel.run.backtest.get("day_ahead")
    if record is None and best is not None and model.params.get("day_ahead", 0.0) > 0:  # production does not run it
        share = float(model.params.get("pooled", 0.0))
        tested = day_ahead_backtest(best, train, CAMBRIDGE, observed, pool if share > 0 else None, share,
                                    model.params["day_ahead"])
        record = tested[0] if tested else None
    relative = {c: relative_bands(sel.windows or best.windows, c) for c in tuning}
    rel_hits = {c: [] for c in tuning}
    fresh, fresh_hits = dict(bands), {c: [] for c in tuning}  # bands rebuilt every `refresh_weeks` (0: never)
    weighted = {k: [] for k in WEIGHTS} if record else {}
    mondays = pd.date_range(f"{year}-01-01", f"{year}-12-31", freq="W-MON")
    for i, monday in enumerate(mondays[mondays <= pd.Timestamp(f"{year}-12-31") - pd.Timedelta(hours=167)]):
        hist = s[: monday - pd.Timedelta(hours=1)]
        if refresh_weeks and best is not None and i and i % refresh_weeks == 0:
            fresh = _refreshed_bands(best, hist, tuning) or fresh
        if model.name == "prophet" and i % 4 == 0 and i:
            correct = model.params["correct"]
            model = make_model("prophet", CAMBRIDGE).fit(hist)
            model.params["correct"] = correct
        acts.append(s[monday : monday + pd.Timedelta(hours=167)].to_numpy())
        ahead = forecast_like(observed, monday, 168, rng) if weather == "forecast" else observed
        frame = model.forecast(hist, 168, weather=ahead)
        preds.append(frame["yhat"].to_numpy())
        ok = np.isfinite(acts[-1])
        seen.append(ok)
        inside.append(((acts[-1] >= frame["yhat_lower"].to_numpy()) & (acts[-1] <= frame["yhat_upper"].to_numpy()))[ok])
        for nominal, hits in tuning.items():  # the same forecast with bands built for other nominal coverages
            lo, hi = apply_bands(bands[nominal], preds[-1])
            lo, hi = np.minimum(np.maximum(lo, 0.0), preds[-1]), np.maximum(hi, preds[-1])
            hits.append((acts[-1] >= lo) & (acts[-1] <= hi) & ok)
            if refresh_weeks:
                lo, hi = apply_bands(fresh[nominal], preds[-1])
                lo, hi = np.minimum(np.maximum(lo, 0.0), preds[-1]), np.maximum(hi, preds[-1])
                fresh_hits[nominal].append((acts[-1] >= lo) & (acts[-1] <= hi) & ok)
            if relative[nominal] is not None:
                lo, hi = apply_relative(relative[nominal], preds[-1])
                rel_hits[nominal].append((acts[-1] >= lo) & (acts[-1] <= hi) & ok)
        bases.append(naive.forecast(hist, 168, intervals=False)["yhat"].to_numpy())
        if mixes:
            _score_mixes(model, pool, hist, ahead, mixes)
        if weighted:
            _score_weights(model, record, hist, ahead, weighted)
    a, f, b = (np.concatenate(x) for x in (acts, preds, bases))
    a24, f24, b24 = (np.concatenate([x[:24] for x in xs]) for xs in (acts, preds, bases))
    m, n = score(a, f, scale), score(a, b, scale)
    extra = {}
    for k, ps in mixes.items():  # MIXES and LEVELLED
        fm = np.concatenate(ps)
        fm24 = np.concatenate([x[:24] for x in ps])
        extra[f"mix_{k}_cv24"] = score(a24, fm24, scale).cv_rmse
        extra[f"mix_{k}_ratio"] = score(a, fm, scale).mase / n.mase
        extra[f"mix_{k}_ratio24"] = score(a24, fm24, scale).mase / score(a24, b24, scale).mase
    for k, ps in (weighted or {k: preds for k in WEIGHTS}).items():  # no day-ahead part (baseline kept): as produced
        fm = np.concatenate(ps)
        fm24 = np.concatenate([x[:24] for x in ps])
        extra[f"wt_{k}_cv24"] = score(a24, fm24, scale).cv_rmse
        extra[f"wt_{k}_ratio"] = score(a, fm, scale).mase / n.mase
        extra[f"wt_{k}_ratio24"] = score(a24, fm24, scale).mase / score(a24, b24, scale).mase
        extra[f"wt_{k}_w"] = float(np.ravel(_policy_weight(k, record))[0]) if record else 0.0  # shaped: hour 1's
    pool_check = sel.run.backtest.get("pool")
    return {**extra, "building": building, "pooled": bool(model.params.get("pooled")),
            "pool_gain": (1 - pool_check["mae_with_pool"] / pool_check["mae"]) if pool_check and pool_check["mae"] else float("nan"),
            "model": model.name + ("+corr" if model.params.get("correct") else "") + ("+pool" if model.params.get("pooled") else ""),
            "mase": m.mase, "mase_lag168": n.mase, "cv24": score(a24, f24, scale).cv_rmse, "cv24_lag168": score(a24, b24, scale).cv_rmse,
            "mase24": score(a24, f24, scale).mase, "mase24_lag168": score(a24, b24, scale).mase,
            "coverage": float(np.concatenate(inside).mean()), "wape": m.wape, "choose_s": choose_seconds,
            **{f"cover{c}": float(np.concatenate(h).sum() / np.concatenate(seen).sum()) for c, h in tuning.items()},
            **{f"cover{c}_{name}": _block_cover(h, seen, b) for c, h in tuning.items() for b, name in enumerate(BLOCK_NAMES)},
            "hits": {c: _block_counts(h, seen) for c, h in tuning.items()},
            "rel_hits": {c: _block_counts(h, seen) for c, h in rel_hits.items() if h},
            "fresh_hits": {c: _block_counts(h, seen) for c, h in fresh_hits.items() if h}}


def _refreshed_bands(best, hist: pd.Series, nominal) -> dict | None:
    """The chosen model's conformal bands as a re-choice on `hist` would build them (the service re-chooses weekly,
    RECHOOSE_AFTER): the same model's backtest over the 12 weeks before, bands at each nominal level."""
    params = {k: v for k, v in best.params.items() if k != "correct"}
    runs = [r for r in backtest(hist, ((best.model, params),), CAMBRIDGE)
            if bool(r.params.get("correct")) == bool(best.params.get("correct"))]
    if not runs:
        return None
    out = {c: conformal_bands(runs[0].windows, c) for c in nominal}
    return out if all(b is not None for b in out.values()) else None


def _levels_cover(hits: dict, levels) -> float:
    """Coverage over hours 1-168 with one nominal level per horizon block, from per-block (inside, readings)."""
    inside = sum(hits[c][b][0] for b, c in enumerate(levels))
    return inside / max(sum(hits[c][b][1] for b, c in enumerate(levels)), 1)


def relative_bands(windows, coverage: float) -> list | None:
    """A variant of the conformal bands tried here: per horizon block, the split-conformal quantiles of the relative
    error (actual - forecast) / forecast, so a band scales with the forecast level (a season busier or quieter
    than the backtest weeks). [(lo, hi)] per block."""
    rows = []
    for actual, forecast in windows:
        a, f = np.asarray(actual, dtype=float), np.asarray(forecast, dtype=float)
        ok = np.isfinite(a) & np.isfinite(f) & (f > 0)
        rows.append(np.column_stack([np.arange(len(a))[ok], (a[ok] - f[ok]) / f[ok]]))
    if not rows:
        return None
    data = np.vstack(rows)
    out = []
    for b in range(len(BLOCK_EDGES) - 1):
        cell = data[(data[:, 0] >= BLOCK_EDGES[b]) & (data[:, 0] < BLOCK_EDGES[b + 1]), 1]
        if cell.size < 40:
            return None
        lo, hi = _quantiles(cell, coverage)
        out.append((min(lo, 0.0), max(hi, 0.0)))
    return out


def apply_relative(bands: list, point: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    block = np.searchsorted(np.asarray(BLOCK_EDGES[1:-1]), np.arange(len(point)), side="right")
    lo, hi = np.asarray(bands)[block, 0], np.asarray(bands)[block, 1]
    return np.maximum(point * (1 + lo), 0.0), point * (1 + hi)


def _block_counts(hits: list, seen: list) -> list:
    """[(inside, readings)] per horizon block: enough to score any per-block choice of nominal levels later."""
    from analytics.intervals import BLOCK_EDGES

    h, s = np.vstack(hits), np.vstack(seen)
    return [(int(h[:, a:b].sum()), int(s[:, a:b].sum())) for a, b in zip(BLOCK_EDGES[:-1], BLOCK_EDGES[1:])]


def _block_cover(hits: list, seen: list, block: int) -> float:
    inside, readings = _block_counts(hits, seen)[block]
    return inside / readings if readings else float("nan")


def _score_mixes(model, pool, hist: pd.Series, ahead, out: dict) -> None:
    """The same Monday's forecast with each MIXES day-ahead mix (the production model's parts recombined)."""
    saved = dict(model.params)
    model.params["day_ahead"], model.params["pooled"] = 0.0, 0.0
    base = model.forecast(hist, 168, intervals=False)["yhat"].to_numpy()
    model.params.clear()
    model.params.update(saved)
    own = model.direct.predict(hist, 48, ahead) if model.direct is not None and model.direct.model is not None else None
    view = pool.predict(hist, 48, ahead)
    before = hist.iloc[:-24]
    own_before = model.direct.predict(before, 24, ahead) if own is not None else None
    view_before = pool.predict(before, 24, ahead)
    for name, (w24, w48, share) in MIXES.items():
        out[name].append(_mixed(base, own, view, w24, w48, share))
    for name, (mix, hours) in LEVELLED.items():
        w24, w48, share = MIXES[mix]
        if own is None:
            out[name].append(_mixed(base, own, view, w24, w48, share))
            continue
        err = hist.iloc[-24:].to_numpy() - _day_ahead_part(own_before, view_before, share)
        latest = np.nanmean(err[-3:]) if np.isfinite(err[-3:]).any() else 0.0
        shifted = _day_ahead_part(own, view, share) + latest * np.exp(-np.arange(48) / hours)
        out[name].append(_mixed(base, shifted, None, w24, w48, 0.0))


def _policy_weight(name: str, record: dict) -> float:
    policy = WEIGHTS[name]
    if policy is None:
        return record["default"]
    if isinstance(policy, (float, np.ndarray)):
        return policy
    return pick_weight(record[policy[0]], record["default"], policy[1])


def _score_weights(model, record: dict, hist: pd.Series, ahead, out: dict) -> None:
    """The same Monday's forecast with the day-ahead part at each WEIGHTS policy's weight for this building."""
    saved = model.params["day_ahead"]
    model.params["day_ahead"] = 0.0
    base = model.forecast(hist, 168, intervals=False)["yhat"].to_numpy()
    model.params["day_ahead"] = saved
    view = model._day_ahead(hist, 48, ahead)
    for name in out:
        out[name].append(np.maximum(mix_day_ahead(base, view, _policy_weight(name, record)), 0.0))


def _day_ahead_part(own, view, share: float) -> np.ndarray:
    return np.where(np.isfinite(view), share * view + (1 - share) * own, own) if share > 0 else own


def _mixed(base: np.ndarray, own, view, w24: float, w48: float, share: float) -> np.ndarray:
    point = base.copy()
    if own is not None:  # the baseline (kept plain, no day-ahead model) stays plain in every mix
        da = _day_ahead_part(own, view, share)
        head = point[:48]
        weight = np.where(np.arange(48) < 24, w24, w48)
        point[:48] = np.where(np.isfinite(da), weight * da + (1 - weight) * head, head)
    return np.maximum(point, 0.0)


def auto_speed(runs: int, pool=None) -> tuple[float, float]:
    """(wall, CPU) median seconds for one series' auto forecast (backtest + fit + 168 h forecast) on one year of
    hourly data; `pool`: the campus pool handed to the choice (fitted beforehand, as the service does nightly)."""
    from analytics.forecast import forecast

    s = load(buildings()[0], years=(2018,))
    forecast(s.iloc[:-200], 168, calendar=CAMBRIDGE, pool=pool)  # warm-up: imports, Stan model load
    times, cpu = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        forecast(s, 168, calendar=CAMBRIDGE, pool=pool)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return statistics.median(times), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--buildings", type=int, default=0, help="only the first N buildings (default all)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of the single-series auto forecast (0: skip)")
    parser.add_argument("--year", type=int, default=2019, help="test year (trained on the two years before); tune on 2018")
    parser.add_argument("--weather", choices=("none", "forecast", "observed"), default="none",
                        help="outdoor temperature for the models: none, a simulated day-ahead forecast, or the observed (perfect)")
    parser.add_argument("--pool", choices=("none", "lobo"), default="none",
                        help="pooled day-ahead model: none, or leave-one-building-out (each building forecast by a pool "
                             "fitted on the other buildings' training years)")
    parser.add_argument("--refresh-weeks", type=int, default=0,
                        help="also score bands rebuilt every N weeks from the chosen model's backtest on the readings "
                             "so far (the service re-chooses weekly; 0: only the bands of the choice made before the year)")
    parser.add_argument("--skip-mixes", action="store_true", help="do not score the third pass's day-ahead mixes")
    parser.add_argument("--dump", default="", help="save the per-building results (a pandas pickle) to this path")
    parser.add_argument("--calibrate-from", default="",
                        help="a --dump of an earlier (training-side) year: also report coverage with each building's "
                             "per-block levels chosen on the OTHER buildings of that year")
    args = parser.parse_args()
    names = [n for n in buildings() if available(n, (args.year - 1,))]  # --year 2017: b83 starts in 2017
    rows_of = _pool_rows(names, args.year, args.weather) if args.pool == "lobo" else {}
    names = names[: args.buildings or None]
    rows = []
    for name in names:
        pool = None
        if rows_of:
            t0 = time.process_time()
            pool = fit_rows([r for other, r in rows_of.items() if other != name], CAMBRIDGE)
            print(f"{name:22} pool of the other {len(rows_of) - 1} buildings fitted in {time.process_time() - t0:.1f} s CPU", flush=True)
        row = evaluate(name, args.year, args.weather, pool, mixes=not args.skip_mixes, refresh_weeks=args.refresh_weeks)
        rows.append(row)
        print(f"{name:22} {row['model']:22} MASE {row['mase']:.3f} (lag168 {row['mase_lag168']:.3f})  "
              f"1-24h {row['mase24']:.3f} ({row['mase24_lag168']:.3f})  CV(RMSE) 1-24h {row['cv24']:.1f}% "
              f"(lag168 {row['cv24_lag168']:.1f}%)  80% coverage {row['coverage']:.3f}  choose {row['choose_s']:.1f}s", flush=True)
    frame = pd.DataFrame(rows)
    beat = float((frame["mase"] < frame["mase_lag168"]).mean() * 100)
    print(f"\nbuildings {len(frame)}  median MASE 1-168h {frame['mase'].median():.3f} (target <= 0.80; lag168 {frame['mase_lag168'].median():.3f})")
    print(f"median CV(RMSE) 1-24h {frame['cv24'].median():.2f}% (target <= 14%; lag168 {frame['cv24_lag168'].median():.1f}%)")
    print(f"beat same-hour-last-week on {beat:.0f}% of buildings (target >= 95%)")
    print(f"median MASE ratio to same-hour-last-week: 1-168h {(frame['mase'] / frame['mase_lag168']).median():.3f} "
          f"(target <= 0.80), 1-24h {(frame['mase24'] / frame['mase24_lag168']).median():.3f} (target <= 0.70)")
    print(f"80% interval coverage, hours 1-168: median {frame['coverage'].median():.3f}, "
          f"range {frame['coverage'].min():.3f}-{frame['coverage'].max():.3f} (target 0.78-0.82)")
    print("held-out coverage by nominal level: " + ", ".join(
        f"{c:.2f} -> {frame[f'cover{c}'].median():.3f}" for c in NOMINAL if f"cover{c}" in frame))
    for name in BLOCK_NAMES:
        print(f"  hours {name:6}: " + ", ".join(f"{c:.2f} -> {frame[f'cover{c}_{name}'].median():.3f}"
                                              for c in NOMINAL if f"cover{c}_{name}" in frame))
    for kind in ("hits", "rel_hits", "fresh_hits"):  # per-building spread of the band kinds at each nominal level
        if kind not in frame or frame[kind].isna().any() or not all(frame[kind]):
            continue
        parts = []
        for c in NOMINAL:
            cover = np.array([sum(i for i, _ in h[c]) / max(sum(n for _, n in h[c]), 1) for h in frame[kind]])
            parts.append(f"{c:.2f} -> {np.median(cover):.3f} (IQR {np.subtract(*np.percentile(cover, [75, 25])):.3f}, "
                         f"{int(((cover >= 0.75) & (cover <= 0.85)).sum())} in 0.75-0.85)")
        label = {"hits": "bands of the choice before the year (production bands)", "rel_hits": "relative bands",
                 "fresh_hits": f"production bands rebuilt every {args.refresh_weeks} weeks"}[kind]
        print(f"coverage, {label}: " + "; ".join(parts))
        print("  per block: " + "; ".join(
            f"hours {name} " + ", ".join(f"{c:.2f} -> {np.median([h[c][b][0] / max(h[c][b][1], 1) for h in frame[kind]]):.3f}"
                                         for c in NOMINAL) for b, name in enumerate(BLOCK_NAMES)))
        at = [np.median([_levels_cover(h, levels) for h in frame[kind]]) for levels in (BLOCK_LEVELS, *LEVEL_CHOICES)]
        print(f"  at the production levels {BLOCK_LEVELS}: median {at[0]:.3f}; " + ", ".join(
            f"{levels} {a:.3f}" for levels, a in zip(LEVEL_CHOICES, at[1:])))
    if args.dump:
        frame.to_pickle(args.dump)
    if args.calibrate_from:
        _leave_one_out_levels(frame, pd.read_pickle(args.calibrate_from))
    print(f"models chosen: {frame['model'].value_counts().to_dict()}")
    if any(c.startswith("wt_") for c in frame):
        for k in WEIGHTS:
            print(f"  day-ahead weight {k:12}: median CV(RMSE) 1-24h {frame[f'wt_{k}_cv24'].median():.2f}%  mean "
                  f"{frame[f'wt_{k}_cv24'].mean():.2f}%  MASE ratio 1-168h {frame[f'wt_{k}_ratio'].median():.3f}  1-24h "
                  f"{frame[f'wt_{k}_ratio24'].median():.3f}  beats {int((frame[f'wt_{k}_ratio'] < 1).sum())}/{len(frame)}  "
                  f"better than default on {int((frame[f'wt_{k}_cv24'] < frame['wt_default_cv24'] - 1e-9).sum())}, worse on "
                  f"{int((frame[f'wt_{k}_cv24'] > frame['wt_default_cv24'] + 1e-9).sum())}  weights "
                  + " ".join(f"{w:g}" for w in frame[f"wt_{k}_w"]))
        print("  per building CV(RMSE) 1-24h default / production: " + ", ".join(
            f"{r['building']} {r['wt_default_cv24']:.1f}/{r['cv24']:.1f}" for _, r in frame.iterrows()))
    if "pooled" in frame and frame["pooled"].any():
        print(f"pool used on {int(frame['pooled'].sum())}/{len(frame)} buildings (backtest gain over hours 1-48: "
              + ", ".join(f"{b} {g:+.1%}" for b, g in zip(frame['building'], frame['pool_gain'])) + ")")
    if "mix_own_cv24" in frame:
        for k in (*MIXES, *LEVELLED):
            w = MIXES[LEVELLED[k][0]] if k in LEVELLED else MIXES[k]
            print(f"  mix {k:12} (weight {w[0]}/{w[1]}, pool share {w[2]}): median CV(RMSE) 1-24h "
                  f"{frame[f'mix_{k}_cv24'].median():.2f}%  mean {frame[f'mix_{k}_cv24'].mean():.2f}%  MASE ratio 1-168h "
                  f"{frame[f'mix_{k}_ratio'].median():.3f}  1-24h {frame[f'mix_{k}_ratio24'].median():.3f}  beats "
                  f"{int((frame[f'mix_{k}_ratio'] < 1).sum())}/{len(frame)}")
        print("  per building CV(RMSE) 1-24h own / pool / half: " + ", ".join(
            f"{r['building']} {r['mix_own_cv24']:.1f}/{r['mix_pool_cv24']:.1f}/{r['mix_half_cv24']:.1f}" for _, r in frame.iterrows()))
    if args.runs:
        pool = fit_rows([r for other, r in rows_of.items() if other != buildings()[0]], CAMBRIDGE) if rows_of else None
        wall, cpu = auto_speed(args.runs, pool)
        print(f"one series auto forecast (1 year hourly, 168 h{', with the campus pool' if pool else ''}): median "
              f"{wall:.2f} s ({cpu:.2f} s CPU) over {args.runs} runs (target <= 1 s)")


def _leave_one_out_levels(frame: pd.DataFrame, earlier: pd.DataFrame, target: float = 0.8) -> None:
    """Coverage with per-block nominal levels chosen, for each building, on the other buildings' earlier year only:
    per block, the level whose median coverage over them was nearest `target`."""
    covers, chosen = [], {}
    for _, row in frame.iterrows():
        others = earlier[earlier["building"] != row["building"]]
        levels = []
        for block in range(len(BLOCK_NAMES)):
            median = {c: float(np.median([r[c][block][0] / r[c][block][1] for r in others["hits"]])) for c in NOMINAL}
            levels.append(min(NOMINAL, key=lambda c: (abs(median[c] - target), c)))
        chosen[row["building"]] = tuple(levels)
        inside = sum(row["hits"][c][b][0] for b, c in enumerate(levels))
        readings = sum(row["hits"][c][b][1] for b, c in enumerate(levels))
        covers.append(inside / readings)
    print(f"80% coverage with per-block levels chosen on the other buildings' earlier year: median "
          f"{np.median(covers):.3f}, range {min(covers):.3f}-{max(covers):.3f}; levels "
          f"{sorted(set(chosen.values()))}")


def _pool_rows(names: list[str], year: int, weather: str) -> dict:
    """Each building's pooled-model training rows from its training years (computed once; each fold stacks the
    other buildings' rows)."""
    observed = bedford_temperature() if weather != "none" else None
    trains = {n: train_series(n, year)[1] for n in names}
    stride = stride_for(sum(len(t) for t in trains.values()))
    return {n: training_rows(t, CAMBRIDGE, stride=stride, weather=observed) for n, t in trains.items()}


if __name__ == "__main__":
    main()
