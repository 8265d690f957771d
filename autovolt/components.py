"""Service components that belong to no single package: they adapt a package's runtime to start()/stop()."""

from __future__ import annotations

import logging
from pathlib import Path

from devices.gateway import Gateway
from devices.runtime import DeviceRuntime, start_devices
from store.campus import Campus

log = logging.getLogger(__name__)


class DevicesComponent:
    """The device gateway: on the configured broker, or with an in-process simulated fleet when none is set."""

    name = "devices"

    def __init__(self, campus: Campus, mqtt_url: str | None, database_url: str, spool_dir: Path | None = None, *,
                 share_group: str | None = None, replica_id: str | None = None,
                 energy_partitions: bool = False) -> None:
        self.campus = campus
        self.mqtt_url = mqtt_url
        self.database_url = database_url
        self.spool_dir = spool_dir  # readings the database refused wait here (store.spool)
        self.share_group = share_group  # replicas: the MQTT 5 shared-subscription group
        self.replica_id = replica_id
        self.energy_partitions = energy_partitions  # the writers' energy section in partitions (PostgreSQL)
        self.runtime: DeviceRuntime | None = None

    @property
    def gateway(self) -> Gateway | None:
        return self.runtime.gateway if self.runtime else None

    async def start(self) -> None:
        from autovolt.metrics import bind_gateway

        # The client id and session follow from the role (devices.runtime.gateway_identity).
        self.runtime = await start_devices(self.campus, self.mqtt_url, self.database_url, spool_dir=self.spool_dir,
                                           replica_id=self.replica_id, share_group=self.share_group,
                                           energy_partitions=self.energy_partitions)
        bind_gateway(self.runtime.gateway)
        mode = "broker" if self.mqtt_url else "simulated fleet (no AUTOVOLT_MQTT_URL set)"
        log.info("devices ready", extra={"kv": {"mode": mode, "boards": len(self.campus.boards)}})

    async def stop(self) -> None:
        if self.runtime is not None:
            await self.runtime.stop()

    async def ready(self) -> str | None:
        """Readiness: the broker connection is up (always true for the in-process fleet)."""
        if self.runtime is None:
            return "not started"
        connected = getattr(self.runtime.gateway.transport, "connected", True)
        return None if connected else "MQTT broker not connected"
