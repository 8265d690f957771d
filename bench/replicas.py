"""Replicas (issue 17): ingest with 1 and 2 replicas, the cost of coordination, failover time, refit on Dask.

    .venv/bin/python bench/replicas.py ingest [--boards 3334] [--runs 3] [--seconds 15] [--variants plain,1,2]
    .venv/bin/python bench/replicas.py writers [--writers 2] [--boards 3334] [--interval 1] [--runs 3] [--partitions]
    .venv/bin/python bench/replicas.py pairs [--runs 6] [--trees /copy/of/main,.] [--interval 2] [--interval1 4]
    .venv/bin/python bench/replicas.py readback [--boards 3334] [--runs 10] [--partitions]
    .venv/bin/python bench/replicas.py failover [--runs 5]
    .venv/bin/python bench/replicas.py refit [--runs 3]
    .venv/bin/python bench/replicas.py refit-many [--series 1000] [--weeks 8] [--first pool,dask] [--next pool,dask]
                                                  [--runs 3] [--check 0] [--choices-out F | --choices-from F]

ingest: a simulated fleet of `--boards` AutoVolt boards x 6 relays (3,334 boards = 20,004 switches), in publisher
processes, floods a private Mosquitto; each replica is a process with the gateway and its ingest writer on one
PostgreSQL schema. Readings/s counted by the database over the window. Variants: "plain" (one process, MQTT 3.1.1,
no coordination, as before), "1 replica" and "2 replicas" (MQTT 5 shared subscription, the leader election and the
last-seen merge running in each replica). The cost of coordination = 1 - (1 replica / plain).
writers: `--writers` ingest writer processes fed directly (no broker, no publishers competing for the CPU), each
board's reports handed to the writers in turn as a shared subscription does; the database path alone. Prints CPU
seconds per 10,000 readings stored (writer processes and the PostgreSQL backends serving them, over the window).
pairs: the coordination cost per replica, c(2)/c(1) - 1 (c(N): CPU s per 10,000 readings with N writers), by
alternated pairs of 1- and 2-writer runs of each source tree, interleaved; median, quartiles and range.
readback: the writers' coordination cost alone: CPU of one writer reading back one report of every switch that
another writer stored (what it does, per batch, with two writers), client thread and PostgreSQL backend, per
10,000 rows read back; median of `--runs` repetitions (CPU time, so less moved by the load than a rate).
failover: a leader process (default 5 s checks) is killed with SIGKILL; time until a follower leads.
refit: the nightly refit of the demo campus's rooms on a 2-worker Dask LocalCluster vs the 2-process pool.
refit-many: the same for `--series` synthetic rooms (`--weeks` of generated hourly history each), first night
(every model chosen by backtest, with a linear extrapolation to 10,000 series) and `--runs` next nights (refitted),
each on the backends named, with wall time, series/s, peak memory and the load. `--choices-out` saves the first
night's choices; `--choices-from` skips the first night and gives every room a choice drawn from a saved one (how
10,000 series are measured without ~3 h of backtests); `--check N`: N pairs of next nights with the rooms' own
choices and with drawn ones, to show the two cost the same. A quick check: --series 12 --runs 1.
Median of `--runs`; the load average is printed with each run (other work shares the two cores).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from devices_common import Broker, count_readings, database, spawn_fleet, stop_fleet  # noqa: E402

from devices.simulator import synthetic_campus  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SLICES = 20  # `_feed`: steps per report interval


# --- child processes ------------------------------------------------------------------------------------------

async def _replica(url: str, broker: str, group: str, name: str, boards: int) -> None:
    from autovolt.leader import Leadership
    from devices.gateway import Gateway
    from devices.ingest import IngestWriter
    from devices.mqtt import MqttConfig, MqttTransport
    from devices.runtime import StoreLastSeen, replica_transport

    campus = synthetic_campus(boards)
    writer = IngestWriter(url, campus)
    writer.start()
    config = MqttConfig.from_url(broker)
    if group == "-":
        gateway = Gateway(campus, MqttTransport(config, clean_session=True), sink=writer)
        leadership = None
    else:
        gateway = Gateway(campus, replica_transport(config, f"bench-{name}", group), sink=writer,
                          peer_seen=StoreLastSeen(url))
        leadership = Leadership(url, name)
        await leadership.start()
    await gateway.start()
    await gateway.transport.wait_connected(30)
    print("subscribed", flush=True)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    await gateway.stop()
    writer.close()
    if leadership is not None:
        await leadership.stop()


def _feed(url: str, boards: int, writers: int, index: int, seconds: float, interval: float,
          partitions: bool = False) -> None:
    """One replica's ingest writer fed directly (no broker): each board reports its 6 relays every `interval` s and
    the reports go to the writers in turn, as a shared subscription hands them out (board b's k-th report to
    writer (b + k) mod `writers`). Half the relays are on (a fixed draw), so there is energy to count."""
    import datetime as dt

    from devices.ingest import IngestWriter
    from devices.model import RelayReport
    from store.campus import AUTOVOLT_GPIOS

    import threading

    from sqlalchemy import event

    campus = synthetic_campus(boards)
    draw = random.Random(7)
    states = [[draw.random() < 0.5 for _ in range(6)] for _ in campus.boards]
    writer = IngestWriter(url, campus, **({"energy_partitions": True} if partitions else {}))
    backends: list[int] = []

    @event.listens_for(writer.engine, "connect")
    def _backend(dbapi_conn, _record):  # the PostgreSQL backends serving this writer, for their CPU time
        with dbapi_conn.cursor() as cur:
            cur.execute("SELECT pg_backend_pid()")
            backends.append(cur.fetchone()[0])
        dbapi_conn.commit()

    steps = _time_steps(writer)
    writer.start()
    thread = next(t.native_id for t in threading.enumerate() if t.name == "ingest-writer")
    print("ready", thread, *backends, flush=True)
    sys.stdin.readline()

    def snapshots() -> None:  # each line from the parent: the step timers so far, as one line of "name=value"
        for _ in sys.stdin:
            # With the writer's backlog (observations queued, not yet taken) and its readings written so far, for
            # the parent's steady-state check.
            extra = {"~backlog": float(writer._buffered), "~written": float(writer.stats.readings_written)}
            print("steps " + " ".join(f"{k}={v:.6f}" for k, v in sorted({**steps, **extra}.items())), flush=True)

    threading.Thread(target=snapshots, daemon=True).start()
    # The boards' reports spread over each interval in SLICES steps (board b in step b mod SLICES), as a broker
    # delivers a fleet's reports: a writer then commits every flush interval, as in service. (Handing a whole
    # interval's reports over at once made one 10,000-row transaction per burst, and a 15 s window held 7 or 8
    # bursts' commits against the CPU of about 7.5: up to +-7 % on c(N) from where the window fell.)
    start = time.monotonic()
    step = 0
    count = len(campus.boards)
    while time.monotonic() - start < seconds:
        now = dt.datetime.now(dt.timezone.utc)
        tick, part = divmod(step, SLICES)
        # This writer's boards of this step: b = part (mod SLICES) and (b + tick) % writers == index.
        for b in range(part, count, SLICES):
            if (b + tick) % writers == index:
                writer.submit_many(now, [RelayReport(campus.boards[b].id, AUTOVOLT_GPIOS[r], states[b][r], "state")
                                         for r in range(6)])
        step += 1
        time.sleep(max(0.0, start + step * interval / SLICES - time.monotonic()))
    writer.close(120)
    print(f"written {writer.stats.readings_written} errors {writer.stats.write_errors}", flush=True)


def _time_steps(writer) -> dict[str, float]:
    """Per-step thread CPU seconds of the writer's transactions (and counts), added up as they run: `commit` is the
    whole partition transaction, `refresh` the read-back, `lock` the rest of `begin`; what `commit` has beyond the
    named steps is the switch and board updates and the commit itself. A few thread_time() calls per transaction."""
    steps: dict[str, float] = {}
    ledger = writer.ledger

    def timed(name: str, fn):
        def run(*args, **kwargs):
            t0 = time.thread_time()
            try:
                return fn(*args, **kwargs)
            finally:
                steps[name] = steps.get(name, 0.0) + time.thread_time() - t0
                steps[name + "#"] = steps.get(name + "#", 0.0) + 1
        return run

    # (Names shared by every version measured against: `pairs` runs older trees under the same harness.)
    ledger._refresh = timed("refresh", ledger._refresh)
    ledger.begin = timed("begin", ledger.begin)
    ledger.settle = timed("settle", ledger.settle)
    ledger.insert_late = timed("late", ledger.insert_late)
    ledger.end = timed("end", ledger.end)
    writer._insert = timed("insert", writer._insert)
    writer._commit_part = timed("commit", writer._commit_part)
    writer._convert = timed("convert", writer._convert)
    return steps


def _cpu_s(path: str) -> float:
    """utime + stime of a process or thread (/proc/<pid>/stat or /proc/<pid>/task/<tid>/stat), 0 once gone."""
    try:
        with open(path) as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _cpu_sample(procs: list, threads: list[int], backends: list[int]) -> tuple[float, float, float]:
    """CPU seconds so far: the writer processes (feed, conversion and writer thread), their writer threads alone,
    and the PostgreSQL backends serving them."""
    return (sum(_cpu_s(f"/proc/{p.pid}/stat") for p in procs),
            sum(_cpu_s(f"/proc/{p.pid}/task/{t}/stat") for p, t in zip(procs, threads)),
            sum(_cpu_s(f"/proc/{b}/stat") for b in backends))


async def _lead(url: str) -> None:
    from autovolt.leader import Leadership

    leadership = Leadership(url, "doomed")
    await leadership.start()
    print("leading" if leadership.leading else "following", flush=True)
    await asyncio.sleep(3600)


# --- measurements -----------------------------------------------------------------------------------------------

def ingest_run(replicas: int, group: str, boards: int, seconds: float, warmup: float, interval: float) -> dict:
    campus = synthetic_campus(boards)
    broker = Broker()
    url, cleanup = database("postgres", campus, tempfile.mkdtemp(prefix="bench-replicas-"))
    procs = []
    try:
        for i in range(replicas):
            code = (f"import asyncio,sys; sys.path.insert(0, {str(ROOT / 'bench')!r}); import replicas; "
                    f"asyncio.run(replicas._replica({url!r}, {broker.url!r}, {group!r}, 'r{i}', {boards}))")
            procs.append(subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True))
        for proc in procs:
            assert proc.stdout.readline().strip() == "subscribed"
        fleet = spawn_fleet(broker.url, boards, interval, warmup + seconds + 10, publishers=2, on_fraction=0.5)
        try:
            time.sleep(warmup)
            c0, t0 = count_readings(url), time.perf_counter()
            time.sleep(seconds)
            c1, t1 = count_readings(url), time.perf_counter()
            load = os.getloadavg()[0]
        finally:
            stop_fleet(fleet)
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(60)
        try:
            stored, sequence = energy_check(url)
        finally:
            cleanup()
            broker.stop()
    return {"readings_per_s": (c1 - c0) / (t1 - t0), "load": load, "offered_per_s": boards * 6 / interval,
            "energy_stored_wh": stored, "energy_sequence_wh": sequence}


def energy_check(url: str) -> tuple[float, float]:
    """(stored energy, energy of the stored sequence): the sum of `energy_wh` over relay readings, and the same
    computed afresh from the stored samples in time order (rated watts while the previous sample said on, gaps
    capped at 90 s). Equal when every interval is counted once, whichever replica stored which sample."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return tuple(float(v or 0.0) for v in conn.execute(text("""
                WITH s AS (SELECT r.energy_wh, r.ts, w.rated_watts,
                                  lag(r.ts) OVER (PARTITION BY r.switch_id ORDER BY r.ts, r.id) AS prev_ts,
                                  lag(r.state) OVER (PARTITION BY r.switch_id ORDER BY r.ts, r.id) AS prev_on
                           FROM readings r JOIN switches w ON w.id = r.switch_id WHERE r.state IS NOT NULL)
                SELECT sum(energy_wh), sum(CASE WHEN prev_on THEN rated_watts
                           * least(extract(epoch FROM ts - prev_ts), 90) / 3600 ELSE 0 END) FROM s""")).one())
    finally:
        engine.dispose()


def writers_run(writers: int, boards: int, seconds: float, warmup: float, interval: float,
                partitions: bool = False, tree: Path = ROOT, settle_max: float = 60.0,
                independent: bool = False) -> dict:
    """`writers` writer processes on one PostgreSQL schema, fed as by a shared subscription (`_feed`); readings/s
    and CPU counted over the window. The window starts once every writer is in its steady state: at least `warmup`
    seconds, then until each writer's backlog has stayed under half a second of its offered share for 3 checks a
    second apart (at most `settle_max` s). Before this check a 5 s warm-up often measured the writers catching up
    on the start's backlog in 10,000-row batches (about 1 transaction per 10,000 readings instead of 4) and, with
    two writers, the late rows that catching up makes: a different regime from the one meant, and a cause of the
    pair-to-pair spread. `tree`: the source tree whose `devices`/`store` the writer processes run (the harness
    is this file's), so another version is measured by the same method. `independent`: each writer on a database
    (schema) of its own, fed the same reports as with one shared database: N replicas with no coordination at all
    (the same processes, rates and batch sizes, the same contention for the cores), the baseline that isolates
    what sharing one database costs."""
    campus = synthetic_campus(boards)
    dbs = [database("postgres", campus, tempfile.mkdtemp(prefix="bench-writers-"))
           for _ in range(writers if independent else 1)]
    urls = [u for u, _ in dbs] * (1 if independent else writers)

    def cleanup() -> None:
        for _, clean in dbs:
            clean()

    def counted() -> int:
        return sum(count_readings(u) for u, _ in dbs)

    procs = []
    env = {**os.environ, "PYTHONPATH": str(tree), "AUTOVOLT_BENCH_TREE": str(tree)}
    try:
        for i in range(writers):
            # With independent databases, writer i keeps the shared-subscription feed (every board's reports
            # dealt round-robin), so its database sees the same reports as writer i of a shared one.
            code = (f"import sys; sys.path.insert(0, {str(ROOT / 'bench')!r}); import replicas; "
                    f"replicas._feed({urls[i]!r}, {boards}, {writers}, {i}, {settle_max + warmup + seconds + 15}, "
                    f"{interval}, {partitions})")
            procs.append(subprocess.Popen([sys.executable, "-c", code], cwd=tree, env=env, stdin=subprocess.PIPE,
                                          stdout=subprocess.PIPE, text=True))
        threads, backends = [], []
        for proc in procs:
            word, thread, *pids = proc.stdout.readline().split()
            assert word == "ready"
            threads.append(int(thread))
            backends.extend(int(p) for p in pids)
        for proc in procs:
            proc.stdin.write("go\n")
            proc.stdin.flush()
        started = time.monotonic()
        # At least 4 report intervals: until then a writer has not yet stored a sample of every switch itself, and
        # with two writers a switch first stored by the other is taken from the database (the late-sample path),
        # a start-up cost that a window opening earlier counted as per-reading cost (late rows in every 2-writer
        # run opened after 7 s at a 4 s interval).
        warmup = max(warmup, 4 * interval)
        time.sleep(warmup)
        share = boards * 6 / interval / writers * 0.5  # half a second of one writer's offered share
        calm = 0
        while calm < 3 and time.monotonic() - started < warmup + settle_max:
            calm = calm + 1 if all(_steps(p).get("~backlog", 0.0) <= share for p in procs) else 0
            if calm < 3:
                time.sleep(1.0)
        settled_after = time.monotonic() - started
        c0, t0, cpu0 = counted(), time.perf_counter(), _cpu_sample(procs, threads, backends)
        steps0 = [_steps(proc) for proc in procs]
        time.sleep(seconds)
        c1, t1, cpu1 = counted(), time.perf_counter(), _cpu_sample(procs, threads, backends)
        steps1 = [_steps(proc) for proc in procs]
        load = os.getloadavg()[0]
        for proc in procs:  # the backlog is not waited for: every committed batch is whole, enough for the check
            proc.kill()
            proc.wait(60)
        checks = [energy_check(u) for u, _ in dbs]
        stored, sequence = sum(c[0] for c in checks), sum(c[1] for c in checks)
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
        cleanup()
    per_10k = [(b - a) * 10_000 / max(c1 - c0, 1) for a, b in zip(cpu0, cpu1)]
    # Writer-thread CPU per step over the window, all writers together, per 10,000 readings (counts: per 10,000).
    step_per_10k: dict[str, float] = {}
    for before, after in zip(steps0, steps1):
        for name, value in after.items():
            if not name.startswith("~"):
                step_per_10k[name] = step_per_10k.get(name, 0.0) + (value - before.get(name, 0.0)) * 10_000 / max(c1 - c0, 1)
    backlog = max(s.get("~backlog", 0.0) for s in steps1)
    rate = (c1 - c0) / (t1 - t0)
    offered = boards * 6 / interval
    # Steady: the window started calm, ended with no more than a second's backlog, and stored the offered rate.
    steady = calm >= 3 and backlog <= 2 * share * writers and abs(rate / offered - 1) <= 0.05
    return {"readings_per_s": rate, "load": load, "offered_per_s": offered,
            "energy_stored_wh": stored, "energy_sequence_wh": sequence, "cpu_per_10k": per_10k,
            "steps_per_10k": step_per_10k, "settled_after_s": settled_after, "steady": steady}


def _run_line(r: dict) -> str:
    st = r["steps_per_10k"]
    return (f"{r['readings_per_s']:,.0f}/s, load {r['load']:.1f}, window after {r['settled_after_s']:.0f} s"
            f"{'' if r['steady'] else ' NOT STEADY'}; c {r['cpu_per_10k'][0] + r['cpu_per_10k'][2]:.4f} (processes "
            f"{r['cpu_per_10k'][0]:.4f}, writer threads {r['cpu_per_10k'][1]:.4f}, PostgreSQL {r['cpu_per_10k'][2]:.4f}; "
            f"convert {st.get('convert', 0.0):.4f}, refresh {st.get('refresh', 0.0):.4f}, settle "
            f"{st.get('settle', 0.0):.4f}, late {st.get('late', 0.0):.4f}, transactions {st.get('commit#', 0):.1f}); "
            f"energy {'=' if abs(r['energy_stored_wh'] - r['energy_sequence_wh']) < 0.05 else '!='} sequence "
            f"({r['energy_stored_wh']:,.1f} Wh)")


def pairs(trees: list[Path], count: int, boards: int, seconds: float, warmup: float, intervals: tuple[float, float],
          partitions: bool, independent: bool = True) -> None:
    """The coordination cost per replica for each source tree, by alternated runs. In each round, for each tree
    (the trees' order reversed every round), next to each other in time and in an order that rotates: 1 writer,
    2 writers sharing one database and (`independent`) 2 writers each on a database of its own. c(N) = CPU s per
    10,000 readings (writer processes + their PostgreSQL backends) over a steady-state window. Two ratios per
    round: c(2)/c(1) - 1 (the measure of the earlier sections: it also counts two processes contending for the
    cores, which replicas on machines of their own do not) and c(2)/c(2 independent) - 1 (the same processes,
    rates and contention, without the shared database: what sharing costs). `intervals`: the boards' report
    interval with 1 writer and with 2 (equal: the same total rate, as in the earlier sections). Prints every run,
    then per tree the median, quartiles and range of each ratio."""
    kinds = [("1", 1, False), ("2", 2, False)] + ([("2 independent", 2, True)] if independent else [])
    ratios: dict[Path, dict[str, list[float]]] = {t: {"c(2)/c(1)": [], "c(2)/c(2 ind.)": []} for t in trees}
    cs: dict[Path, dict[str, list[float]]] = {t: {k: [] for k, _, _ in kinds} for t in trees}
    for k in range(count):
        order = trees if k % 2 == 0 else trees[::-1]
        for j, tree in enumerate(order):
            shift = (k + j) % len(kinds)
            c = {}
            for name, n, ind in kinds[shift:] + kinds[:shift]:
                r = writers_run(n, boards, seconds, warmup, intervals[n - 1], partitions, tree, independent=ind)
                c[name] = r["cpu_per_10k"][0] + r["cpu_per_10k"][2]
                cs[tree][name].append(c[name])
                print(f"  round {k + 1}, {tree.name}, {name} writer(s) at {boards * 6 / intervals[n - 1]:,.0f}/s: "
                      f"{_run_line(r)}", flush=True)
            ratios[tree]["c(2)/c(1)"].append(c["2"] / c["1"] - 1)
            line = f"c(2)/c(1) - 1 = {c['2'] / c['1'] - 1:+.1%}"
            if independent:
                ratios[tree]["c(2)/c(2 ind.)"].append(c["2"] / c["2 independent"] - 1)
                line += f", c(2)/c(2 independent) - 1 = {c['2'] / c['2 independent'] - 1:+.1%}"
            print(f"  round {k + 1}, {tree.name}: " + ", ".join(f"c({n}) {v:.4f}" for n, v in c.items()) + "; " + line,
                  flush=True)
    for tree in trees:
        for label, got in ratios[tree].items():
            if not got:
                continue
            got = sorted(got)
            q = statistics.quantiles(got, n=4) if len(got) >= 2 else [got[0]] * 3
            print(f"{tree.name} ({tree}): {label} - 1 over {len(got)} rounds: median {statistics.median(got):+.1%}, "
                  f"quartiles {q[0]:+.1%} .. {q[2]:+.1%}, range {got[0]:+.1%} .. {got[-1]:+.1%}", flush=True)
        print(f"{tree.name}: median c " + ", ".join(f"({n}) {statistics.median(v):.4f}" for n, v in cs[tree].items()),
              flush=True)


def _steps(proc) -> dict[str, float]:
    """A writer process's step timers so far (`_time_steps`), asked for over its stdin."""
    proc.stdin.write("snap\n")
    proc.stdin.flush()
    line = proc.stdout.readline()
    while line and not line.startswith("steps "):  # anything else the child printed
        print("   ", line.rstrip(), flush=True)
        line = proc.stdout.readline()
    return {k: float(v) for k, v in (item.split("=") for item in line.split()[1:])}


def readback_run(boards: int, runs: int, partitions: bool) -> dict:
    """Two reports of every switch stored, then the second read back (the energy section's refresh, every
    partition) `runs` times from the mark between them: CPU seconds per 10,000 rows read back, client and server."""
    import datetime as dt

    from devices.ingest import IngestWriter

    campus = synthetic_campus(boards)
    url, cleanup = database("postgres", campus, tempfile.mkdtemp(prefix="bench-readback-"))
    try:
        writer = IngestWriter(url, campus, **({"energy_partitions": True} if partitions else {}))
        ledger, switches = writer.ledger, [s for s in campus.switches if s.board_id is not None]
        start = dt.datetime.now(dt.timezone.utc)
        with writer.engine.begin() as conn:
            ledger.seed(conn)
            for tick in range(2):
                if tick == 1:
                    mark = conn.exec_driver_sql("SELECT max(id) FROM readings").scalar()
                ts = start + dt.timedelta(seconds=2 * tick)
                writer._insert_copy(conn, [(ts, s.board_id, s.id, s.room_id, i % 2 == 0, 0.0, None, "state", None)
                                           for i, s in enumerate(switches)])
            conn.exec_driver_sql("ANALYZE readings")
        with writer.engine.connect() as conn:
            backend = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
            client, server = [], []
            for rep in range(runs + 2):  # the first two warm the caches (and psycopg's prepared statements)
                c0, s0 = time.thread_time(), _cpu_s(f"/proc/{backend}/stat")
                for part in range(ledger.partitions):
                    ledger.marks[part] = mark
                    ledger._refresh(conn, part)
                if rep >= 2:
                    client.append(time.thread_time() - c0)
                    server.append(_cpu_s(f"/proc/{backend}/stat") - s0)
        writer.engine.dispose()
    finally:
        cleanup()
    per = 10_000 / len(switches)
    # The backend's CPU is counted in clock ticks (10 ms): its mean over the runs, not a median of ticks.
    return {"client": statistics.median(client) * per, "server": statistics.mean(server) * per,
            "load": os.getloadavg()[0]}


def failover_run() -> dict:
    from contextlib import ExitStack

    from autovolt.leader import CHECK_S, Leadership
    from pg_schema import private_schema
    from store.db import upgrade

    with ExitStack() as stack:
        url = stack.enter_context(private_schema()).url
        upgrade(url)
        code = (f"import asyncio,sys; sys.path.insert(0, {str(ROOT / 'bench')!r}); import replicas; "
                f"asyncio.run(replicas._lead({url!r}))")
        leader = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True)
        stack.callback(lambda: leader.poll() is None and leader.kill())
        assert leader.stdout.readline().strip() == "leading"

        async def follow() -> float:
            follower = Leadership(url, "survivor")
            await follower.start()
            await asyncio.sleep(1.0 + random.uniform(0.0, CHECK_S))  # a kill at any point of the follower's cycle
            assert not follower.leading
            killed = time.perf_counter()
            os.kill(leader.pid, signal.SIGKILL)
            while not follower.leading:
                await asyncio.sleep(0.02)
            took = time.perf_counter() - killed
            await follower.stop()
            return took

        took = asyncio.run(follow())
        leader.wait(10)
    return {"seconds": took, "load": os.getloadavg()[0]}


class _Peaks:
    """While open, samples every `every` s this process and its descendants (the pool's worker processes, or the
    LocalCluster's nannies and workers; its scheduler runs in this process): the peak of their summed RSS (pages
    shared between them counted in each, so an upper bound), this process's own peak RSS, and the highest 1-minute
    load average seen. PostgreSQL's backends are not counted."""

    def __init__(self, every: float = 0.5) -> None:
        import threading

        self.every = every
        self.rss_sum = self.rss_parent = 0
        self.load_max = os.getloadavg()[0]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="peaks", daemon=True)

    def __enter__(self) -> "_Peaks":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        import psutil

        me = psutil.Process()
        total = 0
        for proc in (me, *me.children(recursive=True)):
            try:
                total += proc.memory_info().rss
            except psutil.Error:  # a worker that just ended
                pass
        self.rss_parent = max(self.rss_parent, me.memory_info().rss)
        self.rss_sum = max(self.rss_sum, total)
        self.load_max = max(self.load_max, os.getloadavg()[0])

    def _run(self) -> None:
        while True:
            self._sample()
            if self._stop.wait(self.every):
                return


