"""Issue 18 item 5: readings and audit records survive a database outage followed by kill -9: kept in a local
spool, replayed in order when the database is back, each exactly once."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.records import AuditEntry, AuditLog
from devices.ingest import IngestWriter
from devices.model import RelayReport
from store import models as m
from store.db import get_engine, session_scope, upgrade
from store.registry import sync_campus

from .conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).with_name("spool_child.py")
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)


def unreachable_url() -> str:
    return f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/test?connect_timeout=2"


def count_readings(url: str, board_id: str) -> int:
    with get_engine(url).connect() as conn:
        return conn.scalar(select(func.count()).select_from(m.Reading).where(m.Reading.board_id == board_id))


def spooled_rows(path: Path) -> int:
    """Rows in the spool's batches not marked done (read without taking the spool's lock)."""
    pending: dict[str, int] = {}
    if path.exists():
        # The child may be appending right now: a last line without its newline is not written whole yet.
        for line in path.read_bytes().split(b"\n")[:-1]:
            if not line:
                continue
            item = json.loads(line)
            if "done" in item:
                pending.pop(item["done"], None)
            else:
                data = item["data"]
                pending[item["id"]] = len(data["rows"]) if isinstance(data, dict) else len(data)
    return sum(pending.values())


@pytest.mark.parametrize("db", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_replayed_spool_never_doubles_a_reading_or_an_audit_row(db, campus, tmp_path, request):
    url = request.getfixturevalue("sqlite_url" if db == "sqlite" else "pg_url")
    spool = tmp_path / "spool"
    board = campus.board("cr-101-panel")
    gpios = [s.gpio for s in campus.switches if s.board_id == board.id and s.gpio is not None]
    # The database is unreachable: readings and audit records go to the spool.
    down = IngestWriter(unreachable_url(), campus, flush_interval_s=0.02, spool_path=spool / "readings.jsonl")
    down.start()
    audit = AuditLog(unreachable_url(), spool_path=spool / "audit.jsonl", retry_s=0.2)
    for i in range(20):
        down.submit_many(T0 + dt.timedelta(seconds=i), [RelayReport(board.id, g, i % 2 == 0, "state") for g in gpios])
    audit.record(AuditEntry(T0, 2003, 2003, "terminal", "spooled audit", "switch", "done"))
    assert audit.flush(20)
    for _ in range(200):
        if spooled_rows(spool / "readings.jsonl") == 20 * len(gpios):
            break
        time.sleep(0.05)
    assert spooled_rows(spool / "readings.jsonl") == 20 * len(gpios)
    assert spooled_rows(spool / "audit.jsonl") == 1
    down.close(5)
    audit.close()
    # Keep the spool as it is now: a crash right after the replay's commit would leave it like this.
    shutil.copytree(spool, tmp_path / "before-replay")
    for attempt in range(2):
        writer = IngestWriter(url, campus, flush_interval_s=0.02, spool_path=spool / "readings.jsonl")
        writer.start()
        replayed = AuditLog(url, spool_path=spool / "audit.jsonl", retry_s=0.1)
        assert writer.drain(20)
        for _ in range(100):
            if not replayed.spool:
                break
            time.sleep(0.05)
        writer.close()
        replayed.close()
        assert count_readings(url, board.id) == 20 * len(gpios)
        with session_scope(url) as session:
            assert session.scalar(select(func.count()).select_from(m.CommandAudit)
                                  .where(m.CommandAudit.text == "spooled audit")) == 1
        assert spooled_rows(spool / "readings.jsonl") == 0 and spooled_rows(spool / "audit.jsonl") == 0
        shutil.rmtree(spool)
        shutil.copytree(tmp_path / "before-replay", spool)  # the second pass replays the same batches again


class Child:
    """The service-like process (spool_child.py), with its latest status line."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen([sys.executable, str(CHILD), *args], cwd=ROOT, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, text=True,
                                        env={**os.environ, "PYTHONPATH": str(ROOT)})
        self.ready = threading.Event()
        self.status: tuple[int, ...] = ()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:  # type: ignore[union-attr]
            if line.startswith("ready"):
                self.ready.set()
            elif line.startswith("status"):
                self.status = tuple(int(x) for x in line.split()[1:])

    def wait(self, predicate, timeout: float = 60.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            if self.status and predicate(*self.status):
                return True
            time.sleep(0.05)
        return False

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)


