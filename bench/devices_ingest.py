"""Ingest throughput: 1,000 simulated boards (another process) -> Mosquitto -> gateway -> SQLite / PostgreSQL.

    .venv/bin/python bench/devices_ingest.py [--db sqlite|postgres|both] [--runs 3] [--seconds 20] [--publishers 2]
        [--mode live|backlog|both]

Each board publishes its 6-relay `esp32/state` every `--interval` seconds (6 readings per message) with QoS 1, from
`--publishers` processes. Figures are measured at the database (rows in `readings` counted by the database).

- live: the fleet publishes while the service ingests; rows at the end of a `--seconds` window minus at its start
  (after `--warmup`), divided by the window. Sustained only if the backlog at the end stays small.
- backlog: the service's own capacity, without the load generator competing for the CPU: the fleet publishes for
  `--seconds` while the service is away (the broker queues the messages in the service's persistent session),
  then the service starts and works through the queue; rows / time from connecting to the last row committed.

Median of `--runs` runs. The load average is printed with each run: other work on the machine competes for the
same two cores, and the per-thread CPU shows where the service's time goes.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid

import os

from devices_common import Broker, count_readings, database, rss_mib, spawn_fleet, stop_fleet, thread_cpu

from devices.gateway import Gateway
from devices.ingest import IngestWriter
from devices.mqtt import MqttConfig, MqttTransport
from devices.simulator import synthetic_campus


async def one_run(kind: str, boards: int, interval: float, seconds: float, warmup: float, publishers: int) -> dict:
    campus = synthetic_campus(boards)
    broker = Broker()
    tmp = tempfile.mkdtemp(prefix="bench-ingest-")
    url, cleanup = database(kind, campus, tmp)
    writer = IngestWriter(url, campus)
    writer.start()
    gateway = Gateway(campus, MqttTransport(MqttConfig.from_url(broker.url), clean_session=True), sink=writer)
    await gateway.start()
    await gateway.transport.wait_connected(10)
    fleet = spawn_fleet(broker.url, boards, interval, warmup + seconds + 10, publishers=publishers)
    try:
        await asyncio.sleep(warmup)
        c0 = await asyncio.to_thread(count_readings, url)
        m0, t0, cpu0 = gateway.stats.messages, time.perf_counter(), thread_cpu()
        backlog0 = writer.stats.readings_queued - writer.stats.readings_written
        await asyncio.sleep(seconds)
        c1 = await asyncio.to_thread(count_readings, url)
        m1, t1, cpu1 = gateway.stats.messages, time.perf_counter(), thread_cpu()
        backlog = writer.stats.readings_queued - writer.stats.readings_written
        load = os.getloadavg()[0]
    finally:
        stop_fleet(fleet)
        await gateway.stop()
        writer.close()
        cleanup()
        broker.stop()
    return {"readings_per_s": (c1 - c0) / (t1 - t0), "messages_per_s": (m1 - m0) / (t1 - t0), "load": load,
            "offered_per_s": boards * 6 / interval, "backlog_at_end": backlog, "backlog_at_start": backlog0,
            "rss_mib": rss_mib(), "errors": writer.stats.write_errors,
            "cpu": {k: (v - cpu0.get(k, 0.0)) / (t1 - t0) for k, v in cpu1.items() if v - cpu0.get(k, 0.0) > 0.01}}


async def backlog_run(kind: str, boards: int, interval: float, seconds: float, publishers: int) -> dict:
    campus = synthetic_campus(boards)
    broker = Broker()
    url, cleanup = database(kind, campus, tempfile.mkdtemp(prefix="bench-ingest-"))
    config = MqttConfig.from_url(broker.url)
    client_id = f"bench-gw-{uuid.uuid4().hex[:8]}"
    writer = None
    gateway = Gateway(campus, MqttTransport(config, client_id, clean_session=False))
    try:
        await gateway.start()  # registers the persistent session and its subscriptions, then goes away
        await gateway.transport.wait_connected(10)
        await gateway.stop()
        fleet = spawn_fleet(broker.url, boards, interval, seconds, publishers=publishers)
        await asyncio.to_thread(lambda: [p.wait() for p in fleet])  # each flushes its messages to the broker
        writer = IngestWriter(url, campus)
        writer.start()
        gateway = Gateway(campus, MqttTransport(config, client_id, clean_session=False), sink=writer)
        c0 = await asyncio.to_thread(count_readings, url)
        t0, cpu0 = time.perf_counter(), thread_cpu()
        await gateway.start()
        last_change, last_count, quiet_since = t0, c0, time.perf_counter()
        while time.perf_counter() - quiet_since < 2.0:
            await asyncio.sleep(0.1)
            count = writer.stats.readings_written
            if count != last_count:
                last_change, last_count, quiet_since = time.perf_counter(), count, time.perf_counter()
        cpu1 = thread_cpu()
        c1 = await asyncio.to_thread(count_readings, url)
        elapsed = last_change - t0
        load = os.getloadavg()[0]
    finally:
        await gateway.stop()
        if writer is not None:
            writer.close()
        cleanup()
        broker.stop()
    return {"readings_per_s": (c1 - c0) / elapsed, "messages_per_s": gateway.stats.messages / elapsed, "load": load,
            "readings": c1 - c0, "elapsed": elapsed, "errors": writer.stats.write_errors if writer else 0,
            "cpu": {k: (v - cpu0.get(k, 0.0)) / elapsed for k, v in cpu1.items() if v - cpu0.get(k, 0.0) > 0.01}}


def cpu_text(r: dict) -> str:
    return ", ".join(f"{k} {v:.2f}" for k, v in sorted(r["cpu"].items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--mode", choices=("live", "backlog", "both"), default="both")
    parser.add_argument("--boards", type=int, default=1000)
    parser.add_argument("--interval", type=float, default=0.25, help="seconds between a board's state messages")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--publishers", type=int, default=2, help="processes publishing the fleet's messages")
    args = parser.parse_args()
    kinds = ("sqlite", "postgres") if args.db == "both" else (args.db,)
    modes = ("live", "backlog") if args.mode == "both" else (args.mode,)
    for kind in kinds:
        for mode in modes:
            runs = []
            for _ in range(args.runs):
                if mode == "live":
                    r = asyncio.run(one_run(kind, args.boards, args.interval, args.seconds, args.warmup,
                                            args.publishers))
                    print(f"  {kind} live: {r['readings_per_s']:,.0f} readings/s ({r['messages_per_s']:,.0f} msg/s, "
                          f"offered {r['offered_per_s']:,.0f}/s, writer backlog {r['backlog_at_start']:,} -> "
                          f"{r['backlog_at_end']:,}, errors "
                          f"{r['errors']}, load average {r['load']:.1f}; cores by thread: {cpu_text(r)})", flush=True)
                else:
                    r = asyncio.run(backlog_run(kind, args.boards, args.interval, args.seconds, args.publishers))
                    print(f"  {kind} backlog: {r['readings_per_s']:,.0f} readings/s ({r['readings']:,} readings in "
                          f"{r['elapsed']:.1f} s, errors {r['errors']}, load average {r['load']:.1f}; cores by "
                          f"thread: {cpu_text(r)})", flush=True)
                runs.append(r)
            med = statistics.median(r["readings_per_s"] for r in runs)
            what = "sustained while the fleet publishes" if mode == "live" else "working through a queued backlog"
            print(f"{kind} {mode}: median {med:,.0f} readings/s from {args.boards} boards, {what} "
                  f"({args.runs} runs of {args.seconds:g} s)", flush=True)


if __name__ == "__main__":
    main()