def refit_run(url: str, dask: bool) -> dict:
    """One night through `run_refit` (a fresh data folder, so the campus pool is fitted in every run) on the
    2-process pool or a 2-worker LocalCluster (1 thread each; its start-up is not timed). Returns the wall time,
    the series and their statuses, the peak memory (`_Peaks`) and the load average at the start, highest and end."""
    from collections import Counter

    from distributed import LocalCluster

    from autovolt.model_refit import run_refit

    data_dir = Path(tempfile.mkdtemp(prefix="bench-refit-"))
    load_start = os.getloadavg()[0]
    try:
        if dask:
            with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
                with _Peaks() as peaks:
                    t0 = time.perf_counter()
                    results = run_refit(url, data_dir, dask_scheduler=cluster.scheduler_address, now=None)
                    took = time.perf_counter() - t0
        else:
            with _Peaks() as peaks:
                t0 = time.perf_counter()
                results = run_refit(url, data_dir, workers=2)
                took = time.perf_counter() - t0
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    return {"seconds": took, "series": len(results), "load": os.getloadavg()[0], "load_start": load_start,
            "load_max": peaks.load_max, "statuses": dict(sorted(Counter(r.status for r in results).items())),
            "rss_sum_mb": peaks.rss_sum / 2**20, "rss_parent_mb": peaks.rss_parent / 2**20}


