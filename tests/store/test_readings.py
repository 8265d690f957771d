from __future__ import annotations

import datetime as dt

from autovolt.demo.history import generate_history
from store.campus import load_campus_file
from store.db import session_scope, upgrade
from store.readings import hourly_energy, insert_frame, readings_frame
from store.registry import sync_campus
from tests.conftest import DEMO_CAMPUS

END = dt.datetime(2026, 11, 26, 10, tzinfo=dt.timezone.utc)


def test_history_round_trips_and_range_queries_are_exact(db_url):
    upgrade(db_url)
    campus = load_campus_file(DEMO_CAMPUS)
    history, _ = generate_history(campus, END, weeks=1)
    with session_scope(db_url) as s:
        sync_campus(s, campus)
        assert insert_frame(s, history) == len(history)
    start, end = END - dt.timedelta(days=2), END - dt.timedelta(days=1)
    with session_scope(db_url) as s:
        room = readings_frame(s, start, end, room_ids=["cr-201"])
        building = readings_frame(s, start, end, building_id="block-b")
        one = readings_frame(s, start, end, switch_ids=["lab-1-ac"])
    expected = history[(history.ts >= start) & (history.ts < end)]
    assert len(room) == len(expected[expected.room_id == "cr-201"])
    assert set(building.room_id) == {"lab-1", "lab-2", "lab-3", "physics-lab"}
    assert len(one) == 24 and one.ts.is_monotonic_increasing
    assert one.ts.dt.tz is not None
    total = hourly_energy(room).sum()
    assert abs(total - expected[expected.room_id == "cr-201"].energy_wh.sum()) < 1e-6
