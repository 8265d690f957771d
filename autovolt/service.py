"""Run the whole service in one asyncio loop: HTTP API and every component that exists, until asked to stop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from dataclasses import dataclass, field
from collections.abc import Callable
from typing import Any, Protocol

import uvicorn
from fastapi import APIRouter
from sqlalchemy import text

from autovolt.api.context import ApiContext, UpdateHandler
from autovolt.http_api import ReadinessCheck, create_app
from autovolt.settings import Settings
from store.db import get_engine

log = logging.getLogger(__name__)


class Component(Protocol):
    """A long-running part of the service (device gateway, bot, scheduler)."""

    name: str

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


@dataclass
class Service:
    settings: Settings
    components: list[Component] = field(default_factory=list)
    checks: dict[str, ReadinessCheck] = field(default_factory=dict)
    # Routers other packages mount under the API key (the Alertmanager webhook), and the bot's webhook entry point.
    routers: list[APIRouter] = field(default_factory=list)
    telegram_handler: UpdateHandler | None = None
    leader_status: Callable[[], Any] | None = None

    def __post_init__(self) -> None:
        self.checks.setdefault("database", self._database_ready)

    async def _database_ready(self) -> str | None:
        def probe() -> None:
            with get_engine(self.settings.effective_database_url).connect() as conn:
                conn.execute(text("SELECT 1"))
        try:
            await asyncio.to_thread(probe)
        except Exception as exc:  # any driver error means "not ready"; the reason is reported, not raised
            return f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
        return None

    async def run(self, stop: asyncio.Event | None = None, duration_s: float | None = None) -> None:
        stop = stop or asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, stop.set)
        context = ApiContext(settings=self.settings, checks=self.checks, routers=self.routers,
                             telegram_handler=self.telegram_handler, leader_status=self.leader_status)
        config = uvicorn.Config(create_app(context=context), host="0.0.0.0", port=self.settings.http_port,
                                log_level="warning", lifespan="off")
        server = uvicorn.Server(config)
        started: list[Component] = []
        try:
            for component in self.components:
                await component.start()
                started.append(component)
                log.info("component started", extra={"kv": {"component": component.name}})
            http_task = asyncio.create_task(server.serve(), name="http")
            log.info("service running", extra={"kv": {"http_port": self.settings.http_port}})
            waiters = [asyncio.create_task(stop.wait()), http_task]
            if duration_s is not None:
                waiters.append(asyncio.create_task(asyncio.sleep(duration_s)))
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
            if http_task.done() and http_task.exception():
                raise http_task.exception()  # type: ignore[misc]
        finally:
            server.should_exit = True
            for component in reversed(started):
                with contextlib.suppress(Exception):
                    await component.stop()
            for task in asyncio.all_tasks() - {asyncio.current_task()}:
                if task.get_name() == "http":
                    with contextlib.suppress(Exception):
                        await asyncio.wait_for(task, 5)
            log.info("service stopped")
