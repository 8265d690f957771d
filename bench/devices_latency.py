"""Command-to-confirmed latency on loopback: gateway -> Mosquitto -> simulated AutoVolt board (another process)
-> switch_event -> gateway.

    .venv/bin/python bench/devices_latency.py [--commands 200] [--runs 3]

Latency is measured from publishing the command to receiving the board's confirmation (pacing waits excluded).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics

from devices_common import Broker, spawn_fleet, stop_fleet

from devices.gateway import Gateway
from devices.mqtt import MqttConfig, MqttTransport
from devices.simulator import synthetic_campus


async def one_run(commands: int, boards: int) -> list[float]:
    campus = synthetic_campus(boards)
    broker = Broker()
    fleet = spawn_fleet(broker.url, boards, 30.0, 600)
    gateway = Gateway(campus, MqttTransport(MqttConfig.from_url(broker.url), clean_session=True))
    await gateway.start()
    latencies: list[float] = []
    try:
        await gateway.transport.wait_connected(10)
        for _ in range(100):  # until the fleet has reported its state
            if all(gateway.state(s.id).on is not None for s in campus.switches):
                break
            await asyncio.sleep(0.1)
        # Interleave boards so that a board's own 150 ms pacing is not what we measure.
        switches = [s.id for _, s in sorted(enumerate(campus.switches), key=lambda p: (p[0] % 6, p[0]))]
        for i in range(commands):
            switch_id = switches[i % len(switches)]
            on = not gateway.state(switch_id).on
            result = (await gateway.switch([switch_id], on))[0]
            if result.ok and result.latency_s is not None:
                latencies.append(result.latency_s)
    finally:
        await gateway.stop()
        stop_fleet(fleet)
        broker.stop()
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--commands", type=int, default=200)
    parser.add_argument("--boards", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    medians = []
    for _ in range(args.runs):
        lat = asyncio.run(one_run(args.commands, args.boards))
        q = statistics.quantiles(lat, n=100)
        medians.append(statistics.median(lat))
        print(f"  {len(lat)}/{args.commands} confirmed; median {medians[-1] * 1000:.1f} ms, p95 {q[94] * 1000:.1f} ms, "
              f"max {max(lat) * 1000:.1f} ms", flush=True)
    print(f"command-to-confirmed: median of run medians {statistics.median(medians) * 1000:.1f} ms ({args.runs} runs)")


if __name__ == "__main__":
    main()
