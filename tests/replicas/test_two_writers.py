"""Two replicas' ingest writers on one database: a later report stored by one is not overwritten by an earlier report
the other writes after it, and interval energy is counted once whichever writer stores which sample."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from devices.ingest import IngestWriter
from devices.model import MeterReport, RelayReport
from store import models as m
from store.campus import load_campus_file
from store.db import session_scope, upgrade
from store.registry import sync_campus
from tests.conftest import DEMO_CAMPUS


def test_an_earlier_report_written_later_does_not_undo_a_later_one(db_url):
    campus = load_campus_file(DEMO_CAMPUS)
    upgrade(db_url)
    with session_scope(db_url) as session:
        sync_campus(session, campus)
    first, second = IngestWriter(db_url, campus), IngestWriter(db_url, campus)
    first.start()
    second.start()
    t = dt.datetime.now(dt.timezone.utc)
    try:
        # Replica B hears "off" at t+2 s and writes it; replica A heard "on" at t+1 s and writes it afterwards.
        second.submit(t + dt.timedelta(seconds=2), RelayReport("cr-101-panel", 16, False, "state"))
        assert second.drain(10)
        first.submit(t + dt.timedelta(seconds=1), RelayReport("cr-101-panel", 16, True, "state"))
        assert first.drain(10)
    finally:
        first.close()
        second.close()
    with session_scope(db_url) as session:
        state, changed = session.execute(select(m.Switch.state, m.Switch.state_changed_at)
                                         .where(m.Switch.id == "cr-101-lights")).one()
        seen = session.scalar(select(m.Board.last_seen).where(m.Board.id == "cr-101-panel"))
    assert state is False and changed == t + dt.timedelta(seconds=2)
    assert seen == t + dt.timedelta(seconds=2)


def _write(writer: IngestWriter, ts: dt.datetime, observation) -> None:
    writer.submit(ts, observation)
    assert writer.drain(10)


@pytest.mark.parametrize("partitions", [False, True], ids=["one-section", "partitions"])
def test_two_writers_count_each_interval_once_even_when_a_sample_arrives_late(db_url, partitions):
    """The broker hands a board's reports to the replicas in turn: each writer sees every other sample. The stored
    energy is what one writer hearing every sample in time order would store, late samples included."""
    campus = load_campus_file(DEMO_CAMPUS)
    upgrade(db_url)
    with session_scope(db_url) as session:
        sync_campus(session, campus)
    a, b = (IngestWriter(db_url, campus, energy_partitions=partitions),
            IngestWriter(db_url, campus, energy_partitions=partitions))
    a.start()
    b.start()
    t = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc)

    def at(seconds: float) -> dt.datetime:
        return t + dt.timedelta(seconds=seconds)

    lights = ("cr-101-panel", 16)  # cr-101-lights, 320 W
    try:
        _write(a, at(0), RelayReport(*lights, True, "state"))
        _write(b, at(10), RelayReport(*lights, True, "state"))
        _write(a, at(30), RelayReport(*lights, False, "state"))
        _write(b, at(20), RelayReport(*lights, True, "state"))  # late: B's batch went after A's later one
        _write(a, at(25), RelayReport(*lights, False, "manual"))  # late, and it says off: 25 -> 30 s was not used
        _write(b, at(40), RelayReport(*lights, True, "backend"))
        _write(a, at(50), RelayReport(*lights, True, "state"))
        # The auditorium's meter, read by both writers in turn, one sample late.
        _write(a, at(0), MeterReport("auditorium-panel", 1.000, 500.0))
        _write(b, at(10), MeterReport("auditorium-panel", 1.010, 500.0))
        _write(a, at(20), MeterReport("auditorium-panel", 1.030, 500.0))
        _write(b, at(15), MeterReport("auditorium-panel", 1.020, 500.0))
        _write(a, at(30), MeterReport("auditorium-panel", 1.045, 500.0))
    finally:
        a.close()
        b.close()
    with session_scope(db_url) as session:
        relay = session.execute(select(m.Reading.ts, m.Reading.energy_wh).where(m.Reading.switch_id == "cr-101-lights")
                                .order_by(m.Reading.ts)).all()
        meter = session.execute(select(m.Reading.ts, m.Reading.energy_wh).where(
            m.Reading.board_id == "auditorium-panel", m.Reading.source == "meter").order_by(m.Reading.ts)).all()
    assert [r.ts for r in relay] == [at(s) for s in (0, 10, 20, 25, 30, 40, 50)]  # every sample stored once
    # On 0-25 s, off 25-40 s, on 40-50 s: 35 s at 320 W. (Each writer on its own would count 60 s.)
    assert sum(r.energy_wh or 0.0 for r in relay) == pytest.approx(320 * 35 / 3600)
    assert len(meter) == 5
    # The counter went from 1.000 to 1.045 kWh: 45 Wh, whoever heard which sample.
    assert sum(r.energy_wh or 0.0 for r in meter) == pytest.approx(45.0)
