"""The nightly forecast-model refit: for every room, refit (or, weekly, re-choose by backtest) its model on the stored
history, save it under <data_dir>/models/, and record the run in `model_runs`. Also `autovolt analytics refit`.

Analytics stays pure: this module reads the store, calls `analytics.forecast.refit`/`choose_model` and writes
the results back. A run works one series at a time in a worker thread; one series failing is logged and skipped.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import math
import shutil
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from analytics.calendar import CampusCalendar, Term
from analytics.forecast import ForecastError, choose_model, pick_best, refit
from analytics.persistence import save_model
from autovolt.api.series import Target, hourly_history
from autovolt.metrics import record_model_fit
from store.campus import Campus
from store.db import get_engine, session_scope
from store.model_runs import insert_run, latest_row, room_series_key, to_run
from store.registry import load_registry

log = logging.getLogger(__name__)

REFIT_AT = dt.time(2, 30)  # campus time: after the day's readings are in, before anyone asks for a forecast
HISTORY = dt.timedelta(weeks=104)  # the models use at most two years (yearly patterns need one)
PROGRESS_EVERY = 10
KEEP_FOLDERS = 2  # per series: the current model and the one before (a reader may still be loading it)
JOB_ID = "models.refit"
JOBS_TABLE = "apscheduler_model_jobs"  # not the alerts' table: each scheduler runs every job its table holds


@dataclass(frozen=True)
class RefitResult:
    """One series' outcome. status: chosen (backtest run), refitted (previous choice reused), skipped (the series
    cannot be forecast: `reason` says why) or failed (an error: `reason` has it). chosen_at: when the model choice
    was made (unchanged by a refit)."""

    series_key: str
    status: str
    model: str | None = None
    seconds: float = 0.0
    reason: str | None = None
    artifact: str | None = None
    chosen_at: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"series": self.series_key, "status": self.status, "model": self.model,
                "seconds": round(self.seconds, 2), "reason": self.reason, "artifact": self.artifact,
                "chosen_at": self.chosen_at}

    def line(self) -> str:
        if self.status in ("chosen", "refitted"):
            return f"{self.series_key}: {self.model} ({self.status}, {self.seconds:.1f} s)"
        return f"{self.series_key}: {self.status}: {self.reason}"


def campus_calendar(campus: Campus) -> CampusCalendar:
    return CampusCalendar(country=campus.country, terms=tuple(Term(t.name, t.start, t.end) for t in campus.terms))


def room_history(database_url: str, campus: Campus, room_id: str, now: dt.datetime) -> pd.Series:
    """Hourly energy (Wh) of the room on campus-local hours, as the API's forecasts read it; the hour in progress
    is left out (its energy is still being counted)."""
    room = campus.room(room_id)
    history = hourly_history(database_url, Target("room", room.id, room.name), now - HISTORY, now, campus.timezone)
    current = pd.Timestamp(now).tz_convert(campus.timezone).tz_localize(None).floor("h")
    return history[history.index < current]


def _folder(data_dir: Path, series_key: str, created_at: dt.datetime) -> Path:
    return data_dir / "models" / series_key.replace(":", "_") / created_at.strftime("%Y%m%dT%H%M%S%fZ")


def _prune(series_folder: Path, keep: int = KEEP_FOLDERS) -> None:
    folders = sorted(p for p in series_folder.iterdir() if p.is_dir()) if series_folder.is_dir() else []
    for old in folders[:-keep]:
        shutil.rmtree(old, ignore_errors=True)


def refit_series(database_url: str, data_dir: Path, campus: Campus, room_id: str, calendar: CampusCalendar,
                 now: dt.datetime) -> RefitResult:
    """Refit one room's model, save it in a new folder and record the run (the row is the switch to the new model)."""
    key = room_series_key(room_id)
    started = time.perf_counter()
    with session_scope(database_url) as session:
        row = latest_row(session, key)
        previous = to_run(row) if row is not None else None
        previous_chosen = dict((row.scores or {}).get("chosen") or {}) if row is not None else {}
    history = room_history(database_url, campus, room_id, now)
    try:
        if previous is not None:
            selection = refit(history, previous, calendar, now=now)
        else:
            selection = choose_model(history, calendar, series_key=key)
    except ForecastError as exc:
        return RefitResult(key, "skipped", reason=str(exc), seconds=time.perf_counter() - started)
    run = selection.run
    reused = previous is not None and run.backtest.get("chosen_at") == previous.backtest.get("chosen_at")
    if reused:
        chosen = previous_chosen
    else:
        best = pick_best(list(selection.candidates))
        chosen = {**best.scores.as_dict(), "mase_24": best.mase_24} if best is not None else {}
        chosen = {k: (float(v) if v is not None and math.isfinite(v) else None) for k, v in chosen.items()}
    folder = save_model(selection.model, _folder(data_dir, key, run.created_at))
    run = run.with_artifact(str(folder.resolve()))
    with session_scope(database_url) as session:
        insert_run(session, run, chosen)
    _prune(folder.parent)
    record_model_fit(key, chosen.get("mape"), fitted_at=run.created_at)
    return RefitResult(key, "refitted" if reused else "chosen", run.model, time.perf_counter() - started,
                       artifact=str(folder.resolve()), chosen_at=run.backtest.get("chosen_at"))


