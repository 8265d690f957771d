"""The nightly forecast-model refit: for every room, refit (or, weekly, re-choose by backtest) its model on the stored
history, save it under <data_dir>/models/, and record the run in `model_runs`. Also `autovolt analytics refit`.

Analytics stays pure: this module reads the store, calls `analytics.forecast.refit`/`choose_model` and writes
the results back. A run fits in `workers` processes (the parent reads each room's history and records each result);
workers=1 works one series at a time in the calling thread. One series failing is logged and skipped.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import logging.handlers
import math
import multiprocessing as mp
import os
import shutil
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from analytics.calendar import CampusCalendar
from analytics.forecast import ForecastError, ModelRun, choose_model, pick_best, refit
from analytics.persistence import load_pool, save_model, save_pool
from analytics.pooled import fit_pool
from autovolt.api.series import Target, hourly_history
from autovolt.child_lifetime import end_with_parent
from autovolt.metrics import record_model_fit
from store.campus import Campus
from store.db import get_engine, session_scope
from store.model_runs import insert_run, latest_row, room_series_key, to_run
from store.registry import load_registry
from store.weather import stored_temperature

log = logging.getLogger(__name__)

REFIT_AT = dt.time(2, 30)  # campus time: after the day's readings are in, before anyone asks for a forecast
HISTORY = dt.timedelta(weeks=104)  # the models use at most two years (yearly patterns need one)
# The day-ahead model compares each hour's temperature with the same hour a week before, so a week more of weather.
WEATHER_LEAD = dt.timedelta(weeks=1)
PROGRESS_EVERY = 10
KEEP_FOLDERS = 2  # per series: the current model and the one before (a reader may still be loading it)
# The campus pool (analytics.pooled) is fitted on at most this many rooms, spread over the campus, in its own folder.
POOL_ROOMS = 100
POOL_FOLDER = "_campus"
# The pool learns what a campus's rooms share (calendar, weather, habits), which changes slowly: it is refitted with
# the weekly re-choice, so the six other nights cost nothing extra (on 100 rooms its ~10 s CPU fit was +22 % of a
# night that only refits, bench/analytics_refit.py).
POOL_REFIT_AFTER = dt.timedelta(days=7)
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


def room_history(database_url: str, campus: Campus, room_id: str, now: dt.datetime) -> pd.Series:
    """Hourly energy (Wh) of the room on campus-local hours, as the API's forecasts read it; the hour in progress
    is left out (its energy is still being counted)."""
    room = campus.room(room_id)
    history = hourly_history(database_url, Target("room", room.id, room.name), now - HISTORY, now, campus.timezone)
    current = pd.Timestamp(now).tz_convert(campus.timezone).tz_localize(None).floor("h")
    return history[history.index < current]


def history_weather(database_url: str, campus: Campus, now: dt.datetime) -> pd.Series | None:
    """The stored outdoor temperature over the history's span, on the same campus-local hours; None without any."""
    return stored_temperature(database_url, now - HISTORY - WEATHER_LEAD, now, campus.timezone)


def _folder(data_dir: Path, series_key: str, created_at: dt.datetime) -> Path:
    return data_dir / "models" / series_key.replace(":", "_") / created_at.strftime("%Y%m%dT%H%M%S%fZ")


def _prune(series_folder: Path, keep: int = KEEP_FOLDERS) -> None:
    folders = sorted(p for p in series_folder.iterdir() if p.is_dir()) if series_folder.is_dir() else []
    for old in folders[:-keep]:
        shutil.rmtree(old, ignore_errors=True)


@dataclass(frozen=True)
class SeriesTask:
    """What fitting one series needs, read from the store by the parent: plain picklable data, no database handle,
    so a worker process can fit it. previous/previous_chosen: the latest stored run and its "chosen" scores.
    weather: outdoor temperature on the history's campus-local hours (None: no feed), for the day-ahead model.
    pool_file: tonight's campus pool (analytics.pooled, saved by `fit_campus_pool`), or None."""

    series_key: str
    history: pd.Series
    previous: ModelRun | None
    previous_chosen: dict[str, Any]
    calendar: CampusCalendar
    now: dt.datetime
    data_dir: Path
    weather: pd.Series | None = None
    pool_file: Path | None = None


@dataclass(frozen=True)
class Fitted:
    """A fitted and saved model (run.artifact_path is its folder). reused: the previous choice was refitted.
    skipped: why the series cannot be forecast (then run is None). seconds: time spent fitting."""

    run: ModelRun | None
    chosen: dict[str, Any]
    reused: bool = False
    skipped: str | None = None
    seconds: float = 0.0


