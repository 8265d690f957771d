"""The alerts component of the service: scheduler, outbox sender and button handling, started and stopped with
the service (async start()/stop())."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from alerts import scan_runs
from alerts import scheduler as jobs
from alerts.actions import AlertActions, SwitchOff
from alerts.engine import AlertBook, ApplyReport, NoCampus
from alerts.model import AlertConfig
from alerts.scanner import Scanner
from alerts.scans.anomalies import AnomalyScanner
from alerts.sender import MessageApi, OutboxSender
from alerts.telegram import BotApi
from store.db import get_engine
from store.models import utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AlertOptions:
    """How the component runs. schedule: run the scans on APScheduler (off for tests that drive scans by hand).
    send: deliver the outbox (off when there is no Telegram token: messages wait in the outbox). only: limit the
    scheduled scans to these names."""

    schedule: bool = True
    send: bool = True
    only: frozenset[str] | None = None


class AlertService:
    """`await start()` / `await stop()`; `run_scan(name)`; `actions` answers the alert buttons."""

    name = "alerts"

    def __init__(self, database_url: str, *, config: AlertConfig = AlertConfig(), api: MessageApi | None = None,
                 telegram_token: str | None = None, telegram_base_url: str = "https://api.telegram.org/bot",
                 timezone: str | None = None, switch_off: SwitchOff | None = None,
                 options: AlertOptions = AlertOptions(), replica_id: str = "local",
                 remote_fit: Callable[..., Any] | None = None) -> None:
        self.engine = get_engine(database_url)
        self.replica_id = replica_id
        self.config = config
        self.options = options
        self._own_api = api is None and telegram_token is not None
        self.api: MessageApi | None = api or (BotApi(telegram_token, telegram_base_url) if telegram_token else None)
        self.book = AlertBook(self.engine, config, tz=timezone, on_enqueue=self._wake_sender)
        self.scanner = Scanner(self.book, config)
        if remote_fit is not None:  # large anomaly fits on a Dask cluster (autovolt.dask_cluster)
            self.scanner.anomalies = AnomalyScanner(remote_fit)
        self.actions = AlertActions(self.book, switch_off)
        self.sender: OutboxSender | None = OutboxSender(self.engine, self.api) if self.api and options.send else None
        self.scheduler: AsyncIOScheduler | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._inflight: set[asyncio.Future[ApplyReport]] = set()
        self._running_runs: set[int] = set()
        self._reruns: set[asyncio.Task[None]] = set()

    def _wake_sender(self) -> None:
        # Called from scan threads: hop onto the loop.
        if self.sender is not None and self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self.sender.wake)

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        if self.sender is not None:
            await self.sender.start()
        elif self.options.send:
            log.warning("no Telegram token: alerts are kept in the outbox until one is configured")
        if self.options.schedule:
            await self.start_schedule()
        log.info("alerts started", extra={"kv": {"scheduled": bool(self.scheduler), "sending": bool(self.sender)}})

    async def start_schedule(self) -> None:
        """Run the scans on their schedule (on the leader only, when replicas share the database), after running
        again any scan a previous process left half done."""
        jobs.set_runner(self)
        try:
            tz = await asyncio.to_thread(self.book.timezone)
        except NoCampus:
            # Scans will say so each time they run; the scheduler still starts, for when a campus is loaded.
            tz = ZoneInfo(self.book.tz_override or "UTC")
            log.warning("no campus loaded yet: alert scans find nothing until `autovolt campus load FILE`")
        self.scheduler = jobs.start_scheduler(self.engine, self.config, tz,
                                              only=set(self.options.only) if self.options.only else None)
        again = await asyncio.to_thread(scan_runs.take_abandoned, self.engine, utcnow(), set(self._running_runs))
        for name in again:
            log.warning("scan left half done by a stopped replica: running it again", extra={"kv": {"scan": name}})
            task = asyncio.create_task(jobs.run_job(name), name=f"alerts-rerun-{name}")
            self._reruns.add(task)
            task.add_done_callback(self._reruns.discard)

    async def stop_schedule(self, timeout_s: float = 30.0) -> None:
        if self.scheduler is not None:
            # Let running scans finish (their work is one transaction each) rather than cancel them mid-way.
            self.scheduler.pause()
            if self._inflight:
                await asyncio.wait(list(self._inflight), timeout=timeout_s)
            self.scheduler.shutdown(wait=False)
            self.scheduler = None
            jobs.set_runner(None)

    async def stop(self, timeout_s: float = 30.0) -> None:
        await self.stop_schedule(timeout_s)
        if self.sender is not None:
            await self.sender.stop()
        if self._own_api and isinstance(self.api, BotApi):
            await self.api.close()

    async def run_scan(self, name: str) -> ApplyReport:
        future = asyncio.ensure_future(asyncio.to_thread(self._recorded_scan, name))
        self._inflight.add(future)
        future.add_done_callback(self._inflight.discard)
        # Shielded: a scheduler shutdown must not abandon a scan half-way through its thread.
        return await asyncio.shield(future)

    def _recorded_scan(self, name: str) -> ApplyReport:
        """Run scan `name` with a row in scan_runs: unfinished if this process dies before the scan ends."""
        run_id = scan_runs.begin(self.engine, name, self.replica_id, utcnow())
        self._running_runs.add(run_id)
        outcome = "failed"
        try:
            report = self.scanner.run(name)
            outcome = "done"
            return report
        except NoCampus:
            outcome = "skipped: no campus"
            raise
        finally:
            self._running_runs.discard(run_id)
            scan_runs.finish(self.engine, run_id, utcnow(), outcome)


class AlertSchedule:
    """Leader duty (autovolt.leader): the scans' schedule of an AlertService whose own start() leaves it off."""

    name = "alert-scans"

    def __init__(self, alerts: AlertService) -> None:
        self.alerts = alerts

    async def start(self) -> None:
        await self.alerts.start_schedule()

    async def stop(self) -> None:
        await self.alerts.stop_schedule()
