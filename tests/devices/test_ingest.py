"""Telemetry into SQLite and PostgreSQL: readings with interval energy, switch states, board liveness columns."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from sqlalchemy import select

from devices.ingest import IngestWriter
from devices.model import Availability, Heartbeat, MeterReport, RelayReport
from devices.runtime import start_devices
from devices.simulator import SimTiming
from store import models as m
from store.db import get_engine, session_scope

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request):
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")


def test_readings_energy_states_and_board_columns(db_url, campus):
    writer = IngestWriter(db_url, campus, flush_interval_s=0.02)
    writer.start()
    try:
        # cr-101 lights (gpio 16, 320 W): on at 0 s, still on at 30 s, off at 45 s.
        writer.submit(at(0), RelayReport("cr-101-panel", 16, True, "backend"))
        writer.submit(at(30), RelayReport("cr-101-panel", 16, True, "state"))
        writer.submit(at(45), RelayReport("cr-101-panel", 16, False, "manual"))
        writer.submit(at(46), RelayReport("cr-101-panel", 22, True, "state"))  # no switch on gpio 22: skipped
        writer.submit(at(50), Heartbeat("cr-101-panel"))
        # The auditorium's meter: 10.000 kWh, 10.250 kWh, then a reset to 0.010 kWh.
        writer.submit(at(0), MeterReport("auditorium-panel", 10.0, 900.0))
        writer.submit(at(300), MeterReport("auditorium-panel", 10.25, 950.0))
        writer.submit(at(600), MeterReport("auditorium-panel", 0.01, 100.0))
        writer.submit(at(601), RelayReport("auditorium-panel", 3, True, "result"))
        writer.submit(at(700), Availability("auditorium-panel", False))
        assert writer.drain(20)
    finally:
        writer.close()
    with session_scope(db_url) as session:
        lights = session.execute(select(m.Reading.ts, m.Reading.state, m.Reading.power_w, m.Reading.energy_wh,
                                        m.Reading.source, m.Reading.room_id)
                                 .where(m.Reading.switch_id == "cr-101-lights").order_by(m.Reading.ts)).all()
        assert [(r.state, r.power_w, r.source, r.room_id) for r in lights] == [
            (True, 320.0, "backend", "cr-101"), (True, 320.0, "state", "cr-101"), (False, 0.0, "manual", "cr-101")]
        assert lights[0].energy_wh is None
        assert lights[1].energy_wh == pytest.approx(320 * 30 / 3600)
        assert lights[2].energy_wh == pytest.approx(320 * 15 / 3600)
        assert lights[0].ts == T0  # the service clock, stored and read back as aware UTC
        meter = session.execute(select(m.Reading.energy_wh, m.Reading.power_w).where(
            m.Reading.board_id == "auditorium-panel", m.Reading.source == "meter").order_by(m.Reading.ts)).all()
        assert [r.power_w for r in meter] == [900.0, 950.0, 100.0]
        assert meter[0].energy_wh is None
        assert meter[1].energy_wh == pytest.approx(250.0) and meter[2].energy_wh == pytest.approx(10.0)
        ac = session.execute(select(m.Reading.energy_wh, m.Reading.power_w).where(
            m.Reading.switch_id == "auditorium-ac-1")).one()
        assert ac == (None, None)  # metered board: its energy is in the meter readings, not counted twice
        beats = session.scalars(select(m.Reading.source).where(m.Reading.board_id == "cr-101-panel",
                                                               m.Reading.switch_id.is_(None))).all()
        assert beats == ["heartbeat"]
        assert session.scalar(select(m.Reading.id).where(m.Reading.board_id == "cr-101-panel",
                                                         m.Reading.source == "state", m.Reading.ts == at(46))) is None
        sw = session.get(m.Switch, "cr-101-lights")
        assert sw.state is False and sw.state_changed_at == at(45)
        panel = session.get(m.Board, "cr-101-panel")
        assert panel.online is True and panel.last_seen == at(50)
        aud = session.get(m.Board, "auditorium-panel")
        assert aud.online is False and aud.last_seen == at(601)
    assert writer.stats.readings_written == 8 and writer.stats.write_errors == 0


def test_database_away_keeps_the_batch_and_retries(tmp_path, campus):
    url = f"sqlite:///{tmp_path / 'later.db'}"
    writer = IngestWriter(url, campus, flush_interval_s=0.02)
    writer.start()
    try:
        writer.submit(at(0), Heartbeat("cr-101-panel"))
        assert not writer.drain(0.5)  # no schema yet: the write fails and is kept
        assert writer.stats.write_errors >= 1
        from store.db import upgrade
        from store.registry import sync_campus
        upgrade(url)
        with session_scope(url) as session:
            sync_campus(session, campus)
        assert writer.drain(10)
    finally:
        writer.close()
    with get_engine(url).connect() as conn:
        assert conn.execute(select(m.Reading.source)).scalars().all() == ["heartbeat"]


async def test_demo_runs_with_no_broker_and_stores_telemetry(sqlite_url, campus):
    runtime = await start_devices(campus, None, sqlite_url,
                                  timing=SimTiming(state_interval_s=0.2, heartbeat_interval_s=0.2, tele_period_s=0.2))
    try:
        results = await runtime.gateway.switch(["cr-101-lights", "auditorium-lights"], True)
        assert all(r.ok for r in results)
        await asyncio.sleep(0.5)
        assert all(live.online for live in runtime.gateway.board_liveness().values())
    finally:
        await runtime.stop()
    with session_scope(sqlite_url) as session:
        assert session.get(m.Switch, "cr-101-lights").state is True
        assert session.scalar(select(m.Reading.id).where(m.Reading.source == "meter").limit(1)) is not None
        energy = session.scalars(select(m.Reading.energy_wh).where(m.Reading.switch_id == "cr-101-lights",
                                                                   m.Reading.energy_wh > 0)).all()
        assert energy


def test_board_rows_follow_the_boards_heard_and_close_writes_every_latest_time(db_url, campus):
    """A batch looks only at the boards heard since the previous one (a fleet's other boards cannot need a write):
    a board's last-seen is still rewritten once it is older than the resolution, and on close every board's latest
    time is written, also of a board not heard in the last batch."""
    writer = IngestWriter(db_url, campus, flush_interval_s=0.02, seen_resolution_s=10)
    writer.start()

    def seen(board_id: str) -> dt.datetime | None:
        with session_scope(db_url) as session:
            return session.get(m.Board, board_id).last_seen

    try:
        writer.submit(at(0), Heartbeat("cr-101-panel"))
        assert writer.drain(10)
        assert seen("cr-101-panel") == at(0)
        writer.submit(at(5), Heartbeat("cr-101-panel"))  # within the resolution: not rewritten yet
        assert writer.drain(10)
        for t in (6, 8, 9):  # batches that hear another board only
            writer.submit(at(t), Heartbeat("auditorium-panel"))
            assert writer.drain(10)
        assert seen("cr-101-panel") == at(0) and seen("auditorium-panel") == at(6)
        writer.submit(at(12), RelayReport("cr-101-panel", 16, True, "state"))  # past the resolution: written
        assert writer.drain(10)
        assert seen("cr-101-panel") == at(12)
        writer.submit(at(13), Heartbeat("cr-101-panel"))
        assert writer.drain(10)
        writer.submit(at(14), Heartbeat("auditorium-panel"))
        assert writer.drain(10)
        assert seen("cr-101-panel") == at(12) and seen("auditorium-panel") == at(6)
    finally:
        writer.close()
    # Closing writes both boards' latest times, though the last batch heard only the auditorium's.
    assert seen("cr-101-panel") == at(13) and seen("auditorium-panel") == at(14)