def load_task(database_url: str, data_dir: Path, campus: Campus, room_id: str, calendar: CampusCalendar,
              now: dt.datetime, pool_file: Path | None = None) -> SeriesTask:
    """Read one room's latest run and history (in the parent: the database never crosses a process boundary)."""
    key = room_series_key(room_id)
    with session_scope(database_url) as session:
        row = latest_row(session, key)
        previous = to_run(row) if row is not None else None
        previous_chosen = dict((row.scores or {}).get("chosen") or {}) if row is not None else {}
    return SeriesTask(key, room_history(database_url, campus, room_id, now), previous, previous_chosen, calendar,
                      now, data_dir, history_weather(database_url, campus, now), pool_file)


def _pool_folder(data_dir: Path) -> Path:
    return data_dir / "models" / POOL_FOLDER


def fit_campus_pool(database_url: str, data_dir: Path, campus: Campus, calendar: CampusCalendar,
                    now: dt.datetime) -> Path | None:
    """Fit the campus's pooled day-ahead model once for the night, on up to POOL_ROOMS rooms spread over the campus
    (its training rows are capped, so more rooms would add reading time, not learning), and save it as
    <data_dir>/models/_campus/pool-<time>.skops; the two newest are kept. None when the rooms' histories are too
    short to pool (the rooms then use their own day-ahead models)."""
    rooms = [r.id for r in campus.rooms]
    if len(rooms) > POOL_ROOMS:
        rooms = [rooms[round(i * (len(rooms) - 1) / (POOL_ROOMS - 1))] for i in range(POOL_ROOMS)]
    started = time.perf_counter()
    histories = {r: room_history(database_url, campus, r, now) for r in rooms}
    pool = fit_pool(histories, calendar, weather=history_weather(database_url, campus, now))
    if pool.model is None:
        log.info("campus pool not fitted: histories too short", extra={"kv": {"rooms": len(rooms)}})
        return None
    folder = _pool_folder(data_dir)
    path = save_pool(pool, folder / f"pool-{now.astimezone(dt.timezone.utc).strftime('%Y%m%dT%H%M%S%fZ')}.skops")
    for old in sorted(folder.glob("pool-*.skops"))[:-KEEP_FOLDERS]:
        old.unlink(missing_ok=True)
    log.info("campus pool fitted", extra={"kv": {"rooms": len(rooms), "seconds": round(time.perf_counter() - started, 1),
                                                 "path": str(path)}})
    return path


def latest_pool(data_dir: Path) -> Path | None:
    """The newest saved campus pool (a run over a few rooms uses it rather than fitting another)."""
    saved = sorted(_pool_folder(data_dir).glob("pool-*.skops"))
    return saved[-1] if saved else None


def pool_age(path: Path, now: dt.datetime) -> dt.timedelta:
    """How old a saved pool is, from the fit time in its name."""
    fitted = dt.datetime.strptime(path.stem.removeprefix("pool-"), "%Y%m%dT%H%M%S%fZ").replace(tzinfo=dt.timezone.utc)
    return now - fitted


def night_pool(database_url: str, data_dir: Path, campus: Campus, calendar: CampusCalendar,
               now: dt.datetime) -> Path | None:
    """The pool for tonight's run over the whole campus: the newest saved one while it is younger than
    POOL_REFIT_AFTER, else a fresh fit (None if it cannot be fitted: every room then uses its own day-ahead model)."""
    newest = latest_pool(data_dir)
    try:
        if newest is not None and dt.timedelta(0) <= pool_age(newest, now) < POOL_REFIT_AFTER:
            return newest
    except ValueError:  # a file named by hand: refit
        pass
    try:
        return fit_campus_pool(database_url, data_dir, campus, calendar, now)
    except Exception:  # the rooms' own models still refit
        log.exception("campus pool fit failed")
        return newest


