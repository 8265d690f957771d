"""Row-by-row outbox claims: a sender killed with SIGKILL holds back only what it had in flight, and several
senders (replicas) on one database deliver each message once, in each chat's order."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from alerts import outbox
from alerts.ratelimit import SendLimiter
from alerts.sender import OutboxSender
from alerts.telegram import BotApi
from store import models as m
from store.db import get_engine
from tests.bot.fake_bot_api import FakeBotApi

from tests.conftest import ROOT as ROOT_DIR

from .test_delivery import FAST_RETRY, assert_each_once_in_order, fill, now

IN_FLIGHT = 2


def _start_and_kill_a_sender(url: str) -> set[str]:
    """Run crashing_sender until IN_FLIGHT sends are under way, then SIGKILL it; returns their texts."""
    proc = subprocess.Popen([sys.executable, "-m", "tests.alerts.crashing_sender", url, str(IN_FLIGHT)],
                            cwd=ROOT_DIR, stdout=subprocess.PIPE, text=True)
    started: set[str] = set()
    try:
        while len(started) < IN_FLIGHT:
            line = proc.stdout.readline()
            assert line, "the sender process ended before sending"
            started.add(line.split()[1])
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    return started


@pytest.mark.parametrize("db", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def test_a_killed_sender_delays_only_the_messages_in_flight(db, request):
    url = request.getfixturevalue(f"{db}_url")
    wanted = fill(url, 20, 20)  # one message per chat: nothing waits on an earlier message of its chat
    in_flight = await asyncio.to_thread(_start_and_kill_a_sender, url)
    fake = FakeBotApi()
    await fake.start()
    api = BotApi(fake.token, fake.base_url)
    try:
        sender = OutboxSender(get_engine(url), api, limiter=SendLimiter(per_second=500, private_gap_s=0.0),
                              policy=FAST_RETRY)
        # The next sender, right away: everything but the killed sender's sends goes now.
        assert await sender.drain() == 20 - IN_FLIGHT
        assert {c.text for c in fake.sent()} == {t for _, t in wanted} - in_flight
        with Session(get_engine(url)) as session:
            held = set(session.scalars(select(m.Delivery.text).where(m.Delivery.status == outbox.SENDING)))
        assert held == in_flight
        # Once their short lease is over they go too, once each.
        sender.clock = lambda: now() + dt.timedelta(seconds=FAST_RETRY.lease_s + 1)
        assert await sender.drain() == IN_FLIGHT
        assert_each_once_in_order(fake, wanted)
    finally:
        await api.close()
        await fake.stop()


@pytest.mark.postgres
async def test_two_senders_on_one_postgresql_deliver_each_message_once_in_order(postgres_url):
    wanted = fill(postgres_url, 240, 30)
    fake = FakeBotApi()
    await fake.start()
    api = BotApi(fake.token, fake.base_url)
    second_engine = create_engine(get_engine(postgres_url).url)  # its own connections, as another replica has
    senders = [OutboxSender(engine, api, limiter=SendLimiter(per_second=500, private_gap_s=0.0), policy=FAST_RETRY,
                            concurrency=4, poll_s=0.05) for engine in (get_engine(postgres_url), second_engine)]
    try:
        for sender in senders:
            await sender.start()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            counts = await asyncio.to_thread(outbox.counts, get_engine(postgres_url))
            if counts["pending"] == 0 and counts["sending"] == 0:
                break
            await asyncio.sleep(0.05)
        for sender in senders:
            await sender.stop()
        assert_each_once_in_order(fake, wanted)
        assert all(sender.stats.sent > 0 for sender in senders), [s.stats.sent for s in senders]
        assert sum(sender.stats.sent for sender in senders) == 240
    finally:
        second_engine.dispose()
        await api.close()
        await fake.stop()
