"""The scans on APScheduler, with jobs persisted in the service's database (SQLAlchemyJobStore).

Each job never overlaps itself (max_instances=1); runs missed while the service was down are run once on start
(coalesce=True, no misfire grace limit). Jobs already in the store keep their next run time across restarts,
which is what makes a missed run visible; only a changed interval reschedules a job.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import Engine

from alerts.engine import NoCampus
from alerts.model import AlertConfig

log = logging.getLogger(__name__)
FIRST_RUN_DELAY_S = 90.0  # more than a board's liveness window, so the offline scan sees real silence

JOB_PREFIX = "alerts."
JOBS_TABLE = "apscheduler_jobs"
HOUSEKEEPING = "housekeeping"
HOUSEKEEPING_AT = dt.time(3, 30)  # campus time: the quietest hour, after the day's scans have read their data


class JobRunner(Protocol):
    async def run_scan(self, name: str) -> Any: ...


# The component whose scans the persisted jobs run (jobs are stored by reference, so they look it up here).
_runner: JobRunner | None = None


def set_runner(runner: JobRunner | None) -> None:
    global _runner
    _runner = runner


# Nightly database upkeep (readings retention), set by the service wiring; scheduled only while one is set.
_housekeeping: Callable[[], Any] | None = None


def set_housekeeping(job: Callable[[], Any] | None) -> None:
    global _housekeeping
    _housekeeping = job


async def run_job(name: str) -> None:
    """The stored job function: run scan `name` on the active alerts component (or the housekeeping job)."""
    if name == HOUSEKEEPING:
        try:
            if _housekeeping is not None:
                await asyncio.to_thread(_housekeeping)
        except Exception:  # as for scans: the scheduler survives, the next night tries again
            log.exception("housekeeping failed")
        return
    if _runner is None:
        log.warning("alert job ran with no alerts component active", extra={"kv": {"scan": name}})
        return
    try:
        await _runner.run_scan(name)
    except NoCampus as exc:
        log.warning("alert scan skipped", extra={"kv": {"scan": name, "reason": str(exc)}})
    except Exception:  # a failing scan must not kill the scheduler; the next run tries again
        log.exception("alert scan failed", extra={"kv": {"scan": name}})


@dataclass(frozen=True)
class JobSpec:
    """A scheduled scan: job id, scan name, trigger."""

    id: str
    scan: str
    trigger: Any


def job_specs(config: AlertConfig, tz: ZoneInfo) -> list[JobSpec]:
    def every(seconds: float) -> IntervalTrigger:
        return IntervalTrigger(seconds=max(int(seconds), 1), timezone=tz)

    digest = CronTrigger(hour=config.digest_at.hour, minute=config.digest_at.minute, timezone=tz)
    # The accuracy check runs just before the digest so the digest's open alerts include it.
    check_at = (dt.datetime.combine(dt.date(2000, 1, 1), config.digest_at) - dt.timedelta(minutes=5)).time()
    forecast = CronTrigger(hour=check_at.hour, minute=check_at.minute, timezone=tz)
    return [
        JobSpec(f"{JOB_PREFIX}offline", "offline", every(config.offline_scan_s)),
        JobSpec(f"{JOB_PREFIX}after_hours", "after_hours", every(config.after_hours_scan_s)),
        JobSpec(f"{JOB_PREFIX}anomalies", "anomalies", every(config.anomaly_scan_s)),
        JobSpec(f"{JOB_PREFIX}thresholds", "thresholds", every(config.threshold_scan_s)),
        JobSpec(f"{JOB_PREFIX}notify", "notify", every(config.notify_tick_s)),
        JobSpec(f"{JOB_PREFIX}forecast", "forecast", forecast),
        JobSpec(f"{JOB_PREFIX}digest", "digest", digest),
    ]


def _same_trigger(a: Any, b: Any) -> bool:
    return type(a) is type(b) and str(a) == str(b) and getattr(a, "interval", None) == getattr(b, "interval", None)


def start_scheduler(engine: Engine, config: AlertConfig, tz: ZoneInfo, *, only: set[str] | None = None) -> AsyncIOScheduler:
    """Start the scheduler on the running loop with the alert jobs; `only` limits which scans are scheduled."""
    scheduler = AsyncIOScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=engine, tablename=JOBS_TABLE)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        timezone=tz, event_loop=asyncio.get_running_loop())
    scheduler.start(paused=True)
    wanted = {s.id: s for s in job_specs(config, tz) if only is None or s.scan in only}
    if _housekeeping is not None and only is None:
        nightly = CronTrigger(hour=HOUSEKEEPING_AT.hour, minute=HOUSEKEEPING_AT.minute, timezone=tz)
        wanted[f"{JOB_PREFIX}{HOUSEKEEPING}"] = JobSpec(f"{JOB_PREFIX}{HOUSEKEEPING}", HOUSEKEEPING, nightly)
    existing = {job.id: job for job in scheduler.get_jobs() if job.id.startswith(JOB_PREFIX)}
    for job_id, job in existing.items():
        if job_id not in wanted:
            scheduler.remove_job(job_id)
    for job_id, spec in wanted.items():
        job = existing.get(job_id)
        if job is None:
            # A first start should not wait a whole interval (15 min for anomalies) before its first look; the
            # delay lets boards report once. Jobs already stored keep their own next run time.
            first = (dt.datetime.now(tz) + min(dt.timedelta(seconds=FIRST_RUN_DELAY_S), spec.trigger.interval)
                     if isinstance(spec.trigger, IntervalTrigger) else None)
            scheduler.add_job(run_job, spec.trigger, args=[spec.scan], id=job_id, name=f"alerts {spec.scan}",
                              **({"next_run_time": first} if first else {}))
        elif not _same_trigger(job.trigger, spec.trigger):
            job.reschedule(spec.trigger)
            log.info("alert job rescheduled", extra={"kv": {"job": job_id, "trigger": str(spec.trigger)}})
        else:
            log.debug("alert job kept", extra={"kv": {"job": job_id, "next_run": str(job.next_run_time)}})
    scheduler.resume()
    return scheduler