def fit_series(task: SeriesTask) -> Fitted:
    """Refit (or re-choose) one series' model and save it in a new folder; no database, so it runs in a worker."""
    started = time.perf_counter()
    pool = load_pool(task.pool_file, task.calendar) if task.pool_file is not None else None
    try:
        if task.previous is not None:
            selection = refit(task.history, task.previous, task.calendar, now=task.now, weather=task.weather, pool=pool)
        else:
            selection = choose_model(task.history, task.calendar, series_key=task.series_key, weather=task.weather,
                                     pool=pool)
    except ForecastError as exc:
        return Fitted(None, {}, skipped=str(exc), seconds=time.perf_counter() - started)
    run = selection.run
    reused = task.previous is not None and run.backtest.get("chosen_at") == task.previous.backtest.get("chosen_at")
    if reused:
        chosen = task.previous_chosen
    else:
        best = pick_best(list(selection.candidates))
        chosen = {**best.scores.as_dict(), "mase_24": best.mase_24} if best is not None else {}
        chosen = {k: (float(v) if v is not None and math.isfinite(v) else None) for k, v in chosen.items()}
    folder = save_model(selection.model, _folder(task.data_dir, task.series_key, run.created_at), pool_file=task.pool_file)
    return Fitted(run.with_artifact(str(folder.resolve())), chosen, reused, seconds=time.perf_counter() - started)


def record_fit(database_url: str, series_key: str, fitted: Fitted, seconds: float) -> RefitResult:
    """Record a fit (the model_runs row is the switch to the new model), prune old folders, update the metrics."""
    if fitted.run is None:
        return RefitResult(series_key, "skipped", reason=fitted.skipped, seconds=seconds)
    run = fitted.run
    with session_scope(database_url) as session:
        insert_run(session, run, fitted.chosen)
    folder = Path(run.artifact_path or "")
    _prune(folder.parent)
    record_model_fit(series_key, fitted.chosen.get("wape"), fitted_at=run.created_at)
    return RefitResult(series_key, "refitted" if fitted.reused else "chosen", run.model, seconds,
                       artifact=run.artifact_path, chosen_at=run.backtest.get("chosen_at"))


def refit_series(database_url: str, data_dir: Path, campus: Campus, room_id: str, calendar: CampusCalendar,
                 now: dt.datetime, pool_file: Path | None = None) -> RefitResult:
    """Refit one room's model in this thread: read, fit and save, record."""
    started = time.perf_counter()
    fitted = fit_series(load_task(database_url, data_dir, campus, room_id, calendar, now, pool_file))
    return record_fit(database_url, room_series_key(room_id), fitted, time.perf_counter() - started)


def default_workers() -> int:
    return max(1, min(2, os.cpu_count() or 1))


def _failed(room_id: str, exc: BaseException, seconds: float) -> RefitResult:
    log.error("model refit failed", exc_info=exc, extra={"kv": {"series": room_series_key(room_id)}})
    return RefitResult(room_series_key(room_id), "failed", reason=f"{type(exc).__name__}: {exc}"[:300],
                       seconds=seconds)


class _Progress:
    """Logs every `every` finished series with the rate and the time left; passes each result on."""

    def __init__(self, total: int, every: int, on_result: Callable[[RefitResult], None] | None) -> None:
        self.total, self.every, self.on_result = total, every, on_result
        self.started = time.perf_counter()
        self.results: list[RefitResult] = []

    def add(self, result: RefitResult) -> None:
        if result.status == "skipped":
            log.warning("model refit skipped", extra={"kv": {"series": result.series_key, "reason": result.reason}})
        self.results.append(result)
        if self.on_result is not None:
            self.on_result(result)
        n = len(self.results)
        if n % self.every == 0 or n == self.total:
            elapsed = time.perf_counter() - self.started
            rate = n / elapsed if elapsed > 0 else 0.0
            log.info("model refit progress", extra={"kv": {
                "done": n, "total": self.total, "per_min": round(rate * 60, 1),
                "left_s": round((self.total - n) / rate, 1) if rate else None}})


def _refit_in_thread(database_url: str, data_dir: Path, campus: Campus, wanted: list[str], calendar: CampusCalendar,
                     now: dt.datetime | None, progress: _Progress, stop: threading.Event | None,
                     pool_file: Path | None = None) -> None:
    for room_id in wanted:
        if stop is not None and stop.is_set():
            break
        t0 = time.perf_counter()
        try:
            result = refit_series(database_url, data_dir, campus, room_id, calendar,
                                  now or dt.datetime.now(dt.timezone.utc), pool_file)
        except Exception as exc:  # one series must not stop the night's run; the next night tries again
            result = _failed(room_id, exc, time.perf_counter() - t0)
        progress.add(result)