def many_series_store(url: str, series: int, weeks: int, now) -> int:
    """A synthetic campus of `series` rooms (one 320 W light each) with `weeks` of hourly history from the demo's
    generator, bulk-loaded with COPY (converted a slice at a time, so 10,000 rooms fit in memory), then ANALYZEd
    as a live store is. Returns the rows written."""
    from autovolt.demo.history import generate_history
    from store.db import get_engine, session_scope, upgrade
    from store.registry import sync_campus

    campus = synthetic_campus(series, relays=1)
    upgrade(url)
    with session_scope(url) as session:
        sync_campus(session, campus)
    history, _ = generate_history(campus, now, weeks=weeks)
    columns = ["ts", "switch_id", "board_id", "room_id", "state", "power_w", "energy_wh"]
    raw = get_engine(url).raw_connection()
    written = 0
    try:
        with raw.cursor() as cur, cur.copy(f"COPY readings ({', '.join(columns)}, source) FROM STDIN") as copy:
            for first in range(0, len(history), 500_000):
                part = history[columns].iloc[first:first + 500_000]
                rows = part.astype(object).where(part.notna(), None).itertuples(index=False, name=None)
                for row in rows:
                    copy.write_row((row[0].to_pydatetime(), *row[1:4], None if row[4] is None else bool(row[4]),
                                    *row[5:], "history"))
                    written += 1
        raw.commit()
        with raw.cursor() as cur:
            cur.execute("ANALYZE readings")
        raw.commit()
    finally:
        raw.close()
    return written


