"""The outbox and its sender against the loopback Bot API server: nothing lost, nothing twice, within limits."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections import Counter

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts import outbox
from alerts.outbox import RetryPolicy
from alerts.ratelimit import SendLimiter
from alerts.sender import OutboxSender
from alerts.telegram import BotApi
from store import models as m
from store.db import get_engine, session_scope, upgrade
from tests.bot.fake_bot_api import FakeBotApi

from .netfault import DroppingRelay

FAST_RETRY = RetryPolicy(base_s=0.05, cap_s=0.2, jitter=0.0, lease_s=30)


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def fill(url: str, messages: int, chats: int, prefix: str = "m") -> list[tuple[int, str]]:
    upgrade(url)
    wanted = []
    with session_scope(url) as session:
        for i in range(messages):
            chat = 5000 + i % chats
            text = f"{prefix}{i:04d}"
            assert outbox.enqueue(session, dedupe_key=f"test:{prefix}:{i}", chat_id=chat, text=text, now=now())
            wanted.append((chat, text))
    return wanted


async def deliver(url: str, api: BotApi, limiter: SendLimiter | None = None, timeout: float = 30.0) -> OutboxSender:
    sender = OutboxSender(get_engine(url), api, limiter=limiter or SendLimiter(per_second=500, private_gap_s=0.0),
                          policy=FAST_RETRY, poll_s=0.05)
    await sender.start()
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            counts = await asyncio.to_thread(outbox.counts, get_engine(url))
            if counts["pending"] == 0 and counts["sending"] == 0:
                break
            await asyncio.sleep(0.05)
    finally:
        await sender.stop()
    return sender


def assert_each_once_in_order(fake: FakeBotApi, wanted: list[tuple[int, str]]) -> None:
    got = [(c.chat_id, c.text) for c in fake.sent()]
    duplicates = [k for k, n in Counter(got).items() if n > 1]
    assert not duplicates, f"sent twice: {duplicates[:5]}"
    assert sorted(got) == sorted(wanted), f"lost: {sorted(set(wanted) - set(got))[:5]}"
    for chat in {c for c, _ in wanted}:  # each chat reads its messages in the order they were written
        assert [t for c, t in got if c == chat] == [t for c, t in wanted if c == chat]


def test_enqueue_is_idempotent_and_claims_never_overlap(db_url):
    fill(db_url, 50, 5)
    with session_scope(db_url) as session:
        assert not outbox.enqueue(session, dedupe_key="test:m:3", chat_id=1, text="again", now=now())
    engine = get_engine(db_url)
    first = outbox.claim(engine, now(), 30)
    second = outbox.claim(engine, now(), 30)
    assert len(first) == 30 and len(second) == 20 and not {i.id for i in first} & {i.id for i in second}
    assert outbox.claim(engine, now(), 30) == []
    # A sender that died: its leases run out and the rows come back, once.
    later = now() + dt.timedelta(seconds=RetryPolicy().lease_s + 1)
    assert outbox.recover_expired(engine, later) == 50
    assert len(outbox.claim(engine, later, 100)) == 50
    assert outbox.mark_sent(engine, first[0].id, 9, later) and not outbox.mark_sent(engine, first[0].id, 9, later)


@pytest.mark.parametrize("db", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def test_429s_lose_nothing_and_send_nothing_twice(db, request):
    url = request.getfixturevalue(f"{db}_url")
    wanted = fill(url, 60, 12)
    fake = FakeBotApi()
    await fake.start()
    api = BotApi(fake.token, fake.base_url)
    try:
        fake.fail_next("sendMessage", 5, retry_after=1)
        sender = await deliver(url, api)
        assert fake.rejected_429["sendMessage"] == 5 and sender.stats.rate_limited == 5
        assert_each_once_in_order(fake, wanted)
        assert outbox.counts(get_engine(url))["sent"] == 60
        with Session(get_engine(url)) as session:
            assert all(mid is not None for mid in session.scalars(select(m.Delivery.message_id)))
    finally:
        await api.close()
        await fake.stop()


async def test_dropped_connections_lose_nothing(sqlite_url):
    wanted = fill(sqlite_url, 40, 8)
    fake = FakeBotApi()
    await fake.start()
    relay = DroppingRelay(fake.port)
    await relay.start()
    api = BotApi(fake.token, f"http://127.0.0.1:{relay.port}/bot", timeout_s=5)
    try:
        relay.drop(6)
        sender = await deliver(sqlite_url, api)
        assert relay.dropped == 6 and sender.stats.retried >= 6
        assert_each_once_in_order(fake, wanted)
    finally:
        await api.close()
        await relay.stop()
        await fake.stop()


async def test_refused_messages_are_marked_failed_and_the_rest_go(sqlite_url):
    wanted = fill(sqlite_url, 4, 4)
    fake = FakeBotApi()
    await fake.start()
    api = BotApi("999:wrong-token", fake.base_url)  # 401 for everything: refused for good, not retried forever
    try:
        sender = await deliver(sqlite_url, api)
        assert sender.stats.failed == 4 and outbox.counts(get_engine(sqlite_url))["failed"] == 4
        with Session(get_engine(sqlite_url)) as session:
            errors = set(session.scalars(select(m.Delivery.last_error)))
        assert errors == {"401 Unauthorized"}
    finally:
        await api.close()
        await fake.stop()
    assert wanted


async def test_sending_stays_within_the_rate_limits(sqlite_url):
    wanted = fill(sqlite_url, 45, 15)
    fake = FakeBotApi()
    await fake.start()
    api = BotApi(fake.token, fake.base_url)
    try:
        await deliver(sqlite_url, api, SendLimiter(per_second=20, private_gap_s=1.0))
        calls = fake.sent()
        assert len(calls) == 45
        stamps = sorted(c.at for c in calls)
        busiest = max(sum(1 for t in stamps if s <= t < s + 1.0) for s in stamps)
        assert busiest <= 20
        for chat in {c for c, _ in wanted}:
            times = [c.at for c in calls if c.chat_id == chat]
            assert all(b - a >= 0.9 for a, b in zip(times, times[1:]))
        assert_each_once_in_order(fake, wanted)
    finally:
        await api.close()
        await fake.stop()
