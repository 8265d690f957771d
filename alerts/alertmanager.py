"""`POST /api/alerts/alertmanager`: Alertmanager's webhook (payload version 4) into the same routing and noise
control as the scans.

Labels used: `alertname` (required), `severity` (critical/warning/info; page/error count as critical),
`device_id` (a switch or board id: its owners are told; the project's Prometheus rules say `board` or `switch`),
`room` (a room id or name: its faculty are told), `building` (id or name).
An alert with neither device nor room goes to the admins. `status: resolved` resolves the alert (and tells whoever
was told). The whole payload is applied in one transaction: a payload that fails validation changes nothing and
gets 400 with the reason.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from alerts.engine import AlertBook, NoCampus
from alerts.model import ALERTMANAGER, CRITICAL, INFO, WARNING, ScanResult, Signal
from store.campus import Campus

PATH = "/api/alerts/alertmanager"
MAX_ALERTS = 1000
_SEVERITY = {"critical": CRITICAL, "page": CRITICAL, "error": CRITICAL, "high": CRITICAL, "warning": WARNING,
             "warn": WARNING, "medium": WARNING, "info": INFO, "low": INFO, "none": INFO}


class PayloadError(ValueError):
    """The webhook payload cannot be used; the message is the one-line reason returned with the 400."""


class _Alert(BaseModel):
    model_config = ConfigDict(extra="ignore")

    status: str
    labels: dict[str, str]
    annotations: dict[str, str] = Field(default_factory=dict)
    startsAt: dt.datetime | None = None
    endsAt: dt.datetime | None = None
    fingerprint: str | None = None

    @field_validator("status")
    @classmethod
    def _status(cls, value: str) -> str:
        if value not in ("firing", "resolved"):
            raise ValueError(f"expected firing or resolved, got {value!r}")
        return value

    @field_validator("labels")
    @classmethod
    def _alertname(cls, value: dict[str, str]) -> dict[str, str]:
        if not value.get("alertname"):
            raise ValueError("the alertname label is required")
        return value


class _Payload(BaseModel):
    model_config = ConfigDict(extra="ignore")

    version: str
    status: str | None = None
    receiver: str | None = None
    groupKey: str | None = None
    alerts: list[_Alert] = Field(min_length=1, max_length=MAX_ALERTS)

    @field_validator("version")
    @classmethod
    def _version(cls, value: str) -> str:
        if value != "4":
            raise ValueError(f"unsupported webhook version {value!r}; expected \"4\"")
        return value


def parse_payload(raw: bytes) -> _Payload:
    """Decode and validate a webhook body; PayloadError with a one-line reason otherwise."""
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise PayloadError("body is not valid JSON") from None
    except RecursionError:
        raise PayloadError("body is nested too deeply to be an Alertmanager payload") from None
    try:
        # JSON may escape a lone surrogate (\\ud800) that no text column, log or message can carry.
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise PayloadError("body holds a lone surrogate escape (such as \\ud800): text must be valid Unicode") from None
    except RecursionError:
        raise PayloadError("body is nested too deeply to be an Alertmanager payload") from None
    if not isinstance(data, dict):
        raise PayloadError("expected a JSON object (Alertmanager webhook payload, version 4)")
    try:
        return _Payload.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "payload"
        extra = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise PayloadError(f"{where}: {str(err['msg']).removeprefix('Value error, ')}{extra}") from None


def request_schema() -> dict[str, Any]:
    """The payload's JSON schema with its sub-schemas inlined (the route reads its raw body, so FastAPI cannot
    document it; an OpenAPI document has no place for pydantic's local $defs)."""
    schema = _Payload.model_json_schema(ref_template="#/$defs/{model}")
    defs = schema.pop("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                return inline(defs[ref.removeprefix("#/$defs/")])
            return {key: inline(value) for key, value in node.items()}
        if isinstance(node, list):
            return [inline(item) for item in node]
        return node

    return inline(schema)


def _device(labels: dict[str, str]) -> str | None:
    return labels.get("device_id") or labels.get("board") or labels.get("switch") or None


def _target(labels: dict[str, str], fingerprint: str | None) -> str:
    name = labels["alertname"]
    if _device(labels):
        return f"{name}:{_device(labels)}"
    if labels.get("room"):
        return f"{name}:room:{labels['room']}"
    if labels.get("building"):
        return f"{name}:building:{labels['building']}"
    ident = fingerprint or hashlib.sha1(json.dumps(labels, sort_keys=True).encode()).hexdigest()[:16]
    return f"{name}:{ident}"


def to_result(payload: _Payload, campus: Campus, now: dt.datetime) -> ScanResult:
    """Map the payload's alerts to signals (firing) and resolved keys."""
    switches = {s.id: s for s in campus.switches}
    boards = {b.id: b for b in campus.boards}
    rooms = {r.id: r for r in campus.rooms}
    room_by_name = {r.name.casefold(): r.id for r in campus.rooms}
    building_ids = {b.id for b in campus.buildings}
    building_by_name = {b.name.casefold(): b.id for b in campus.buildings}
    signals, resolved = [], []
    for alert in payload.alerts:
        labels = alert.labels
        target = _target(labels, alert.fingerprint)
        if alert.status == "resolved":
            resolved.append(f"{ALERTMANAGER}:{target}")
            continue
        device = _device(labels)
        switch_ids = (device,) if device in switches else ()
        board_ids = (device,) if device in boards else ()
        room_label = labels.get("room") or ""
        room_id = room_label if room_label in rooms else room_by_name.get(room_label.casefold())
        if room_id is None and device in switches:
            room_id = switches[device].room_id
        if room_id is None and device in boards:
            room_id = boards[device].room_id
        building_label = labels.get("building") or ""
        building = (rooms[room_id].building_id if room_id else
                    building_label if building_label in building_ids else building_by_name.get(building_label.casefold()))
        summary = (alert.annotations.get("summary") or alert.annotations.get("description")
                   or f"{labels['alertname']}" + (f" on {device}" if device else ""))
        severity = _SEVERITY.get(labels.get("severity", "warning").lower(), WARNING)
        observed = alert.startsAt if alert.startsAt and alert.startsAt.tzinfo else now
        signals.append(Signal(type=ALERTMANAGER, target=target, severity=severity, summary=summary[:500],
                              observed_at=min(observed, now), building_id=building, room_id=room_id,
                              board_ids=board_ids, switch_ids=switch_ids,
                              detail={"labels": dict(list(labels.items())[:30]), "alertname": labels["alertname"],
                                      "unknown_device": bool(device) and not (switch_ids or board_ids)}))
    return ScanResult(signals=tuple(signals), resolved=tuple(resolved))


def router(book: Callable[[], AlertBook]) -> APIRouter:
    """The webhook route; `book` gives the alert book of the running service."""
    api = APIRouter(tags=["alerts"])

    @api.post(PATH, summary="Alertmanager webhook (version 4)", response_model=None,
              openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
                  "schema": request_schema()}}}},
              responses={200: {"description": "Applied: how many alerts were opened, resolved and messaged"},
                         400: {"description": "Not a usable payload; the whole payload changed nothing"},
                         503: {"description": "No campus is loaded yet"}})
    async def alertmanager_webhook(request: Request) -> JSONResponse:
        """Alerts from Prometheus Alertmanager, routed and deduplicated like AutoVolt's own."""
        try:
            payload = parse_payload(await request.body())
        except PayloadError as exc:
            return JSONResponse({"detail": str(exc)}, status_code=400)
        alert_book = book()

        def apply() -> dict[str, Any]:
            from sqlalchemy.orm import Session

            from store.registry import load_registry

            with Session(alert_book.engine) as session:
                campus = load_registry(session)
            if campus is None:
                raise NoCampus("no campus is loaded; run `autovolt campus load FILE` first")
            now = alert_book.clock()
            report = alert_book.apply(to_result(payload, campus, now), now)
            return {"status": "ok", "alerts": len(payload.alerts), "opened": report.opened,
                    "resolved": report.resolved, "messages": report.enqueued}

        try:
            body = await asyncio.to_thread(apply)
        except NoCampus as exc:
            return JSONResponse({"detail": str(exc)}, status_code=503)
        return JSONResponse(body)

    return api
