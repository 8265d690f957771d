"""The outbox's sender: claims due rows, sends them within Telegram's limits, and records each result.

Rows are claimed one at a time, each just before its send (alerts.outbox.claim_next), so a sender killed mid-way
holds back only the messages it had in flight, and any number of senders (replicas) can share the outbox.
Messages of one chat go in creation order, one after the other; different chats go in parallel (bounded).
Database work runs in a thread so the event loop never waits on it.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy import Engine

from alerts import outbox
from alerts.outbox import OutboxItem, RetryPolicy
from alerts.ratelimit import SendLimiter
from alerts.telegram import FAILED, RETRY, SENT, SendResult
from store.models import utcnow

log = logging.getLogger(__name__)


class MessageApi(Protocol):
    async def send_message(self, chat_id: int, text: str, buttons: list | None = None) -> SendResult: ...



@dataclass
class SenderStats:
    """Counters since start (for /metrics and the benchmark)."""

    sent: int = 0
    retried: int = 0
    rate_limited: int = 0
    failed: int = 0
    recovered: int = 0
    by_error: dict[str, int] = field(default_factory=dict)


class OutboxSender:
    """Delivers the outbox. `run()` loops until `stop()`; `drain()` sends everything due now (tests, CLI)."""

    def __init__(self, engine: Engine, api: MessageApi, *, limiter: SendLimiter | None = None,
                 policy: RetryPolicy = RetryPolicy(), concurrency: int = 16,
                 poll_s: float = 1.0, clock: Callable[[], dt.datetime] = utcnow) -> None:
        self.engine = engine
        self.api = api
        self.limiter = limiter or SendLimiter()
        self.policy = policy
        self.poll_s = poll_s
        self.clock = clock
        self.stats = SenderStats()
        self._concurrency = concurrency
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    # --- lifecycle ------------------------------------------------------------------------------------------

    async def start(self) -> None:
        self.stats.recovered += await asyncio.to_thread(outbox.recover_expired, self.engine, self.clock())
        self._stopping.clear()
        self._task = asyncio.create_task(self.run(), name="alerts-outbox")

    async def stop(self, timeout_s: float = 10.0) -> None:
        self._stopping.set()
        self._wake.set()
        if self._task is not None:
            try:
                await asyncio.wait_for(self._task, timeout_s)
            except (asyncio.TimeoutError, asyncio.CancelledError):
                self._task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await self._task
            self._task = None

    def wake(self) -> None:
        """New rows were written: look now rather than at the next poll. Thread-safe only from the loop."""
        self._wake.set()

    async def run(self) -> None:
        while not self._stopping.is_set():
            try:
                handled = await self.run_once()
            except Exception:  # the database may be away for a while: keep trying, the rows are safe there
                log.exception("outbox pass failed; retrying")
                handled = 0
            if handled:
                continue
            wait = self.poll_s
            with contextlib.suppress(Exception):
                due = await asyncio.to_thread(outbox.next_due, self.engine)
                if due is not None:
                    wait = min(max((due - self.clock()).total_seconds(), 0.0), self.poll_s)
            self._wake.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wake.wait(), wait)

    async def run_once(self) -> int:
        """Claim due rows one at a time, each just before it is sent, with up to `concurrency` sends in flight
        (different chats); returns how many rows were handled once nothing more is claimable now."""
        await asyncio.to_thread(outbox.recover_expired, self.engine, self.clock())
        in_flight: set[asyncio.Task[object]] = set()
        handled = 0
        try:
            while not self._stopping.is_set():
                if len(in_flight) < self._concurrency:
                    # A 429 pause holds every send: claim nothing meanwhile, so no lease runs out while waiting.
                    await self.limiter.wait_paused()
                    item = await asyncio.to_thread(outbox.claim_next, self.engine, self.clock(), self.policy)
                    if item is not None:
                        in_flight.add(asyncio.create_task(self._send_one(item)))
                        handled += 1
                        continue
                if not in_flight:
                    break
                # Full, or nothing claimable until a send ends (it may free its chat's next message).
                done, _ = await asyncio.wait(in_flight, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    in_flight.discard(task)
                    task.result()
        finally:
            if in_flight:  # stopping, or the database failed: the sends under way still record their result
                await asyncio.gather(*in_flight, return_exceptions=True)
        return handled

    async def drain(self, timeout_s: float = 60.0) -> int:
        """Send until nothing is due now (retries due later stay pending). Returns how many rows were handled."""
        total = 0
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while loop.time() < deadline:
            handled = await self.run_once()
            total += handled
            if not handled:
                break
        return total

    # --- one message --------------------------------------------------------------------------------------

    async def _send_one(self, item: OutboxItem) -> dt.datetime | None:
        """Send one row and record the result; returns the retry time, None when finished (sent or failed)."""
        token = await self.limiter.acquire(item.chat_id)
        try:
            result = await self.api.send_message(item.chat_id, item.text, item.buttons or None)
        except Exception as exc:  # a bug or an unexpected client error must not lose the row
            result = SendResult(RETRY, error=f"{type(exc).__name__}")
        finally:
            self.limiter.release(token)
        now = self.clock()
        if result.kind == SENT:
            await asyncio.to_thread(outbox.mark_sent, self.engine, item.id, result.message_id, now)
            self.stats.sent += 1
            return None
        if result.kind == FAILED:
            await asyncio.to_thread(outbox.mark_failed, self.engine, item.id, result.error)
            self.stats.failed += 1
            log.warning("message refused by Telegram", extra={"kv": {"delivery": item.id, "chat": item.chat_id,
                                                                      "error": result.error}})
            return None
        self.stats.by_error[result.error.split(" ")[0]] = self.stats.by_error.get(result.error.split(" ")[0], 0) + 1
        if result.retry_after is not None:
            self.stats.rate_limited += 1
            self.limiter.pause(result.retry_after)
            at = now + dt.timedelta(seconds=result.retry_after)
        else:
            self.stats.retried += 1
            if item.attempts >= self.policy.max_attempts:
                await asyncio.to_thread(outbox.mark_failed, self.engine, item.id, f"gave up: {result.error}")
                self.stats.failed += 1
                log.error("message given up after repeated errors",
                          extra={"kv": {"delivery": item.id, "attempts": item.attempts, "error": result.error}})
                return None
            at = now + dt.timedelta(seconds=self.policy.delay(item.attempts))
        await asyncio.to_thread(outbox.mark_retry, self.engine, item.id, at, result.error)
        log.info("message will be retried", extra={"kv": {"delivery": item.id, "attempt": item.attempts,
                                                           "at": at.isoformat(), "error": result.error}})
        return at
