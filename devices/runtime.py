"""Wiring for the service and the command line: a gateway on the configured broker, or, with no broker
configured, on an in-process bus shared with a simulated fleet (so the demo needs nothing installed).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import socket
import uuid
from collections.abc import Sequence
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
    """How a process appears to the broker: `client_id`, `clean_session` (False: the broker keeps QoS 1 messages
    for us while we are away) and `share_group`. Two connections with one id take each other over, again and again."""

    client_id: str
    clean_session: bool
    share_group: str | None = None  # replicas: the MQTT 5 shared-subscription group this client joins


def gateway_identity(role: str = SERVICE, *, replica_id: str | None = None,
                     share_group: str | None = None) -> ClientIdentity:
    """The one place client ids are derived.
    - The service, one of several replicas (`share_group` set, AUTOVOLT_MQTT_SHARE_GROUP): `autovolt-gw-<replica>`
      with a clean session (see `replica_transport` for why), so replicas never take each other's connection over.
    - A single service: an id stable per host, so its persistent session survives restarts.
    - Every other role (the terminal chat): an id of its own per process and a clean session, so it never takes
      over the service's connection (or its queued telemetry); it never joins the share group."""
    host = socket.gethostname()[:40]
    if role == SERVICE and share_group:
        replica = replica_id or f"{host}-{os.getpid()}"
        return ClientIdentity(f"autovolt-gw-{replica}"[:128], clean_session=True, share_group=share_group)
    if role == SERVICE:
        return ClientIdentity(f"autovolt-gw-{host}", clean_session=False)
    return ClientIdentity(f"autovolt-{role}-{host}-{os.getpid()}-{uuid.uuid4().hex[:6]}", clean_session=True)


def replica_transport(config: MqttConfig, client_id: str, share_group: str) -> MqttTransport:
    """One replica's broker client: shared subscriptions in `share_group` and a clean session. Mosquitto hands a
    shared message to a member whose session persists even while it is away, where it waits (or is lost when the
    session expires); with clean sessions a replica that dies leaves the group at once and the others get its
    share: only the messages on the wire to it when it died are lost."""
    return MqttTransport(config, client_id, clean_session=True, share_group=share_group)


async def start_devices(campus: Campus, mqtt_url: str | None, database_url: str | None = None, *,
                        timing: SimTiming = SimTiming(), confirm_timeout_s: float = 3.0,
                        client_id: str | None = None, role: str = SERVICE, spool_dir: Path | None = None,
                        replica_id: str | None = None, share_group: str | None = None,
                        energy_partitions: bool = False) -> DeviceRuntime:
    """Start the gateway (and its store writer when `database_url` is given). With `mqtt_url` None the fleet is
    simulated in-process; otherwise the boards (real or `autovolt simulate`) are on the broker. `role` CHAT: a
    session of its own, and telemetry is not stored (the service stores it; two writers would count it twice).
    `spool_dir`: where readings the database refused are kept durably until it takes them (store.spool).
    `replica_id`, `share_group`: this service is one of several replicas (`gateway_identity`, `replica_transport`).
    `energy_partitions`: the writer's energy section in partitions (devices/stored_energy.py)."""
    writer = None
    if database_url and (role == SERVICE or not mqtt_url):
        writer = IngestWriter(database_url, campus, spool_path=spool_dir / "readings.jsonl" if spool_dir else None,
                              energy_partitions=energy_partitions)
        await asyncio.to_thread(writer.start)  # reads the store: off the loop
    fleet = None
    if mqtt_url:
        identity = gateway_identity(role, replica_id=replica_id, share_group=share_group)
        config = MqttConfig.from_url(mqtt_url)
        transport = (replica_transport(config, client_id or identity.client_id, identity.share_group)
                     if identity.share_group else
                     MqttTransport(config, client_id or identity.client_id, clean_session=identity.clean_session))
    else:
        bus = MemoryBus()
        transport = bus.transport()
        fleet = SimulatedFleet(campus, bus.transport(), timing)
    replica = role == SERVICE and share_group and database_url
    gateway = Gateway(campus, transport, sink=writer, confirm_timeout_s=confirm_timeout_s,
                      peer_seen=StoreLastSeen(database_url) if replica else None,
                      peer_states=StoredSwitchStates(database_url) if replica else None)
    if database_url:
        await asyncio.to_thread(_seed, gateway, database_url)
    await gateway.start()
    if fleet is not None:
        await fleet.start()
    return DeviceRuntime(gateway, writer, fleet)


class StoreLastSeen:
    """Boards' last-seen times in the store that changed since the previous call (replicas: what the others heard)."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.since: dt.datetime | None = None

    def __call__(self) -> dict[str, dt.datetime]:
        query = select(m.Board.id, m.Board.last_seen).where(m.Board.last_seen.is_not(None))
        if self.since is not None:
            query = query.where(m.Board.last_seen > self.since)
        with session_scope(self.database_url) as session:
            rows = dict(session.execute(query).all())
        if rows:
            # Replicas write with their own clocks and batches: look back a little (older times are ignored).
            self.since = max(rows.values()) - dt.timedelta(seconds=30)
        return rows


class StoredSwitchStates:
    """Switch states as last stored by any replica (the one the broker handed the board's report to)."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url

    def __call__(self, switch_ids: Sequence[str]) -> dict[str, bool | None]:
        with session_scope(self.database_url) as session:
            query = select(m.Switch.id, m.Switch.state).where(m.Switch.id.in_(list(switch_ids)))
            return dict(session.execute(query).all())


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
