"""Readiness checks the API adds for the dependencies it knows how to reach: the database, the MQTT broker and the
speech engine. `failure_reason` is the one-line reason both /ready and a request's 503 give."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

from autovolt.api.context import ApiContext, ReadinessCheck
from autovolt.logging_setup import scrub


def failure_reason(exc: BaseException) -> str:
    """One line naming the error and its first message line (never a traceback or a connection secret)."""
    lines = scrub(str(exc)).splitlines()  # /ready is open: no password or token may reach it
    first = lines[0][:200] if lines else ""
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__


def database_check(database_url: str) -> ReadinessCheck:
    """The database answers a trivial query."""

    def probe() -> None:
        from sqlalchemy import text

        from store.db import get_engine

        with get_engine(database_url).connect() as conn:
            conn.execute(text("SELECT 1"))

    async def check() -> str | None:
        try:
            await asyncio.to_thread(probe)
        except Exception as exc:  # any driver error means "not ready"; the reason is reported, not raised
            return failure_reason(exc)
        return None

    return check


def broker_check(mqtt_url: str, timeout_s: float = 2.0) -> ReadinessCheck:
    """The broker accepts TCP connections (the gateway's own session state is the devices package's business)."""
    parts = urlsplit(mqtt_url)
    host = parts.hostname or "127.0.0.1"
    port = parts.port or (8883 if parts.scheme == "mqtts" else 1883)

    async def check() -> str | None:
        try:
            _, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout_s)
        except (OSError, TimeoutError) as exc:
            return f"broker {host}:{port} not reachable: {type(exc).__name__}"
        writer.close()
        try:
            await writer.wait_closed()
        except OSError:
            pass
        return None

    return check


def speech_check(context: ApiContext) -> ReadinessCheck:
    """The speech engine loads (first call loads it, later calls are free)."""

    async def check() -> str | None:
        try:
            await asyncio.to_thread(context.speech)
        except Exception as exc:  # a missing or broken model is "not ready", with the engine's one-line reason
            return failure_reason(exc)
        return None

    return check
