"""Exactly one leader among the service's replicas, chosen by the database; the leader alone runs the duties that
must not run twice at once (alert scans and digests, the nightly refit, compaction, the weather feed, Telegram
polling).

PostgreSQL: a session advisory lock, held on a connection of its own for as long as the replica leads. Every
replica tries to take it every `check_s`; the leader checks on the same connection that it still holds it. When
the leader dies, its connection closes (kill -9: at once; a machine that vanishes: when the TCP keepalives set
below give up, ~15 s), PostgreSQL drops the lock, and the next follower to try takes it: a new leader within
check_s + that delay. A leader that loses its connection steps down at its next check.

SQLite: one process only. An exclusive lock on a file beside the database keeps a second `autovolt serve` from
starting on it (the message says to use PostgreSQL for replicas); that one process always leads.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import fcntl
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from store.db import get_engine

log = logging.getLogger(__name__)

# The lock's two int4 keys: the schema's hash (replicas of different schemas in one database lead separately) and
# a constant naming this lock ("AVLD").
LOCK_NAME = 0x41564C44
_KEYS = "hashtext(current_schema()), :name"
# pg_locks rows of this lock (the two-int form: classid = first key as an unsigned oid, objid = second, objsubid 2).
_THIS_LOCK = ("l.locktype = 'advisory' AND l.granted "
              "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
              "AND l.classid = (hashtext(current_schema())::bigint & 4294967295)::oid "
              "AND l.objid = CAST(:name AS oid) AND l.objsubid = 2")
CHECK_S = 5.0


class ReplicaRefused(RuntimeError):
    """This replica may not start (a second process on one SQLite database); the message says what to do."""


class Duty(Protocol):
    """Work only the leader does: started when this replica becomes the leader, stopped when it stops leading."""

    name: str

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


@dataclass(frozen=True)
class LeaderStatus:
    """What /ready and /metrics say. replica: this replica's id. leading: whether it is the leader now.
    leader: the leader's replica id as the database knows it (None when no replica leads, or unknown).
    since: when this replica became the leader (None when it does not lead)."""

    replica: str
    leading: bool
    leader: str | None
    since: dt.datetime | None


class PostgresLock:
    """The advisory lock on its own connection. Blocking calls: run them in a thread."""

    def __init__(self, database_url: str, replica_id: str) -> None:
        self.database_url = database_url
        url = get_engine(database_url).url
        self.engine = create_engine(url, poolclass=NullPool,
                                    connect_args={"application_name": f"autovolt:{replica_id}"[:63],
                                                  "connect_timeout": 5, "keepalives": 1, "keepalives_idle": 5,
                                                  "keepalives_interval": 2, "keepalives_count": 3,
                                                  "tcp_user_timeout": 15_000})
        self.conn: Connection | None = None

    def _connection(self) -> Connection:
        if self.conn is None:
            conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            # The server, too, must notice a leader whose machine vanished, to free the lock within seconds.
            for name, value in (("tcp_keepalives_idle", 5), ("tcp_keepalives_interval", 2),
                                ("tcp_keepalives_count", 3)):
                conn.execute(text(f"SET {name} = {value}"))
            self.conn = conn
        return self.conn

    def try_acquire(self) -> bool:
        try:
            return bool(self._connection().scalar(text(f"SELECT pg_try_advisory_lock({_KEYS})"), {"name": LOCK_NAME}))
        except Exception:
            self.close()
            raise

    def still_held(self) -> bool:
        """True when this connection holds the lock; False (and the connection closed) when it is gone."""
        if self.conn is None:
            return False
        try:
            held = self.conn.scalar(text(f"SELECT count(*) FROM pg_locks l WHERE {_THIS_LOCK} "
                                         "AND l.pid = pg_backend_pid()"), {"name": LOCK_NAME})
        except Exception:
            log.warning("leader lock connection lost")
            self.close()
            return False
        return bool(held)

    def holder(self) -> str | None:
        """The replica id of whoever holds the lock (from its connection's application name)."""
        with get_engine(self.database_url).connect() as conn:
            name = conn.scalar(text("SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a "
                                    f"ON a.pid = l.pid WHERE {_THIS_LOCK}"), {"name": LOCK_NAME})
        return name.removeprefix("autovolt:") if name else None

    def close(self) -> None:
        """Closing the session releases the lock."""
        if self.conn is not None:
            with contextlib.suppress(Exception):
                self.conn.close()
            self.conn = None

    def dispose(self) -> None:
        self.close()
        self.engine.dispose()


class FileLock:
    """An exclusive lock on `<database>.lock`, held while the process runs (the kernel frees it if it dies)."""

    def __init__(self, database_path: Path) -> None:
        self.path = database_path.with_name(database_path.name + ".lock")
        self._fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode(errors="replace").strip() or "another process"
            os.close(fd)
            raise ReplicaRefused(
                f"{holder} already serves the SQLite database beside {self.path}: SQLite takes one `autovolt serve` "
                "at a time. Stop the other one, or run replicas on PostgreSQL "
                "(AUTOVOLT_DATABASE_URL=postgresql+psycopg://...).") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"autovolt serve (pid {os.getpid()})\n".encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor drops the lock
            self._fd = None


class Leadership:
    """`Service` component: takes part in the election and runs `duties` while this replica leads. Add it last,
    so it starts after (and stops before) the components its duties use."""

    name = "leadership"

    def __init__(self, database_url: str, replica_id: str, duties: Sequence[Duty] = (), *,
                 check_s: float = CHECK_S) -> None:
        self.database_url = database_url
        self.replica_id = replica_id
        self.duties = list(duties)
        self.check_s = check_s
        url = make_url(database_url)
        self._pg = PostgresLock(database_url, replica_id) if url.get_backend_name() == "postgresql" else None
        self._file = (FileLock(Path(url.database)) if self._pg is None and url.database
                      and url.database != ":memory:" else None)
        self.leading = False
        self.since: dt.datetime | None = None
        self._leader_seen: str | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()

    async def start(self) -> None:
        self._stopping.clear()
        if self._pg is None:
            if self._file is not None:
                self._file.acquire()
            await self._lead()
            return
        await self._elect_once()
        self._task = asyncio.create_task(self._watch(), name="leadership")

    async def stop(self) -> None:
        self._stopping.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self._step_down("replica stopping")
        if self._pg is not None:
            await asyncio.to_thread(self._pg.dispose)
        if self._file is not None:
            self._file.release()

    async def _watch(self) -> None:
        while not self._stopping.is_set():
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.check_s)
            if self._stopping.is_set():
                return
            await self._elect_once()

    async def _elect_once(self) -> None:
        assert self._pg is not None
        try:
            if self.leading:
                if not await asyncio.to_thread(self._pg.still_held):
                    await self._step_down("leader lock lost")
                return
            if await asyncio.to_thread(self._pg.try_acquire):
                await self._lead()
            else:
                self._leader_seen = await asyncio.to_thread(self._pg.holder)
        except Exception as exc:  # the database is away: not the leader until it is back
            log.warning("leader election failed", extra={"kv": {"error": type(exc).__name__}})
            if self.leading:
                await self._step_down("database unreachable")

    async def _lead(self) -> None:
        self.leading = True
        self.since = dt.datetime.now(dt.timezone.utc)
        self._leader_seen = self.replica_id
        log.info("this replica is the leader", extra={"kv": {"replica": self.replica_id}})
        for duty in self.duties:
            try:
                await duty.start()
            except Exception:  # one duty failing to start must not keep the others from running
                log.exception("leader duty failed to start", extra={"kv": {"duty": duty.name}})

    async def _step_down(self, reason: str) -> None:
        if not self.leading:
            return
        self.leading = False
        self.since = None
        self._leader_seen = None
        log.warning("this replica stops leading", extra={"kv": {"replica": self.replica_id, "reason": reason}})
        for duty in reversed(self.duties):
            with contextlib.suppress(Exception):
                await duty.stop()
        if self._pg is not None:
            await asyncio.to_thread(self._pg.close)

    def status(self) -> LeaderStatus:
        return LeaderStatus(self.replica_id, self.leading, self.replica_id if self.leading else self._leader_seen,
                            self.since)
