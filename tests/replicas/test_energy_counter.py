"""The Prometheus energy counter never goes down, even when a late sample's row carries a negative correction."""

from __future__ import annotations

import datetime as dt

from autovolt.metrics import StoreCollector
from store.campus import load_campus_file
from store.db import session_scope, upgrade
from store.readings import insert_readings
from store.registry import sync_campus
from tests.conftest import DEMO_CAMPUS


def _shown(collector: StoreCollector) -> float:
    for family in collector.collect():
        if family.name == "autovolt_energy_wh":
            return sum(s.value for s in family.samples
                       if s.name == "autovolt_energy_wh_total" and s.labels["room"] == "cr-101"
                       and s.labels["type"] == "light")
    raise AssertionError("no energy family")


def test_a_negative_correction_holds_the_counter_until_the_sum_passes_it(db_url):
    campus = load_campus_file(DEMO_CAMPUS)
    upgrade(db_url)
    with session_scope(db_url) as session:
        sync_campus(session, campus)
    collector = StoreCollector(db_url, refresh_s=0.0)
    t = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc)

    def add(seconds: int, wh: float) -> None:
        with session_scope(db_url) as session:
            insert_readings(session, [{"ts": t + dt.timedelta(seconds=seconds), "board_id": "cr-101-panel",
                                       "switch_id": "cr-101-lights", "room_id": "cr-101", "state": True,
                                       "power_w": 320.0, "energy_wh": wh, "source": "state"}])

    add(0, 10.0)
    assert _shown(collector) == 10.0
    add(5, -3.0)  # a late "off" sample: 3 Wh had been counted that were not used
    assert _shown(collector) == 10.0
    add(10, 2.0)
    assert _shown(collector) == 10.0  # the sum is 9
    add(15, 4.0)
    assert _shown(collector) == 13.0
