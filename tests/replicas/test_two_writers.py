"""Two replicas' ingest writers on one database: a later report stored by one is not overwritten by an earlier report
the other writes after it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from devices.ingest import IngestWriter
from devices.model import RelayReport
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