def recorded_choices(url: str) -> dict[str, dict | None]:
    """Each room's latest model run as recorded (model, params, the scores column with its backtest and chosen
    parts), None for a room without one (its series was skipped): what a first night chose."""
    from store.db import session_scope
    from store.model_runs import latest_row, room_series_key
    from store.registry import load_registry

    with session_scope(url) as session:
        campus = load_registry(session)
        choices: dict[str, dict | None] = {}
        for room in campus.rooms:
            row = latest_row(session, room_series_key(room.id))
            choices[room.id] = None if row is None else {"model": row.model, "params": dict(row.params or {}),
                                                          "scores": dict(row.scores or {})}
    return choices


def seed_choices(url: str, choices: dict[str, dict | None]) -> int:
    """Replace every recorded model run with `choices` (room id -> a recorded choice; None: no run), written by
    `store.model_runs.insert_run` as a first night records them, and made an hour ago (creation and `chosen_at`),
    so the next night refits them (younger than RECHOOSE_AFTER) rather than choosing again. No artifact: a refit
    fits anew and never loads the previous model. Returns the runs written."""
    import datetime as dt

    from sqlalchemy import text

    from analytics.forecast import ModelRun
    from store.db import get_engine, session_scope
    from store.model_runs import insert_run, room_series_key

    made = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1)
    with get_engine(url).begin() as conn:
        conn.execute(text("DELETE FROM model_runs"))
    written = 0
    with session_scope(url) as session:
        for room_id, choice in choices.items():
            if choice is None:
                continue
            stored = choice["scores"]
            scores = {k: v for k, v in stored.items() if k not in ("backtest", "chosen")}
            backtest = {**(stored.get("backtest") or {}), "chosen_at": made.isoformat()}
            run = ModelRun(room_series_key(room_id), choice["model"], dict(choice["params"]), scores, backtest, made)
            insert_run(session, run, stored.get("chosen"))
            written += 1
    return written


