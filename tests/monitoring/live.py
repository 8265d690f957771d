"""The service as it runs (HTTP API, device gateway on a simulated fleet, metrics) in one event loop on a thread."""

from __future__ import annotations

import asyncio
import threading
import time

import uvicorn

from tests.api.support import free_port


class LiveService:
    """Serves `app` on a free port, with the demo campus's gateway and simulated fleet writing to the same store."""

    def __init__(self, app, database_url: str) -> None:
        self.app = app
        self.database_url = database_url
        self.port = free_port()
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                                    lifespan="off"))
        self.thread = threading.Thread(target=lambda: asyncio.run(self._main()), name="live-service", daemon=True)
        self.error: BaseException | None = None
        self.switched = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def _main(self) -> None:
        from autovolt.metrics import bind_gateway, record_switch_results, scheduler_job
        from devices.runtime import start_devices
        from devices.simulator import SimTiming
        from store.db import session_scope
        from store.registry import load_registry

        with session_scope(self.database_url) as session:
            campus = load_registry(session)
        runtime = await start_devices(campus, None, self.database_url,
                                      timing=SimTiming(state_interval_s=1.0, heartbeat_interval_s=1.0, tele_period_s=1.0))
        try:
            bind_gateway(runtime.gateway)
            serving = asyncio.create_task(self.server.serve())
            # A few real commands through the gateway, counted as the bot counts them.
            results = await runtime.gateway.switch(["cr-101-lights", "cr-101-fans", "lab-3-soldering"], True)
            record_switch_results(results)
            with scheduler_job("metrics-smoke", 60):
                await asyncio.sleep(0)
            self.switched.set()
            await serving
        except BaseException as exc:  # surfaced to the test instead of dying silently in the thread
            self.error = exc
            self.switched.set()
        finally:
            await runtime.stop()

    def __enter__(self) -> "LiveService":
        self.thread.start()
        deadline = time.monotonic() + 30
        while not (self.server.started and self.switched.is_set()):
            if self.error or time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError(f"live service did not start: {self.error!r}")
            time.sleep(0.05)
        if self.error:
            raise RuntimeError(f"live service failed: {self.error!r}")
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(15)
