"""Operations endpoints, open without a key: liveness, readiness and the Prometheus exposition."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from autovolt.api.readiness import failure_reason
from autovolt.metrics import CONTENT_TYPE, exposition

router = APIRouter(tags=["ops"])
CHECK_TIMEOUT_S = 5.0


@router.get("/health")
async def health() -> dict[str, str]:
    """Liveness: the process answers."""
    return {"status": "ok"}


@router.get("/ready", responses={503: {"description": "Some dependency is not reachable; `failing` says which and why"}})
async def ready(request: Request) -> JSONResponse:
    """Readiness: every dependency answers (database, broker, speech engine...); 503 names those that do not."""
    checks = request.app.state.api.checks

    async def run(name: str) -> tuple[str, str | None]:
        try:
            return name, await asyncio.wait_for(checks[name](), CHECK_TIMEOUT_S)
        except TimeoutError:
            return name, f"no answer within {CHECK_TIMEOUT_S:.0f} s"
        except Exception as exc:  # a broken check means "not ready", never a 500
            return name, failure_reason(exc)

    results = await asyncio.gather(*(run(name) for name in checks))
    failures = {name: reason for name, reason in results if reason}
    replica = _replica(request.app.state.api.leader_status)
    if failures:
        return JSONResponse({"status": "unavailable", "failing": failures, **replica}, status_code=503)
    return JSONResponse({"status": "ready", "checks": sorted(checks), **replica})


def _replica(status_source) -> dict[str, object]:
    """Which replica answered and which one leads (a follower is ready too: it serves the API, bot and devices)."""
    if status_source is None:
        return {}
    status = status_source()
    return {"replica": status.replica, "leader": status.leader, "leading": status.leading}


@router.get("/metrics", response_class=Response, responses={200: {"content": {CONTENT_TYPE: {}}}})
async def metrics() -> Response:
    """Prometheus text exposition of every AutoVolt metric."""
    # Collectors read the store; keep that off the event loop.
    body = await run_in_threadpool(exposition)
    return Response(body, media_type=CONTENT_TYPE)
