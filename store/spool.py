"""A local, durable buffer for writes the database could not take: readings and audit records survive a database
outage even when the service is then killed (kill -9, a crash, a power cut).

The spool is one append-only file of JSON lines under the data directory. A batch is written and fsync'd before
the writer moves on; once the database holds it, a `done` line follows (not fsync'd: losing it only means a replay
that the database refuses, see below). Batches are replayed in order: at start, and whenever the database answers
again. Every replayed batch stores its id in `spooled_batches` in the same transaction as its rows, so a batch
whose `done` line was lost (killed between commit and marker) is recognised and never written twice.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, insert, select

from store import models as m

log = logging.getLogger(__name__)


class SpoolBusy(Exception):
    """Another process holds this spool file (two services on one data directory)."""


class Spool:
    """Batches (id -> JSON-able payload) waiting for the database, kept in `path`. Thread-safe. One process owns
    a spool file at a time (an exclusive lock): a second one raises `SpoolBusy` rather than truncate the first's
    batches."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._pending: OrderedDict[str, Any] = OrderedDict()
        self._file = open(self.path, "ab")  # noqa: SIM115 - kept open for the process's life
        try:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self._file.close()
            raise SpoolBusy(f"{self.path} is in use by another process") from None
        self._load()

    def __len__(self) -> int:
        return len(self._pending)

    def pending(self) -> list[tuple[str, Any]]:
        """The waiting batches, oldest first."""
        with self._lock:
            return list(self._pending.items())

    def add(self, batch_id: str, payload: Any) -> None:
        """Keep a batch durably (written and fsync'd when this returns)."""
        line = json.dumps({"id": batch_id, "data": payload}, separators=(",", ":")).encode() + b"\n"
        with self._lock:
            self._file.write(line)
            self._file.flush()
            os.fsync(self._file.fileno())
            self._pending[batch_id] = payload

    def done(self, batch_id: str) -> None:
        """The database has the batch. When nothing waits any more, the file starts afresh."""
        with self._lock:
            self._pending.pop(batch_id, None)
            if self._pending:
                self._file.write(json.dumps({"done": batch_id}).encode() + b"\n")
                self._file.flush()
            else:
                self._file.truncate(0)
                self._file.flush()
                os.fsync(self._file.fileno())

    def close(self) -> None:
        with self._lock:
            self._file.close()

    def _load(self) -> None:
        if not self.path.exists():
            return
        data = self.path.read_bytes()
        end = data.rfind(b"\n") + 1
        if end < len(data):  # a line torn by a kill mid-write: never fsync'd, so never reported as kept
            with open(self.path, "r+b") as f:
                f.truncate(end)
                os.fsync(f.fileno())
        for raw in data[:end].splitlines():
            try:
                item = json.loads(raw)
            except ValueError:
                log.error("unreadable spool line skipped", extra={"kv": {"spool": str(self.path)}})
                continue
            if "done" in item:
                self._pending.pop(item["done"], None)
            else:
                self._pending[item["id"]] = item["data"]
        if self._pending:
            log.warning("spooled batches waiting for the database",
                        extra={"kv": {"spool": str(self.path), "batches": len(self._pending)}})


def open_spool(path: Path | None) -> Spool | None:
    """The spool at `path` (None: none wanted). Another process owning it is logged, and the caller then buffers
    in memory only, rather than two processes truncating each other's batches."""
    if path is None:
        return None
    try:
        return Spool(path)
    except SpoolBusy as exc:
        log.warning("spool in use by another process; database outages are buffered in memory only",
                    extra={"kv": {"error": str(exc)}})
        return None


def already_written(conn: Connection, batch_id: str) -> bool:
    table = m.SpooledBatch.__table__
    return conn.execute(select(table.c.id).where(table.c.id == batch_id)).first() is not None


def mark_written(conn: Connection, batch_id: str, kind: str) -> None:
    """Record, in the caller's transaction, that a spooled batch is in the database."""
    conn.execute(insert(m.SpooledBatch.__table__).values(id=batch_id, kind=kind, written_at=m.utcnow()))
