"""Wiring for the service and the command line: a gateway on the configured broker, or, with no broker
configured, on an in-process bus shared with a simulated fleet (so the demo needs nothing installed).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from devices.gateway import Gateway
from devices.ingest import IngestWriter
from devices.mqtt import MqttConfig, MqttTransport
from devices.simulator import SimTiming, SimulatedFleet
from devices.transport import MemoryBus
from store import models as m
from store.campus import Campus
from store.db import session_scope

log = logging.getLogger(__name__)


@dataclass
class DeviceRuntime:
    """What `start_devices` built: the gateway, its ingest writer (if storing), and the simulated fleet (if any)."""

    gateway: Gateway
    writer: IngestWriter | None = None
    fleet: SimulatedFleet | None = None
    extras: list = field(default_factory=list)

    async def stop(self) -> None:
        await self.gateway.stop()
        if self.fleet is not None:
            await self.fleet.stop()
        if self.writer is not None:
            self.writer.close()


SERVICE = "service"  # `autovolt serve`: stores telemetry, keeps a persistent session
CHAT = "chat"  # `autovolt chat` and other short-lived tools: commands and states only, a session of its own


@dataclass(frozen=True)
class ClientIdentity:
    """How a process appears to the broker: `client_id`, and `clean_session` (False: the broker keeps QoS 1
    messages for us while we are away). Two connections with one id take each other over, again and again."""

    client_id: str
    clean_session: bool


def gateway_identity(role: str = SERVICE) -> ClientIdentity:
    """The one place client ids are derived. The service's id is stable per host, so its persistent session
    survives restarts; every other process gets an id of its own and a clean session, so it never takes over the
    service's connection (or its queued telemetry). To run several services on one host, extend this."""
    host = socket.gethostname()[:40]
    if role == SERVICE:
        return ClientIdentity(f"autovolt-gw-{host}", clean_session=False)
    return ClientIdentity(f"autovolt-{role}-{host}-{os.getpid()}-{uuid.uuid4().hex[:6]}", clean_session=True)


async def start_devices(campus: Campus, mqtt_url: str | None, database_url: str | None = None, *,
                        timing: SimTiming = SimTiming(), confirm_timeout_s: float = 3.0,
                        client_id: str | None = None, role: str = SERVICE,
                        spool_dir: Path | None = None) -> DeviceRuntime:
    """Start the gateway (and its store writer when `database_url` is given). With `mqtt_url` None the fleet is
    simulated in-process; otherwise the boards (real or `autovolt simulate`) are on the broker. `role` CHAT: a
    session of its own, and telemetry is not stored (the service stores it; two writers would count it twice).
    `spool_dir`: where readings the database refused are kept durably until it takes them (store.spool)."""
    writer = None
    if database_url and (role == SERVICE or not mqtt_url):
        writer = IngestWriter(database_url, campus, spool_path=spool_dir / "readings.jsonl" if spool_dir else None)
        await asyncio.to_thread(writer.start)  # reads the store: off the loop
    fleet = None
    if mqtt_url:
        identity = gateway_identity(role)
        transport = MqttTransport(MqttConfig.from_url(mqtt_url), client_id or identity.client_id,
                                  clean_session=identity.clean_session)
    else:
        bus = MemoryBus()
        transport = bus.transport()
        fleet = SimulatedFleet(campus, bus.transport(), timing)
    gateway = Gateway(campus, transport, sink=writer, confirm_timeout_s=confirm_timeout_s)
    if database_url:
        await asyncio.to_thread(_seed, gateway, database_url)
    await gateway.start()
    if fleet is not None:
        await fleet.start()
    return DeviceRuntime(gateway, writer, fleet)


def _seed(gateway: Gateway, database_url: str) -> None:
    """Restore what the store knows: switch states (and when they changed), boards' last-seen times and online
    flags. Liveness then continues across a restart: a board offline before it is refused at once, a board online
    before it gets one offline window to speak up (see `LivenessTracker.seed`)."""
    try:
        with session_scope(database_url) as session:
            switches = session.execute(select(m.Switch.id, m.Switch.state, m.Switch.state_changed_at)).all()
            boards = session.execute(select(m.Board.id, m.Board.last_seen, m.Board.online)).all()
    except Exception as exc:
        log.warning("could not read last known states from the store", extra={"kv": {"error": type(exc).__name__}})
        return
    gateway.seed_states({sid: state for sid, state, _ in switches},
                        last_seen={bid: seen for bid, seen, _ in boards if seen is not None},
                        changed_at={sid: at for sid, _, at in switches},
                        online={bid: bool(up) for bid, _, up in boards})
    kv = {"switches": sum(1 for s in switches if s[1] is not None),
          "boards_seen_before": sum(1 for b in boards if b[1] is not None)}
    log.info("restored device state from the store", extra={"kv": kv})
