"""A scheduled action whose board applies a switch after the confirmation window: the user who set it is told it
switched after all, the way the run itself was reported (the outbox for Telegram, the user's terminal chat), and the
audit says late_confirmation. The real broker, a simulated board whose relay queue is slow (one relay every
2.5 s, as a busy board's queue runs), the real store on SQLite and PostgreSQL, the loopback Bot API."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid

import pytest
from sqlalchemy import select

from alerts.sender import OutboxSender
from alerts.telegram import BotApi
from bot import records
from bot.scheduler import ScheduleRunner
from devices.gateway import Gateway
from devices.mqtt import MqttConfig, MqttTransport
from devices.simulator import SimTiming, SimulatedFleet
from store import models as m
from store.db import get_engine, session_scope, upgrade
from store.registry import sync_campus
from tests.bot.conftest import until
from tests.bot.fake_bot_api import FakeBotApi

pytestmark = pytest.mark.broker
BROKER = "mqtt://127.0.0.1:1883"
# The board applies one relay, then the next only 2.5 s later: the second is reported after the gateway's 0.5 s
# window has ended.
SLOW_QUEUE = SimTiming(state_interval_s=3600, heartbeat_interval_s=3600, tele_period_s=3600, relay_gap_s=2.5)
SWITCHES = ("cr-101-lights", "cr-101-fans")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request, campus) -> str:
    url = request.getfixturevalue(f"{request.param}_url")
    upgrade(url)
    with session_scope(url) as session:
        sync_campus(session, campus)
    return url



class SlowBoardSite:
    """The gateway (0.5 s confirmation window) and the demo fleet with a slow relay queue, on the real broker."""

    def __init__(self, campus) -> None:
        self.campus = campus
        prefix = f"late-{uuid.uuid4().hex[:10]}/"
        self.gateway = Gateway(campus, MqttTransport(MqttConfig.from_url(BROKER), clean_session=True),
                               topic_prefix=prefix, confirm_timeout_s=0.5)
        self.fleet = SimulatedFleet(campus, MqttTransport(MqttConfig.from_url(BROKER), clean_session=True),
                                    SLOW_QUEUE, board_ids=["cr-101-panel"], topic_prefix=prefix)

    async def start(self) -> None:
        await self.gateway.start()
        assert await self.gateway.transport.wait_connected(10)
        await self.fleet.start()
        assert await self.fleet.transport.wait_connected(10)
        await until(lambda: all(self.gateway.state(s).on is False for s in SWITCHES), "the board's first report")

    def relay(self, switch_id: str) -> bool:
        sw = next(s for s in self.campus.switches if s.id == switch_id)
        return self.fleet.autovolt[sw.board_id].relays[sw.gpio]

    async def stop(self) -> None:
        await self.fleet.stop()
        await self.gateway.stop()


def schedule(url: str, user_id: int, chat_id: int, channel: str) -> int:
    return records.create_action(url, created_by=user_id, chat_id=chat_id, run_at=dt.datetime.now(dt.timezone.utc),
                                 on=True, switch_ids=SWITCHES, status="pending", channel=channel,
                                 text="turn on the lights and fans in classroom 101 at 9")


def late_audit(url: str, user_id: int) -> list[m.CommandAudit]:
    with session_scope(url) as session:
        rows = session.scalars(select(m.CommandAudit).where(m.CommandAudit.user_id == user_id,
                                                            m.CommandAudit.outcome == "late_confirmation"))
        return list(rows)


def action_result(url: str, ident: int) -> dict:
    with session_scope(url) as session:
        return dict(session.get(m.ScheduledAction, ident).result or {})


async def test_a_late_switch_of_a_scheduled_action_reaches_its_telegram_owner(campus, store_url):
    site = SlowBoardSite(campus)
    await site.start()
    telegram = FakeBotApi()
    await telegram.start()
    sender = OutboxSender(get_engine(store_url), BotApi(telegram.token, telegram.base_url), poll_s=0.1)
    await sender.start()
    runner = ScheduleRunner(campus, store_url, lambda: site.gateway)
    ident = schedule(store_url, 2001, 2001, "telegram")
    await runner.start()
    try:
        def texts() -> list[str]:
            return [c.text or "" for c in telegram.sent(2001)]

        await until(lambda: len(texts()) == 2, "the run's report and the late one")
        first, late = texts()
        assert first.startswith("Scheduled action (") and "lights and fans on (1/2 confirmed)" in first, first
        assert "fans" in first and "did not report the new state within 0.5 s" in first, first
        assert late.startswith("Scheduled action (") and "Classroom 101: ceiling fans switched on after all" in late, late
        assert site.relay("cr-101-fans") is True and site.relay("cr-101-lights") is True
        [audit] = late_audit(store_url, 2001)
        assert audit.chat_id == 2001 and audit.channel == "telegram"
        assert audit.detail["action"] == ident and audit.detail["switch"] == "cr-101-fans" and audit.detail["on"]
        assert [d["switch"] for d in action_result(store_url, ident)["late_confirmations"]] == ["cr-101-fans"]
        assert site.gateway.stats.late_confirmations == 1 and runner.late_reported == 1
        await asyncio.sleep(0.5)
        assert len(telegram.sent()) == 2  # nobody else was told, nothing twice
    finally:
        await runner.stop()
        await sender.stop()
        await sender.api.close()
        await telegram.stop()
        await site.stop()


async def test_a_late_switch_of_a_scheduled_action_reaches_its_terminal_owner(campus, store_url):
    site = SlowBoardSite(campus)
    await site.start()
    runner = ScheduleRunner(campus, store_url, lambda: site.gateway)
    ident = schedule(store_url, 2003, 77003, "terminal")
    await runner.start()
    try:
        shown: list[str] = []

        def take() -> bool:
            shown.extend(records.take_reports(store_url, 2003, dt.datetime.now(dt.timezone.utc)))
            return bool(shown)

        await until(take, "the run's report in the terminal")
        assert len(shown) == 1 and "fans" in shown[0] and "did not report" in shown[0], shown
        if runner.late_reported == 0:  # usual: the run's report was shown before the board caught up
            await until(lambda: runner.late_reported == 1, "the late confirmation")
            later = records.take_reports(store_url, 2003, dt.datetime.now(dt.timezone.utc))
            assert len(later) == 1 and "Classroom 101: ceiling fans switched on after all" in later[0], later
        else:  # a loaded machine: both parts in the one report
            assert "Classroom 101: ceiling fans switched on after all" in shown[0], shown
        assert records.take_reports(store_url, 2003, dt.datetime.now(dt.timezone.utc)) == []  # each shown once
        [audit] = late_audit(store_url, 2003)
        assert audit.chat_id == 77003 and audit.channel == "terminal" and audit.detail["action"] == ident
        with session_scope(store_url) as session:
            assert session.scalar(select(m.ScheduledAction.status).where(m.ScheduledAction.id == ident)) == "done"
            assert session.scalar(select(m.Delivery.id).limit(1)) is None  # a terminal owner: nothing for Telegram
    finally:
        await runner.stop()
        await site.stop()
