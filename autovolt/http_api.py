"""The HTTP API served beside the bot: liveness and readiness now; the API issue adds the rest."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI
from fastapi.responses import JSONResponse

# A readiness check returns None when healthy, else a short reason.
ReadinessCheck = Callable[[], Awaitable[str | None]]


def create_app(checks: dict[str, ReadinessCheck]) -> FastAPI:
    app = FastAPI(title="AutoVolt Assistant", version="0.1.0")

    @app.get("/health", tags=["ops"])
    async def health() -> dict[str, str]:
        """Liveness: the process answers."""
        return {"status": "ok"}

    @app.get("/ready", tags=["ops"])
    async def ready() -> JSONResponse:
        """Readiness: every dependency answers; 503 names those that do not."""
        failures = {}
        for name, check in checks.items():
            reason = await check()
            if reason:
                failures[name] = reason
        if failures:
            return JSONResponse({"status": "unavailable", "failing": failures}, status_code=503)
        return JSONResponse({"status": "ready", "checks": sorted(checks)})

    return app
