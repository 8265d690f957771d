"""A small Telegram Bot API server on loopback, for end-to-end tests and benchmarks of anything that talks to Telegram.

It speaks the HTTP shape PTB uses (form or multipart parameters with JSON-encoded values, `{"ok": ..., "result": ...}`
answers) for: getMe, getUpdates (offset, limit, long poll), sendMessage, sendPhoto, sendChatAction,
editMessageText, editMessageReplyMarkup, answerCallbackQuery, getFile plus the file download URL, setMyCommands,
getMyCommands, deleteWebhook, setWebhook; and it answers 429 with `retry_after` on demand.

Drive it like users would: `send_text`, `send_voice`, `press` (an inline button) queue updates; read what the bot
did in `calls` (every accepted call) or wait for it with `wait_for`.

    api = FakeBotApi()
    await api.start()
    ... build the bot with base_url=api.base_url, base_file_url=api.file_url, token=api.token ...
    api.send_text(2001, "turn off the lights in classroom 101")
    reply = await api.wait_for(lambda c: c.method == "sendMessage" and c.chat_id == 2001)
    await api.stop()
"""

from __future__ import annotations

import asyncio
import itertools
import json
import socket
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import uvicorn
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

_INT_FIELDS = {"chat_id", "message_id", "offset", "limit", "timeout", "reply_to_message_id", "user_id"}
_JSON_FIELDS = {"reply_markup", "commands", "allowed_updates", "reply_parameters", "link_preview_options", "scope"}
_BOOL_FIELDS = {"show_alert", "drop_pending_updates", "disable_notification"}


@dataclass
class Call:
    """One accepted Bot API call: `method`, decoded `params`, the message it created or edited (if any),
    uploaded `files` (name -> bytes) and the monotonic time it arrived."""

    method: str
    params: dict[str, Any]
    at: float
    message: dict[str, Any] | None = None
    files: dict[str, bytes] = field(default_factory=dict)

    @property
    def chat_id(self) -> int | None:
        return self.params.get("chat_id")

    @property
    def text(self) -> str | None:
        return self.params.get("text", self.params.get("caption"))

    @property
    def buttons(self) -> list[list[dict[str, Any]]]:
        markup = self.params.get("reply_markup") or {}
        return markup.get("inline_keyboard", []) if isinstance(markup, dict) else []


