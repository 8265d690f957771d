from __future__ import annotations


from sqlalchemy import func, select

from store import models as m
from store.campus import load_campus_file, parse_campus_text
from store.db import session_scope, table_names, upgrade
from store.registry import load_registry, sync_campus
from tests.conftest import DEMO_CAMPUS, MINIMAL_CAMPUS


def test_migrations_create_every_table(db_url):
    upgrade(db_url)
    tables = table_names(db_url)
    for name in ("buildings", "rooms", "boards", "switches", "users", "readings", "command_audit", "alerts",
                 "deliveries", "scheduled_actions", "model_runs"):
        assert name in tables
    upgrade(db_url)  # a second upgrade is a no-op


def test_minimal_campus_loads_twice_without_change(db_url):
    upgrade(db_url)
    campus = load_campus_file(MINIMAL_CAMPUS)
    with session_scope(db_url) as s:
        first = sync_campus(s, campus)
    assert first.changed and first.created["switches"] == ["cr-101-lights", "cr-101-fans"]
    with session_scope(db_url) as s:
        second = sync_campus(s, campus)
    assert not second.changed, second.summary()
    with session_scope(db_url) as s:
        assert load_registry(s) == campus


def test_edited_campus_updates_in_place(db_url):
    upgrade(db_url)
    with session_scope(db_url) as s:
        sync_campus(s, load_campus_file(MINIMAL_CAMPUS))
    edited = MINIMAL_CAMPUS.read_text().replace("Ceiling fans", "Fans").replace(
        "          - {id: cr-101-fans", "          - {id: cr-101-ac, name: AC, type: ac}\n          - {id: cr-101-fans")
    edited = edited.replace("          - {id: cr-101-lights, name: Lights, type: light}\n", "")
    with session_scope(db_url) as s:
        report = sync_campus(s, parse_campus_text(edited))
    assert report.created["switches"] == ["cr-101-ac"]
    assert report.updated["switches"] == ["cr-101-fans"]
    assert report.deleted["switches"] == ["cr-101-lights"]
    with session_scope(db_url) as s:
        names = dict(s.execute(select(m.Switch.id, m.Switch.name)).all())
    assert names == {"cr-101-ac": "AC", "cr-101-fans": "Fans"}


def test_demo_campus_round_trips_through_the_database(db_url):
    upgrade(db_url)
    campus = load_campus_file(DEMO_CAMPUS)
    with session_scope(db_url) as s:
        sync_campus(s, campus)
    with session_scope(db_url) as s:
        back = load_registry(s)
        assert s.scalar(select(func.count()).select_from(m.Switch)) == len(campus.switches)
    assert back is not None
    assert sorted(back.switches, key=lambda x: x.id) == sorted(campus.switches, key=lambda x: x.id)
    assert sorted(back.users, key=lambda u: u.telegram_id) == sorted(campus.users, key=lambda u: u.telegram_id)
    assert {b.id: b.secret for b in back.boards} == {b.id: b.secret for b in campus.boards}


def test_time_series_indexes_exist(db_url):
    from sqlalchemy import inspect

    from store.db import get_engine

    upgrade(db_url)
    indexes = {ix["name"]: ix["column_names"] for ix in inspect(get_engine(db_url)).get_indexes("readings")}
    assert indexes["ix_readings_switch_ts"] == ["switch_id", "ts"]
    assert indexes["ix_readings_room_ts"] == ["room_id", "ts"]
