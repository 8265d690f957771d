"""Fast tuning of a building's own irregular days (analytics.irregular) on the cached production forecasts of
`analytics_dayahead_cache.py`.

Run: cd bench && ../.venv/bin/python analytics_irregular_tune.py --cache /tmp/firr/cache_2018.pkl
Every cached Monday the analog forecast of the irregular days in the 168 h ahead (from the readings before the
Monday only) is mixed into the production forecast at several weights and thresholds. Printed: median CV(RMSE) over
hours 1-24 and the median MASE ratios to same hour last week, against production's. Tune on 2018 only.
"""

from __future__ import annotations

import argparse
import pickle
import time
from collections import Counter

import numpy as np
import pandas as pd

from analytics_common import CAMBRIDGE
from analytics_forecast import train_series
from analytics.irregular import analogs
from analytics.metrics import score
from analytics.series import future_index


WEEK = False


def _views(hist: pd.Series, index: pd.DatetimeIndex, prod: np.ndarray, thr: float, window: int, agree: int, before: bool) -> tuple:
    """(the analog profile, production rescaled to the analog's daily total) per stamp, NaN on ordinary days."""
    profile, level = np.full(len(index), np.nan), np.full(len(index), np.nan)
    days = index.normalize()
    found = analogs(hist, CAMBRIDGE, index, thr, window, agree, before, WEEK)
    for d, an in found.items():
        at = np.flatnonzero(days == pd.Timestamp(d))
        profile[at] = an.profile[index[at].hour]
        total = prod[at].sum()
        if len(at) == 24 and total > 0:
            level[at] = prod[at] * an.profile.sum() / total
    return profile, level, found


def _mix(point: np.ndarray, view: np.ndarray, weight: float) -> np.ndarray:
    return np.where(np.isfinite(view), weight * view + (1 - weight) * point, point)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", required=True)
    parser.add_argument("--thresholds", default="0.05,0.1,0.15,0.2")
    parser.add_argument("--weights", default="0.3,0.5,0.7,1.0")
    parser.add_argument("--windows", default="0,3,7", help="term windows in days (0: holidays and closures only)")
    parser.add_argument("--agree", default="1,2", help="occurrences that must agree")
    parser.add_argument("--around", action="store_true", help="usual = weeks either side (default: weeks before)")
    parser.add_argument("--show", action="store_true", help="print the analog days used at the first setting")
    parser.add_argument("--by-week", action="store_true", help="also the weekday of the ISO week of the year")
    args = parser.parse_args()
    global WEEK
    WEEK = args.by_week
    cached = pickle.load(open(args.cache, "rb"))
    thresholds = [float(t) for t in args.thresholds.split(",")]
    weights = [float(w) for w in args.weights.split(",")]
    windows = [int(w) for w in args.windows.split(",")]
    agrees = [int(w) for w in args.agree.split(",")]
    rows: list[dict] = []
    cpu = []
    used: Counter = Counter()
    for c in cached:
        s, _ = train_series(c["building"], c["mondays"][0].year)
        a = c["actual"]
        a24 = np.concatenate([x[:24] for x in a])
        base = [np.asarray(s[: m - pd.Timedelta(hours=1)].iloc[-168:], dtype=float) for m in c["mondays"]]
        naive = score(np.concatenate(a), np.concatenate(base), c["scale"]).mase
        naive24 = score(a24, np.concatenate([x[:24] for x in base]), c["scale"]).mase

        def add(setting: str, preds: list[np.ndarray]) -> None:
            f24 = np.concatenate([x[:24] for x in preds])
            rows.append({"setting": setting, "building": c["building"], "cv24": score(a24, f24, c["scale"]).cv_rmse,
                         "ratio": score(np.concatenate(a), np.concatenate(preds), c["scale"]).mase / naive,
                         "ratio24": score(a24, f24, c["scale"]).mase / naive24})

        add("prod", c["prod"])
        for window in windows:
            for thr in thresholds:
                for agree in agrees:
                    profiles, levels = [], []
                    for i, (monday, prod) in enumerate(zip(c["mondays"], c["prod"])):
                        hist = s[: monday - pd.Timedelta(hours=1)]
                        index = future_index(hist.index[-1], len(prod))
                        t0 = time.process_time()
                        profile, level, found = _views(hist, index, prod, thr, window, agree, not args.around)
                        cpu.append(time.process_time() - t0)
                        profiles.append(profile)
                        levels.append(level)
                        if args.show and (window, thr, agree) == (windows[-1], thresholds[0], agrees[-1]):
                            for d, an in found.items():
                                if pd.Timestamp(d) != monday:
                                    continue
                                err_p = np.sqrt(np.nanmean((prod[:24] - a[i][:24]) ** 2))
                                err_a = np.sqrt(np.nanmean((an.profile - a[i][:24]) ** 2))
                                err_l = np.sqrt(np.nanmean((level[:24] - a[i][:24]) ** 2))
                                print(f"  {c['building'][14:]:5} {d} {an.kind:24} from {an.source} dep {an.departure:+.2f}"
                                      f"  rmse prod {err_p:7.1f} analog {err_a:7.1f} level {err_l:7.1f}")
                                used[(an.kind, bool(err_a < err_p), bool(err_l < err_p))] += 1
                    for w in weights:
                        add(f"win{window} thr{thr} agree{agree} profile w{w}", [_mix(p, v, w) for p, v in zip(c["prod"], profiles)])
                        add(f"win{window} thr{thr} agree{agree} level w{w}", [_mix(p, v, w) for p, v in zip(c["prod"], levels)])
        print(f"{c['building']} done", flush=True)
    f = pd.DataFrame(rows)
    prod = f[f.setting == "prod"].set_index("building")
    for setting, g in f.groupby("setting", sort=False):
        g = g.set_index("building")
        better = int((g.cv24 < prod.cv24 - 1e-9).sum())
        worse = int((g.cv24 > prod.cv24 + 1e-9).sum())
        print(f"{setting:24} CV(RMSE) 1-24 h median {g.cv24.median():6.2f}%  mean {g.cv24.mean():6.2f}%  MASE ratio "
              f"1-168 {g.ratio.median():.3f}  1-24 {g.ratio24.median():.3f}  better/worse {better}/{worse}")
    print(f"irregular_view CPU per forecast: median {np.median(cpu) * 1000:.1f} ms, max {np.max(cpu) * 1000:.1f} ms")
    if args.show:
        print(used)
    with open(f"{args.cache}.irregular.pkl", "wb") as fh:
        pickle.dump(f, fh)


if __name__ == "__main__":
    main()