class FakeBotApi:
    """The server. `token` is the only token it accepts; `bot_id`/`username` describe the bot (getMe)."""

    def __init__(self, token: str = "123456:TEST-token-for-the-loopback-server-000", bot_id: int = 123456,
                 username: str = "autovolt_test_bot", port: int = 0) -> None:
        self.token = token
        self.bot = {"id": bot_id, "is_bot": True, "first_name": "AutoVolt", "username": username,
                    "can_join_groups": False, "can_read_all_group_messages": False, "supports_inline_queries": False}
        self.calls: list[Call] = []
        self.delivered_at: dict[int, float] = {}  # update_id -> when getUpdates handed it to the bot
        self.queued_at: dict[int, float] = {}
        self.commands: list[dict[str, Any]] = []
        self.files: dict[str, bytes] = {}
        self.rejected_429: dict[str, int] = {}
        self.requests = 0  # every HTTP request, getUpdates included
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._file_ids = itertools.count(1)
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._chat_of: dict[int, int] = {}  # update id -> chat of a queued text
        self._fail: dict[str, list[int]] = {}  # method -> [remaining, retry_after]
        self._changed: asyncio.Condition | None = None
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None
        self._sock: socket.socket | None = None
        self.port = port  # 0: any free port, chosen at start

    # --- lifecycle ------------------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    async def start(self) -> None:
        self._changed = asyncio.Condition()
        # proto=IPPROTO_TCP matters: asyncio sets TCP_NODELAY on accepted connections only for sockets that say
        # they are TCP; without it Nagle holds each response body ~40 ms behind its headers.
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", self.port))
        self.port = self._sock.getsockname()[1]
        app = Starlette(routes=[Route("/bot{token}/{method}", self._api, methods=["GET", "POST"]),
                                Route("/file/bot{token}/{path:path}", self._download, methods=["GET"]),
                                Route("/control/texts", self._control_texts, methods=["POST"]),
                                Route("/control/stats", self._control_stats, methods=["GET"])])
        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off", timeout_keep_alive=30)
        self._server = uvicorn.Server(config)
        self._task = asyncio.create_task(self._server.serve(sockets=[self._sock]))
        while not self._server.started:
            if self._task.done():
                self._task.result()
            await asyncio.sleep(0.01)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
            async with self._changed:
                self._changed.notify_all()  # long polls return at once
            await asyncio.wait_for(self._task, 10)
            self._server = None
        if self._sock is not None:
            self._sock.close()

    # --- driving: what users do -----------------------------------------------------------------------------

    def _user(self, user_id: int, first_name: str | None = None) -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": first_name or f"User{user_id}"}

    def _queue(self, update: dict[str, Any]) -> int:
        update_id = next(self._update_ids)
        update["update_id"] = update_id
        self._updates.append(update)
        self.queued_at[update_id] = time.monotonic()
        if self._changed is not None:
            asyncio.get_running_loop().create_task(self._notify())
        return update_id

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    def _incoming(self, user_id: int, chat_id: int | None, **content: Any) -> dict[str, Any]:
        chat_id = chat_id if chat_id is not None else user_id
        message = {"message_id": next(self._message_ids), "date": int(time.time()), "from": self._user(user_id),
                   "chat": {"id": chat_id, "type": "private" if chat_id == user_id else "group",
                            "first_name": f"User{user_id}"}, **content}
        self._messages[(chat_id, message["message_id"])] = message
        return message

    def send_text(self, user_id: int, text: str, chat_id: int | None = None) -> int:
        """A user types `text`; a leading /command gets the bot_command entity Telegram adds. Returns the update id."""
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        update_id = self._queue({"message": self._incoming(user_id, chat_id, **content)})
        self._chat_of[update_id] = chat_id if chat_id is not None else user_id
        return update_id

    def send_voice(self, user_id: int, data: bytes, duration: int = 3, chat_id: int | None = None,
                   mime_type: str = "audio/ogg") -> int:
        """A user records a voice note whose file is `data` (the bot fetches it with getFile + download)."""
        file_id = self.add_file(data, "voice", "oga")
        voice = {"file_id": file_id, "file_unique_id": f"u{file_id}", "duration": duration, "mime_type": mime_type,
                 "file_size": len(data)}
        return self._queue({"message": self._incoming(user_id, chat_id, voice=voice)})

    def press(self, user_id: int, data: str, message: dict[str, Any] | None = None, chat_id: int | None = None) -> int:
        """A user presses an inline button carrying `data` under `message` (the bot's message with the keyboard)."""
        chat_id = chat_id if chat_id is not None else user_id
        message = message or {"message_id": next(self._message_ids), "date": int(time.time()),
                              "chat": {"id": chat_id, "type": "private"}, "text": "?"}
        query = {"id": f"cq{next(self._file_ids)}", "from": self._user(user_id), "chat_instance": f"ci{chat_id}",
                 "message": message, "data": data}
        return self._queue({"callback_query": query})

    def add_file(self, data: bytes, folder: str = "documents", ext: str = "bin") -> str:
        file_id = f"F{next(self._file_ids):06d}"
        self.files[file_id] = data
        self.files[f"{folder}/{file_id}.{ext}"] = data
        return file_id

    def fail_next(self, method: str, times: int, retry_after: int = 1) -> None:
        """Answer the next `times` calls of `method` with 429 Too Many Requests and `retry_after` seconds."""
        self._fail[method] = [times, retry_after]

    # --- observing: what the bot did ------------------------------------------------------------------------

    def sent(self, chat_id: int | None = None, methods: tuple[str, ...] = ("sendMessage", "sendPhoto")) -> list[Call]:
        return [c for c in self.calls if c.method in methods and (chat_id is None or c.chat_id == chat_id)]

    async def wait_for(self, predicate: Callable[[Call], bool], timeout: float = 15.0, start: int = 0) -> Call:
        """The first call from index `start` on that matches; waits for it up to `timeout` seconds."""
        deadline = time.monotonic() + timeout
        async with self._changed:
            while True:
                for call in self.calls[start:]:
                    if predicate(call):
                        return call
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = [(c.method, c.chat_id, (c.text or "")[:60]) for c in self.calls[-8:]]
                    raise TimeoutError(f"no matching Bot API call within {timeout} s; last calls: {seen}")
                try:
                    await asyncio.wait_for(self._changed.wait(), remaining)
                except asyncio.TimeoutError:
                    pass

    async def reply_to(self, chat_id: int, start: int, timeout: float = 15.0) -> Call:
        """The next message (text or photo) sent to `chat_id` after call index `start`."""
        return await self.wait_for(lambda c: c.method in ("sendMessage", "sendPhoto", "editMessageText")
                                   and c.chat_id == chat_id, timeout, start)

    # --- the HTTP side --------------------------------------------------------------------------------------

    async def _params(self, request: Request) -> tuple[dict[str, Any], dict[str, bytes]]:
        params: dict[str, Any] = dict(request.query_params)
        files: dict[str, bytes] = {}
        if request.method == "POST":
            ctype = request.headers.get("content-type", "")
            if ctype.startswith("application/json"):
                params.update(await request.json())
            elif ctype.startswith("application/x-www-form-urlencoded"):
                # The common case (every call without a file): parsed directly, much cheaper than request.form().
                params.update(parse_qsl((await request.body()).decode(), keep_blank_values=True))
            else:
                form = await request.form()
                for key, value in form.multi_items():
                    if isinstance(value, UploadFile):
                        files[key] = await value.read()
                    else:
                        params[key] = value
        for key, value in list(params.items()):
            if not isinstance(value, str):
                continue
            if key in _INT_FIELDS:
                try:
                    params[key] = int(value)
                except ValueError:
                    pass  # e.g. "@channelname"
            elif key in _JSON_FIELDS:
                params[key] = json.loads(value)
            elif key in _BOOL_FIELDS:
                params[key] = value.lower() in ("true", "1")
        return params, files

    @staticmethod
    def _ok(result: Any) -> JSONResponse:
        return JSONResponse({"ok": True, "result": result})

    @staticmethod
    def _error(code: int, description: str, **parameters: Any) -> JSONResponse:
        body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
        if parameters:
            body["parameters"] = parameters
        return JSONResponse(body, status_code=code)

    async def _record(self, call: Call) -> None:
        self.calls.append(call)
        async with self._changed:
            self._changed.notify_all()

    def _outgoing(self, chat_id: int, **content: Any) -> dict[str, Any]:
        message = {"message_id": next(self._message_ids), "date": int(time.time()), "from": self.bot,
                   "chat": {"id": chat_id, "type": "private", "first_name": f"User{chat_id}"}, **content}
        self._messages[(chat_id, message["message_id"])] = message
        return message

    async def _api(self, request: Request) -> Response:
        if request.path_params["token"] != self.token:
            return self._error(401, "Unauthorized")
        method = request.path_params["method"]
        self.requests += 1
        params, files = await self._params(request)
        fail = self._fail.get(method)
        if fail and fail[0] > 0:
            fail[0] -= 1
            self.rejected_429[method] = self.rejected_429.get(method, 0) + 1
            return self._error(429, f"Too Many Requests: retry after {fail[1]}", retry_after=fail[1])
        handler = getattr(self, f"_m_{method.lower()}", None)
        if handler is None:
            return self._error(404, "Not Found: method not found")
        return await handler(params, files)

    async def _m_getme(self, params, files) -> Response:
        return self._ok(self.bot)

    async def _m_deletewebhook(self, params, files) -> Response:
        if params.get("drop_pending_updates"):
            self._updates.clear()
        await self._record(Call("deleteWebhook", params, time.monotonic()))
        return self._ok(True)

    async def _m_setwebhook(self, params, files) -> Response:
        await self._record(Call("setWebhook", params, time.monotonic()))
        return self._ok(True)

    async def _m_setmycommands(self, params, files) -> Response:
        self.commands = list(params.get("commands") or [])
        await self._record(Call("setMyCommands", params, time.monotonic()))
        return self._ok(True)

    async def _m_getmycommands(self, params, files) -> Response:
        return self._ok(self.commands)

    async def _m_getupdates(self, params, files) -> Response:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        if offset:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]  # confirmed ones are gone
        deadline = time.monotonic() + timeout
        async with self._changed:
            while not self._updates and self._server is not None and not self._server.should_exit:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                try:
                    await asyncio.wait_for(self._changed.wait(), remaining)
                except asyncio.TimeoutError:
                    break
        batch = self._updates[:limit]
        now = time.monotonic()
        for update in batch:
            self.delivered_at.setdefault(update["update_id"], now)
        return self._ok(batch)

    async def _m_sendmessage(self, params, files) -> Response:
        message = self._outgoing(params["chat_id"], text=params.get("text", ""))
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        await self._record(Call("sendMessage", params, time.monotonic(), message))
        return self._ok(message)

    async def _m_sendphoto(self, params, files) -> Response:
        photo = files.get("photo")
        if photo is None and isinstance(params.get("photo"), str):
            photo = self.files.get(params["photo"])
        if not photo:
            return self._error(400, "Bad Request: there is no photo in the request")
        file_id = self.add_file(photo, "photos", "png")
        content: dict[str, Any] = {"photo": [{"file_id": file_id, "file_unique_id": f"u{file_id}", "width": 800,
                                              "height": 400, "file_size": len(photo)}]}
        if params.get("caption"):
            content["caption"] = params["caption"]
        message = self._outgoing(params["chat_id"], **content)
        await self._record(Call("sendPhoto", params, time.monotonic(), message, {"photo": photo}))
        return self._ok(message)

    async def _m_sendchataction(self, params, files) -> Response:
        await self._record(Call("sendChatAction", params, time.monotonic()))
        return self._ok(True)

    async def _m_editmessagetext(self, params, files) -> Response:
        key = (params.get("chat_id"), params.get("message_id"))
        message = self._messages.get(key)
        if message is None:
            return self._error(400, "Bad Request: message to edit not found")
        message = {**message, "text": params.get("text", ""), "edit_date": int(time.time())}
        message.pop("reply_markup", None)
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        self._messages[key] = message
        await self._record(Call("editMessageText", params, time.monotonic(), message))
        return self._ok(message)

    async def _m_editmessagereplymarkup(self, params, files) -> Response:
        key = (params.get("chat_id"), params.get("message_id"))
        message = self._messages.get(key)
        if message is None:
            return self._error(400, "Bad Request: message to edit not found")
        message = {**message}
        message.pop("reply_markup", None)
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        self._messages[key] = message
        await self._record(Call("editMessageReplyMarkup", params, time.monotonic(), message))
        return self._ok(message)

    async def _m_answercallbackquery(self, params, files) -> Response:
        await self._record(Call("answerCallbackQuery", params, time.monotonic()))
        return self._ok(True)

    async def _m_getfile(self, params, files) -> Response:
        file_id = params.get("file_id")
        data = self.files.get(file_id)
        if data is None:
            return self._error(400, "Bad Request: invalid file_id")
        path = next(k for k, v in self.files.items() if "/" in k and k.split("/")[-1].startswith(file_id) and v is data)
        await self._record(Call("getFile", params, time.monotonic()))
        return self._ok({"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": len(data), "file_path": path})

    # --- control from another process (benchmarks run the server in a process of its own) --------------------

    async def _control_texts(self, request: Request) -> Response:
        """Queue texts: body {"messages": [[user_id, text], ...]}; answers the first and last update ids."""
        body = await request.json()
        ids = [self.send_text(int(user), str(text)) for user, text in body["messages"]]
        return self._ok({"first": ids[0] if ids else None, "last": ids[-1] if ids else None})

    async def _control_stats(self, request: Request) -> Response:
        """From update id `first` on: updates delivered, replies sent, and each update's latency from delivery to
        its reply (replies to one chat are matched to that chat's updates in order). Also this process's CPU."""
        first = int(request.query_params.get("first", "1"))
        by_chat: dict[int, list[float]] = {}
        for update_id in sorted(u for u in self.delivered_at if u >= first):
            chat = self._chat_of.get(update_id)
            if chat is not None:
                by_chat.setdefault(chat, []).append(self.delivered_at[update_id])
        first_delivery = min((t for u, t in self.delivered_at.items() if u >= first), default=None)
        replies: dict[int, list[float]] = {}
        for call in self.calls:
            if call.method == "sendMessage" and first_delivery is not None and call.at >= first_delivery:
                replies.setdefault(call.chat_id, []).append(call.at)
        latencies = [r - d for chat, times in replies.items() for d, r in zip(by_chat.get(chat, []), times)]
        return self._ok({"delivered": sum(len(v) for v in by_chat.values()), "replies": sum(map(len, replies.values())),
                         "first_delivery": first_delivery, "last_reply": max((max(v) for v in replies.values()), default=None),
                         "latencies": latencies, "requests": self.requests, "cpu_s": time.process_time(),
                         "methods": _count(c.method for c in self.calls)})

    async def _download(self, request: Request) -> Response:
        if request.path_params["token"] != self.token:
            return Response(status_code=401)
        data = self.files.get(request.path_params["path"])
        if data is None:
            return Response(status_code=404)
        return Response(data, media_type="application/octet-stream")


