"""Readings retention: how fast a backlog of raw telemetry is compacted into hourly rows, and what it saves.

    .venv/bin/python bench/store_compaction.py [--rows 1500000] [--switches 300] [--runs 3] [--postgres]

Generates `rows` raw readings (deterministic, seed 7): `switches` relay switches on 5-switch boards reporting every
5 minutes with jitter, plus a whole-board meter row per board every 5 minutes on one board in ten, over as many days
as that takes. Each run starts from the same fresh data and compacts everything older than the last day (the
first night after enabling retention on a database that has kept everything), then runs it again (the no-op a
normal night looks like when nothing new is due). Reports rows compacted per second, day chunks, and, for SQLite,
the file size before, after compaction and after VACUUM (deleted rows leave free pages that SQLite reuses;
only VACUUM gives them back to the file system). Medians over `runs`; prints a table and one JSON line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from sqlalchemy import text  # noqa: E402

from store.db import get_engine, upgrade  # noqa: E402
from store.retention import compact_readings  # noqa: E402
from pg_schema import private_schema  # noqa: E402

END = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)
STEP_S = 300
COLUMNS = ("ts", "board_id", "switch_id", "room_id", "state", "power_w", "energy_wh", "source")


def generate(rows: int, switches: int, seed: int = 7) -> tuple[list[tuple], dt.datetime]:
    """Raw rows, oldest first, ending at END; the timestamps are aware UTC datetimes."""
    rng = np.random.default_rng(seed)
    boards = max(switches // 5, 1)
    metered = list(range(0, boards, 10))
    per_step = switches + len(metered)
    steps = -(-rows // per_step)
    start = END - dt.timedelta(seconds=steps * STEP_S)
    watts = rng.uniform(20, 2000, switches)
    state = rng.integers(0, 2, switches).astype(bool)
    out: list[tuple] = []
    for k in range(steps):
        flips = rng.random(switches) < 0.05
        state = state ^ flips
        jitter = rng.integers(0, STEP_S, per_step)
        base = start + dt.timedelta(seconds=k * STEP_S)
        for s in range(switches):
            p = float(watts[s]) if state[s] else 0.0
            out.append((base + dt.timedelta(seconds=int(jitter[s])), f"b{s // 5}", f"s{s}", f"r{s // 5}",
                        bool(state[s]), p, p * STEP_S / 3600, "relay"))
        for i, b in enumerate(metered):
            p = float(rng.uniform(500, 5000))
            out.append((base + dt.timedelta(seconds=int(jitter[switches + i])), f"b{b}", None, f"r{b}", None, p,
                        p * STEP_S / 3600, "meter"))
    return out[:rows], start


def load_sqlite(path: Path, data: list[tuple]) -> None:
    url = f"sqlite:///{path}"
    upgrade(url)
    get_engine(url).dispose()
    con = sqlite3.connect(path)
    fmt = "%Y-%m-%d %H:%M:%S.%f"
    con.executemany(f"INSERT INTO readings ({', '.join(COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    ((r[0].strftime(fmt), *r[1:]) for r in data))
    con.commit()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()


def load_postgres(url: str, data: list[tuple]) -> None:
    upgrade(url)
    raw = get_engine(url).raw_connection()
    try:
        with raw.cursor() as cur, cur.copy(f"COPY readings ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for row in data:
                copy.write_row(row)
        raw.commit()
    finally:
        raw.close()


def db_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())


def run_sqlite(template: Path, tmp: Path, cut: dt.datetime, bucket: int, n: int) -> dict:
    path = tmp / f"run{n}.db"
    shutil.copy(template, path)
    url = f"sqlite:///{path}"
    before = db_bytes(path)
    first = compact_readings(url, cut, bucket_minutes=bucket)
    con = get_engine(url).raw_connection()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    after = db_bytes(path)
    again = compact_readings(url, cut, bucket_minutes=bucket)
    get_engine(url).dispose()
    con = sqlite3.connect(path)
    con.execute("VACUUM")
    con.close()
    vacuumed = db_bytes(path)
    path.unlink()
    return {"first": first, "again": again, "bytes_before": before, "bytes_after": after, "bytes_vacuumed": vacuumed}


def run_postgres(data: list[tuple], cut: dt.datetime, bucket: int) -> dict:
    with private_schema() as schema:
        url, admin, table = schema.url, schema.admin, f'"{schema.name}".readings'
        load_postgres(url, data)
        with admin.connect() as conn:
            conn.execute(text(f"ANALYZE {table}"))
            before = conn.execute(text(f"SELECT pg_total_relation_size('{table}')")).scalar()
        first = compact_readings(url, cut, bucket_minutes=bucket)
        again = compact_readings(url, cut, bucket_minutes=bucket)
        get_engine(url).dispose()
        with admin.connect() as conn:
            conn.execute(text(f"VACUUM FULL {table}"))
            vacuumed = conn.execute(text(f"SELECT pg_total_relation_size('{table}')")).scalar()
        return {"first": first, "again": again, "bytes_before": before, "bytes_after": None, "bytes_vacuumed": vacuumed}


def summary(kind: str, runs: list[dict]) -> dict:
    def med(values):
        values = [v for v in values if v is not None]
        return statistics.median(values) if values else None

    first = [r["first"] for r in runs]
    return {
        "db": kind,
        "rows_before": first[0].rows_before, "rows_after": first[0].rows_after, "chunks": first[0].chunks,
        "compact_s": med([f.seconds for f in first]),
        "rows_per_s": med([f.rows_before / f.seconds for f in first]),
        "noop_s": med([r["again"].seconds for r in runs]),
        "mib_before": med([r["bytes_before"] / 2**20 for r in runs]),
        "mib_after": med([r["bytes_after"] / 2**20 if r["bytes_after"] else None for r in runs]),
        "mib_vacuumed": med([r["bytes_vacuumed"] / 2**20 for r in runs]),
        "runs": [round(f.seconds, 2) for f in first],
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_500_000)
    ap.add_argument("--switches", type=int, default=300)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--bucket", type=int, default=60, help="bucket minutes (30 for a +5:30 campus)")
    ap.add_argument("--postgres", action="store_true", help="also on PostgreSQL at 127.0.0.1:5432")
    args = ap.parse_args()

    t0 = time.perf_counter()
    data, start = generate(args.rows, args.switches)
    cut = END - dt.timedelta(days=1)
    print(f"generated {len(data):,} rows from {start:%Y-%m-%d %H:%M} to {END:%Y-%m-%d} in "
          f"{time.perf_counter() - t0:.1f} s; compacting everything before {cut:%Y-%m-%d}", flush=True)
    results = []
    with tempfile.TemporaryDirectory(prefix="autovolt-compaction-") as tmpdir:
        tmp = Path(tmpdir)
        template = tmp / "template.db"
        load_sqlite(template, data)
        get_engine(f"sqlite:///{template}").dispose()
        runs = [run_sqlite(template, tmp, cut, args.bucket, n) for n in range(args.runs)]
        results.append(summary("sqlite", runs))
    if args.postgres:
        results.append(summary("postgresql", [run_postgres(data, cut, args.bucket) for _ in range(args.runs)]))

    print(f"{'db':<11}{'rows before':>12}{'rows after':>11}{'chunks':>7}{'compact s':>10}{'rows/s':>10}"
          f"{'no-op s':>8}{'MiB before':>11}{'after':>8}{'vacuumed':>9}")
    for r in results:
        after = f"{r['mib_after']:.0f}" if r["mib_after"] is not None else "-"
        print(f"{r['db']:<11}{r['rows_before']:>12,}{r['rows_after']:>11,}{r['chunks']:>7}{r['compact_s']:>10.1f}"
              f"{r['rows_per_s']:>10,.0f}{r['noop_s']:>8.2f}{r['mib_before']:>11.0f}{after:>8}"
              f"{r['mib_vacuumed']:>9.0f}")
    print(json.dumps({"rows": len(data), "switches": args.switches, "bucket_minutes": args.bucket,
                      "loadavg": os.getloadavg(), "results": results}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
