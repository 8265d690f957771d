"""`autovolt simulate`: a fleet of simulated boards on the configured broker, behaving like the real firmware."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
from dataclasses import replace
from pathlib import Path

from autovolt.cli import UserError
from autovolt.settings import load_settings
from devices.mqtt import MqttConfig, MqttTransport, MqttUrlError
from devices.simulator import SimTiming, SimulatedFleet, synthetic_campus
from devices.transport import Will
from store.campus import Campus, CampusFileError, load_campus_file

DEMO_CAMPUS_FILE = Path(__file__).resolve().parent.parent / "demo" / "campus.yaml"


def register(subparsers: argparse._SubParsersAction) -> None:
    sim = subparsers.add_parser("simulate", help="run simulated AutoVolt/Tasmota boards on the configured MQTT broker")
    sim.add_argument("--boards", type=int, default=None,
                     help="how many boards (default: every board of the campus; beyond it, synthetic boards)")
    sim.add_argument("--protocol", choices=("autovolt", "tasmota"), default=None,
                     help="only boards of this protocol (default: both)")
    sim.add_argument("--campus", type=Path, default=None,
                     help="campus file whose boards to simulate (default: AUTOVOLT_CAMPUS_FILE, else the demo campus)")
    sim.add_argument("--state-interval", type=float, default=30.0, help="seconds between esp32/state (default 30)")
    sim.add_argument("--heartbeat-interval", type=float, default=30.0, help="seconds between heartbeats (default 30)")
    sim.add_argument("--tele-period", type=float, default=300.0, help="Tasmota telemetry period in seconds (default 300)")
    sim.add_argument("--for", dest="duration", type=float, default=None, help="stop after this many seconds")
    sim.set_defaults(func=cmd_simulate)


def _positive(value: float | None, flag: str) -> None:
    if value is not None and not value > 0:
        raise UserError(f"{flag} must be a positive number (got {value:g})")


def select_boards(campus: Campus, count: int | None, protocol: str | None) -> tuple[Campus, int]:
    """The campus to simulate: its boards (of `protocol`), topped up with synthetic boards to reach `count`.
    Returns the campus and the number of synthetic boards added."""
    boards = [b for b in campus.boards if protocol is None or b.protocol == protocol]
    if count is None or count <= len(boards):
        chosen = {b.id for b in boards[:count]}
        kept = tuple(b for b in campus.boards if b.id in chosen)
        return replace(campus, boards=kept, switches=tuple(s for s in campus.switches if s.board_id in chosen)), 0
    extra = synthetic_campus(count - len(boards), protocol or "autovolt")
    ids = {b.id for b in boards}
    return replace(campus, buildings=campus.buildings + extra.buildings, rooms=campus.rooms + extra.rooms,
                   boards=tuple(boards) + extra.boards,
                   switches=tuple(s for s in campus.switches if s.board_id in ids) + extra.switches), len(extra.boards)


def cmd_simulate(args: argparse.Namespace) -> int:
    settings = load_settings()
    if args.boards is not None and args.boards < 1:
        raise UserError(f"--boards must be at least 1 (got {args.boards})")
    for flag, value in (("--state-interval", args.state_interval), ("--heartbeat-interval", args.heartbeat_interval),
                        ("--tele-period", args.tele_period), ("--for", args.duration)):
        _positive(value, flag)
    if not settings.mqtt_url:
        raise UserError("AUTOVOLT_MQTT_URL is not set: without a broker the service simulates its fleet in-process "
                        "(autovolt demo); set it, e.g. mqtt://127.0.0.1:1883, to put simulated boards on a broker")
    path = args.campus or settings.campus_file or DEMO_CAMPUS_FILE
    try:
        campus = load_campus_file(path)
        config = MqttConfig.from_url(settings.mqtt_url)
    except (CampusFileError, MqttUrlError) as exc:
        raise UserError(str(exc)) from None
    campus, synthetic = select_boards(campus, args.boards, args.protocol)
    if not campus.boards:
        raise UserError(f"the campus in {path} has no {args.protocol or ''} boards to simulate".replace("  ", " "))
    timing = SimTiming(state_interval_s=args.state_interval, heartbeat_interval_s=args.heartbeat_interval,
                       tele_period_s=args.tele_period)
    note = f" ({synthetic} synthetic, not in the campus file)" if synthetic else ""
    print(f"simulating {len(campus.boards)} boards{note} on {config.describe}; Ctrl-C to stop", flush=True)
    asyncio.run(_simulate(campus, config, timing, args.duration))
    return 0


async def _simulate(campus: Campus, config: MqttConfig, timing: SimTiming, duration: float | None) -> None:
    will = Will("esp32/status", b"offline") if any(b.protocol == "autovolt" for b in campus.boards) else None
    transport = MqttTransport(config, will=will, clean_session=True)
    fleet = SimulatedFleet(campus, transport, timing)
    await fleet.start()
    if not await transport.wait_connected(10):
        print(f"broker {config.describe} not reachable yet; boards keep trying", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    with contextlib.suppress(asyncio.TimeoutError):
        await asyncio.wait_for(stop.wait(), duration)
    await fleet.stop()
