"""Model runs in the store: write the record of a nightly fit, read the latest one back, and load its saved model.

A row's `scores` holds the candidates' backtest scores plus two keys of ours (no schema change was needed):
"backtest" (how the scores were made, with the choice's `chosen_at`) and "chosen" (the winner's scores).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from analytics.forecast import ModelRun
from analytics.models import Forecaster
from analytics.persistence import ModelFileError, load_model
from store import models as m
from store.db import session_scope

log = logging.getLogger(__name__)

KIND = "forecast"
# A stored model older than this is not used for replies: the nightly job has stopped, so fall back and say so.
FRESH_FOR = dt.timedelta(days=2)
_OURS = ("backtest", "chosen")


def room_series_key(room_id: str) -> str:
    return f"room:{room_id}"


def insert_run(session: Session, run: ModelRun, chosen: dict[str, Any] | None = None, kind: str = KIND) -> int:
    """Add the run as a model_runs row; returns its id."""
    scores = {**run.scores, "backtest": run.backtest}
    if chosen is not None:
        scores["chosen"] = chosen
    row = m.ModelRun(series_key=run.series_key, kind=kind, model=run.model, params=dict(run.params), scores=scores,
                     artifact=run.artifact_path, created_at=run.created_at)
    session.add(row)
    session.flush()
    return row.id


def to_run(row: m.ModelRun) -> ModelRun:
    """The analytics record of a stored row (our extra keys taken back out of `scores`)."""
    scores = {k: v for k, v in (row.scores or {}).items() if k not in _OURS}
    backtest = dict((row.scores or {}).get("backtest") or {})
    return ModelRun(row.series_key, row.model, dict(row.params or {}), scores, backtest, row.created_at, row.artifact)


def latest_row(session: Session, series_key: str, kind: str = KIND) -> m.ModelRun | None:
    query = (select(m.ModelRun).where(m.ModelRun.series_key == series_key, m.ModelRun.kind == kind)
             .order_by(m.ModelRun.created_at.desc(), m.ModelRun.id.desc()).limit(1))
    return session.scalars(query).first()


def latest_run(session: Session, series_key: str, kind: str = KIND) -> ModelRun | None:
    row = latest_row(session, series_key, kind)
    return to_run(row) if row is not None else None


@dataclass(frozen=True)
class StoredModel:
    """A fitted model loaded from a stored run. chosen: the winner's backtest scores as recorded (may be empty)."""

    model: Forecaster
    run: ModelRun
    chosen: dict[str, Any]


class StoredModels:
    """The latest fresh stored model per series, loaded once per artifact folder (a new nightly run = a new folder).
    Thread-safe: the bot and the API call it from worker threads."""

    def __init__(self, fresh_for: dt.timedelta = FRESH_FOR, keep: int = 256) -> None:
        self.fresh_for = fresh_for
        self.keep = keep
        self._loaded: dict[str, Forecaster] = {}
        self._lock = threading.Lock()

    def latest(self, database_url: str, series_key: str, now: dt.datetime | None = None) -> StoredModel | None:
        """None when no run exists, it is stale, or its folder cannot be loaded (logged): callers fall back."""
        now = now or dt.datetime.now(dt.timezone.utc)
        with session_scope(database_url) as session:
            row = latest_row(session, series_key)
            if row is None:
                return None
            run, chosen = to_run(row), dict((row.scores or {}).get("chosen") or {})
        if not run.artifact_path or now - run.created_at > self.fresh_for:
            return None
        try:
            model = self._load(run.artifact_path)
        except (ModelFileError, OSError, ValueError, KeyError) as exc:
            log.warning("stored model not loadable", extra={"kv": {"series": series_key, "error": str(exc)[:200]}})
            return None
        return StoredModel(model, run, chosen)

    def _load(self, path: str) -> Forecaster:
        with self._lock:
            model = self._loaded.get(path)
            if model is None:
                model = load_model(path)
                if len(self._loaded) >= self.keep:
                    self._loaded.pop(next(iter(self._loaded)))
                self._loaded[path] = model
            return model
