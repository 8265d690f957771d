"""What the bot does with an hour range and with a time tied to an event (branch text-safety): a window schedules
both ends and switches nothing now; "after the test" is a question, never a switch."""

from __future__ import annotations

import datetime as dt

import pytest_asyncio

from bot import records
from bot.conversation import Sender
from bot.ratelimit import RateLimit, RateLimiter
from tests.bot.test_conversation import engine as history_engine, history_url  # noqa: F401 - fixtures

FACULTY = Sender(2001, 2001, "terminal")  # Dr. Meera Iyer: classrooms 101 and 102


@pytest_asyncio.fixture
async def engine(history_engine):  # noqa: F811
    history_engine.limiter = RateLimiter(RateLimit(per_minute=0))
    return history_engine


async def test_an_hour_range_schedules_both_ends_and_switches_nothing_now(engine):
    await engine.fleet.switch(["cr-101-fans"], False)
    before = {p.id for p in records.actions_with_status(engine.database_url, "pending")}
    reply = await engine.on_text(FACULTY, "switch on the fans in classroom 101 tomorrow between 2 and 5 pm")
    assert engine.fleet.state("cr-101-fans").on is False, reply
    pending = [p for p in records.actions_with_status(engine.database_url, "pending") if p.id not in before]
    tomorrow = (engine.clock().astimezone(engine.tz) + dt.timedelta(days=1)).date()
    local = [p.run_at.astimezone(engine.tz) for p in pending]
    assert sorted((t.date(), t.hour, p.on) for t, p in zip(local, pending)) == [
        (tomorrow, 14, True), (tomorrow, 17, False)], reply.text
    assert reply.text.count("Scheduled: ") == 2, reply.text


async def test_a_time_tied_to_an_event_is_asked_for(engine):
    await engine.fleet.switch(["cr-101-lights"], True)
    pending = records.actions_with_status(engine.database_url, "pending")
    reply = await engine.on_text(FACULTY, "turn off the lights in classroom 101 after the test")
    assert reply.outcome == "clarify" and reply.text.endswith("?") and "At what time?" in reply.text, reply.text
    assert engine.fleet.state("cr-101-lights").on is True
    assert records.actions_with_status(engine.database_url, "pending") == pending


async def test_the_room_answer_keeps_the_window(engine):
    await engine.fleet.switch(["cr-102-fans"], False)
    before = {p.id for p in records.actions_with_status(engine.database_url, "pending")}
    asked = await engine.on_text(FACULTY, "switch on the fans tomorrow between 2 and 5 pm")
    assert asked.outcome == "clarify", asked.text
    reply = await engine.on_text(FACULTY, "classroom 102")
    assert engine.fleet.state("cr-102-fans").on is False, reply.text  # nothing now
    pending = [p for p in records.actions_with_status(engine.database_url, "pending") if p.id not in before]
    assert sorted((p.run_at.astimezone(engine.tz).hour, p.on) for p in pending) == [(14, True), (17, False)], reply.text
