"""Alerts in a chat: acknowledge and snooze by message ("ack the AC alert", "snooze it for an hour"), with the
room said once in alert lines. Through the conversation engine on a real store with alerts written by the alert
book, as the scans write them."""

from __future__ import annotations

import datetime as dt

import pytest_asyncio

from alerts.engine import AlertBook
from alerts.model import AlertConfig, ScanResult, Signal
from bot.conversation import Sender
from store import models as m
from store.db import get_engine, session_scope
from tests.bot.conftest import memory_conversation

ADMIN = Sender(1001, 1001, "terminal")


def open_alerts(url: str) -> dict[str, int]:
    """A stuck AC in Classroom 102 and lights on after hours in Lab 1, as the scans would open them."""
    now = dt.datetime.now(dt.timezone.utc)
    signals = (Signal("high_consumption", "cr-102-ac", "warning", "AC in Classroom 102: stuck on: 1500 Wh per hour",
                      now, building_id="block-a", room_id="cr-102", switch_ids=("cr-102-ac",), value=1500, unit="Wh"),
               Signal("after_hours", "lab-1", "warning", "Lights on after hours", now, room_id="lab-1",
                      switch_ids=("lab-1-lights",)))
    AlertBook(get_engine(url), AlertConfig(group_wait_s=0)).apply(ScanResult(covers=frozenset(), signals=signals), now)
    with session_scope(url) as session:
        return {a.key: a.id for a in session.query(m.Alert)}


@pytest_asyncio.fixture
async def engine(campus, db_url):
    async with memory_conversation(campus, db_url) as conversation:
        yield conversation


def alert(url: str, ident: int) -> m.Alert:
    with session_scope(url) as session:
        row = session.get(m.Alert, ident)
        session.expunge(row)
        return row


async def test_ack_the_ac_alert_then_snooze_it_for_an_hour(engine, db_url):
    ids = open_alerts(db_url)
    listed = await engine.on_text(ADMIN, "any alerts?")
    ac_line = next(line for line in listed.text.splitlines() if "stuck on" in line)
    assert ac_line == f"- #{ids['high_consumption:cr-102-ac']} AC in Classroom 102: stuck on: 1500 Wh per hour"
    acked = await engine.on_text(ADMIN, "ack the AC alert")
    assert acked.outcome == "done" and acked.text.startswith("Acknowledged: AC in Classroom 102"), acked.text
    assert alert(db_url, ids["high_consumption:cr-102-ac"]).acknowledged_by == 1001
    snoozed = await engine.on_text(ADMIN, "snooze it for an hour")
    assert snoozed.outcome == "done" and snoozed.text.startswith("Snoozed until "), snoozed.text
    until = alert(db_url, ids["high_consumption:cr-102-ac"]).snoozed_until
    left = until - dt.datetime.now(dt.timezone.utc)
    assert dt.timedelta(minutes=55) < left <= dt.timedelta(minutes=60)
    assert alert(db_url, ids["after_hours:lab-1"]).snoozed_until is None  # the other alert untouched


async def test_an_ambiguous_ack_asks_which_and_a_number_settles_it(engine, db_url):
    ids = open_alerts(db_url)
    which = await engine.on_text(ADMIN, "acknowledge the alert")
    assert which.outcome == "clarify" and which.text.startswith("Which alert should I acknowledge?"), which.text
    lab = ids["after_hours:lab-1"]
    done = await engine.on_text(ADMIN, f"ack {lab}")
    assert done.outcome == "done" and alert(db_url, lab).acknowledged_by == 1001, done.text
    none = await engine.on_text(ADMIN, "ack the projector alert")
    assert none.text.startswith("I found no open alert to acknowledge")
