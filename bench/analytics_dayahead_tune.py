"""Fast day-ahead tuning, step 2: score the recent-hours day-ahead model (analytics.recent) against the cached
production forecasts of `analytics_dayahead_cache.py`.

Run: cd bench && ../.venv/bin/python analytics_dayahead_tune.py --cache /tmp/fda/cache_2018.pkl
For each building the model is fitted on the OTHER buildings' training years (leave-one-building-out); every cached
Monday it forecasts hours 1-48 (with the same simulated temperature forecast), which are mixed into the chosen
model's weekly forecast (`base`) or into the production forecast (`prod`) at several weights. Printed: the median
CV(RMSE) over hours 1-24 and the MASE ratios to same hour last week, against production's. Tune on 2018 only.
"""

from __future__ import annotations

import argparse
import pickle
import time

import numpy as np
import pandas as pd

from analytics_common import CAMBRIDGE, bedford_temperature
from analytics_forecast import train_series
from analytics import pooled, recent
from analytics.dayahead import DayAhead
from analytics.metrics import score



def _weather_at(observed: pd.Series, monday: pd.Timestamp, ahead: np.ndarray) -> pd.Series:
    w = observed.copy()
    idx = pd.date_range(monday, periods=len(ahead), freq="h")
    idx = idx[idx.isin(w.index)]
    w.loc[idx] = ahead[: len(idx)]
    return w


def _levelled(model, hist: pd.Series, view: np.ndarray, weather, hours: float) -> np.ndarray:
    """The view plus its own latest miss (as analytics.models.levelled_day_ahead): its forecast of the last 24 h
    made a day earlier, the mean error of the last 3 h, fading as exp(-h / hours)."""
    before = model.predict(hist.iloc[:-24], 24, weather)
    missed = (hist.iloc[-24:].to_numpy(dtype=float) - before)[-3:]
    missed = missed[np.isfinite(missed)]
    return view if missed.size == 0 else view + float(missed.mean()) * np.exp(-np.arange(len(view)) / hours)


def _mix(point: np.ndarray, view: np.ndarray, weight: float) -> np.ndarray:
    out = point.copy()
    head = out[: len(view)]
    out[: len(view)] = np.where(np.isfinite(view) & np.isfinite(head), weight * view + (1 - weight) * head,
                                np.where(np.isfinite(head), head, view))
    return np.maximum(out, 0.0)


MEMBERS = ("own", "pool", "new", "new_own")
# Day-ahead parts scored: name -> (members averaged, weight over hours 1-48). ("own", "pool") at 0.7 is production's
# part for a building the pool helps (the fourth pass: own model and pool half and half, each carrying its latest error).
COMBOS = {**{f"{'+'.join(m)}@{w}": (m, w) for m in (("own", "pool"), ("new",), ("new_own",), ("own", "pool", "new"),
                                                   ("own", "new"), ("pool", "new"), ("own", "pool", "new_own"),
                                                   ("new", "new_own"), ("own", "pool", "new", "new_own"),
                                                   ("pool", "new_own"))
             for w in (0.5, 0.7, 0.9, 1.0)}}



