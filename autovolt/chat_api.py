"""The terminal chat's way into a running service: a loopback HTTP route on the service's conversation engine, and
the client `autovolt chat` uses, so what a terminal chat switches is the service's fleet (not a second simulated
one) and its schedules run in the service.

Who may call: only this machine (loopback clients), with the key the service writes at start to
`<data_dir>/chat.key` (readable by the service's own OS user only), or the service's AUTOVOLT_API_KEY. The request
names the registered user to act as, as `autovolt chat --as ID` does; every permission check of the conversation
still applies.

    POST /chat/v1/hello     {}                                   -> {"campus", "fleet"}
    POST /chat/v1/message   {"user_id", "text" | "command"+"args" | "button" | "voice_b64"}  -> a reply
    POST /chat/v1/reports   {"user_id"}                          -> {"reports": [text, ...]} (shown once)

A reply: {"text", "outcome", "intent", "silent", "buttons": [[{"label", "data"}]], "chart_b64", "chart_name"}.
"""

from __future__ import annotations

import asyncio
import base64
import hmac
import ipaddress
import logging
import os
import secrets
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Body, Depends, HTTPException, Request, status

from autovolt.settings import Settings

log = logging.getLogger(__name__)

KEY_FILE = "chat.key"
KEY_HEADER = "X-Chat-Key"
PREFIX = "/chat/v1"


def key_path(settings: Settings) -> Path:
    return settings.data_dir / KEY_FILE


def write_key(path: Path) -> str:
    """A fresh key at each service start, readable by this OS user only."""
    key = secrets.token_urlsafe(32)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    os.chmod(path, 0o600)
    return key


def reply_json(reply) -> dict[str, Any]:
    return {"text": reply.text, "outcome": reply.outcome, "intent": reply.intent, "silent": reply.silent,
            "buttons": [[{"label": b.label, "data": b.data} for b in row] for row in reply.buttons],
            "chart_b64": base64.b64encode(reply.chart).decode() if reply.chart is not None else None,
            "chart_name": reply.chart_name}


def reply_from_json(body: dict[str, Any]):
    from bot.replies import Button, Reply

    chart = body.get("chart_b64")
    return Reply(body.get("text", ""), body.get("outcome", "error"),
                 buttons=tuple(tuple(Button(b["label"], b["data"]) for b in row) for row in body.get("buttons", [])),
                 chart=base64.b64decode(chart) if chart else None, chart_name=body.get("chart_name") or "chart.png",
                 silent=bool(body.get("silent")), intent=body.get("intent"))


def chat_router(settings: Settings, engine: Callable[[], Any]) -> APIRouter:
    """The route, on the engine `engine()` returns (None until the conversation component started)."""
    from bot import records
    from bot.conversation import Sender

    key = write_key(key_path(settings))
    api_key = settings.api_key.get_secret_value() if settings.api_key is not None else ""

    def allowed(request: Request) -> None:
        host = request.client.host if request.client else ""
        try:
            local = ipaddress.ip_address(host).is_loopback
        except ValueError:
            local = host in ("localhost", "testclient")
        given = request.headers.get(KEY_HEADER, "").encode()
        matches = hmac.compare_digest(given, key.encode()) or (
            bool(api_key) and hmac.compare_digest(given, api_key.encode()))
        if not local or not matches:
            raise HTTPException(status.HTTP_403_FORBIDDEN, "the chat route serves terminal chats on this machine only")

    def conversation():
        running = engine()
        if running is None:
            raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "the conversation engine is not running")
        return running.conversation

    router = APIRouter(prefix=PREFIX, include_in_schema=False, dependencies=[Depends(allowed)])

    @router.post("/hello")
    async def hello() -> dict[str, Any]:
        conv = conversation()
        mode = "broker" if settings.mqtt_url else "simulated"
        return {"campus": conv.campus.name, "fleet": mode}

    @router.post("/message")
    async def message(body: dict[str, Any] = Body(...)) -> dict[str, Any]:
        conv = conversation()
        try:
            user_id = int(body["user_id"])
        except (KeyError, TypeError, ValueError):
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, "user_id (an integer) is required") from None
        who = Sender(user_id, user_id, "terminal")
        if body.get("button"):
            reply = await conv.on_button(who, str(body["button"]))
        elif body.get("voice_b64"):
            reply = await conv.on_voice(who, base64.b64decode(body["voice_b64"]))
        elif body.get("command") is not None:
            reply = await conv.on_command(who, str(body["command"]), [str(a) for a in body.get("args") or []])
        else:
            reply = await conv.on_text(who, str(body.get("text", "")))
        return reply_json(reply)

    @router.post("/reports")
    async def reports(body: dict[str, Any] = Body(...)) -> dict[str, Any]:
        conv = conversation()
        taken = await asyncio.to_thread(records.take_reports, conv.database_url, int(body.get("user_id", 0)),
                                        conv.clock())
        return {"reports": taken}

    return router


class RemoteConversation:
    """What the terminal chat calls on a conversation engine, answered by the running service."""

    def __init__(self, base_url: str, key: str, timeout_s: float = 120.0) -> None:
        import httpx

        self._client = httpx.AsyncClient(base_url=base_url + PREFIX, headers={KEY_HEADER: key}, timeout=timeout_s)

    async def hello(self) -> dict[str, Any]:
        response = await self._client.post("/hello", json={})
        response.raise_for_status()
        return response.json()

    async def _send(self, body: dict[str, Any]):
        response = await self._client.post("/message", json=body)
        if response.status_code != 200:
            from bot.replies import Reply

            detail = response.json().get("detail", "") if response.headers.get("content-type", "").startswith(
                "application/json") else response.text[:200]
            return Reply(f"The service could not take that message ({response.status_code}: {detail}).", "error")
        return reply_from_json(response.json())

    async def on_text(self, who, text: str):
        return await self._send({"user_id": who.user_id, "text": text})

    async def on_command(self, who, name: str, args: Sequence[str] = ()):
        return await self._send({"user_id": who.user_id, "command": name, "args": list(args)})

    async def on_button(self, who, data: str):
        return await self._send({"user_id": who.user_id, "button": data})

    async def on_voice(self, who, audio: bytes):
        return await self._send({"user_id": who.user_id, "voice_b64": base64.b64encode(audio).decode()})

    async def reports(self, user_id: int) -> list[str]:
        response = await self._client.post("/reports", json={"user_id": user_id})
        response.raise_for_status()
        return list(response.json().get("reports", []))

    async def close(self) -> None:
        await self._client.aclose()


async def find_service(settings: Settings) -> tuple[RemoteConversation | None, str]:
    """The running service's conversation on this machine, or None and why not (for the chat's opening line)."""
    path = key_path(settings)
    try:
        key = path.read_text().strip()
    except OSError:
        return None, f"no running service found (no {path})"
    remote = RemoteConversation(f"http://127.0.0.1:{settings.http_port}", key)
    try:
        await remote.hello()
    except Exception as exc:  # refused, a stale key, an old service: run alone and say so
        await remote.close()
        reason = getattr(getattr(exc, "response", None), "status_code", None)
        return None, (f"no service answers on 127.0.0.1:{settings.http_port}" if reason is None
                      else f"the service on 127.0.0.1:{settings.http_port} refused this chat ({reason})")
    return remote, ""
