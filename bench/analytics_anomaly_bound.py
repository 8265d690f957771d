"""How many of the benchmark's "left on" faults could any detector find? An oracle bound.

Run: .venv/bin/python bench/analytics_anomaly_bound.py [--year 2019 --seed 2019] [--budget 1]   (the bench's faults)
The oracle is told each overnight, weekend and stuck-on fault's kind and exact window, and spends `--budget` false
alarms per building-month (the whole budget: 1) on that one check: the window's mean reading against the usual (median of
the same window 1-3 weeks before) or against the window before it (last night, last weekend, the 48 h before), its
bar at the quantile of the building's clean windows of the test year that leaves one false alarm a month. A real
detector does not know the window or the kind and shares the budget across every check, so it finds fewer.
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

from analytics_anomalies import inject
from analytics_common import available, buildings, load

WINDOW_HOURS = {"overnight": 8, "weekend": 48, "stuck": 48}
MONTHS = 11.2  # the clean windows below span late January to late December


def _window_mean(y: pd.Series, start: pd.Timestamp, hours: int) -> float:
    return float(y[start : start + pd.Timedelta(hours=hours - 1)].mean())


def statistic(y: pd.Series, start: pd.Timestamp, kind: str, reference: str) -> float:
    """The window's mean minus the usual (median of the same window 1-3 weeks before) or the window before."""
    hours = WINDOW_HOURS[kind]
    now = _window_mean(y, start, hours)
    if reference == "usual":
        return now - float(np.nanmedian([_window_mean(y, start - pd.Timedelta(weeks=k), hours) for k in (1, 2, 3)]))
    back = {"overnight": 24, "weekend": 168, "stuck": 48}[kind]
    return now - _window_mean(y, start - pd.Timedelta(hours=back), hours)


def candidate_starts(year: int, kind: str) -> list[pd.Timestamp]:
    days = pd.date_range(f"{year}-01-22", f"{year}-12-28", freq="D")
    if kind == "overnight":
        return [d + pd.Timedelta(hours=22) for d in days if d.day_of_week < 4]
    if kind == "weekend":
        return [d for d in days if d.day_of_week == 5]
    return [d + pd.Timedelta(hours=h) for d in days for h in (0, 6, 12, 18)]


def bound(year: int, seed: int, budget: float = 1.0) -> dict[str, list[int]]:
    rng = np.random.default_rng(seed)
    found = {k: [0, 0] for k in WINDOW_HOURS}
    for name in buildings():
        if len(available(name, (year - 1, year))) < 2:
            continue
        s = load(name, years=(year - 1, year))
        y, faults = inject(s, rng, year)  # the same faults as analytics_anomalies.py with the same seed
        clean, faulty = s.where(s > 0), y.where(y > 0)
        for kind, start, end, _ in faults:
            if kind not in WINDOW_HOURS:
                continue
            hours = WINDOW_HOURS[kind]
            windows = [t for t in candidate_starts(year, kind) if not any(
                t <= e and t + pd.Timedelta(hours=hours - 1) >= b for _, b, e, _ in faults)]
            quantile = 1 - budget * MONTHS / len(windows)  # `budget` false alarms a month on this check
            hit = False
            for reference in ("usual", "before"):
                null = np.array([statistic(clean, t, kind, reference) for t in windows])
                bar = np.quantile(null[np.isfinite(null)], quantile)
                hit |= statistic(faulty, start, kind, reference) > bar
            found[kind][0] += hit
            found[kind][1] += 1
        print(f"{name:22} done", flush=True)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=2019)
    parser.add_argument("--seed", type=int, default=2019, help="the anomaly bench's seed for that year (2018: 7)")
    parser.add_argument("--budget", type=float, default=1.0,
                        help="false alarms per building-month this one check may spend (default: the whole budget)")
    args = parser.parse_args()
    found = bound(args.year, args.seed, args.budget)
    print("oracle bound: " + ", ".join(f"{k} {v[0]}/{v[1]}" for k, v in found.items()))


if __name__ == "__main__":
    main()