@pytest.mark.broker
@pytest.mark.postgres
def test_readings_and_audit_survive_a_database_outage_and_kill_9(campus, prefix, private_broker, private_postgres,
                                                                 tmp_path):
    import asyncio

    from devices.mqtt import MqttConfig, MqttTransport

    url = private_postgres.url
    upgrade(url)
    with session_scope(url) as session:
        sync_campus(session, campus)
    get_engine(url).dispose()
    private_postgres.stop()  # the database goes away
    broker = private_broker()
    spool = tmp_path / "spool"
    board = campus.board("cr-101-panel")
    gpios = [s.gpio for s in campus.switches if s.board_id == board.id and s.gpio is not None]
    child = Child(url, broker.url(), str(spool), prefix, "first")
    try:
        assert child.ready.wait(60)

        async def publish(n: int) -> None:
            board_link = MqttTransport(MqttConfig.from_url(broker.url()), clean_session=True)
            await board_link.start([], lambda t, p: None)
            assert await board_link.wait_connected(10)
            for i in range(n):
                payload = {"mac": board.mac, "secret": board.secret,
                           "switches": [{"gpio": g, "state": (i + g) % 2 == 0, "manual_override": False}
                                        for g in range(16, 23) if g != 20]}
                board_link.publish(f"{prefix}esp32/state", json.dumps(payload).encode())
            assert await board_link.flush(10)  # acknowledged by the broker, and so handed to the service
            await board_link.stop()

        asyncio.run(publish(40))
        expected = 40 * len(gpios)
        # Everything the service received is in its spool (fsync'd) before it is killed.
        assert child.wait(lambda queued, written, *_: queued >= expected)
        for _ in range(200):
            if spooled_rows(spool / "readings.jsonl") >= expected and spooled_rows(spool / "audit.jsonl") == 5:
                break
            time.sleep(0.05)
        assert spooled_rows(spool / "readings.jsonl") == expected
        assert spooled_rows(spool / "audit.jsonl") == 5
        child.kill()
        private_postgres.start()  # the database is back; the service restarts
        child = Child(url, broker.url(), str(spool), prefix, "second")
        assert child.ready.wait(60)
        assert child.wait(lambda queued, written, spooled, audit_spooled: spooled == 0 and audit_spooled == 0)
        child.kill()
    finally:
        if child.process.poll() is None:
            child.kill()
    assert count_readings(url, board.id) == expected
    with session_scope(url) as session:
        texts = session.scalars(select(m.CommandAudit.text)).all()
    assert sorted(t for t in texts if t.startswith("first-")) == [f"first-audit-{i}" for i in range(5)]
    get_engine(url).dispose()


@pytest.mark.postgres
def test_an_audit_record_refused_once_is_retried_not_dropped(private_postgres):
    # The terminal chat's audit has no spool: a refused batch is retried in memory until the database is back.
    url = private_postgres.url
    upgrade(url)
    get_engine(url).dispose()
    private_postgres.stop()
    audit = AuditLog(url, retry_s=0.2)
    try:
        audit.record(AuditEntry(T0, 2003, 2003, "terminal", "given while the database was down", "switch", "done"))
        assert audit.flush(20)
        assert audit.errors >= 1 and audit.written == 0
        private_postgres.start()
        for _ in range(200):
            if audit.written:
                break
            time.sleep(0.05)
    finally:
        audit.close()
    with session_scope(url) as session:
        texts = session.scalars(select(m.CommandAudit.text)).all()
    assert texts == ["given while the database was down"]
    get_engine(url).dispose()
