"""Memory soak: the service side (gateway + ingest writer) under telemetry and commands for `--minutes`, with its
resident memory sampled from /proc/self/status.

    .venv/bin/python bench/devices_soak.py [--minutes 10] [--boards 500] [--interval 2] [--db sqlite|postgres]

Simulated boards (another process, private Mosquitto) publish 6-relay `esp32/state` every `--interval` s and
heartbeats; meanwhile commands (single and bulk, on and off) go to random switches and must be confirmed. RSS is
sampled every `--sample` s; after `--warmup` s (caches, connection pools and the boards' first messages settle),
growth is reported as end minus start and as the least-squares slope in MiB per minute.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import statistics
import tempfile
import time

from devices_common import Broker, database, rss_mib, spawn_fleet, stop_fleet

from devices.gateway import Gateway
from devices.ingest import IngestWriter
from devices.mqtt import MqttConfig, MqttTransport
from devices.simulator import synthetic_campus


def slope_per_minute(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of (seconds, MiB) points, in MiB per minute."""
    if len(points) < 2:
        return 0.0
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return 60 * sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / den if den else 0.0


async def commander(gateway: Gateway, switch_ids: list[str], period: float, tally: dict[str, int]) -> None:
    rng = random.Random(7)
    await asyncio.sleep(5)  # the boards' processes start and report first
    while True:
        await asyncio.sleep(period)
        picked = rng.sample(switch_ids, rng.choice((1, 1, 1, 6)))  # now and then a bulk command
        for result in await gateway.switch(picked, rng.random() < 0.5):
            tally[result.outcome.value] = tally.get(result.outcome.value, 0) + 1


async def soak(args: argparse.Namespace) -> dict:
    campus = synthetic_campus(args.boards)
    broker = Broker()
    url, cleanup = database(args.db, campus, tempfile.mkdtemp(prefix="bench-soak-"))
    writer = IngestWriter(url, campus)
    writer.start()
    gateway = Gateway(campus, MqttTransport(MqttConfig.from_url(broker.url), clean_session=True), sink=writer)
    await gateway.start()
    await gateway.transport.wait_connected(10)
    seconds = args.minutes * 60
    fleet = spawn_fleet(broker.url, args.boards, args.interval, seconds + 30)
    tally: dict[str, int] = {}
    command_task = asyncio.create_task(commander(gateway, [s.id for s in campus.switches], args.command_period, tally))
    samples: list[tuple[float, float]] = []
    start = time.monotonic()
    try:
        while (elapsed := time.monotonic() - start) < seconds:
            await asyncio.sleep(args.sample)
            elapsed = time.monotonic() - start
            gc.collect()
            samples.append((elapsed, rss_mib()))
            if len(samples) % max(1, int(60 / args.sample)) == 0:
                print(f"  {elapsed / 60:4.1f} min: RSS {samples[-1][1]:8.2f} MiB, {writer.stats.readings_written:,} "
                      f"readings written, commands {tally}", flush=True)
    finally:
        command_task.cancel()
        stop_fleet(fleet)
        await gateway.stop()
        writer.close()
        cleanup()
        broker.stop()
    window = [(t, r) for t, r in samples if t >= args.warmup]
    first, last = window[0][1], window[-1][1]
    return {"start_mib": first, "end_mib": last, "growth_mib": last - first, "max_mib": max(r for _, r in window),
            "slope_mib_per_min": slope_per_minute(window), "readings": writer.stats.readings_written,
            "commands": tally, "errors": writer.stats.write_errors, "messages": gateway.stats.messages}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--boards", type=int, default=500)
    parser.add_argument("--interval", type=float, default=2.0, help="seconds between a board's state messages")
    parser.add_argument("--command-period", type=float, default=0.5, help="seconds between commands")
    parser.add_argument("--sample", type=float, default=10.0, help="seconds between RSS samples")
    parser.add_argument("--warmup", type=float, default=60.0, help="seconds before the growth window starts")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    args = parser.parse_args()
    r = asyncio.run(soak(args))
    print(f"soak {args.minutes:g} min, {args.boards} boards, {args.db}: "
          f"RSS {r['start_mib']:.2f} -> {r['end_mib']:.2f} MiB "
          f"(growth {r['growth_mib']:+.2f} MiB, slope {r['slope_mib_per_min']:+.2f} MiB/min, max {r['max_mib']:.1f}); "
          f"{r['readings']:,} readings, {r['messages']:,} messages, commands {r['commands']}, "
          f"write errors {r['errors']}", flush=True)


if __name__ == "__main__":
    main()
