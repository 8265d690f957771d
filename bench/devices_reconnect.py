"""Reconnection after a broker restart: how long after the broker is back the gateway is subscribed again, with
the default back-off (first try after 0.25 s, capped at 2 s) against the previous one (doubling to 30 s).

    .venv/bin/python bench/devices_reconnect.py [--runs 3] [--outages 5,15,30]

For each outage length a private Mosquitto (no persistence) is stopped for that long and started again; the figure
is the time from the broker accepting connections to the gateway's subscriptions being acknowledged. AutoVolt
boards retry every 5 s: what they publish before the gateway is back is lost on a broker without persistence.
Median of `--runs` runs; the load average is printed with each.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import time

from devices_common import Broker

from devices.gateway import Gateway
from devices.mqtt import Backoff, MqttConfig, MqttTransport
from devices.simulator import synthetic_campus

BACKOFFS = {"default (0.25 s, cap 2 s)": Backoff(), "previous (0.25 s, cap 30 s)": Backoff(0.25, 30.0)}


def restart(broker: Broker) -> None:
    broker.proc = subprocess.Popen(broker.proc.args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while True:
        try:
            socket.create_connection(("127.0.0.1", broker.port), 0.2).close()
            return
        except OSError:
            time.sleep(0.01)


async def one_run(backoff: Backoff, outage_s: float) -> float:
    broker = Broker()
    gateway = Gateway(synthetic_campus(4), MqttTransport(MqttConfig.from_url(broker.url), "bench-reconnect",
                                                         clean_session=False, backoff=backoff))
    await gateway.start()
    try:
        assert await gateway.transport.wait_connected(10)
        broker.stop()
        await asyncio.sleep(outage_s)
        await asyncio.to_thread(restart, broker)
        back = time.perf_counter()
        assert await gateway.transport.wait_connected(120)
        return time.perf_counter() - back
    finally:
        await gateway.stop()
        broker.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--outages", default="5,15,30")
    args = parser.parse_args()
    for outage in (float(x) for x in args.outages.split(",")):
        for name, backoff in BACKOFFS.items():
            lags = []
            for _ in range(args.runs):
                lags.append(asyncio.run(one_run(backoff, outage)))
                print(f"  outage {outage:g} s, {name}: back {lags[-1]:.2f} s after the broker "
                      f"(load {os.getloadavg()[0]:.1f})", flush=True)
            print(f"outage {outage:g} s, {name}: median {statistics.median(lags):.2f} s "
                  f"(runs {', '.join(f'{x:.2f}' for x in lags)})", flush=True)


if __name__ == "__main__":
    main()
