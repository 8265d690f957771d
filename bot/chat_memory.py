"""What a chat's conversation keeps between its messages, and where it is kept.

With replicas behind a load balancer a chat's next message may reach another replica, so the memory a follow-up
("and the fans too", "make it 7 instead") or a correction ("sorry, I meant 102") leans on is kept in the store
(`store.chat_memory`, one row per chat): read when a message of the chat starts, written when it ends. A single
process (the standalone terminal chat) may keep it in its own memory instead; both sit behind `ChatMemory`.

Times here are wall-clock seconds (`time.time()`): a replica's monotonic clock means nothing to another one.
Everything in it lasts the follow-up window (`ttl_s`, the conversation's `context_ttl_s`) from when it was kept.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass
from typing import Any, Protocol

from bot.undo import Left
from nlu.command import Command
from nlu.command_codec import command_from_json, command_to_json
from store import chat_memory as rows
from store.db import get_engine

FORMAT = 1  # the JSON layout's version; a row of another version is not used (read as no memory)


@dataclass(frozen=True)
class Remembered:
    """One chat's memory. `context`: the command a follow-up leans on, kept at `context_at`; `left`: what the
    chat's last switch command left behind for a correction to take back (`bot.undo.Left`, its `at` in the same
    clock); `alerts`: the alerts last shown or acted on, so "snooze it" knows which, kept at `alerts_at`."""

    context: Command | None = None
    context_at: float = 0.0
    left: Left | None = None
    alerts: tuple[int, ...] = ()
    alerts_at: float = 0.0
    # `context` came from an unsure voice note asked its room or time: the switch its answer completes asks first.
    context_unsure: bool = False

    def fresh(self, now: float, ttl_s: float) -> Remembered:
        """Without what is older than the follow-up window."""
        keep = lambda at: now - at <= ttl_s  # noqa: E731
        context = self.context if self.context is not None and keep(self.context_at) else None
        alerts = self.alerts if self.alerts and keep(self.alerts_at) else ()
        return Remembered(context, self.context_at if context is not None else 0.0,
                          self.left if self.left is not None and keep(self.left.at) else None,
                          alerts, self.alerts_at if alerts else 0.0, self.context_unsure and context is not None)

    def expires_at(self, ttl_s: float) -> float | None:
        """When the last thing in it leaves the window; None when it holds nothing."""
        times = [at for at, held in ((self.context_at, self.context), (self.alerts_at, self.alerts)) if held]
        times += [self.left.at] if self.left is not None else []
        return max(times) + ttl_s if times else None


def left_to_json(left: Left) -> dict[str, Any]:
    return {"command": command_to_json(left.command), "at": left.at, "on": left.on, "changed": list(left.changed),
            "pending": list(left.pending), "confirming": left.confirming}


def left_from_json(data: dict[str, Any]) -> Left:
    return Left(command_from_json(data["command"]), data["at"], data["on"], tuple(data["changed"]),
                tuple(data["pending"]), data["confirming"])


def to_json(memory: Remembered) -> dict[str, Any]:
    return {"format": FORMAT,
            "context": None if memory.context is None else command_to_json(memory.context),
            "context_at": memory.context_at,
            "left": None if memory.left is None else left_to_json(memory.left),
            "alerts": list(memory.alerts), "alerts_at": memory.alerts_at, "context_unsure": memory.context_unsure}


def from_json(data: dict[str, Any]) -> Remembered:
    if data.get("format") != FORMAT:
        return Remembered()
    context = data.get("context")
    left = data.get("left")
    return Remembered(None if context is None else command_from_json(context), data.get("context_at", 0.0),
                      None if left is None else left_from_json(left), tuple(data.get("alerts", ())),
                      data.get("alerts_at", 0.0), bool(data.get("context_unsure", False)))


@dataclass(frozen=True)
class Recalled:
    """What a message starts from: its chat's `memory`, and with `shared_users` the `default_room` of the user
    writing as the store has it now (another replica's /myroom included); without it the conversation's own copy
    of the default rooms stands (one process: it made every change itself)."""

    memory: Remembered
    default_room: str | None = None
    shared_users: bool = False


class ChatMemory(Protocol):
    """`recall` a chat's memory (within the window at `now`) when a message of `user_id` starts; `keep` it when it
    ends. `turn_at`: when that message started (wall clock)."""

    ttl_s: float

    async def recall(self, chat_id: int, user_id: int, now: float) -> Recalled: ...

    async def keep(self, chat_id: int, memory: Remembered, turn_at: float) -> None: ...


class ProcessChatMemory:
    """In this process only: for one process serving every message of its chats (the standalone terminal chat)."""

    def __init__(self, ttl_s: float) -> None:
        self.ttl_s = ttl_s
        self._chats: dict[int, Remembered] = {}

    async def recall(self, chat_id: int, user_id: int, now: float) -> Recalled:
        return Recalled(self._chats.get(chat_id, Remembered()).fresh(now, self.ttl_s))

    async def keep(self, chat_id: int, memory: Remembered, turn_at: float) -> None:
        if memory.expires_at(self.ttl_s) is None:
            self._chats.pop(chat_id, None)
        else:
            self._chats[chat_id] = memory


def _utc(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.timezone.utc)


class StoredChatMemory:
    """In the store, shared by every replica on it. Last writer wins, by when its message started (see
    `store.chat_memory`): two messages of one chat on two replicas at once are rare (a person waits for the
    answer), and then the memory is the later message's, as if the earlier one had been answered first."""

    def __init__(self, database_url: str, ttl_s: float) -> None:
        self.database_url = database_url
        self.ttl_s = ttl_s
        self._writes = 0

    async def recall(self, chat_id: int, user_id: int, now: float) -> Recalled:
        data, room = await asyncio.to_thread(rows.read, get_engine(self.database_url), chat_id, user_id, _utc(now))
        memory = Remembered() if data is None else from_json(data).fresh(now, self.ttl_s)
        return Recalled(memory, room, shared_users=True)

    async def keep(self, chat_id: int, memory: Remembered, turn_at: float) -> None:
        # Nothing left to keep is written too (already expired), so that what another replica kept is not reused.
        expires = memory.expires_at(self.ttl_s) or turn_at
        self._writes += 1
        purge = self._writes % rows.PURGE_EVERY == 0
        await asyncio.to_thread(self._write, chat_id, to_json(memory), turn_at, expires, purge)

    def _write(self, chat_id: int, state: dict[str, Any], turn_at: float, expires: float, purge: bool) -> None:
        engine = get_engine(self.database_url)
        rows.write(engine, chat_id, state, _utc(turn_at), _utc(expires))
        if purge:
            rows.purge(engine, _utc(turn_at))
