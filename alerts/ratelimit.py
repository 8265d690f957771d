"""Telegram's sending limits, kept on our side: at most `per_second` messages in any one-second window overall,
one message per second in a private chat, 20 per minute in a group (negative chat ids), and a global pause when
Telegram answers 429 with `retry_after`.

A send occupies its slot from the moment it is allowed until its answer arrives, and the one-second window is
counted from the answer: the server may see requests later than we sent them (connection set-up), never earlier,
so counting from the answer keeps what Telegram sees within the limit as well.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable

_IN_FLIGHT = float("inf")


class SendLimiter:
    """`token = await acquire(chat_id)` before a send, `release(token)` after its answer. One event loop."""

    def __init__(self, per_second: int = 25, private_gap_s: float = 1.0, group_gap_s: float = 3.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.per_second = per_second
        self.private_gap_s = private_gap_s
        self.group_gap_s = group_gap_s
        self.clock = clock
        self._slots: dict[int, float] = {}  # token -> answer time (inf while in flight)
        self._chat_of: dict[int, int] = {}
        self._tokens = itertools.count()
        self._chat_next: dict[int, float] = {}
        self._paused_until = 0.0
        self._lock = asyncio.Lock()

    def gap(self, chat_id: int) -> float:
        return self.group_gap_s if chat_id < 0 else self.private_gap_s

    def pause(self, seconds: float) -> None:
        """Telegram said "retry after": nobody sends until then."""
        self._paused_until = max(self._paused_until, self.clock() + seconds)

    async def wait_paused(self) -> None:
        """Wait out a 429 pause, if one is on."""
        while (wait := self._paused_until - self.clock()) > 0:
            await asyncio.sleep(wait)

    async def wait_chat(self, chat_id: int) -> None:
        """Wait out the chat's own spacing (and any 429 pause) without taking a global slot."""
        while True:
            wait = max(self._chat_next.get(chat_id, 0.0), self._paused_until) - self.clock()
            if wait <= 0:
                return
            await asyncio.sleep(wait)

    async def acquire(self, chat_id: int) -> int:
        await self.wait_chat(chat_id)
        async with self._lock:
            while True:
                now = self.clock()
                for token, at in list(self._slots.items()):
                    if at <= now - 1.0:
                        del self._slots[token]
                wait = max(self._paused_until - now, 0.0)
                if len(self._slots) >= self.per_second:
                    finished = [at for at in self._slots.values() if at != _IN_FLIGHT]
                    wait = max(wait, (min(finished) + 1.0 - now) if finished else 0.01)
                if wait <= 0:
                    break
                await asyncio.sleep(wait)
            token = next(self._tokens)
            self._slots[token] = _IN_FLIGHT
            self._chat_next[chat_id] = now + self.gap(chat_id)
            self._chat_of[token] = chat_id
            return token

    def release(self, token: int) -> None:
        """The send's answer arrived (or it failed): its slot counts for one more second from now."""
        now = self.clock()
        if token in self._slots:
            self._slots[token] = now
        chat_id = self._chat_of.pop(token, None)
        if chat_id is not None:  # the chat's spacing, too, counts from the answer
            self._chat_next[chat_id] = max(self._chat_next.get(chat_id, 0.0), now + self.gap(chat_id))
