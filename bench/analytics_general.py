"""General-purpose anomaly mode on labelled series that are not building meters (issue 19).

Run: .venv/bin/python bench/analytics_general.py [--variant dev|held-out] [--seeds 0:8] [--budget 1.0] [--runs 3]
Series from tests/analytics/labelled_series.py (machine temperature, traffic counts, cloud metric, level shifts;
with and without a daily or weekly rhythm). A labelled window is found when a reported event overlaps it; an event
overlapping no window is a false alarm. Target: >= 80 % of the windows at <= 1 false alarm per 1,000 points.
The dev variant (seeds 0-7) is what the detector's constants were tuned on; report the held-out variant.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analytics.general import detect  # noqa: E402
from tests.analytics.labelled_series import KINDS, evaluate, generate  # noqa: E402


def run(variant: str, seeds: range, budget: float) -> tuple[dict[str, tuple[int, int, int, int]], float]:
    rows: dict[str, tuple[int, int, int, int]] = {}
    seconds = 0.0
    for kind in KINDS:
        found = windows = false = points = 0
        for seed in seeds:
            lab = generate(kind, seed, variant)
            t0 = time.perf_counter()
            result = detect(lab.values, budget=budget)
            seconds += time.perf_counter() - t0
            f, fa, _ = evaluate(result.events, lab.windows, len(lab.values))
            found, windows, false, points = found + f, windows + len(lab.windows), false + fa, points + len(lab.values)
        rows[kind] = (found, windows, false, points)
    return rows, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variant", choices=("dev", "held-out"), default="held-out")
    parser.add_argument("--seeds", default="0:8", help="first:last (exclusive) generator seeds")
    parser.add_argument("--budget", type=float, default=1.0, help="false alarms per 1,000 points the detector is given")
    parser.add_argument("--runs", type=int, default=3, help="timed runs (the median is printed)")
    args = parser.parse_args()
    first, last = (int(v) for v in args.seeds.split(":"))
    timings = []
    for _ in range(max(1, args.runs)):
        rows, seconds = run(args.variant, range(first, last), args.budget)
        timings.append(seconds)
    total = [sum(r[i] for r in rows.values()) for i in range(4)]
    for kind, (found, windows, false, points) in rows.items():
        print(f"{kind:20} found {found}/{windows} = {found / windows:.0%}  false alarms {false} "
              f"= {false / points * 1000:.2f} per 1,000 points")
    print(f"all: found {total[0]}/{total[1]} = {total[0] / total[1]:.1%} (target >= 80 %)  false alarms "
          f"{total[2] / total[3] * 1000:.2f} per 1,000 points (target <= 1; budget {args.budget:g})")
    print(f"detection time for {total[3]:,} points: median {statistics.median(timings):.2f} s over {len(timings)} runs")


if __name__ == "__main__":
    main()
