"""Nightly refit benchmark: 1,000 series of a year's hourly data refitted by 2 worker processes, progress shown.

Run: .venv/bin/python bench/analytics_refit.py [--series 1000] [--workers 2] [--mode choose|reuse] [--pool]
The series are the Cambridge buildings' 2018 readings, rescaled and shifted by a random amount each (as in the
anomaly benchmark). mode "choose": every series runs the full auto backtest and fits the winner (what a night
costs when every choice is re-made). mode "reuse": every series refits the model chosen before (analytics.forecast
.refit), the nightly routine between weekly re-choices. --pool: the campus pool (analytics.pooled) is fitted once
first, as the service does, and every series' choice or refit gets it. Target: 1,000 series in <= 15 minutes on 2
cores; the pool may add at most 20 %. CPU seconds (pool fit plus every series' fit) are printed beside the wall time.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import sys
import time

import numpy as np
import pandas as pd

from analytics_common import CAMBRIDGE, buildings, load
from analytics.forecast import choose_model, refit

_SERIES: dict[str, pd.Series] = {}


def _make_series(n: int, seed: int) -> dict[str, pd.Series]:
    rng = np.random.default_rng(seed)
    base = {name: load(name, years=(2018,)) for name in buildings()}
    names = list(base)
    out = {}
    for i in range(n):
        s = base[names[i % len(names)]]
        out[f"s{i:04d}"] = (s * rng.uniform(0.5, 2.0)).shift(int(rng.integers(0, 48)))
    return out


_POOL = None


def _init(series: dict[str, pd.Series], pool=None) -> None:
    global _SERIES, _POOL
    _SERIES, _POOL = series, pool


def _work(task: tuple[str, str, object]) -> tuple[str, str, float, float, bool]:
    key, mode, previous = task
    t0, c0 = time.perf_counter(), time.process_time()
    y = _SERIES[key]
    if mode == "reuse" and previous is not None:
        sel = refit(y, previous, CAMBRIDGE, pool=_POOL)
    else:
        sel = choose_model(y, CAMBRIDGE, series_key=key, pool=_POOL)
    return key, sel.run.model, time.perf_counter() - t0, time.process_time() - c0, bool(sel.model.params.get("pooled"))


def _campus_pool(series: dict[str, pd.Series]):
    """The campus pool as the service fits it: once, on up to POOL_ROOMS series spread over the campus."""
    from analytics.pooled import fit_pool
    from autovolt.model_refit import POOL_ROOMS

    keys = list(series)
    if len(keys) > POOL_ROOMS:
        keys = [keys[round(i * (len(keys) - 1) / (POOL_ROOMS - 1))] for i in range(POOL_ROOMS)]
    return fit_pool({k: series[k] for k in keys}, CAMBRIDGE)


def run(n: int, workers: int, mode: str, seed: int, with_pool: bool = False) -> float:
    series = _make_series(n, seed)
    pool, pool_cpu = None, 0.0
    t0, c0 = time.perf_counter(), time.process_time()
    if with_pool:
        pool = _campus_pool(series)
        pool_cpu = time.process_time() - c0
        print(f"campus pool fitted in {time.perf_counter() - t0:.1f} s ({pool_cpu:.1f} s CPU)", flush=True)
    pool_wall = time.perf_counter() - t0
    previous: dict[str, object] = {}
    if mode == "reuse":
        # Yesterday's choices, made once here (not timed): the nightly refit reuses them.
        print("making the previous choices (not timed) ...", flush=True)
        for key in list(series)[:len(buildings())]:
            previous[key] = choose_model(series[key], CAMBRIDGE, series_key=key, pool=pool).run
        for i, key in enumerate(series):
            proto = previous[f"s{i % len(buildings()):04d}"]
            previous[key] = type(proto)(key, proto.model, proto.params, proto.scores, proto.backtest, proto.created_at)
    tasks = [(key, mode, previous.get(key)) for key in series]
    chosen: dict[str, int] = {}
    t0 = time.perf_counter() - pool_wall  # the pool's fit is part of the night
    done, cpu, pooled = 0, pool_cpu, 0
    with mp.get_context("fork").Pool(workers, initializer=_init, initargs=(series, pool)) as workers_pool:
        for key, model, seconds, task_cpu, uses_pool in workers_pool.imap_unordered(_work, tasks, chunksize=4):
            done += 1
            cpu += task_cpu
            pooled += uses_pool
            chosen[model] = chosen.get(model, 0) + 1
            if done % 50 == 0 or done == n:
                elapsed = time.perf_counter() - t0
                eta = elapsed / done * (n - done)
                print(f"[{done}/{n}] {elapsed:6.1f} s elapsed, ~{eta:5.0f} s left ({done / elapsed:.2f} series/s)", flush=True)
    total = time.perf_counter() - t0
    print(f"\nnightly refit ({mode}{', campus pool' if with_pool else ''}) of {n} series with {workers} workers: "
          f"{total:.0f} s = {total / 60:.1f} min (target <= 15 min); CPU {cpu:.0f} s (pool {pool_cpu:.0f} s); "
          f"pool mixed in on {pooled}; models: {chosen}", flush=True)
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--mode", choices=("choose", "reuse"), default="choose")
    parser.add_argument("--seed", type=int, default=2019)
    parser.add_argument("--pool", action="store_true", help="fit the campus pool once and hand it to every series")
    args = parser.parse_args()
    run(args.series, args.workers, args.mode, args.seed, args.pool)


if __name__ == "__main__":
    sys.exit(main())
