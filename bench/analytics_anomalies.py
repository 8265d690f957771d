"""Anomaly benchmark: faults injected into real Cambridge Estates series, and scan speed on 1,000 series.

Run: .venv/bin/python bench/analytics_anomalies.py [--seed S] [--series 1000] [--runs 5]
Per building: fit on 2018, score 2019 with one injected fault per month (type and time at random): left on
overnight, left on over a weekend, stuck on for two days (each +20 % of the building's mean load), a one-hour
spike (+100 %), a meter reading zero for 6 h, a flat-lined meter for 12 h. Recall counts injected faults that
overlap a detected event; a false alarm is a detected event overlapping no injected fault. Events on hours the
archive itself reads <= 0 (real meter gaps, which are faults too) are counted apart.

Fault sizes are relative to the building's mean draw because these are whole-building meters (1 to 1,000 kWh/h):
+20 % of the mean is, e.g., one floor's lighting and AC left running; a single room's appliance is a fraction of a
percent of a building and is not detectable on a building meter (it is on a per-switch ESP32 series). --size scales
every injected fault (0.5 = +10 %, 2 = +40 %) to show recall against fault size. Tune with --year 2018 (fit on
2017); report 2019 (fit on 2018).
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import pandas as pd

from analytics_common import available, buildings, load
from analytics.calibrate import calibrate_sensitivity, with_sensitivity
from analytics.anomalies import fit_detector, score
from analytics.events import group_events

KINDS = ("overnight", "weekend", "stuck", "spike", "zero", "flat")


# Fault sizes relative to the building's own swing (the default): share of the day-night swing left on, and a
# spike in multiples of the hour's spread. STUCK_HOURS: how long an appliance stays stuck on.
SWING_SHARE = {"overnight": 0.5, "weekend": 0.5, "stuck": 0.5}
SPIKE_SPREADS = 5.0
STUCK_HOURS = 48
DAY_HOURS_OF_USE = range(9, 17)  # 09:00-16:59: "daytime" for the swing
NIGHT_HOURS_OF_REST = [23, 0, 1, 2, 3, 4]  # 23:00-04:59: "night" for the swing


def swing(y: pd.Series, day: pd.Timestamp, weekdays: tuple[int, ...]) -> float:
    """Daytime incremental load before `day`: median daytime reading minus median night reading over the four
    weeks before, on the given weekdays (the day's own weekday for a night, Mon-Fri for a weekend)."""
    past = y[day - pd.Timedelta(days=28) : day - pd.Timedelta(hours=1)]
    past = past[(past > 0) & past.index.day_of_week.isin(weekdays)]
    daytime = past[past.index.hour.isin(DAY_HOURS_OF_USE)].median()
    night = past[past.index.hour.isin(NIGHT_HOURS_OF_REST)].median()
    return float(max(daytime - night, 0.0)) if np.isfinite(daytime) and np.isfinite(night) else 0.0


def hour_spread(y: pd.Series, stamp: pd.Timestamp) -> float:
    """The hour's usual spread: 1.4826 x median |reading - same hour a week before| over the four weeks before,
    at the same hour of day (robust standard deviation of week-to-week change)."""
    past = y[stamp - pd.Timedelta(days=28) : stamp - pd.Timedelta(hours=1)]
    diff = (past - past.shift(168))
    diff = diff[(diff.index.hour == stamp.hour) & diff.notna() & (past > 0)]
    return float(1.4826 * diff.abs().median()) if len(diff) else 0.0


def inject(y: pd.Series, rng: np.random.Generator, year: int = 2019, size: float = 1.0,
           sizing: str = "swing") -> tuple[pd.Series, list[tuple[str, pd.Timestamp, pd.Timestamp, float]]]:
    """One fault per month at random. sizing="swing": overnight/weekend/stuck add SWING_SHARE of the building's
    day-night swing, a spike SPIKE_SPREADS of the hour's spread; sizing="mean": +20 % of the mean draw (spike
    +100 %), the previous benchmark. `size` multiplies every added load. Returns the faults with the load added."""
    y = y.copy()
    level = float(y[y > 0].mean())
    faults = []
    for month in range(1, 13):
        kind = KINDS[rng.integers(len(KINDS))]
        days = pd.date_range(f"{year}-{month:02d}-01", periods=pd.Timestamp(f"{year}-{month:02d}-01").days_in_month, freq="D")
        added = 0.0
        if kind == "overnight":
            day = pd.Timestamp(rng.choice(days[(days.day_of_week < 4) & (days.day < days[-1].day)]))
            span = pd.date_range(day + pd.Timedelta(hours=22), periods=8, freq="h")
            added = size * (SWING_SHARE[kind] * swing(y, day, (day.day_of_week,)) if sizing == "swing" else 0.2 * level)
        elif kind == "weekend":
            day = pd.Timestamp(rng.choice(days[(days.day_of_week == 5) & (days.day < days[-1].day)]))
            span = pd.date_range(day, periods=48, freq="h")
            added = size * (SWING_SHARE[kind] * swing(y, day, (0, 1, 2, 3, 4)) if sizing == "swing" else 0.2 * level)
        elif kind == "stuck":
            day = pd.Timestamp(rng.choice(days[days.day < days[-1].day - 2]))
            span = pd.date_range(day + pd.Timedelta(hours=int(rng.integers(24))), periods=STUCK_HOURS, freq="h")
            added = size * (SWING_SHARE[kind] * swing(y, day, (0, 1, 2, 3, 4)) if sizing == "swing" else 0.2 * level)
        elif kind == "spike":
            span = pd.DatetimeIndex([rng.choice(days) + pd.Timedelta(hours=int(rng.integers(24)))])
            added = size * (SPIKE_SPREADS * hour_spread(y, span[0]) if sizing == "swing" else level)
        elif kind == "zero":
            span = pd.date_range(rng.choice(days[:-1]) + pd.Timedelta(hours=int(rng.integers(24))), periods=6, freq="h")
        else:
            span = pd.date_range(rng.choice(days[:-1]) + pd.Timedelta(hours=int(rng.integers(24))), periods=12, freq="h")
        span = span[span <= y.index[-1]]
        if kind == "zero":
            y[span] = 0.0
        elif kind == "flat":
            y[span] = y[span[0]] if y[span[0]] > 0 else level
        else:
            y[span] += added
        faults.append((kind, span[0], span[-1], added / level))
    return y, faults


def calibrated(name: str, year: int, budget: float) -> float:
    """The building's bar multiplier for scoring `year`: a detector fitted on year - 2 scores the clean year - 1,
    and the lowest multiplier keeping its alarms within `budget` per month is kept (1 if year - 2 is missing)."""
    if len(available(name, (year - 2, year - 1))) < 2:
        return 1.0
    s = load(name, years=(year - 2, year - 1)).rename(name)
    det = fit_detector(s[: f"{year - 2}-12-31 23:00"].to_frame())
    return calibrate_sensitivity(det, s.to_frame(), budget=budget)[name]


def detection(seed: int, year: int = 2019, size: float = 1.0, sizing: str = "swing",
              budget: float | None = None) -> dict:
    rng = np.random.default_rng(seed)
    found = {k: [0, 0] for k in KINDS}
    shares: dict[str, list[float]] = {k: [] for k in KINDS}
    false_alarms, gap_events, months = 0, 0, 0
    per_building = []
    for name in buildings():
        if len(available(name, (year - 1, year))) < 2:  # --year 2017: b83 has no 2016 to fit on
            print(f"{name:22} skipped: no {year - 1} to fit on", flush=True)
            continue
        s = load(name, years=(year - 1, year))
        y, faults = inject(s, rng, year, size, sizing)
        frame = y.rename(name).to_frame()
        det = fit_detector(frame[: f"{year - 1}-12-31 23:00"])
        sens = 1.0
        if budget is not None:
            sens = calibrated(name, year, budget)
            det = with_sensitivity(det, {name: sens})
        sc = score(det, frame)
        events = group_events(sc, levels={name: float(det.baselines.level[0])})
        original_gap = ~(s > 0)
        fa = 0
        for e in events:
            hit = any(e.start <= end and e.end >= start for _, start, end, _ in faults)
            if hit:
                continue
            if original_gap[e.start : e.end].any():
                gap_events += 1
            else:
                fa += 1
        for kind, start, end, share in faults:
            found[kind][1] += 1
            found[kind][0] += any(e.start <= end and e.end >= start for e in events)
            shares[kind].append(share)
        false_alarms += fa
        months += 12
        per_building.append(fa)
        print(f"{name:22} faults found {sum(any(e.start <= en and e.end >= st for e in events) for _, st, en, _ in faults)}/12  "
              f"false alarms {fa}  events {len(events)}  bar x{sens:g}", flush=True)
    total = sum(v[1] for v in found.values())
    hit = sum(v[0] for v in found.values())
    print(f"\nevent recall {hit}/{total} = {hit / total * 100:.1f}% (target >= 90%)")
    print("by kind: " + ", ".join(f"{k} {v[0]}/{v[1]}" for k, v in found.items()))
    print(f"false alarms {false_alarms} over {months} building-months = {false_alarms / months:.2f} per building-month "
          f"(target <= 1); worst building {max(per_building)} in 12 months")
    print(f"events on the archive's own zero/missing readings (real meter gaps, not counted as false): {gap_events}")
    print("median load added, as % of the building mean: " + ", ".join(
        f"{k} {np.median(v) * 100:.1f}%" for k, v in shares.items() if v and k not in ("zero", "flat")))
    return {"recall": hit / total, "false_per_month": false_alarms / months, "found": found}


def speed(n_series: int, runs: int, seed: int) -> None:
    """1,000 series of a year's hourly data (real buildings, rescaled and shifted) scanned in one call."""
    rng = np.random.default_rng(seed)
    base = {name: load(name, years=(2018, 2019)) for name in buildings()}
    names = list(base)
    cols = {}
    for i in range(n_series):
        s = base[names[i % len(names)]]
        cols[f"s{i:04d}"] = (s * rng.uniform(0.5, 2.0)).shift(int(rng.integers(0, 48))).to_numpy()
    index = base[names[0]].index
    frame = pd.DataFrame(cols, index=index)
    train = frame[: "2018-12-31 23:00"]
    t0 = time.perf_counter()
    det = fit_detector(train)
    fit_s = time.perf_counter() - t0
    year = frame["2018-10-01":]  # three weeks of context for the features, then all of 2019
    times, parts = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        scored = score(det, year, since=pd.Timestamp("2018-12-31 23:00"))
        t1 = time.perf_counter()
        events = group_events(scored)
        times.append(time.perf_counter() - t0)
        parts.append((t1 - t0, time.perf_counter() - t1))
    hours = scored.score.size
    print(f"scan of {n_series} series x {scored.score.shape[1]} hours ({hours / 1e6:.2f} M hours): median {statistics.median(times):.2f} s "
          f"over {runs} runs (target <= 5 s); runs {', '.join(f'{t:.2f}' for t in times)} s; score / events "
          f"{', '.join(f'{a:.2f}/{b:.2f}' for a, b in parts)} s; {len(events)} events; detector fit on 2018: {fit_s:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2019)
    parser.add_argument("--series", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--year", type=int, default=2019, help="year scored (fit on the year before); tune on 2018")
    parser.add_argument("--size", type=float, default=1.0, help="multiply the injected fault sizes (sensitivity)")
    parser.add_argument("--sizing", choices=("swing", "mean"), default="swing",
                        help="fault sizes relative to the building's day-night swing and hourly spread (default), "
                             "or +20 %% of its mean draw (the earlier benchmark)")
    parser.add_argument("--calibrate", type=float, default=None, metavar="BUDGET",
                        help="per-building bar multiplier chosen on the year before (fit two years before), keeping "
                             "its alarms within BUDGET per month there (e.g. 0.8)")
    parser.add_argument("--no-detection", action="store_true", help="only the scan speed")
    args = parser.parse_args()
    if not args.no_detection:
        detection(args.seed, args.year, args.size, args.sizing, args.calibrate)
    if args.series:
        speed(args.series, args.runs, args.seed)


if __name__ == "__main__":
    main()