def _count(items) -> dict[str, int]:
    out: dict[str, int] = {}
    for item in items:
        out[item] = out.get(item, 0) + 1
    return out


async def _serve_forever(token: str, port: int = 0) -> None:
    api = FakeBotApi(token, port=port) if token else FakeBotApi(port=port)
    await api.start()
    print(json.dumps({"port": api.port, "token": api.token}), flush=True)
    loop = asyncio.get_running_loop()
    # Runs until its parent closes our stdin (or the process is terminated).
    await loop.run_in_executor(None, sys.stdin.read)
    await api.stop()


def main() -> None:
    """`python -m tests.bot.fake_bot_api [--token T]`: serve in this process (uvloop when installed); prints
    {"port": ..., "token": ...} on one line, then serves until stdin closes. Benchmarks drive it through
    POST /control/texts and GET /control/stats."""
    import argparse

    parser = argparse.ArgumentParser(description="loopback Telegram Bot API server")
    parser.add_argument("--token", default="")
    parser.add_argument("--port", type=int, default=0, help="listen on this port (default: any free one)")
    args = parser.parse_args()
    try:
        import uvloop
    except ImportError:
        asyncio.run(_serve_forever(args.token, args.port))
    else:
        uvloop.run(_serve_forever(args.token, args.port))


if __name__ == "__main__":
    main()
