"""Runs stored actions on time ("turn off the projector at 5 pm") inside the service, whatever channels are on, and
reports each outcome to the user who set it.

The store is the only truth: actions survive restarts, and any process running a `ScheduleRunner` on the store (the
service; a terminal chat that found no service) may run them. Each run is claimed first (`records.claim_due`), so
it runs once. An action found more than `ScheduleConfig.expire_after` after its time is skipped and reported, never
switched late: someone may be using the room by then. A row left `running` by a crash is not retried (the relays
may already have switched) but reported as failed.

Reports: a Telegram user's goes through the alerts outbox (sent when a token is set, kept until then); a terminal
user's is kept with the action until that user's terminal chat shows it (`records.take_reports`).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol
from zoneinfo import ZoneInfo

from bot import records
from bot.replies import already_in_state, describe_results, describe_targets, when_text
from bot.replies import planned as planned_action
from devices.model import SwitchResult, SwitchState
from store.campus import Campus
from store.models import utcnow

log = logging.getLogger(__name__)


class Switcher(Protocol):
    """The part of the device gateway a scheduled run needs (devices.gateway.Gateway has it)."""

    async def switch(self, switch_ids: Sequence[str], on: bool) -> list[SwitchResult]: ...

    def state(self, switch_id: str) -> SwitchState: ...


@dataclass(frozen=True)
class ScheduleConfig:
    """`late_after`: a run this much after its time says it was late; `expire_after`: an action found this much
    after its time is skipped, not switched (AUTOVOLT_SCHEDULE_EXPIRE_MINUTES); `max_sleep_s`: the longest wait
    between looks at the store, so a row added by another process (or a clock jump) is noticed."""

    late_after: dt.timedelta = dt.timedelta(seconds=60)
    expire_after: dt.timedelta = dt.timedelta(minutes=15)
    max_sleep_s: float = 30.0

    @classmethod
    def from_settings(cls, settings) -> "ScheduleConfig":
        """From autovolt.settings.Settings (AUTOVOLT_SCHEDULE_EXPIRE_MINUTES)."""
        return cls(expire_after=dt.timedelta(minutes=settings.schedule_expire_minutes))


class ScheduleRunner:
    """A service component: `await start()` / `await stop()`; `wake()` after storing an action; `run_due()` runs
    what is due now. `fleet` returns the running gateway (None: runs wait until there is one)."""

    name = "schedules"

    def __init__(self, campus: Campus, database_url: str, fleet: Callable[[], Switcher | None], *,
                 config: ScheduleConfig = ScheduleConfig(), clock: Callable[[], dt.datetime] = utcnow) -> None:
        self.campus = campus
        self.url = database_url
        self.fleet = fleet
        self.config = config
        self.clock = clock
        self.tz = ZoneInfo(campus.timezone)
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        self._running: set[asyncio.Task[None]] = set()
        self.ran = 0
        self.skipped = 0

    def wake(self) -> None:
        self._wake.set()

    async def start(self) -> None:
        self._stopping = False
        await self._recover()
        self._task = asyncio.create_task(self._loop(), name="schedule-runner")

    async def stop(self) -> None:
        # Asked to end rather than cancelled: on Python 3.11 a cancel that lands as the wake-up fires is swallowed
        # by wait_for, and the loop would go on for ever (a one-shot chat that had just stored an action hung).
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            done, _ = await asyncio.wait({self._task}, timeout=self.config.max_sleep_s)
            if not done:
                self._task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._task
            self._task = None
        if self._running:
            await asyncio.wait(self._running, timeout=10)

    async def _recover(self) -> None:
        stuck = await asyncio.to_thread(records.actions_with_status, self.url, "running")
        for record in stuck:
            what = describe_targets(self.campus, record.switch_ids)
            await self._finish(record, "failed", {"outcome": "interrupted"},
                               f"The service stopped while switching {what} {'on' if record.on else 'off'}; "
                               "please check with /status.")

    async def _loop(self) -> None:
        while not self._stopping:
            self._wake.clear()
            try:
                await self.run_due()
                upcoming = await asyncio.to_thread(records.next_due, self.url)
            except Exception:
                log.exception("scheduler pass failed")
                upcoming = None
            delay = self.config.max_sleep_s
            if upcoming is not None:
                delay = min(delay, max(0.0, (upcoming - self.clock()).total_seconds()))
            if self._stopping:
                return
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wake.wait(), delay)

    async def run_due(self) -> int:
        """Claim and start every due action (skipping those found too late); returns how many were claimed."""
        if self.fleet() is None:
            return 0  # no gateway yet: leave them pending, the next pass takes them
        now = self.clock()
        claimed = await asyncio.to_thread(records.claim_due, self.url, now)
        for record in claimed:
            task = asyncio.create_task(self._run(record, now), name=f"scheduled-{record.id}")
            self._running.add(task)
            task.add_done_callback(self._running.discard)
        return len(claimed)

    async def _run(self, record: records.ActionRecord, now: dt.datetime) -> None:
        lateness = now - record.run_at
        planned = when_text(record.run_at, self.tz, now)
        planned_text = planned_action(describe_targets(self.campus, record.switch_ids), record.on, record.run_at,
                                      self.tz, now)
        if lateness > self.config.expire_after:
            self.skipped += 1
            late_s = int(lateness.total_seconds())
            log.info("scheduled action skipped", extra={"kv": {"action": record.id, "late_s": late_s}})
            await self._finish(record, "skipped", {"outcome": "skipped", "late_s": late_s},
                               f"Skipped a scheduled action: {planned_text} was due while nothing was running "
                               f"schedules, and {_minutes(lateness)} late is too late to switch without asking, so "
                               "nothing was switched. Ask again if you still want it.")
            return
        gateway = self.fleet()
        try:
            already = already_in_state(gateway, record.switch_ids, record.on)
            results = await gateway.switch(list(record.switch_ids), record.on)
        except Exception as exc:
            log.exception("scheduled action failed", extra={"kv": {"action": record.id}})
            await self._finish(record, "failed", {"outcome": "error", "error": type(exc).__name__},
                               f"A scheduled action ({planned_text}) could not be run because of an error "
                               "on my side.")
            return
        text, outcome = describe_results(self.campus, results, already)
        self.ran += 1
        head = (f"Scheduled action (planned {planned}, run {_minutes(lateness)} late):"
                if lateness > self.config.late_after
                else f"Scheduled action ({record.run_at.astimezone(self.tz).strftime('%H:%M')}):")
        result = {"outcome": outcome, "ran_at": now.isoformat(),
                  "results": [{"switch": r.switch_id, "outcome": r.outcome.value} for r in results]}
        log.info("scheduled action ran", extra={"kv": {"action": record.id, "outcome": outcome,
                                                       "late_s": int(lateness.total_seconds())}})
        await self._finish(record, "done", result, f"{head}\n{text}")

    async def _finish(self, record: records.ActionRecord, status: str, result: dict, report: str) -> None:
        try:
            await asyncio.to_thread(records.finish_action, self.url, record, "running", status, result, report,
                                    self.clock())
        except Exception:  # the run happened; a failed write is logged, never retried as a second run
            log.exception("could not record a scheduled action's outcome", extra={"kv": {"action": record.id}})


def _minutes(delta: dt.timedelta) -> str:
    minutes = max(1, round(delta.total_seconds() / 60))
    if minutes < 120:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours = round(minutes / 60)
    return f"{hours} hours" if hours < 48 else f"{round(hours / 24)} days"