def weekly_views(models: dict, s: pd.Series, case: dict, observed: pd.Series) -> dict[str, list[np.ndarray]]:
    """Each model's levelled 48 h day-ahead view at each of the case's Mondays, from the history before it."""
    views: dict[str, list[np.ndarray]] = {m: [] for m in models}
    for monday, ahead in zip(case["mondays"], case["temp_ahead"]):
        hist = s[: monday - pd.Timedelta(hours=1)]
        weather = _weather_at(observed, monday, ahead)
        for m, model in models.items():
            views[m].append(_levelled(model, hist, model.predict(hist, 48, weather), weather, 24.0))
    return views

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", required=True)
    parser.add_argument("--max-iter", type=int, default=200)
    parser.add_argument("--leaves", type=int, default=31)
    parser.add_argument("--lr", type=float, default=0.1)
    parser.add_argument("--stride", type=int, default=0, help="the new pool's training origin stride (0: from the row cap)")
    parser.add_argument("--own-stride", type=int, default=7, help="the new model fitted on the building alone: stride")
    parser.add_argument("--scale", default="week", help="the new model's level: week or lags (analytics.recent)")
    parser.add_argument("--buildings", type=int, default=0, help="only the first N buildings (the pools still use all)")
    args = parser.parse_args()
    cached = pickle.load(open(args.cache, "rb"))
    year = cached[0]["mondays"][0].year
    observed = bedford_temperature()
    series = {c["building"]: train_series(c["building"], year) for c in cached}
    stride = args.stride or recent.stride_for(sum(len(t) for _, t in series.values()))
    rows = {n: recent.training_rows(t, CAMBRIDGE, stride=stride, weather=observed, scale=args.scale) for n, (_, t) in series.items()}
    old_stride = pooled.stride_for(sum(len(t) for _, t in series.values()))
    old_rows = {n: pooled.training_rows(t, CAMBRIDGE, stride=old_stride, weather=observed) for n, (_, t) in series.items()}
    results: dict[str, list[dict]] = {}
    for c in cached[: args.buildings or None]:
        name = c["building"]
        t0 = time.process_time()
        s, train = series[name]
        models = {"own": DayAhead(CAMBRIDGE).fit(train, observed),
                  "pool": pooled.fit_rows([r for k, r in old_rows.items() if k != name], CAMBRIDGE),
                  "new": recent.fit_rows([r for k, r in rows.items() if k != name], CAMBRIDGE, max_iter=args.max_iter,
                                         max_leaf_nodes=args.leaves, learning_rate=args.lr),
                  "new_own": recent.fit_rows([recent.training_rows(train, CAMBRIDGE, stride=args.own_stride, weather=observed,
                                                                         scale=args.scale)],
                                             CAMBRIDGE, max_iter=args.max_iter, max_leaf_nodes=args.leaves,
                                             learning_rate=args.lr)}
        fit_s = time.process_time() - t0
        views = weekly_views(models, s, c, observed)
        out = {"prod": c["prod"], "base": c["base"]}
        for combo, (members, w) in COMBOS.items():
            out[combo] = [_mix(p, np.mean([views[m][i] for m in members], axis=0), w) for i, p in enumerate(c["base"])]
        a = c["actual"]
        a24 = np.concatenate([x[:24] for x in a])
        for k, preds in out.items():
            f24 = np.concatenate([x[:24] for x in preds])
            results.setdefault(k, []).append({"building": name, "cv24": score(a24, f24, c["scale"]).cv_rmse,
                                              "mase24": score(a24, f24, c["scale"]).mase,
                                              "mase": score(np.concatenate(a), np.concatenate(preds), c["scale"]).mase})
        print(f"{name:22} fits {fit_s:.0f} s CPU  prod {results['prod'][-1]['cv24']:.2f}%  own+pool@0.7 "
              f"{results['own+pool@0.7'][-1]['cv24']:.2f}%  new@0.7 {results['new@0.7'][-1]['cv24']:.2f}%  new_own@0.7 "
              f"{results['new_own@0.7'][-1]['cv24']:.2f}%  own+pool+new@0.7 {results['own+pool+new@0.7'][-1]['cv24']:.2f}%",
              flush=True)
    prod = pd.DataFrame(results["prod"])
    for k, rs in results.items():
        f = pd.DataFrame(rs)
        better = int((f["cv24"] < prod["cv24"] - 1e-9).sum())
        worse = int((f["cv24"] > prod["cv24"] + 1e-9).sum())
        print(f"{k:28} median CV(RMSE) 1-24h {f['cv24'].median():6.2f}%  mean {f['cv24'].mean():6.2f}%  "
              f"MASE 1-168 {f['mase'].median():.3f}  1-24 {f['mase24'].median():.3f}  better/worse than prod {better}/{worse}")
    with open(f"{args.cache}.{args.scale}.{args.own_stride}.{args.max_iter}.tune.pkl", "wb") as fh:
        pickle.dump(results, fh)


if __name__ == "__main__":
    main()
