"""Run the whole service in one asyncio loop: HTTP API and every component that exists, until asked to stop."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import signal
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import uvicorn
from fastapi import APIRouter

from autovolt.api.context import ApiContext, UpdateHandler
from autovolt.api.readiness import database_check
from autovolt.http_api import ReadinessCheck, create_app
from autovolt.settings import Settings

log = logging.getLogger(__name__)


class PortInUse(RuntimeError):
    """The HTTP port is taken (often: the service already runs); nothing was started."""


def bind_http(port: int, host: str = "0.0.0.0") -> socket.socket:
    """Bind and listen on the HTTP port now, before any component starts, so a second service on the same port
    stops at once with PortInUse instead of starting devices and schedulers and failing later."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a restart may rebind over TIME_WAIT
    try:
        sock.bind((host, port))
        sock.listen(2048)  # listening at once: with SO_REUSEADDR only a listening socket keeps others out
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise PortInUse(f"port {port} is already in use (is the service already running?): stop that process "
                            f"or set AUTOVOLT_HTTP_PORT to a free port") from None
        raise PortInUse(f"cannot listen on port {port}: {exc.strerror or exc}") from None
    return sock


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
    # Routers with their own authentication, not under the API key (the terminal chat's loopback route).
    local_routers: list[APIRouter] = field(default_factory=list)
    telegram_handler: UpdateHandler | None = None
    leader_status: Callable[[], Any] | None = None

    def __post_init__(self) -> None:
        self.checks.setdefault("database", database_check(self.settings.effective_database_url))

    async def run(self, stop: asyncio.Event | None = None, duration_s: float | None = None,
                  sock: socket.socket | None = None) -> None:
        """Serve until `stop` is set (or SIGINT/SIGTERM, or `duration_s`). `sock`: the HTTP socket from
        `bind_http`; bound here, before any component starts, when not given."""
        sock = sock or bind_http(self.settings.http_port)
        stop = stop or asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, stop.set)
        context = ApiContext(settings=self.settings, checks=self.checks, routers=self.routers,
                             telegram_handler=self.telegram_handler, leader_status=self.leader_status)
        app = create_app(context=context)
        for router in self.local_routers:
            app.include_router(router)
        config = uvicorn.Config(app, host="0.0.0.0", port=self.settings.http_port,
                                log_level="warning", lifespan="off")
        server = uvicorn.Server(config)
        started: list[Component] = []
        try:
            for component in self.components:
                await component.start()
                started.append(component)
                log.info("component started", extra={"kv": {"component": component.name}})
            http_task = asyncio.create_task(server.serve(sockets=[sock]), name="http")
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
