"""The irregular-day calendar as a day-type feature of the day-ahead models, scored on the day-ahead cache.

Run: cd bench && ../.venv/bin/python analytics_irregular_feature.py --cache /tmp/firr/cache_2018.pkl
Per building, as `analytics_dayahead_tune.py` rebuilds production's day-ahead part (its own day-ahead model and the
pool of the other eleven buildings, half and half, each carrying its latest error, weight 0.7 over the cached
weekly forecast), and the same with one more column in both models: the target day's kind departure
(`analytics.irregular.kind_departures`: how this building ran on the latest earlier days of the same kind).
Printed: median CV(RMSE) over hours 1-24 and MASE ratios, rebuilt production against the variants. 2018 only.
"""

from __future__ import annotations

import argparse
import pickle
import time

import numpy as np
import pandas as pd

from analytics_common import CAMBRIDGE, bedford_temperature
from analytics_dayahead_tune import _mix, weekly_views
from analytics_forecast import train_series
from analytics import pooled
from analytics.dayahead import DayAhead
from analytics.irregular import kind_departures
from analytics.metrics import score
from analytics.series import usable


class KindDayAhead(DayAhead):
    """The day-ahead model with the target day's kind departure as its last column (after the temperature)."""

    def __init__(self, calendar=CAMBRIDGE, **kw) -> None:
        super().__init__(calendar, **kw)
        self.table: pd.Series | None = None
        self.weather_on = False

    def set_table(self, history: pd.Series) -> None:
        y = usable(history)
        days = pd.date_range(y.index[0].normalize(), y.index[-1].normalize() + pd.Timedelta(days=3), freq="D")
        self.table = pd.Series(kind_departures(y, self.calendar, days), index=days)

    def _features(self, values, origin, h, stamps, weather=None):
        self.uses_weather = self.weather_on  # the base class guesses it from the width, which this column changes
        x, scale = super()._features(values, origin, h, stamps, weather)
        return np.column_stack([x, self.table.reindex(stamps.normalize()).to_numpy()]), scale

    def fit(self, history, weather=None):
        self.set_table(history)
        self.weather_on = True
        return super().fit(history, weather)

    def predict(self, history, horizon, weather=None):
        self.set_table(history)
        return super().predict(history, horizon, weather)


def kind_rows(history: pd.Series, stride: int, weather: pd.Series) -> pooled.Rows | None:
    y = usable(history)
    grid = pooled.origin_grid(y, stride)
    if grid is None:
        return None
    values, origin, h, stamps = grid
    builder = KindDayAhead()
    builder.set_table(y)
    builder.weather_on = True
    x, scale = builder._features(values, origin, h, stamps, weather)
    target = values[origin + h - 1] / np.where(scale > 0, scale, np.nan)
    ok = np.isfinite(target)
    return pooled.Rows(x[ok], target[ok], True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", required=True)
    args = parser.parse_args()
    cached = pickle.load(open(args.cache, "rb"))
    year = cached[0]["mondays"][0].year
    observed = bedford_temperature()
    series = {c["building"]: train_series(c["building"], year) for c in cached}
    stride = pooled.stride_for(sum(len(t) for _, t in series.values()))
    old_rows = {n: pooled.training_rows(t, CAMBRIDGE, stride=stride, weather=observed) for n, (_, t) in series.items()}
    new_rows = {n: kind_rows(t, stride, observed) for n, (_, t) in series.items()}
    results: dict[str, list[dict]] = {}
    for c in cached:
        name = c["building"]
        t0 = time.process_time()
        s, train = series[name]
        own = DayAhead(CAMBRIDGE).fit(train, observed)
        own_cpu = time.process_time() - t0
        t1 = time.process_time()
        own_kind = KindDayAhead().fit(train, observed)
        kind_cpu = time.process_time() - t1
        pool = pooled.fit_rows([r for k, r in old_rows.items() if k != name], CAMBRIDGE)
        pool_kind = KindDayAhead()
        pool_kind.model, pool_kind.weather_on = pooled.fit_rows([r for k, r in new_rows.items() if k != name],
                                                                CAMBRIDGE).model, True
        models = {"own": own, "pool": pool, "own_kind": own_kind, "pool_kind": pool_kind}
        views = weekly_views(models, s, c, observed)
        parts = {"rebuilt own+pool": ("own", "pool"), "own_kind+pool_kind": ("own_kind", "pool_kind"),
                 "own+pool_kind": ("own", "pool_kind"), "own_kind+pool": ("own_kind", "pool")}
        out = {"prod": c["prod"]}
        for label, members in parts.items():
            out[label] = [_mix(b, np.mean([views[m][i] for m in members], axis=0), 0.7) for i, b in enumerate(c["base"])]
        a = c["actual"]
        a24 = np.concatenate([x[:24] for x in a])
        base = [np.asarray(s[: m - pd.Timedelta(hours=1)].iloc[-168:], dtype=float) for m in c["mondays"]]
        naive = score(np.concatenate(a), np.concatenate(base), c["scale"]).mase
        naive24 = score(a24, np.concatenate([x[:24] for x in base]), c["scale"]).mase
        for k, preds in out.items():
            f24 = np.concatenate([x[:24] for x in preds])
            results.setdefault(k, []).append({"building": name, "cv24": score(a24, f24, c["scale"]).cv_rmse,
                                              "ratio24": score(a24, f24, c["scale"]).mase / naive24,
                                              "ratio": score(np.concatenate(a), np.concatenate(preds), c["scale"]).mase / naive})
        print(f"{name:22} own fit {own_cpu:.2f} s CPU, with the kind column {kind_cpu:.2f} s; CV(RMSE) 1-24 h "
              + "  ".join(f"{k} {results[k][-1]['cv24']:.2f}%" for k in out), flush=True)
    ref = pd.DataFrame(results["rebuilt own+pool"])
    for k, rs in results.items():
        f = pd.DataFrame(rs)
        better, worse = int((f.cv24 < ref.cv24 - 1e-9).sum()), int((f.cv24 > ref.cv24 + 1e-9).sum())
        print(f"{k:22} CV(RMSE) 1-24 h median {f.cv24.median():6.2f}%  mean {f.cv24.mean():6.2f}%  MASE ratio 1-168 "
              f"{f.ratio.median():.3f}  1-24 {f.ratio24.median():.3f}  better/worse than rebuilt {better}/{worse}")


if __name__ == "__main__":
    main()
