"""Wiring for the service and the command line: a gateway on the configured broker, or, with no broker
configured, on an in-process bus shared with a simulated fleet (so the demo needs nothing installed).
"""

from __future__ import annotations

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


async def start_devices(campus: Campus, mqtt_url: str | None, database_url: str | None = None, *,
                        timing: SimTiming = SimTiming(), confirm_timeout_s: float = 3.0,
                        client_id: str | None = None) -> DeviceRuntime:
    """Start the gateway (and its store writer when `database_url` is given). With `mqtt_url` None the fleet is
    simulated in-process; otherwise the boards (real or `autovolt simulate`) are on the broker."""
    writer = None
    if database_url:
        writer = IngestWriter(database_url, campus)
        writer.start()
    fleet = None
    if mqtt_url:
        transport = MqttTransport(MqttConfig.from_url(mqtt_url), client_id or gateway_client_id(campus))
    else:
        bus = MemoryBus()
        transport = bus.transport()
        fleet = SimulatedFleet(campus, bus.transport(), timing)
    gateway = Gateway(campus, transport, sink=writer, confirm_timeout_s=confirm_timeout_s)
    if database_url:
        _seed(gateway, database_url)
    await gateway.start()
    if fleet is not None:
        await fleet.start()
    return DeviceRuntime(gateway, writer, fleet)


def _seed(gateway: Gateway, database_url: str) -> None:
    try:
        with session_scope(database_url) as session:
            states = dict(session.execute(select(m.Switch.id, m.Switch.state)).all())
        # Liveness is not seeded: after a long restart every board would look offline until its next message.
        gateway.seed_states(states)
    except Exception as exc:
        log.warning("could not read last known states from the store", extra={"kv": {"error": type(exc).__name__}})
