"""What survives a restart of the service: board liveness, switch states, and the energy of the first interval."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from devices.ingest import IngestWriter
from devices.liveness import LivenessTracker
from devices.model import Availability, Heartbeat, Outcome, RelayReport
from devices.runtime import start_devices
from store import models as m
from store.db import session_scope

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request):
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")


def test_restored_liveness_offline_before_refused_online_before_gets_a_window(campus):
    boards = {b.id: b for b in campus.boards}
    tracker = LivenessTracker([boards["cr-101-panel"], boards["cr-102-panel"], boards["cr-201-panel"]])
    started = at(600)
    tracker.seed("cr-101-panel", at(0), online=False, started_at=started)  # went silent before the restart
    tracker.seed("cr-102-panel", at(0), online=True, started_at=started)  # service down for 10 minutes
    tracker.seed("cr-201-panel", at(590), online=True, started_at=started)  # a quick restart
    gone = tracker.liveness("cr-101-panel", at(601))
    assert gone.online is False and "before the service restarted" in gone.reason and gone.last_seen == at(0)
    waiting = tracker.liveness("cr-102-panel", at(601))
    assert waiting.online is None and waiting.last_seen == at(0) and waiting.age_s == pytest.approx(601)
    assert tracker.liveness("cr-201-panel", at(601)).online is True
    # One offline window (75 s for AutoVolt) after the start, a board that stayed silent is offline.
    assert tracker.liveness("cr-102-panel", at(600 + 76)).online is False
    # Hearing from a board ends any restored verdict.
    tracker.seen("cr-101-panel", at(602))
    tracker.seen("cr-102-panel", at(700))
    assert tracker.liveness("cr-101-panel", at(603)).online is True
    assert tracker.liveness("cr-102-panel", at(701)).online is True
    # A board heard from before the store is read keeps its fresher time.
    tracker.seed("cr-101-panel", at(0), online=False, started_at=started)
    assert tracker.liveness("cr-101-panel", at(603)).online is True


def test_energy_continues_across_a_writer_restart(db_url, campus):
    first = IngestWriter(db_url, campus, flush_interval_s=0.02)
    first.start()
    try:
        first.submit(at(0), RelayReport("cr-101-panel", 16, True, "backend"))  # lights, 320 W
        first.submit(at(30), RelayReport("cr-101-panel", 16, True, "state"))
        first.submit(at(30), RelayReport("cr-101-panel", 17, False, "state"))  # fans, off
        assert first.drain(20)
    finally:
        first.close()
    second = IngestWriter(db_url, campus, flush_interval_s=0.02)  # the service restarted
    second.start()
    try:
        second.submit(at(50), RelayReport("cr-101-panel", 16, True, "state"))
        second.submit(at(50), RelayReport("cr-101-panel", 17, True, "state"))
        second.submit(at(50), RelayReport("cr-102-panel", 16, True, "state"))  # never stored before
        assert second.drain(20)
    finally:
        second.close()
    with session_scope(db_url) as session:
        def energy(switch_id: str, ts: dt.datetime) -> float | None:
            return session.scalar(select(m.Reading.energy_wh).where(m.Reading.switch_id == switch_id,
                                                                    m.Reading.ts == ts))
        assert energy("cr-101-lights", at(50)) == pytest.approx(320 * 20 / 3600)  # 30 s -> 50 s, on
        assert energy("cr-101-fans", at(50)) == 0.0  # it was off until this sample
        assert energy("cr-102-lights", at(50)) is None  # no previous sample anywhere: interval unknown


def test_energy_after_restart_falls_back_to_the_stored_state_change(db_url, campus):
    with session_scope(db_url) as session:  # a state known from the store, with no readings kept
        session.execute(update(m.Switch).where(m.Switch.id == "cr-101-lights").values(state=True,
                                                                                   state_changed_at=at(0)))
    writer = IngestWriter(db_url, campus, flush_interval_s=0.02)
    writer.start()
    try:
        writer.submit(at(60), RelayReport("cr-101-panel", 16, True, "state"))
        assert writer.drain(20)
    finally:
        writer.close()
    with session_scope(db_url) as session:
        got = session.scalar(select(m.Reading.energy_wh).where(m.Reading.switch_id == "cr-101-lights"))
    assert got == pytest.approx(320 * 60 / 3600)


def test_last_seen_is_written_in_batches_and_online_changes_at_once(db_url, campus):
    writer = IngestWriter(db_url, campus, flush_interval_s=0.02, seen_resolution_s=10)

    def board(board_id: str):
        with session_scope(db_url) as session:
            row = session.get(m.Board, board_id)
            return row.last_seen, row.online

    writer.start()
    try:
        writer.submit(at(0), Heartbeat("cr-101-panel"))
        assert writer.drain(20)
        assert board("cr-101-panel") == (at(0), True)
        for second in range(1, 6):  # within the resolution: the row is not rewritten for each message
            writer.submit(at(second), Heartbeat("cr-101-panel"))
            assert writer.drain(20)
        assert board("cr-101-panel") == (at(0), True)
        writer.submit(at(12), Heartbeat("cr-101-panel"))
        assert writer.drain(20)
        assert board("cr-101-panel") == (at(12), True)
        writer.submit(at(13), Heartbeat("cr-101-panel"))
        writer.submit(at(14), Availability("cr-101-panel", False))  # the liveness check says it went silent
        assert writer.drain(20)
        assert board("cr-101-panel") == (at(13), False)
        writer.submit(at(15), Heartbeat("cr-102-panel"))
        assert writer.drain(20)
        writer.submit(at(16), Heartbeat("cr-102-panel"))
        assert writer.drain(20)
        assert board("cr-102-panel") == (at(15), True)
    finally:
        writer.close()  # the latest times are written on the way out
    assert board("cr-102-panel") == (at(16), True)
    assert writer.stats.write_errors == 0


async def test_gateway_restores_states_and_liveness_from_the_store(sqlite_url, campus, private_broker):
    now = dt.datetime.now(dt.timezone.utc)
    with session_scope(sqlite_url) as session:
        session.execute(update(m.Board).values(last_seen=now - dt.timedelta(minutes=10), online=True))
        session.execute(update(m.Board).where(m.Board.id == "cr-102-panel").values(online=False))
        session.execute(update(m.Board).where(m.Board.id == "cr-201-panel").values(last_seen=now))
        session.execute(update(m.Switch).where(m.Switch.id == "cr-101-lights")
                        .values(state=True, state_changed_at=now - dt.timedelta(minutes=20)))
    broker = private_broker()  # no boards on it: only what the store says is known
    runtime = await start_devices(campus, broker.url(), sqlite_url, confirm_timeout_s=0.3,
                                  client_id="gw-restart-test")
    try:
        live = runtime.gateway.board_liveness()
        assert live["cr-102-panel"].online is False and live["cr-102-panel"].last_seen is not None
        assert live["cr-101-panel"].online is None  # online before the restart: waits for it
        assert live["cr-201-panel"].online is True
        state = runtime.gateway.state("cr-101-lights")
        assert state.on is True and state.source == "store"
        assert state.changed_at == pytest.approx(now - dt.timedelta(minutes=20), abs=dt.timedelta(seconds=1))
        refused = await runtime.gateway.switch(["cr-102-lights"], True)
        assert refused[0].outcome is Outcome.OFFLINE and "before the service restarted" in refused[0].reason
        assert await runtime.gateway.transport.wait_connected(10)  # before: refused as unreachable
        tried = await runtime.gateway.switch(["cr-101-fans"], True)
        assert tried[0].outcome is Outcome.UNCONFIRMED  # sent (not refused); no board answered on this broker
    finally:
        await runtime.stop()
