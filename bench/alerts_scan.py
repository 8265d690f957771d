"""Alert scans over 1,000 switches: how long each periodic scan takes; the anomaly scan reads a week of readings
per switch (and, once a day, fits its baseline on four weeks).

    .venv/bin/python bench/alerts_scan.py [--weeks 4] [--every-min 15] [--runs 5] [--postgres]

Builds a synthetic campus (200 boards x 5 switches), writes `weeks` of readings per switch every `every-min`
minutes (ten switches left on since yesterday afternoon, eight boards silent, 28 switches on before class), then
times each scan: "anomalies cold" includes the daily baseline fit over all `weeks`; "anomalies warm" is the
15-minute scan that reads the last week and scores it with the fitted baseline. Prints a table and one JSON line.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from sqlalchemy import insert, update  # noqa: E402

from alerts.engine import AlertBook  # noqa: E402
from alerts.model import AlertConfig  # noqa: E402
from alerts.scanner import Scanner  # noqa: E402
from devices.simulator import synthetic_campus  # noqa: E402
from store import models as m  # noqa: E402
from store.campus import User  # noqa: E402
from store.db import get_engine, session_scope, upgrade  # noqa: E402
from store.registry import sync_campus  # noqa: E402
from pg_schema import private_schema  # noqa: E402

UTC = dt.timezone.utc


def build(url: str, weeks: int, every_min: int, now: dt.datetime, seed: int = 7) -> tuple[int, int, set[str]]:
    campus = synthetic_campus(200, relays=5, rooms_per_building=50)
    users = [User(1000 + i, f"Admin {i}", "admin", (), ()) for i in range(2)]
    users += [User(2000 + i, f"Faculty {i}", "faculty", tuple(r.id for r in campus.rooms[i * 10:(i + 1) * 10]), ())
              for i in range(20)]
    users += [User(3000, "Facilities", "operator", (), tuple(b.id for b in campus.boards[:50]), True)]
    campus = dataclasses.replace(campus, users=tuple(users))
    upgrade(url)
    with session_scope(url) as session:
        sync_campus(session, campus)
    rng = np.random.default_rng(seed)
    step = dt.timedelta(minutes=every_min)
    n = int(weeks * 7 * 24 * 60 / every_min)
    stamps = [now - step * (n - i) for i in range(n)]
    hours = np.array([t.hour + t.minute / 60 for t in stamps])
    weekday = np.array([t.weekday() < 5 for t in stamps])
    leave_on = set(rng.choice(len(campus.switches), 10, replace=False).tolist())
    night = np.array([t >= now - dt.timedelta(hours=14) for t in stamps])  # on since yesterday 16:30
    engine = get_engine(url)
    rows_written = 0
    table = m.Reading.__table__
    with engine.begin() as conn:
        batch = []
        for k, sw in enumerate(campus.switches):
            start = 8.5 + rng.uniform(-0.5, 0.5, n)
            end = 17 + rng.uniform(-0.5, 1.0, n)
            on = weekday & (hours >= start) & (hours < end) & (rng.random(n) < 0.9)
            if k in leave_on:
                on = on | night
            energy = np.where(on, sw.rated_watts * every_min / 60 * rng.uniform(0.8, 1.0, n), 0.0)
            for i in range(n):
                batch.append({"ts": stamps[i], "board_id": sw.board_id, "switch_id": sw.id, "room_id": sw.room_id,
                              "state": bool(on[i]), "power_w": sw.rated_watts if on[i] else 0.0,
                              "energy_wh": float(energy[i]), "source": "state"})
            if len(batch) >= 50_000:
                conn.execute(insert(table), batch)
                rows_written += len(batch)
                batch = []
        if batch:
            conn.execute(insert(table), batch)
            rows_written += len(batch)
    with session_scope(url) as session:
        session.execute(update(m.Board).values(last_seen=now - dt.timedelta(seconds=30), online=True))
        silent = [b.id for b in campus.boards[:3]] + [b.id for b in campus.boards[60:65]]
        session.execute(update(m.Board).where(m.Board.id.in_(silent)).values(last_seen=now - dt.timedelta(minutes=20)))
        session.execute(update(m.Switch).where(m.Switch.id.in_([s.id for s in campus.switches[::37]])).values(state=True))
    return len(campus.switches), rows_written, {campus.switches[k].id for k in leave_on}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=int, default=4)
    parser.add_argument("--every-min", type=int, default=15)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    cleanup = contextlib.ExitStack()
    if args.postgres:
        url = cleanup.enter_context(private_schema()).url
    else:
        url = f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    # 06:30 on a Thursday, campus time UTC: before classes, ten switches on since yesterday afternoon.
    now = dt.datetime(2026, 11, 26, 6, 30, tzinfo=UTC)
    try:
        started = time.perf_counter()
        switches, rows, left_on = build(url, args.weeks, args.every_min, now)
        setup_s = time.perf_counter() - started
        config = AlertConfig(anomaly_history_h=args.weeks * 168, group_wait_s=0)
        times: dict[str, list[float]] = {k: [] for k in ("offline", "after_hours", "thresholds", "anomalies cold",
                                                          "anomalies warm", "all four (warm)")}
        found = {}
        for run in range(args.runs):
            book = AlertBook(get_engine(url), config, clock=lambda: now)
            scanner = Scanner(book)
            for name in ("offline", "after_hours", "thresholds"):
                t0 = time.perf_counter()
                report = scanner.run(name, now)
                times[name].append(time.perf_counter() - t0)
                found[name] = report.opened or found.get(name, 0)
            t0 = time.perf_counter()
            report = scanner.run("anomalies", now)
            times["anomalies cold"].append(time.perf_counter() - t0)
            found["anomalies"] = report.opened or found.get("anomalies", 0)
            t0 = time.perf_counter()
            scanner.run("anomalies", now)
            times["anomalies warm"].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            for name in ("offline", "after_hours", "thresholds", "anomalies"):
                scanner.run(name, now)
            times["all four (warm)"].append(time.perf_counter() - t0)
        medians = {k: round(statistics.median(v), 3) for k, v in times.items()}
        from sqlalchemy import select
        from sqlalchemy.orm import Session
        with Session(get_engine(url)) as session:
            flagged = {k.split(":", 1)[1] for k in session.scalars(select(m.Alert.key).where(m.Alert.type == "anomaly"))}
        found["anomalies: lights left on found"] = f"{len(flagged & left_on)}/{len(left_on)}"
        found["anomalies: other switches flagged"] = len(flagged - left_on)
        db = "postgresql" if args.postgres else "sqlite"
        print(f"{switches} switches, {rows:,} readings ({args.weeks} week(s) every {args.every_min} min), {db}; "
              f"setup {setup_s:.1f} s; median of {args.runs} runs")
        for name, value in medians.items():
            print(f"  {name:18} {value:7.3f} s")
        print(f"  alerts opened: {found}")
        print(json.dumps({"bench": "alerts_scan", "db": db, "switches": switches, "readings": rows,
                          "weeks": args.weeks, "every_min": args.every_min, "runs": args.runs, "median_s": medians,
                          "opened": found}))
    finally:
        cleanup.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
