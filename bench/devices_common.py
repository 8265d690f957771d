"""Shared pieces of the device benchmarks: a private Mosquitto, a fleet in a child process, database targets."""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# AUTOVOLT_BENCH_TREE: the source tree whose code a benchmark's child processes run (bench/replicas.py pairs
# measures another version under this harness); by default this one.
sys.path.insert(0, os.environ.get("AUTOVOLT_BENCH_TREE", str(ROOT)))

from sqlalchemy import create_engine, text  # noqa: E402

from devices.mqtt import MqttConfig, MqttTransport  # noqa: E402
from devices.simulator import SimTiming, SimulatedFleet, synthetic_campus  # noqa: E402
from store.db import session_scope, upgrade  # noqa: E402
from store.registry import sync_campus  # noqa: E402
from pg_schema import private_schema  # noqa: E402



def rss_mib() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def thread_cpu() -> dict[str, float]:
    """CPU seconds used so far by each thread of this process, by thread name (where the ingest time goes)."""
    import threading

    names = {t.native_id: t.name for t in threading.enumerate()}
    out: dict[str, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for tid in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{tid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        name = names.get(int(tid), "other")
        name = "paho" if name.startswith("paho") else "loop" if name == "MainThread" else name
        out[name] = out.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / tick
    return out


class Broker:
    """A private Mosquitto on a free port, so the benchmark neither disturbs nor is disturbed by other users."""

    def __init__(self) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.dir = tempfile.mkdtemp(prefix="bench-mqtt-")
        conf = Path(self.dir) / "mosquitto.conf"
        lines = [f"listener {self.port} 127.0.0.1", "allow_anonymous true", "log_dest none",
                 "max_queued_messages 1000000", "max_inflight_messages 1000",
                 "set_tcp_nodelay true"]
        if os.geteuid() == 0:
            lines.append("user root")
        conf.write_text("\n".join(lines) + "\n")
        self.proc = subprocess.Popen(["mosquitto", "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        self.url = f"mqtt://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


def database(kind: str, campus, tmpdir: str) -> tuple[str, callable]:
    """A fresh database with the campus loaded; returns (url, cleanup)."""
    if kind == "sqlite":
        url = f"sqlite:///{tmpdir}/bench-{uuid.uuid4().hex[:6]}.db"
        cleanup = lambda: None  # noqa: E731
    else:
        stack = contextlib.ExitStack()
        url = stack.enter_context(private_schema()).url
        cleanup = stack.close
    upgrade(url)
    with session_scope(url) as session:
        sync_campus(session, campus)
    return url, cleanup


def spawn_fleet(broker_url: str, boards: int, state_interval: float, seconds: float, protocol: str = "autovolt",
                publishers: int = 1, on_fraction: float = 0.0) -> list[subprocess.Popen]:
    """The simulated fleet in `publishers` child processes (each with its share of the boards and its own
    connection), as real boards are not in our process and one Python publisher must not be the bottleneck.
    `on_fraction`: the share of relays switched on from the start (a fixed draw), so there is energy to count."""
    procs = []
    for part in range(publishers):
        code = ("import asyncio,sys; sys.path.insert(0, %r); from devices_common import run_fleet; "
                "asyncio.run(run_fleet(%r, %d, %r, %r, %r, %d, %d, %r))" % (
                    str(ROOT / "bench"), broker_url, boards, state_interval, seconds, protocol, part, publishers,
                    on_fraction))
        procs.append(subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL))
    return procs


def stop_fleet(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        proc.terminate()
    for proc in procs:
        proc.wait(10)


async def run_fleet(broker_url: str, boards: int, state_interval: float, seconds: float, protocol: str,
                    part: int = 0, parts: int = 1, on_fraction: float = 0.0) -> None:
    campus = synthetic_campus(boards, protocol)
    timing = SimTiming(state_interval_s=state_interval, heartbeat_interval_s=30.0, tele_period_s=state_interval)
    mine = [b.id for b in campus.boards][part::parts]
    fleet = SimulatedFleet(campus, MqttTransport(MqttConfig.from_url(broker_url), clean_session=True), timing,
                           board_ids=mine)
    draw = random.Random(part)
    for board in fleet.boards.values():
        for relay in board.relays:
            board.relays[relay] = draw.random() < on_fraction
    await fleet.start()
    await asyncio.sleep(seconds)
    await fleet.stop()


def count_readings(url: str) -> int:
    """Rows in `readings`, counted by the database itself on a connection of its own."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.scalar(text("SELECT count(*) FROM readings"))
    finally:
        engine.dispose()
