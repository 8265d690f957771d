"""The scan jobs on APScheduler with the SQLAlchemy job store: persisted, never overlapping, a missed run made
up once on start."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from zoneinfo import ZoneInfo

from sqlalchemy import text

from alerts import scheduler as jobs
from alerts.model import AlertConfig
from store.db import get_engine, upgrade

IST = ZoneInfo("Asia/Kolkata")


class Recorder:
    """Stands in for the alerts component: records when each scan ran and how many ran at once."""

    def __init__(self, busy_s: float = 0.0) -> None:
        self.runs: list[tuple[str, float]] = []
        self.busy_s = busy_s
        self.running = 0
        self.most_at_once = 0

    async def run_scan(self, name: str) -> None:
        self.running += 1
        self.most_at_once = max(self.most_at_once, self.running)
        self.runs.append((name, time.monotonic()))
        try:
            await asyncio.sleep(self.busy_s)
        finally:
            self.running -= 1


def stored_jobs(url: str) -> dict[str, float]:
    with get_engine(url).connect() as conn:
        return dict(conn.execute(text(f"SELECT id, next_run_time FROM {jobs.JOBS_TABLE}")).all())


async def test_jobs_are_stored_and_a_restart_keeps_their_schedule(db_url):
    upgrade(db_url)
    cfg = AlertConfig(offline_scan_s=3600, notify_tick_s=3600)
    recorder = Recorder()
    jobs.set_runner(recorder)
    jobs.set_housekeeping(None)  # a service wired in-process by an earlier test may have left its nightly job set
    try:
        first = jobs.start_scheduler(get_engine(db_url), cfg, IST)
        saved = stored_jobs(db_url)
        assert set(saved) == {f"alerts.{n}" for n in ("offline", "after_hours", "anomalies", "thresholds", "notify",
                                                      "forecast", "digest")}
        first.shutdown(wait=False)
        await asyncio.sleep(1.1)
        second = jobs.start_scheduler(get_engine(db_url), cfg, IST)
        assert stored_jobs(db_url) == saved  # not rescheduled from "now"
        second.shutdown(wait=False)
        changed = jobs.start_scheduler(get_engine(db_url), AlertConfig(offline_scan_s=60, notify_tick_s=3600), IST)
        after = stored_jobs(db_url)
        assert after["alerts.offline"] != saved["alerts.offline"] and after["alerts.notify"] == saved["alerts.notify"]
        changed.shutdown(wait=False)
    finally:
        jobs.set_runner(None)
    assert recorder.runs == []


async def test_missed_runs_while_down_run_once_on_start(db_url):
    upgrade(db_url)
    cfg = AlertConfig(offline_scan_s=3600)
    recorder = Recorder()
    jobs.set_runner(recorder)
    try:
        sched = jobs.start_scheduler(get_engine(db_url), cfg, IST, only={"offline"})
        sched.pause()
        # As if the service had been down for three hours and a bit: three hourly runs missed.
        missed = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=3, seconds=5)
        sched.modify_job("alerts.offline", next_run_time=missed)
        sched.shutdown(wait=False)
        sched = jobs.start_scheduler(get_engine(db_url), cfg, IST, only={"offline"})
        await asyncio.sleep(0.8)
        next_run = sched.get_job("alerts.offline").next_run_time
        sched.shutdown(wait=False)
    finally:
        jobs.set_runner(None)
    assert [name for name, _ in recorder.runs] == ["offline"]  # once, not three times
    assert next_run > dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=50)  # and back on its hourly grid


async def test_a_slow_scan_never_overlaps_itself(sqlite_url):
    upgrade(sqlite_url)
    recorder = Recorder(busy_s=1.6)
    jobs.set_runner(recorder)
    try:
        sched = jobs.start_scheduler(get_engine(sqlite_url), AlertConfig(offline_scan_s=1), IST, only={"offline"})
        await asyncio.sleep(2.3)
        sched.shutdown(wait=False)
    finally:
        jobs.set_runner(None)
    assert recorder.most_at_once == 1 and 1 <= len(recorder.runs) <= 2


async def test_the_component_starts_without_a_campus_and_says_why_scans_find_nothing(sqlite_url, caplog):
    from alerts.service import AlertOptions, AlertService
    from alerts.scheduler import run_job

    upgrade(sqlite_url)
    service = AlertService(sqlite_url, options=AlertOptions(send=False, only=frozenset({"offline"})))
    await service.start()
    try:
        await run_job("offline")
    finally:
        await service.stop()
    assert any("no campus loaded" in str(getattr(r, "kv", {}).get("reason", "")) for r in caplog.records)
