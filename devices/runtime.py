"""Wiring for the service and the command line: a gateway on the configured broker, or, with no broker
configured, on an in-process bus shared with a simulated fleet (so the demo needs nothing installed).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import socket
from dataclasses import dataclass, field

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


def gateway_client_id(campus: Campus) -> str:
    """Stable per host, so the broker keeps our QoS 1 telemetry while we restart (persistent session)."""
    return f"autovolt-gw-{socket.gethostname()[:40]}"


def replica_transport(config: MqttConfig, client_id: str, share_group: str) -> MqttTransport:
    """One replica's broker client: shared subscriptions in `share_group` and a clean session. Mosquitto hands a
    shared message to a member whose session persists even while it is away, where it waits (or is lost when the
    session expires); with clean sessions a replica that dies leaves the group at once and the others get its
    share: only the messages on the wire to it when it died are lost."""
    return MqttTransport(config, client_id, clean_session=True, share_group=share_group)


async def start_devices(campus: Campus, mqtt_url: str | None, database_url: str | None = None, *,
                        timing: SimTiming = SimTiming(), confirm_timeout_s: float = 3.0,
                        client_id: str | None = None, share_group: str | None = None) -> DeviceRuntime:
    """Start the gateway (and its store writer when `database_url` is given). With `mqtt_url` None the fleet is
    simulated in-process; otherwise the boards (real or `autovolt simulate`) are on the broker. `share_group`:
    this process is one of several replicas (see `replica_transport`)."""
    writer = None
    if database_url:
        writer = IngestWriter(database_url, campus)
        await asyncio.to_thread(writer.start)  # reads the store: off the loop
    fleet = None
    if mqtt_url:
        transport = (replica_transport(MqttConfig.from_url(mqtt_url), client_id or gateway_client_id(campus), share_group)
                     if share_group else MqttTransport(MqttConfig.from_url(mqtt_url), client_id or gateway_client_id(campus)))
    else:
        bus = MemoryBus()
        transport = bus.transport()
        fleet = SimulatedFleet(campus, bus.transport(), timing)
    peer_seen = StoreLastSeen(database_url) if share_group and database_url else None
    gateway = Gateway(campus, transport, sink=writer, confirm_timeout_s=confirm_timeout_s, peer_seen=peer_seen)
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