def draw_choices(rooms: list[str], measured: list[dict | None], seed: int = 17) -> dict[str, dict | None]:
    """For every room, one of the `measured` first night's choices drawn at random (with replacement, so the mix of
    models, parameters and skipped series follows the measured one)."""
    draw = random.Random(seed)
    return {room: draw.choice(measured) for room in rooms}


def choice_mix(choices: dict[str, dict | None]) -> str:
    """The choices by model ("+pool": the campus pool's day-ahead part), most frequent first."""
    from collections import Counter

    mix = Counter("none" if c is None else c["model"] + ("+pool" if c["params"].get("pooled") else "")
                  for c in choices.values())
    return ", ".join(f"{name} {count}" for name, count in mix.most_common())


def _night_line(night: str, label: str, r: dict) -> str:
    per = r["seconds"] / max(r["series"], 1)
    return (f"{night}, {label}: {r['series']} series in {r['seconds']:.1f} s ({per:.3f} s/series, "
            f"{r['series'] / r['seconds']:.2f} series/s, {r['statuses']}); peak RSS {r['rss_sum_mb']:,.0f} MB "
            f"(this process and its workers; this process alone {r['rss_parent_mb']:,.0f} MB); load average "
            f"{r['load_start']:.1f} at the start, {r['load_max']:.1f} highest, {r['load']:.1f} at the end")


