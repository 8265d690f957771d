"""Ingest throughput: 1,000 simulated boards (another process) -> Mosquitto -> gateway -> SQLite / PostgreSQL.

    .venv/bin/python bench/devices_ingest.py [--db sqlite|postgres|both] [--runs 3] [--seconds 20]

Each board publishes its 6-relay `esp32/state` every `--interval` seconds (6 readings per message). The figure is the
rate of readings committed to the database over the measured window, after a warm-up; median of the runs.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time

from devices_common import Broker, database, rss_mib, spawn_fleet

from devices.gateway import Gateway
from devices.ingest import IngestWriter
from devices.mqtt import MqttConfig, MqttTransport
from devices.simulator import synthetic_campus


async def one_run(kind: str, boards: int, interval: float, seconds: float, warmup: float) -> dict:
    campus = synthetic_campus(boards)
    broker = Broker()
    tmp = tempfile.mkdtemp(prefix="bench-ingest-")
    url, cleanup = database(kind, campus, tmp)
    writer = IngestWriter(url, campus)
    writer.start()
    gateway = Gateway(campus, MqttTransport(MqttConfig.from_url(broker.url), clean_session=True), sink=writer)
    await gateway.start()
    await gateway.transport.wait_connected(10)
    fleet = spawn_fleet(broker.url, boards, interval, warmup + seconds + 5)
    try:
        await asyncio.sleep(warmup)
        w0, m0, t0 = writer.stats.readings_written, gateway.stats.messages, time.perf_counter()
        await asyncio.sleep(seconds)
        w1, m1, t1 = writer.stats.readings_written, gateway.stats.messages, time.perf_counter()
        backlog = writer.stats.readings_queued - writer.stats.readings_written
    finally:
        fleet.terminate()
        fleet.wait(10)
        await gateway.stop()
        writer.close()
        cleanup()
        broker.stop()
    return {"readings_per_s": (w1 - w0) / (t1 - t0), "messages_per_s": (m1 - m0) / (t1 - t0),
            "offered_per_s": boards * 6 / interval, "backlog_at_end": backlog, "rss_mib": rss_mib(),
            "errors": writer.stats.write_errors}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--boards", type=int, default=1000)
    parser.add_argument("--interval", type=float, default=0.25, help="seconds between a board's state messages")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    kinds = ("sqlite", "postgres") if args.db == "both" else (args.db,)
    for kind in kinds:
        runs = [asyncio.run(one_run(kind, args.boards, args.interval, args.seconds, args.warmup)) for _ in range(args.runs)]
        for r in runs:
            print(f"  {kind}: {r['readings_per_s']:,.0f} readings/s ({r['messages_per_s']:,.0f} msg/s, offered "
                  f"{r['offered_per_s']:,.0f}/s, backlog {r['backlog_at_end']}, errors {r['errors']})", flush=True)
        med = statistics.median(r["readings_per_s"] for r in runs)
        print(f"{kind}: median {med:,.0f} readings/s sustained from {args.boards} boards over {args.seconds:g} s "
              f"({args.runs} runs)", flush=True)


if __name__ == "__main__":
    main()
