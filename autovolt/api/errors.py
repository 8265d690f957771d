"""Error answers: every failure is JSON with a one-line `detail`; validation errors list each field's problem."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from autovolt.api.context import Unavailable
from autovolt.api.readiness import failure_reason

# What SQLAlchemy raises when the database is down or unreachable (not a bug of ours): answered 503, like /ready.
DATABASE_DOWN = (OperationalError, InterfaceError, DisconnectionError, PoolTimeout)

log = logging.getLogger(__name__)


def _where(loc: tuple | list) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")] or [str(p) for p in loc]
    return ".".join(parts) or "request"


def describe_validation(exc: RequestValidationError) -> tuple[str, list[dict[str, str]]]:
    problems = []
    for error in exc.errors():
        message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
        problems.append({"field": _where(error.get("loc", ())), "message": message})
    line = "; ".join(f"{p['field']}: {p['message']}" for p in problems[:5])
    if len(problems) > 5:
        line += f"; and {len(problems) - 5} more"
    return line, problems


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        line, problems = describe_validation(exc)
        return JSONResponse({"detail": line, "errors": problems}, status_code=422)

    @app.exception_handler(Unavailable)
    async def _unavailable(request: Request, exc: Unavailable) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=503)

    async def _database_down(request: Request, exc: Exception) -> JSONResponse:
        reason = failure_reason(exc)
        log.warning("database unavailable", extra={"kv": {"path": request.url.path, "reason": reason}})
        return JSONResponse({"detail": f"the database is not reachable; try again later ({reason})",
                             "failing": {"database": reason}}, status_code=503, headers={"Retry-After": "30"})

    for kind in DATABASE_DOWN:
        app.add_exception_handler(kind, _database_down)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # A bug: logged with its traceback for the operator; the client gets one line, no internals.
        log.exception("unhandled error in HTTP API", extra={"kv": {"path": request.url.path}})
        return JSONResponse({"detail": "internal error; the operator's log has the details"}, status_code=500)
