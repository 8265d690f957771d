"""Fixtures for the alert tests: a small campus written for these tests (and a 60-board building), loaded into
SQLite or PostgreSQL, and a clock the tests move by hand."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from sqlalchemy import update

from alerts.engine import AlertBook
from alerts.model import AlertConfig
from store import models as m
from store.campus import Campus, parse_campus_text
from store.db import get_engine, session_scope, upgrade
from store.registry import sync_campus

TZ = "Asia/Kolkata"
# 12:00 IST on a Thursday: inside class hours.
NOON = dt.datetime(2026, 11, 26, 6, 30, tzinfo=dt.timezone.utc)

ADMIN, ADMIN2, FACULTY, FACULTY2, OWNER, OPERATOR = 1001, 1002, 2001, 2002, 3001, 3002


def campus_text(big_building_boards: int = 0) -> str:
    """Block A: room a-101 (board a-101-panel, owned by OWNER; faculty FACULTY) and a-102 (faculty FACULTY2).
    Optionally a "hall" building with `big_building_boards` rooms of one board each (owned by OWNER)."""
    lines = [f"campus: {{name: Test Institute, timezone: {TZ}}}", "buildings:",
             "  - id: block-a", "    name: Block A", "    power_threshold_w: 5000", "    rooms:",
             "      - id: a-101", "        name: Classroom 101", "        power_threshold_w: 1000",
             "        boards: [{id: a-101-panel, mac: '24:0A:C4:AA:00:01', secret: test-secret-a101}]",
             "        switches:",
             "          - {id: a-101-lights, name: Lights, type: light, rated_watts: 200}",
             "          - {id: a-101-fans, name: Fans, type: fan, rated_watts: 300}",
             "          - {id: a-101-ac, name: AC, type: ac, rated_watts: 1500}",
             "          - {id: a-101-projector, name: Projector, type: projector, rated_watts: 250}",
             "      - id: a-102", "        name: Classroom 102",
             "        boards: [{id: a-102-panel, mac: '24:0A:C4:AA:00:02', secret: test-secret-a102}]",
             "        switches:",
             "          - {id: a-102-lights, name: Lights, type: light, rated_watts: 100}"]
    owns = ["a-101-panel"]
    if big_building_boards:
        lines += ["  - id: hall", "    name: Exam Hall Block", "    rooms:"]
        for i in range(big_building_boards):
            mac = f"24:0A:C4:BB:{i // 256:02X}:{i % 256:02X}"
            lines += [f"      - id: h-{i:03d}", f"        name: Hall {i}",
                      f"        boards: [{{id: h-{i:03d}-panel, mac: '{mac}', secret: s-{i}}}]",
                      "        switches:", f"          - {{id: h-{i:03d}-lights, name: Lights, type: light}}"]
            owns.append(f"h-{i:03d}-panel")
    lines += ["users:",
              f"  - {{telegram_id: {ADMIN}, name: Asha Admin, role: admin}}",
              f"  - {{telegram_id: {ADMIN2}, name: Vikram Admin, role: admin}}",
              f"  - {{telegram_id: {FACULTY}, name: Dr. Meera, role: faculty, rooms: [a-101]}}",
              f"  - {{telegram_id: {FACULTY2}, name: Prof. Rahul, role: faculty, rooms: [a-102]}}",
              f"  - {{telegram_id: {OWNER}, name: Ravi Owner, role: operator, owns: [{', '.join(owns)}]}}",
              f"  - {{telegram_id: {OPERATOR}, name: Priya Electrical, role: operator, can_control: true}}"]
    return "\n".join(lines) + "\n"


def build_campus(big_building_boards: int = 0) -> Campus:
    return parse_campus_text(campus_text(big_building_boards), "<test campus>")


def load(url: str, campus: Campus) -> str:
    upgrade(url)
    with session_scope(url) as session:
        sync_campus(session, campus)
    return url


@dataclass
class Clock:
    """A hand-moved UTC clock."""

    now: dt.datetime = NOON

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now


@pytest.fixture
def campus() -> Campus:
    return build_campus()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def loaded(db_url: str, campus: Campus) -> str:
    """A database (SQLite, then PostgreSQL) with the test campus loaded."""
    return load(db_url, campus)


@pytest.fixture
def loaded_sqlite(sqlite_url: str, campus: Campus) -> str:
    return load(sqlite_url, campus)


# Most tests look at one scan's effect at once; group waiting has its own test.
NO_WAIT = AlertConfig(group_wait_s=0)


def make_book(url: str, clock: Clock, config: AlertConfig = NO_WAIT) -> AlertBook:
    return AlertBook(get_engine(url), config, clock=clock)


def set_last_seen(url: str, seen: dict[str, dt.datetime | None]) -> None:
    with session_scope(url) as session:
        for board_id, ts in seen.items():
            session.execute(update(m.Board).where(m.Board.id == board_id).values(last_seen=ts, online=ts is not None))


def set_states(url: str, states: dict[str, bool]) -> None:
    with session_scope(url) as session:
        for switch_id, on in states.items():
            session.execute(update(m.Switch).where(m.Switch.id == switch_id).values(state=on))
