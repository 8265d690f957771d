from __future__ import annotations

import datetime as dt

from alembic import command
from sqlalchemy import func, inspect, select, text

from store import models as m
from store.campus import Closure, load_campus_file, parse_campus_text
from store.db import alembic_config, get_engine, session_scope, table_names, upgrade
from store.registry import load_registry, sync_campus
from tests.conftest import CLOSURES_CAMPUS, DEMO_CAMPUS, MINIMAL_CAMPUS


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


def test_subdivision_and_closures_round_trip_and_reload_without_change(db_url):
    upgrade(db_url)
    campus = load_campus_file(CLOSURES_CAMPUS)
    with session_scope(db_url) as s:
        assert sync_campus(s, campus).created["campus"] == ["campus"]
    with session_scope(db_url) as s:
        again = sync_campus(s, campus)
    assert not again.changed, again.summary()
    with session_scope(db_url) as s:
        back = load_registry(s)
    assert back == campus and back.subdivision == "MH" and len(back.closures) == 2


def test_edited_closures_update_the_campus_row_in_place(db_url):
    upgrade(db_url)
    with session_scope(db_url) as s:
        sync_campus(s, load_campus_file(CLOSURES_CAMPUS))
    edited = CLOSURES_CAMPUS.read_text().replace("end: 2025-10-24", "end: 2025-10-26").replace(
        "  subdivision: MH\n", "").replace("    - {name: Strike day, start: 2025-11-12, end: 2025-11-12}\n", "")
    with session_scope(db_url) as s:
        report = sync_campus(s, parse_campus_text(edited))
    assert report.updated["campus"] == ["campus"] and not report.created.get("campus")
    with session_scope(db_url) as s:
        back = load_registry(s)
        assert s.scalar(select(func.count()).select_from(m.CampusInfo)) == 1
    assert back.subdivision is None
    assert back.closures == (Closure("Diwali break", dt.date(2025, 10, 20), dt.date(2025, 10, 26)),)


def _campus_columns(url: str) -> set[str]:
    return {c["name"] for c in inspect(get_engine(url)).get_columns("campus")}


def _campus_loaded_at(url: str, revision: str) -> None:
    """The schema as of `revision`, holding the campus row an operator loaded then."""
    upgrade(url, revision)
    with get_engine(url).begin() as conn:
        conn.execute(text("INSERT INTO campus (id, name, timezone, country, terms) "
                          "VALUES (1, 'Old Campus', 'Asia/Kolkata', 'IN', '[]')"))


def test_migration_0004_adds_the_columns_to_a_loaded_campus_and_downgrades(db_url):
    _campus_loaded_at(db_url, "0003")
    assert not {"subdivision", "closures"} & _campus_columns(db_url)
    upgrade(db_url)
    with session_scope(db_url) as s:
        old = load_registry(s)
    assert (old.name, old.country, old.subdivision, old.closures) == ("Old Campus", "IN", None, ())
    with session_scope(db_url) as s:  # the upgraded row takes the new fields like any other
        sync_campus(s, load_campus_file(CLOSURES_CAMPUS))
    with session_scope(db_url) as s:
        assert load_registry(s).subdivision == "MH"
    command.downgrade(alembic_config(db_url), "0003")
    assert not {"subdivision", "closures"} & _campus_columns(db_url)
    with get_engine(db_url).connect() as conn:
        assert conn.execute(text("SELECT name, country FROM campus")).all() == [("Demo Institute of Technology", "IN")]


def test_coordinates_round_trip_and_an_edit_updates_the_campus_row(db_url):
    upgrade(db_url)
    text = MINIMAL_CAMPUS.read_text().replace("timezone: Asia/Kolkata}", "timezone: Asia/Kolkata, latitude: 18.52, longitude: 73.86}")
    with session_scope(db_url) as s:
        sync_campus(s, parse_campus_text(text))
    with session_scope(db_url) as s:
        assert not sync_campus(s, parse_campus_text(text)).changed
        assert load_registry(s).coordinates == (18.52, 73.86)
    with session_scope(db_url) as s:
        assert sync_campus(s, load_campus_file(MINIMAL_CAMPUS)).updated["campus"] == ["campus"]
    with session_scope(db_url) as s:
        assert load_registry(s).coordinates is None


def test_migration_0005_adds_coordinates_and_the_weather_table_to_a_loaded_campus_and_downgrades(db_url):
    _campus_loaded_at(db_url, "0004")
    assert not {"latitude", "longitude"} & _campus_columns(db_url)
    assert "outdoor_temperature" not in table_names(db_url)
    upgrade(db_url)
    assert "outdoor_temperature" in table_names(db_url)
    with session_scope(db_url) as s:
        old = load_registry(s)
    assert (old.name, old.country, old.coordinates) == ("Old Campus", "IN", None)
    with get_engine(db_url).begin() as conn:
        conn.execute(text("UPDATE campus SET latitude = 18.5, longitude = 73.8"))
    with session_scope(db_url) as s:
        assert load_registry(s).coordinates == (18.5, 73.8)
    command.downgrade(alembic_config(db_url), "0004")
    assert not {"latitude", "longitude"} & _campus_columns(db_url)
    assert "outdoor_temperature" not in table_names(db_url)
    with get_engine(db_url).connect() as conn:
        assert conn.execute(text("SELECT name, country FROM campus")).all() == [("Old Campus", "IN")]
