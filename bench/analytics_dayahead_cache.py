"""Fast day-ahead tuning, step 1: cache what the production choice forecasts on every Monday of a year.

Run: cd bench && ../.venv/bin/python analytics_dayahead_cache.py --year 2018 --out /tmp/fda/cache_2018.pkl
Per Cambridge building, exactly as `analytics_forecast.py --pool lobo --weather forecast` does: the model is chosen
on the two years before `year` with the pool of the other buildings, then every Monday it forecasts 168 h. Saved
per building and Monday: the readings, the production forecast, the chosen model's weekly forecast without the
day-ahead part (`base`), and the simulated temperature forecast of the 168 hours ahead (same seed as the bench).
Step 2 (`analytics_dayahead_tune.py`) then scores new day-ahead models against these in minutes, not the full
bench's 8-16: the choice and the weekly model are the expensive part, and they do not change.
"""

from __future__ import annotations

import argparse
import pickle
import time

import numpy as np
import pandas as pd

from analytics_common import CAMBRIDGE, available, bedford_temperature, buildings, forecast_like
from analytics_forecast import _pool_rows, train_series
from analytics.forecast import choose_model
from analytics.metrics import seasonal_naive_scale
from analytics.pooled import fit_rows


def cache_building(name: str, year: int, pool, observed: pd.Series) -> dict:
    s, train = train_series(name, year)
    rng = np.random.default_rng(year)  # as analytics_forecast.evaluate: the same temperature forecast errors
    sel = choose_model(train, CAMBRIDGE, series_key=name, weather=observed, pool=pool)
    model = sel.model
    mondays = pd.date_range(f"{year}-01-01", f"{year}-12-31", freq="W-MON")
    out = {"building": name, "scale": seasonal_naive_scale(train), "model": model.name,
           "params": dict(model.params), "mondays": [], "actual": [], "prod": [], "base": [], "temp_ahead": []}
    for monday in mondays[mondays <= pd.Timestamp(f"{year}-12-31") - pd.Timedelta(hours=167)]:
        hist = s[: monday - pd.Timedelta(hours=1)]
        ahead = forecast_like(observed, monday, 168, rng)
        prod = model.forecast(hist, 168, intervals=False, weather=ahead)["yhat"].to_numpy()
        saved = dict(model.params)
        model.params["day_ahead"] = 0.0
        base = model.forecast(hist, 168, intervals=False)["yhat"].to_numpy()
        model.params.clear()
        model.params.update(saved)
        out["mondays"].append(monday)
        out["actual"].append(s[monday: monday + pd.Timedelta(hours=167)].to_numpy())
        out["prod"].append(prod)
        out["base"].append(base)
        out["temp_ahead"].append(ahead[monday: monday + pd.Timedelta(hours=167)].to_numpy())
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=2018)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    observed = bedford_temperature()
    names = [n for n in buildings() if available(n, (args.year - 1,))]
    rows_of = _pool_rows(names, args.year, "forecast")
    cached = []
    for name in names:
        t0 = time.process_time()
        pool = fit_rows([r for other, r in rows_of.items() if other != name], CAMBRIDGE)
        cached.append(cache_building(name, args.year, pool, observed))
        print(f"{name:22} {cached[-1]['model']:14} {cached[-1]['params']}  {time.process_time() - t0:.0f} s CPU", flush=True)
    with open(args.out, "wb") as fh:
        pickle.dump(cached, fh)


if __name__ == "__main__":
    main()
