"""Runs one named scan against the store and hands its result to the alert book. Synchronous (database work):
the service calls it from a worker thread."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from alerts.engine import AlertBook, ApplyReport, NoCampus
from alerts.model import AlertConfig, ScanResult
from alerts.scans import after_hours, daily, offline, thresholds
from alerts.scans.anomalies import AnomalyScanner
from store.campus import Campus
from store.registry import load_registry

log = logging.getLogger(__name__)

SCANS = ("offline", "after_hours", "anomalies", "thresholds", "forecast", "digest", "notify")


class UnknownScan(ValueError):
    """A scan name that does not exist; the message lists the known ones."""


class Scanner:
    """`run(name)` runs one scan ("notify" sends due reminders; "digest" writes the daily digest)."""

    def __init__(self, book: AlertBook, config: AlertConfig | None = None,
                 clock: Callable[[], dt.datetime] | None = None) -> None:
        self.book = book
        self.engine: Engine = book.engine
        self.config = config or book.config
        self.clock = clock or book.clock
        self.anomalies = AnomalyScanner()

    def _campus(self, session: Session) -> tuple[Campus, ZoneInfo]:
        campus = load_registry(session)
        if campus is None:
            raise NoCampus("no campus loaded: run `autovolt campus load FILE` first")
        return campus, ZoneInfo(self.book.tz_override or campus.timezone)

    def result_of(self, name: str, now: dt.datetime) -> ScanResult:
        """What scan `name` finds now, without acting on it."""
        with Session(self.engine) as session:
            campus, tz = self._campus(session)
            if name == "offline":
                return offline.scan(session, campus, now, self.config)
            if name == "after_hours":
                return after_hours.scan(session, campus, now, tz, self.config)
            if name == "anomalies":
                return self.anomalies.scan(session, campus, now, self.config)
            if name == "thresholds":
                return thresholds.scan(session, campus, now, self.config)
            if name == "forecast":
                return daily.forecast_accuracy(session, campus, now, tz, self.config)
        raise UnknownScan(f"unknown scan {name!r}; known scans: {', '.join(SCANS)}")

    def run(self, name: str, now: dt.datetime | None = None) -> ApplyReport:
        now = now or self.clock()
        started = time.perf_counter()
        if name not in SCANS:
            raise UnknownScan(f"unknown scan {name!r}; known scans: {', '.join(SCANS)}")
        if name == "notify":
            report = self.book.tick(now)
        elif name == "digest":
            report = ApplyReport()
            with Session(self.engine) as session, session.begin():
                campus, tz = self._campus(session)
                report.enqueued = daily.enqueue_digest(session, campus, now, tz)
            self.book.notify_enqueued(report)
        else:
            report = self.book.apply(self.result_of(name, now), now)
        log.info("scan done", extra={"kv": {"scan": name, "opened": report.opened, "resolved": report.resolved,
                                            "enqueued": report.enqueued,
                                            "ms": round((time.perf_counter() - started) * 1000)}})
        return report