class _ToLocalLoggers(logging.Handler):
    """Hands a record from a worker process to this process's logger of the same name (its handlers, its format)."""

    def emit(self, record: logging.LogRecord) -> None:
        logger = logging.getLogger(record.name)
        if logger.isEnabledFor(record.levelno):
            logger.handle(record)


def _worker_logging(queue: Any, parent_pid: int) -> None:
    """Pool initializer: a worker's warnings and errors go to the service's log through `queue` (a spawned
    process starts with no logging set up, so they were lost); its info lines stay quiet (the service logs each
    series' result itself). The worker ends when the service does (autovolt.child_lifetime)."""
    end_with_parent(parent_pid)
    root = logging.getLogger()
    root.handlers[:] = [logging.handlers.QueueHandler(queue)]
    root.setLevel(logging.WARNING)


class _WorkerPools:
    """Makes "spawn" worker pools whose warnings reach this process's log while the context is open. "spawn": no
    database engine, lock or service thread is inherited (fork in a threaded service is unsafe)."""

    def __init__(self) -> None:
        self.context = mp.get_context("spawn")
        self.queue = self.context.Queue()
        self.listener = logging.handlers.QueueListener(self.queue, _ToLocalLoggers())

    def __enter__(self) -> "_WorkerPools":
        self.listener.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.listener.stop()  # after the pools are shut down: their last records are delivered first

    def pool(self, workers: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(workers, mp_context=self.context, initializer=_worker_logging,
                                   initargs=(self.queue, os.getpid()))


def _refit_in_pool(database_url: str, data_dir: Path, campus: Campus, wanted: list[str], calendar: CampusCalendar,
                   now: dt.datetime | None, progress: _Progress, stop: threading.Event | None, workers: int,
                   pool_file: Path | None = None) -> None:
    """The parent reads each room's history and records results as they arrive; `workers` processes fit and save
    (their warnings reach this process's log). At most `workers` series are in flight, so a stop waits only for
    the series in progress."""
    with _WorkerPools() as pools:
        _run_pool(database_url, data_dir, campus, wanted, calendar, now, progress, stop, workers,
                  lambda: pools.pool(workers), pool_file)


def _refit_on_dask(database_url: str, data_dir: Path, campus: Campus, wanted: list[str], calendar: CampusCalendar,
                   now: dt.datetime | None, progress: _Progress, stop: threading.Event | None,
                   scheduler: str, pool_file: Path | None = None) -> None:
    """As the process pool, on a Dask cluster (`scheduler` tcp://host:8786): this process reads each history and
    records each result, the workers run `fit_series` (the service's own code, installed on them) and save the
    model under `data_dir`, which they must share with the replicas (the model_runs row points to the folder).
    Twice as many series in flight as the cluster has threads keeps every worker busy."""
    from distributed import Client

    with Client(scheduler, timeout=30, set_as_default=False) as client:
        slots = max(1, 2 * sum(client.nthreads().values()))
        log.info("model refit on a Dask cluster", extra={"kv": {"scheduler": scheduler, "in_flight": slots}})
        _run_pool(database_url, data_dir, campus, wanted, calendar, now, progress, stop, slots,
                  lambda: _DaskExecutor(client), pool_file)


class _DaskExecutor:
    """A Dask client as the pool `_run_pool` expects: submit -> concurrent.futures.Future, shutdown."""

    def __init__(self, client: Any) -> None:
        self._executor = client.get_executor(pure=False)

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        return self._executor.submit(fn, *args)

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        self._executor.shutdown(wait=wait and not cancel_futures)


def _run_pool(database_url: str, data_dir: Path, campus: Campus, wanted: list[str], calendar: CampusCalendar,
              now: dt.datetime | None, progress: _Progress, stop: threading.Event | None, workers: int,
              new_pool: Callable[[], Any], pool_file: Path | None = None) -> None:
    todo = iter(wanted)
    pool = new_pool()
    pending: dict[Future[Fitted], tuple[str, float]] = {}
    broken = False
    try:
        while True:
            while len(pending) < workers and not broken and not (stop is not None and stop.is_set()):
                room_id = next(todo, None)
                if room_id is None:
                    break
                t0 = time.perf_counter()
                try:
                    task = load_task(database_url, data_dir, campus, room_id, calendar,
                                     now or dt.datetime.now(dt.timezone.utc), pool_file)
                    pending[pool.submit(fit_series, task)] = (room_id, t0)
                except Exception as exc:
                    progress.add(_failed(room_id, exc, time.perf_counter() - t0))
            if not pending:
                return
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                room_id, t0 = pending.pop(future)
                try:
                    result = record_fit(database_url, room_series_key(room_id), future.result(),
                                        time.perf_counter() - t0)
                except Exception as exc:  # one series must not stop the night's run; the next night tries again
                    broken = broken or isinstance(exc, BrokenProcessPool)
                    result = _failed(room_id, exc, time.perf_counter() - t0)
                progress.add(result)
            if broken and not pending:
                # A worker died (crash, out of memory): that fails the series in flight and breaks the whole pool,
                # so the rest get a fresh one.
                pool.shutdown(wait=True)
                pool = new_pool()
                broken = False
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def run_refit(database_url: str, data_dir: Path, *, room_ids: Sequence[str] | None = None,
              now: dt.datetime | None = None, progress_every: int = PROGRESS_EVERY,
              on_result: Callable[[RefitResult], None] | None = None,
              stop: threading.Event | None = None, workers: int | None = None,
              dask_scheduler: str | None = None) -> list[RefitResult]:
    """Refit every room's model (or only `room_ids`) with `workers` processes (default min(2, CPUs); 1 = in this
    thread), or on the Dask cluster at `dask_scheduler` (tcp://host:8786) when given. Progress is logged every `progress_every` series with the rate and the time left; a failing series is
    logged and skipped, never stopping the run. Setting `stop` ends the run after the series in progress. Results
    come back in room order; `on_result` sees them as they finish."""
    with session_scope(database_url) as session:
        campus = load_registry(session)
    if campus is None:
        raise LookupError("no campus loaded: run `autovolt campus load FILE` first")
    known = [r.id for r in campus.rooms]
    wanted = list(room_ids) if room_ids is not None else known
    unknown = [r for r in wanted if r not in known]
    if unknown:
        raise LookupError(f"no room with id {', '.join(map(repr, unknown))}")
    workers = default_workers() if workers is None else workers
    if workers < 1:
        raise ValueError("workers must be at least 1")
    calendar = CampusCalendar.of_campus(campus)
    progress = _Progress(len(wanted), progress_every, on_result)
    log.info("model refit started", extra={"kv": {"series": len(wanted), "workers": workers,
                                                   "dask": dask_scheduler or "off"}})
    # The campus pool is refitted weekly by a run over the whole campus; other nights and a run over a few rooms use
    # the newest saved one. A pool that cannot be fitted leaves every room with its own day-ahead model.
    if room_ids is None:
        pool_file = night_pool(database_url, data_dir, campus, calendar, now or dt.datetime.now(dt.timezone.utc))
    else:
        pool_file = latest_pool(data_dir)
    if dask_scheduler:
        _refit_on_dask(database_url, data_dir, campus, wanted, calendar, now, progress, stop, dask_scheduler, pool_file)
    elif workers == 1 or len(wanted) <= 1:
        _refit_in_thread(database_url, data_dir, campus, wanted, calendar, now, progress, stop, pool_file)
    else:
        _refit_in_pool(database_url, data_dir, campus, wanted, calendar, now, progress, stop, min(workers, len(wanted)),
                       pool_file)
    results = progress.results
    if len(results) < len(wanted):
        log.warning("model refit stopped", extra={"kv": {"done": len(results), "total": len(wanted)}})
    order = {room_series_key(r): i for i, r in enumerate(wanted)}
    results.sort(key=lambda r: order[r.series_key])
    counts = {s: sum(r.status == s for r in results) for s in ("chosen", "refitted", "skipped", "failed")}
    log.info("model refit finished", extra={"kv": {**counts, "seconds": round(time.perf_counter() - progress.started, 1)}})
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

    def __init__(self, database_url: str, data_dir: Path, timezone: str | None = None,
                 workers: int | None = None, dask_scheduler: str | None = None) -> None:
        self.database_url = database_url
        self.data_dir = data_dir
        self.timezone = timezone
        self.workers = workers  # None: min(2, CPUs)
        self.dask_scheduler = dask_scheduler  # tcp://host:8786: fit on that Dask cluster instead
        self.scheduler: Any = None
        self._running: asyncio.Future | None = None
        self._stop = threading.Event()

    async def run_now(self) -> list[RefitResult]:
        self._running = asyncio.ensure_future(asyncio.to_thread(run_refit, self.database_url, self.data_dir,
                                                                 stop=self._stop, workers=self.workers,
                                                                 dask_scheduler=self.dask_scheduler))
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
