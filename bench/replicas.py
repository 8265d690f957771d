"""Replicas (issue 17): ingest with 1 and 2 replicas, the cost of coordination, failover time, refit on Dask.

    .venv/bin/python bench/replicas.py ingest [--boards 3334] [--runs 3] [--seconds 15]
    .venv/bin/python bench/replicas.py failover [--runs 5]
    .venv/bin/python bench/replicas.py refit [--runs 3]

ingest: a simulated fleet of `--boards` AutoVolt boards x 6 relays (3,334 boards = 20,004 switches), in publisher
processes, floods a private Mosquitto; each replica is a process with the gateway and its ingest writer on one
PostgreSQL schema. Readings/s counted by the database over the window. Variants: "plain" (one process, MQTT 3.1.1,
no coordination, as before), "1 replica" and "2 replicas" (MQTT 5 shared subscription, the leader election and the
last-seen merge running in each replica). The cost of coordination = 1 - (1 replica / plain).
failover: a leader process (default 5 s checks) is killed with SIGKILL; time until a follower leads.
refit: the nightly refit of the demo campus's rooms on a 2-worker Dask LocalCluster vs the 2-process pool.
Median of `--runs`; the load average is printed with each run (other work shares the two cores).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
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
        fleet = spawn_fleet(broker.url, boards, interval, warmup + seconds + 10, publishers=2)
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
        cleanup()
        broker.stop()
    return {"readings_per_s": (c1 - c0) / (t1 - t0), "load": load, "offered_per_s": boards * 6 / interval}


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


def refit_run(url: str, dask: bool) -> dict:
    from distributed import LocalCluster

    from autovolt.model_refit import run_refit

    data_dir = Path(tempfile.mkdtemp(prefix="bench-refit-"))
    if dask:
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
            t0 = time.perf_counter()
            results = run_refit(url, data_dir, dask_scheduler=cluster.scheduler_address, now=None)
            took = time.perf_counter() - t0
    else:
        t0 = time.perf_counter()
        results = run_refit(url, data_dir, workers=2)
        took = time.perf_counter() - t0
    return {"seconds": took, "series": len(results), "load": os.getloadavg()[0],
            "statuses": sorted({r.status for r in results})}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=("ingest", "failover", "refit"))
    parser.add_argument("--boards", type=int, default=3334)
    parser.add_argument("--interval", type=float, default=2.0, help="seconds between a board's state messages")
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if args.what == "ingest":
        for label, replicas, group in (("plain", 1, "-"), ("1 replica", 1, "autovolt"), ("2 replicas", 2, "autovolt")):
            runs = []
            for _ in range(args.runs):
                r = ingest_run(replicas, group, args.boards, args.seconds, args.warmup, args.interval)
                print(f"  {label}: {r['readings_per_s']:,.0f} readings/s (offered {r['offered_per_s']:,.0f}/s, "
                      f"load average {r['load']:.1f})", flush=True)
                runs.append(r["readings_per_s"])
            print(f"{label}: median {statistics.median(runs):,.0f} readings/s, {args.boards * 6:,} switches", flush=True)
    elif args.what == "failover":
        times = []
        for _ in range(args.runs):
            r = failover_run()
            print(f"  new leader after {r['seconds']:.2f} s (load average {r['load']:.1f})", flush=True)
            times.append(r["seconds"])
        print(f"failover: median {statistics.median(times):.2f} s, max {max(times):.2f} s ({args.runs} runs)")
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