BACKENDS = {"pool": ("process pool (2)", False), "dask": ("Dask LocalCluster (2 workers)", True)}


def refit_many(series: int, weeks: int, first: list[str], following: list[str], runs: int, check: int,
               choices_out: str | None, choices_from: str | None) -> None:
    """The nightly refit of `series` rooms through `autovolt.model_refit.run_refit`: a first night (every model
    chosen by backtest; model runs cleared before each of `first`), then `runs` next nights (the choices refitted)
    on each of `following`, alternating. The next nights start from the choices the last first-night run recorded.

    `choices_from` (a file written by `choices_out`): no first night; every room gets a choice drawn from that
    measured first night (`draw_choices`), re-seeded before each next night, so a store too large to choose on
    (10,000 series: ~3 h of both cores) is refitted as a next night would refit it. `check` (with a first night):
    that many pairs of pool next nights with each room's own choice re-seeded and with drawn ones (each pair in the
    other order), to show a drawn night costs what a real one does."""
    import datetime as dt
    import json
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from contextlib import ExitStack

    from sqlalchemy import text

    from pg_schema import private_schema
    from store.db import get_engine

    # A SIGTERM ends the bench through its clean-up (the schema dropped, the pool and cluster shut down).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    now = dt.datetime.now(dt.timezone.utc)
    with ExitStack() as stack:
        url = stack.enter_context(private_schema("refitmany")).url
        t0 = time.perf_counter()
        # In a child process: the generated history (GBs at 10,000 rooms) stays out of this process's peak memory.
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as child:
            rows = child.submit(many_series_store, url, series, weeks, now).result()
        print(f"store: {series} rooms, {rows:,} hourly readings over {weeks} weeks in {time.perf_counter() - t0:.0f} s",
              flush=True)
        seeded: dict[str, dict | None] | None = None
        if choices_from:
            measured = json.loads(Path(choices_from).read_text())
            rooms = [room.id for room in synthetic_campus(series, relays=1).rooms]
            seeded = draw_choices(rooms, list(measured["choices"].values()))
            print(f"choices drawn from the first night of {len(measured['choices'])} series in {choices_from} "
                  f"({choice_mix(measured['choices'])}): {choice_mix(seeded)}", flush=True)
            first = []
        for backend in first:
            with get_engine(url).begin() as conn:
                conn.execute(text("DELETE FROM model_runs"))
            r = refit_run(url, BACKENDS[backend][1])
            print(_night_line("first night (choose)", BACKENDS[backend][0], r)
                  + f"; 10,000 series extrapolated linearly: {r['seconds'] / r['series'] * 10_000 / 3600:.2f} h",
                  flush=True)
        own = recorded_choices(url) if first else None
        if own is not None:
            print(f"first night's choices: {choice_mix(own)}", flush=True)
            if choices_out:
                Path(choices_out).write_text(json.dumps({"series": series, "weeks": weeks, "choices": own}))
        for run in range(runs):
            for backend in following:
                label = BACKENDS[backend][0]
                if seeded is not None:
                    print(f"seeded {seed_choices(url, seeded)} drawn choices", flush=True)
                    label += ", drawn choices"
                print(_night_line(f"next night (refit) {run + 1}", label, refit_run(url, BACKENDS[backend][1])),
                      flush=True)
        if own is not None:
            drawn = draw_choices(list(own), list(own.values()))
            for pair in range(check):
                both = [("own choices re-seeded", own), ("drawn choices", drawn)]
                for name, choices in both if pair % 2 == 0 else both[::-1]:  # neither always second (the load drifts)
                    seed_choices(url, choices)
                    print(_night_line(f"check {pair + 1}: next night (refit)", f"process pool (2), {name}",
                                      refit_run(url, False)), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=("ingest", "writers", "pairs", "readback", "failover", "refit",
                                           "refit-many"))
    parser.add_argument("--writers", type=int, default=2, help="writers: writer processes (replicas)")
    parser.add_argument("--series", type=int, default=1000, help="refit-many: rooms (one series each)")
    parser.add_argument("--weeks", type=int, default=8, help="refit-many: weeks of hourly history")
    parser.add_argument("--first", default="pool,dask", help="refit-many: first nights to run (pool, dask or none)")
    parser.add_argument("--next", default="pool,dask", help="refit-many: next nights to run, --runs times each")
    parser.add_argument("--check", type=int, default=0,
                        help="refit-many: pairs of pool next nights with own and with drawn choices")
    parser.add_argument("--choices-out", default=None, help="refit-many: write the first night's choices here")
    parser.add_argument("--choices-from", default=None,
                        help="refit-many: no first night; choices drawn from this file's (see --choices-out)")
    parser.add_argument("--boards", type=int, default=3334)
    parser.add_argument("--interval", type=float, default=2.0, help="seconds between a board's state messages")
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--partitions", action="store_true",
                        help="writers: the energy section in partitions (AUTOVOLT_ENERGY_PARTITIONS)")
    parser.add_argument("--trees", default=str(ROOT),
                        help="pairs: comma-separated source trees to measure (e.g. a copy of main, then this one)")
    parser.add_argument("--interval1", type=float, default=None,
                        help="pairs: the report interval with 1 writer (default --interval: the same total rate)")
    parser.add_argument("--no-independent", action="store_true",
                        help="pairs: without the runs of 2 writers on databases of their own")
    parser.add_argument("--variants", default="plain,1,2",
                        help="ingest: which of plain, 1 (replica), 2 (replicas) to run, in this order")
    args = parser.parse_args()
    if args.what == "ingest":
        variants = {"plain": ("plain", 1, "-"), "1": ("1 replica", 1, "autovolt"), "2": ("2 replicas", 2, "autovolt")}
        for label, replicas, group in (variants[v] for v in args.variants.split(",")):
            runs = []
            for _ in range(args.runs):
                r = ingest_run(replicas, group, args.boards, args.seconds, args.warmup, args.interval)
                print(f"  {label}: {r['readings_per_s']:,.0f} readings/s (offered {r['offered_per_s']:,.0f}/s, "
                      f"load average {r['load']:.1f}); energy stored {r['energy_stored_wh']:,.1f} Wh, "
                      f"of the stored sequence {r['energy_sequence_wh']:,.1f} Wh", flush=True)
                runs.append(r["readings_per_s"])
            print(f"{label}: median {statistics.median(runs):,.0f} readings/s, {args.boards * 6:,} switches", flush=True)
    elif args.what == "readback":
        r = readback_run(args.boards, args.runs, args.partitions)
        print(f"read-back ({'4 partitions' if args.partitions else 'one section'}): CPU s per 10,000 rows read back: "
              f"writer {r['client']:.4f}, PostgreSQL {r['server']:.4f} (load average {r['load']:.1f})", flush=True)
    elif args.what == "failover":
        times = []
        for _ in range(args.runs):
            r = failover_run()
            print(f"  new leader after {r['seconds']:.2f} s (load average {r['load']:.1f})", flush=True)
            times.append(r["seconds"])
        print(f"failover: median {statistics.median(times):.2f} s, max {max(times):.2f} s ({args.runs} runs)")
    elif args.what == "writers":
        runs, cpus = [], []
        for _ in range(args.runs):
            r = writers_run(args.writers, args.boards, args.seconds, args.warmup, args.interval, args.partitions)
            print(f"  {args.writers} writer(s): {r['readings_per_s']:,.0f} readings/s (offered "
                  f"{r['offered_per_s']:,.0f}/s, load average {r['load']:.1f}, window after "
                  f"{r['settled_after_s']:.0f} s, {'steady' if r['steady'] else 'NOT steady'}); energy stored "
                  f"{r['energy_stored_wh']:,.1f} Wh, of the stored sequence {r['energy_sequence_wh']:,.1f} Wh; "
                  "CPU s per 10,000 readings: processes {:.3f} (writer threads {:.3f}), PostgreSQL {:.3f}, "
                  "processes + PostgreSQL {:.3f}".format(*r["cpu_per_10k"], r["cpu_per_10k"][0] + r["cpu_per_10k"][2]),
                  flush=True)
            st = r["steps_per_10k"]
            named = sum(v for k, v in st.items() if k in ("begin", "settle", "insert", "late", "end"))
            print("    writer thread per 10,000 readings: " + ", ".join(
                f"{k} {st.get(k, 0.0):.4f}" for k in ("convert", "commit", "begin", "refresh", "settle", "insert",
                                                       "late", "end"))
                  + f", updates+commit {st.get('commit', 0.0) - named:.4f}; transactions {st.get('commit#', 0):.1f}",
                  flush=True)
            runs.append(r["readings_per_s"])
            cpus.append(r["cpu_per_10k"][0] + r["cpu_per_10k"][2])
        print(f"{args.writers} writer(s): median {statistics.median(runs):,.0f} readings/s, "
              f"{statistics.median(cpus):.3f} CPU s per 10,000 readings (processes + PostgreSQL)", flush=True)
    elif args.what == "pairs":
        pairs([Path(t).resolve() for t in args.trees.split(",")], args.runs, args.boards, args.seconds, args.warmup,
              (args.interval1 or args.interval, args.interval), args.partitions, not args.no_independent)
    elif args.what == "refit-many":
        def backends(value: str) -> list[str]:
            return [b for b in value.split(",") if b and b != "none"]

        refit_many(args.series, args.weeks, backends(args.first), backends(args.next), args.runs, args.check,
                   args.choices_out, args.choices_from)
    else:
        from contextlib import ExitStack

        from autovolt.commands.demo import prepare_demo
        from pg_schema import private_schema

        with ExitStack() as stack:
            url = stack.enter_context(private_schema()).url
            print(prepare_demo(url, weeks=8, reset=True), flush=True)
            for label, dask in (("process pool (2)", False), ("Dask LocalCluster (2 workers)", True)):
                runs = []
                for _ in range(args.runs):
                    r = refit_run(url, dask)
                    print(f"  {label}: {r['series']} series in {r['seconds']:.1f} s ({r['statuses']}, "
                          f"load average {r['load']:.1f})", flush=True)
                    runs.append(r["seconds"])
                print(f"{label}: median {statistics.median(runs):.1f} s", flush=True)


if __name__ == "__main__":
    main()
