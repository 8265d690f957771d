"""End to end: simulated boards on the real Mosquitto, the device gateway writing to the store, the alerts
component with its scheduler, and the loopback Bot API server standing in for Telegram."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.model import AlertConfig
from alerts.service import AlertOptions, AlertService
from alerts.telegram import BotApi
from devices.gateway import Gateway
from devices.ingest import IngestWriter
from devices.mqtt import MqttConfig, MqttTransport
from devices.simulator import SimTiming, SimulatedFleet
from store import models as m
from store.db import get_engine
from tests.bot.fake_bot_api import FakeBotApi
from tests.conftest import until

from .conftest import ADMIN, ADMIN2, FACULTY, OWNER, build_campus, load

pytestmark = [pytest.mark.broker, pytest.mark.slow]
BROKER = "mqtt://127.0.0.1:1883"
QUICK = SimTiming(state_interval_s=0.3, heartbeat_interval_s=0.3, tele_period_s=0.3)
# Seconds instead of minutes: offline after 1.5 s of silence, scans every second, groups wait 1 s.
CONFIG = AlertConfig(offline_after_s=1.5, offline_scan_s=1, notify_tick_s=1, group_wait_s=1.0, cooldown_s=1.0)


class Site:
    """The running pieces: gateway + ingest on the broker, a simulated fleet, the fake Telegram."""

    def __init__(self, url: str, campus) -> None:
        self.url, self.campus = url, campus
        self.prefix = f"test-{uuid.uuid4().hex[:10]}/"

    async def start(self) -> None:
        # last_seen rewritten every 0.2 s (10 s in service): our boards go silent for only 1.5 s here.
        self.writer = IngestWriter(self.url, self.campus, flush_interval_s=0.05, seen_resolution_s=0.2)
        self.writer.start()
        transport = MqttTransport(MqttConfig.from_url(BROKER), clean_session=True)
        self.gateway = Gateway(self.campus, transport, sink=self.writer, topic_prefix=self.prefix)
        await self.gateway.start()
        assert await transport.wait_connected(10)
        fleet_transport = MqttTransport(MqttConfig.from_url(BROKER), clean_session=True)
        self.fleet = SimulatedFleet(self.campus, fleet_transport, QUICK, topic_prefix=self.prefix)
        await self.fleet.start()
        assert await fleet_transport.wait_connected(10)
        self.telegram = FakeBotApi()
        await self.telegram.start()
        await until(lambda: all(self.last_seen().values()), "every board heard from", 15.0)

    def last_seen(self) -> dict:
        with Session(get_engine(self.url)) as session:
            return dict(session.execute(select(m.Board.id, m.Board.last_seen)).all())

    def alerts(self) -> AlertService:
        api = BotApi(self.telegram.token, self.telegram.base_url)
        return AlertService(self.url, config=CONFIG, api=api,
                            options=AlertOptions(only=frozenset({"offline", "notify"})))

    def messages(self, containing: str) -> Counter:
        return Counter(c.chat_id for c in self.telegram.sent() if containing in (c.text or ""))

    async def stop(self) -> None:
        await self.fleet.stop()
        await self.gateway.stop()
        self.writer.close()
        await self.telegram.stop()


async def test_offline_board_alerts_owner_and_faculty_once_survives_a_restart_then_back_online(sqlite_url):
    url = load(sqlite_url, build_campus())
    site = Site(url, build_campus())
    await site.start()
    service = site.alerts()
    await service.start()
    try:
        await site.fleet.unplug("a-101-panel")
        await until(lambda: site.messages("Board offline") == Counter({OWNER: 1, FACULTY: 1}), "offline alert", 15.0)
        # A restart in the middle: a new component on the same database while the board is still away.
        await service.stop()
        service = site.alerts()
        await service.start()
        await asyncio.sleep(2.2)  # two more scans and reminder checks
        assert site.messages("Board offline") == Counter({OWNER: 1, FACULTY: 1})
        site.fleet.boards["a-101-panel"].start()  # power is back
        await until(lambda: site.messages("Back online") == Counter({OWNER: 1, FACULTY: 1}), "back online", 15.0)
        # The alert's buttons, pressed by the faculty member: the owner is told who acknowledged.
        first = next(c for c in site.telegram.sent(FACULTY) if "Board offline" in (c.text or ""))
        assert [b["callback_data"].split(":")[1] for row in first.buttons for b in row] == ["ack", "s1h", "stm"]
        await asyncio.sleep(0.5)
        assert sum(site.messages("").values()) == 4  # nothing else was said
    finally:
        await service.stop()
        await site.stop()


async def test_sixty_boards_of_one_building_offline_give_each_recipient_one_message(sqlite_url):
    campus = build_campus(big_building_boards=60)
    url = load(sqlite_url, campus)
    site = Site(url, campus)
    await site.start()
    service = site.alerts()
    await service.start()
    try:
        for board_id in [b.id for b in campus.boards if b.id.startswith("h-")]:
            await site.fleet.unplug(board_id)
        expected = Counter({OWNER: 1, ADMIN: 1, ADMIN2: 1})
        await until(lambda: site.messages("60 boards in Exam Hall Block are offline") == expected, "group alert", 15.0)
        await asyncio.sleep(1.5)
        assert site.messages("offline") == expected  # no singles, no repeats
        for board_id in [b.id for b in campus.boards if b.id.startswith("h-")]:
            site.fleet.boards[board_id].start()
        await until(lambda: site.messages("Boards back online") == expected, "group resolved", 15.0)
    finally:
        await service.stop()
        await site.stop()


async def test_acknowledge_button_tells_the_others_who_acknowledged(sqlite_url):
    url = load(sqlite_url, build_campus())
    site = Site(url, build_campus())
    await site.start()
    service = site.alerts()
    await service.start()
    try:
        await site.fleet.unplug("a-101-panel")
        await until(lambda: site.messages("Board offline") == Counter({OWNER: 1, FACULTY: 1}), "offline alert", 15.0)
        call = next(c for c in site.telegram.sent(FACULTY) if "Board offline" in (c.text or ""))
        ack = next(b["callback_data"] for row in call.buttons for b in row if b["callback_data"].startswith("al:ack"))
        outcome = await service.actions.handle(ack, FACULTY)
        assert outcome.ok
        await until(lambda: site.messages("Dr. Meera acknowledged") == Counter({OWNER: 1}), "ack notice", 15.0)
        again = await service.actions.handle(ack, OWNER)
        assert not again.ok and "Already acknowledged by Dr. Meera" in again.text
    finally:
        await service.stop()
        await site.stop()