def run_refit(database_url: str, data_dir: Path, *, room_ids: Sequence[str] | None = None,
              now: dt.datetime | None = None, progress_every: int = PROGRESS_EVERY,
              on_result: Callable[[RefitResult], None] | None = None,
              stop: threading.Event | None = None) -> list[RefitResult]:
    """Refit every room's model (or only `room_ids`). Progress is logged every `progress_every` series with the
    rate and the time left; a failing series is logged and skipped, never stopping the run. Setting `stop` ends
    the run after the series in progress."""
    with session_scope(database_url) as session:
        campus = load_registry(session)
    if campus is None:
        raise LookupError("no campus loaded: run `autovolt campus load FILE` first")
    known = [r.id for r in campus.rooms]
    wanted = list(room_ids) if room_ids is not None else known
    unknown = [r for r in wanted if r not in known]
    if unknown:
        raise LookupError(f"no room with id {', '.join(map(repr, unknown))}")
    calendar = campus_calendar(campus)
    started = time.perf_counter()
    results: list[RefitResult] = []
    log.info("model refit started", extra={"kv": {"series": len(wanted)}})
    for n, room_id in enumerate(wanted, 1):
        if stop is not None and stop.is_set():
            log.warning("model refit stopped", extra={"kv": {"done": n - 1, "total": len(wanted)}})
            break
        t0 = time.perf_counter()
        try:
            result = refit_series(database_url, data_dir, campus, room_id, calendar,
                                  now or dt.datetime.now(dt.timezone.utc))
        except Exception as exc:  # one series must not stop the night's run; the next night tries again
            log.exception("model refit failed", extra={"kv": {"series": room_series_key(room_id)}})
            result = RefitResult(room_series_key(room_id), "failed", reason=f"{type(exc).__name__}: {exc}"[:300],
                                 seconds=time.perf_counter() - t0)
        if result.status == "skipped":
            log.warning("model refit skipped", extra={"kv": {"series": result.series_key, "reason": result.reason}})
        results.append(result)
        if on_result is not None:
            on_result(result)
        if n % progress_every == 0 or n == len(wanted):
            elapsed = time.perf_counter() - started
            rate = n / elapsed if elapsed > 0 else 0.0
            log.info("model refit progress", extra={"kv": {
                "done": n, "total": len(wanted), "per_min": round(rate * 60, 1),
                "left_s": round((len(wanted) - n) / rate, 1) if rate else None}})
    counts = {s: sum(r.status == s for r in results) for s in ("chosen", "refitted", "skipped", "failed")}
    log.info("model refit finished", extra={"kv": {**counts, "seconds": round(time.perf_counter() - started, 1)}})
    return results


# --- the scheduled job -----------------------------------------------------------------------------------------

# The component whose refit the persisted job runs (APScheduler stores jobs by reference, so it looks it up here).
_active: "ModelRefitComponent | None" = None


async def run_job() -> None:
    """The stored job function: the nightly refit of the active component, in a worker thread."""
    if _active is None:
        log.warning("model refit job ran with no model component active")
        return
    try:
        await _active.run_now()
    except Exception:  # the scheduler must survive; the next night tries again
        log.exception("model refit job failed")


class ModelRefitComponent:
    """Schedules the nightly refit at REFIT_AT campus time, in its own APScheduler job table in the service's
    database: a night missed while the service was down runs once on start (coalesce, no misfire limit)."""

    name = "models"

    def __init__(self, database_url: str, data_dir: Path, timezone: str | None = None) -> None:
        self.database_url = database_url
        self.data_dir = data_dir
        self.timezone = timezone
        self.scheduler: Any = None
        self._running: asyncio.Future | None = None
        self._stop = threading.Event()

    async def run_now(self) -> list[RefitResult]:
        self._running = asyncio.ensure_future(asyncio.to_thread(run_refit, self.database_url, self.data_dir,
                                                                 stop=self._stop))
        try:
            # Shielded: stopping the service waits for the series in progress instead of abandoning its thread.
            return await asyncio.shield(self._running)
        finally:
            self._running = None

    def _tz(self) -> ZoneInfo:
        if self.timezone:
            return ZoneInfo(self.timezone)
        with session_scope(self.database_url) as session:
            campus = load_registry(session)
        return ZoneInfo(campus.timezone if campus is not None else "UTC")

    async def start(self) -> None:
        from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
        from apscheduler.schedulers.asyncio import AsyncIOScheduler
        from apscheduler.triggers.cron import CronTrigger

        global _active
        _active = self
        self._stop.clear()
        tz = await asyncio.to_thread(self._tz)
        self.scheduler = AsyncIOScheduler(
            jobstores={"default": SQLAlchemyJobStore(engine=get_engine(self.database_url), tablename=JOBS_TABLE)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
            timezone=tz, event_loop=asyncio.get_running_loop())
        self.scheduler.start(paused=True)
        trigger = CronTrigger(hour=REFIT_AT.hour, minute=REFIT_AT.minute, timezone=tz)
        job = self.scheduler.get_job(JOB_ID)
        if job is None:
            self.scheduler.add_job(run_job, trigger, id=JOB_ID, name="nightly model refit")
        elif str(job.trigger) != str(trigger):
            job.reschedule(trigger)
        self.scheduler.resume()
        log.info("model refit scheduled", extra={"kv": {"at": REFIT_AT.isoformat(), "timezone": str(tz),
                                                        "next_run": str(self.scheduler.get_job(JOB_ID).next_run_time)}})

    async def stop(self, timeout_s: float = 60.0) -> None:
        global _active
        if self.scheduler is not None:
            self.scheduler.pause()
            self._stop.set()
            if self._running is not None:
                await asyncio.wait([self._running], timeout=timeout_s)
            self.scheduler.shutdown(wait=False)
            self.scheduler = None
        if _active is self:
            _active = None
