"""Runs stored actions on time ("turn off the projector at 5 pm") inside the service, whatever channels are on, and
reports each outcome to the user who set it.

The store is the only truth: actions survive restarts, and any process running a `ScheduleRunner` on the store (the
service; a terminal chat that found no service) may run them. Each run is claimed first (`records.claim_due`), so
it runs once. An action found more than `ScheduleConfig.expire_after` after its time is skipped and reported, never
switched late: someone may be using the room by then. A row left `running` by a crash is not retried (the relays
may already have switched) but reported as failed.

Reports: a Telegram user's goes through the alerts outbox (sent when a token is set, kept until then); a terminal
user's is kept with the action until that user's terminal chat shows it (`records.take_reports`). A switch the
report called "not switched" that the board applies after all (a late confirmation from the gateway) is reported
the same way, to the same user, and audited as late_confirmation.
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
from bot.late import LateWatch, Unconfirmed
from bot.replies import already_in_state, describe_late, describe_results, describe_targets, when_text
from bot.replies import planned as planned_action
from devices.model import LateConfirmation, SwitchResult, SwitchState
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
        self.late_reported = 0
        # Switches a run's report called unconfirmed, so a board applying them late is reported to the owner.
        self.late = LateWatch()
        self._listening: Switcher | None = None  # the gateway whose late confirmations we hear
        self._settled: dict[int, asyncio.Event] = {}  # runs whose report is being written (a late one waits)

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
        gateway = self.fleet()
        if gateway is None:
            return 0  # no gateway yet: leave them pending, the next pass takes them
        self._listen(gateway)
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
        settled = self._settled[record.id] = asyncio.Event()
        try:
            await self._switch_and_report(gateway, record, now, lateness, planned, planned_text)
        finally:
            settled.set()
            self._settled.pop(record.id, None)

    async def _switch_and_report(self, gateway: Switcher, record: records.ActionRecord, now: dt.datetime,
                                 lateness: dt.timedelta, planned: str, planned_text: str) -> None:
        try:
            already = already_in_state(gateway, record.switch_ids, record.on)
            results = await gateway.switch(list(record.switch_ids), record.on)
        except Exception as exc:
            log.exception("scheduled action failed", extra={"kv": {"action": record.id}})
            await self._finish(record, "failed", {"outcome": "error", "error": type(exc).__name__},
                               f"A scheduled action ({planned_text}) could not be run because of an error "
                               "on my side.")
            return
        # Before anything is awaited: the gateway hears a late board report only once.
        self.late.remember(record.created_by, record.chat_id, record.channel, record.text, results,
                           action_id=record.id)
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

    def _listen(self, gateway: Switcher) -> None:
        if gateway is not self._listening and hasattr(gateway, "add_late_listener"):
            gateway.add_late_listener(self._on_late)
            self._listening = gateway

    def _on_late(self, late: LateConfirmation) -> None:
        """The gateway heard a board apply a command after its window: if it was one of our runs, report it."""
        if self._stopping:
            return  # a stopped runner's listener stays on the gateway (it has no way to remove one)
        waiting = self.late.claim(late)
        if waiting is None or waiting.action_id is None:
            return
        task = asyncio.get_running_loop().create_task(self._report_late(waiting, late),
                                                      name=f"scheduled-late-{waiting.action_id}")
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def _report_late(self, waiting: Unconfirmed, late: LateConfirmation) -> None:
        settled = self._settled.get(waiting.action_id or 0)
        if settled is not None:  # the run's own report first, so the late one is added to it, not overwritten
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(settled.wait(), 30)
        record = await asyncio.to_thread(records.get_action, self.url, waiting.action_id or 0)
        if record is None:
            return
        at = record.run_at.astimezone(self.tz).strftime("%H:%M")
        text = f"Scheduled action ({at}): {describe_late(self.campus, late)}"
        detail = {"switch": late.switch_id, "on": late.on, "late_by_s": round(late.late_by_s, 1)}
        try:
            await asyncio.to_thread(records.report_late, self.url, record, text, detail, self.clock())
        except Exception:  # the gateway's log and metric still have it
            log.exception("could not record a scheduled action's late confirmation",
                          extra={"kv": {"action": record.id}})
            return
        self.late_reported += 1
        log.info("scheduled action confirmed late", extra={"kv": {"action": record.id, **detail}})

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
