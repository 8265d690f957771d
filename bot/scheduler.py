"""Runs stored actions on time ("turn off the projector at 5 pm") and reports back to the chat that asked.

The store is the only truth: on start it looks at what is pending, so actions survive restarts; an action that
became due while the service was down runs once, late, and says so. Each run claims its row (pending -> running)
with a conditional update, so it never runs twice; a row left `running` by a crash is not retried (the relays may
already have switched) but reported as failed.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from zoneinfo import ZoneInfo

from bot import records
from bot.conversation import Conversation, Sender
from store.models import utcnow
from bot.replies import describe_targets, when_text

log = logging.getLogger(__name__)

Notify = Callable[[int, str], Awaitable[None]]
# Never sleep longer than this, so a row added by another process (or a clock jump) is noticed.
MAX_SLEEP_S = 30.0
# Ran this much after its time: the report says it was late.
LATE_AFTER = dt.timedelta(seconds=60)


class Scheduler:
    def __init__(self, conversation: Conversation, notify: Notify, *,
                 clock: Callable[[], dt.datetime] = utcnow) -> None:
        self.conversation = conversation
        self.notify = notify
        self.clock = clock
        self.url = conversation.database_url
        self.tz = ZoneInfo(conversation.campus.timezone)
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._running: set[asyncio.Task[None]] = set()
        self.ran = 0
        conversation.on_action_stored = self.wake

    def wake(self) -> None:
        self._wake.set()

    async def start(self) -> None:
        await self._recover()
        self._task = asyncio.create_task(self._loop(), name="bot-scheduler")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._running:
            await asyncio.wait(self._running, timeout=10)

    async def _recover(self) -> None:
        stuck = await asyncio.to_thread(records.actions_with_status, self.url, "running")
        for record in stuck:
            if await asyncio.to_thread(records.transition, self.url, record.id, "running", "failed",
                                       {"outcome": "interrupted"}):
                what = describe_targets(self.conversation.campus, record.switch_ids)
                await self._tell(record.chat_id, f"The service restarted while switching {what} "
                                                 f"{'on' if record.on else 'off'}; please check with /status.")

    async def _loop(self) -> None:
        while True:
            self._wake.clear()
            try:
                await self.run_due()
                upcoming = await asyncio.to_thread(records.next_due, self.url)
            except Exception:
                log.exception("scheduler pass failed")
                upcoming = None
            delay = MAX_SLEEP_S
            if upcoming is not None:
                delay = min(MAX_SLEEP_S, max(0.0, (upcoming - self.clock()).total_seconds()))
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wake.wait(), delay)

    async def run_due(self) -> int:
        """Start every due pending action; returns how many were started."""
        now = self.clock()
        due = await asyncio.to_thread(records.actions_with_status, self.url, "pending", due_by=now)
        started = 0
        for record in due:
            if not await asyncio.to_thread(records.transition, self.url, record.id, "pending", "running"):
                continue  # cancelled or claimed meanwhile
            task = asyncio.create_task(self._run(record, now), name=f"scheduled-{record.id}")
            self._running.add(task)
            task.add_done_callback(self._running.discard)
            started += 1
        return started

    async def _run(self, record: records.ActionRecord, now: dt.datetime) -> None:
        late = now - record.run_at > LATE_AFTER
        try:
            text, outcome, results = await self.conversation.execute(
                record.switch_ids, record.on, who=Sender(record.created_by, record.chat_id), command_text=record.text)
        except Exception as exc:
            log.exception("scheduled action failed", extra={"kv": {"action": record.id}})
            await asyncio.to_thread(records.transition, self.url, record.id, "running", "failed",
                                    {"outcome": "error", "error": type(exc).__name__})
            await self._tell(record.chat_id, "A scheduled action could not be run because of an error on my side.")
            return
        result = {"outcome": outcome, "ran_at": now.isoformat(),
                  "results": [{"switch": r.switch_id, "outcome": r.outcome.value} for r in results]}
        await asyncio.to_thread(records.transition, self.url, record.id, "running", "done", result)
        self.ran += 1
        planned = when_text(record.run_at, self.tz, now)
        head = (f"Scheduled action (planned {planned}, run late after a restart):" if late
                else f"Scheduled action ({record.run_at.astimezone(self.tz).strftime('%H:%M')}):")
        log.info("scheduled action ran", extra={"kv": {"action": record.id, "outcome": outcome, "late": late}})
        await self._tell(record.chat_id, f"{head}\n{text}")

    async def _tell(self, chat_id: int, text: str) -> None:
        try:
            await self.notify(chat_id, text)
        except Exception as exc:  # the action ran; a failed report must not undo or repeat it
            log.warning("could not report a scheduled action", extra={"kv": {"chat": chat_id, "error": type(exc).__name__}})
