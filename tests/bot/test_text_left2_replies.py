"""Replies to the text parser's leftovers (branch text-left2, issue 16): a reminder asked for a switch is told the bot
cannot remind and offered the timed switch (the room asked, or a "Yes" button), never switched or scheduled unasked;
a reminder of anything else is refused without a room question; a report of what someone did switches nothing; a
place the campus lacks is named back, never "Which room?". On a real store and the simulated fleet, at a fixed time
(Thursday 2026-11-26 10:00 in the campus's zone, so "at 5" is 17:00 today)."""

from __future__ import annotations

import datetime as dt

import pytest_asyncio

from bot import records
from bot.conversation import Sender
from bot.ratelimit import RateLimit, RateLimiter
from tests.bot.conftest import memory_conversation

FACULTY = Sender(2001, 2001, "terminal")  # Dr. Meera Iyer: Classroom 101 and Classroom 102, no default room
NOW = dt.datetime(2026, 11, 26, 4, 30, tzinfo=dt.timezone.utc)  # 10:00 in Asia/Kolkata
NOTE = "I can't send reminders, but I can switch the lights off at 17:00 myself."


@pytest_asyncio.fixture
async def engine(campus, db_url):
    async with memory_conversation(campus, db_url, clock=lambda: NOW) as conversation:
        conversation.limiter = RateLimiter(RateLimit(per_minute=0))  # many messages in a row
        yield conversation


def scheduled(engine, status: str = "pending") -> list[tuple[tuple[str, ...], bool]]:
    return [(a.switch_ids, a.on) for a in records.actions_with_status(engine.database_url, status)]


async def test_a_reminder_without_a_room_offers_the_timed_switch_and_the_room_answer_schedules_it(engine):
    asked = await engine.on_text(FACULTY, "remind me to switch off the lights at 5")
    assert asked.outcome == "clarify" and asked.text.startswith(NOTE), asked.text
    assert "Which room" in asked.text and scheduled(engine) == [], asked.text
    done = await engine.on_text(FACULTY, "classroom 101")
    assert done.text.startswith("Scheduled:") and "17:00" in done.text, done.text
    assert scheduled(engine) == [(("cr-101-lights",), False)]


async def test_a_reminder_naming_the_room_asks_first_with_a_button_and_schedules_nothing_yet(engine):
    asked = await engine.on_text(FACULTY, "set a reminder to turn off the lights in classroom 102 at 5 pm")
    assert asked.outcome == "confirm" and asked.text.startswith(NOTE), asked.text
    assert "Switch off the lights in Classroom 102 at 17:00?" in asked.text, asked.text
    assert [b.label for row in asked.buttons for b in row] == ["Yes, switch off", "Cancel"]
    assert scheduled(engine) == [] and scheduled(engine, "confirming") == [(("cr-102-lights",), False)]


async def test_a_reminder_of_something_else_is_refused_without_a_room_question(engine):
    for text in ("remind me to submit the marks at 5", "remind me to call the electrician at 4"):
        reply = await engine.on_text(FACULTY, text)
        assert "Which room" not in reply.text and "reminders" not in reply.text, (text, reply.text)
        assert reply.outcome != "confirm", (text, reply)


async def test_a_report_of_a_switch_switches_nothing(engine):
    await engine.fleet.switch(["cr-101-ac", "cr-102-lights"], False)
    for text in ("someone turned the AC on in classroom 101", "the lights in classroom 102 were switched on by the peon",
                 "the peon has already switched on the lights in classroom 102"):
        reply = await engine.on_text(FACULTY, text)
        assert reply.outcome not in ("done", "confirm", "scheduled"), (text, reply)
    assert engine.fleet.state("cr-101-ac").on is False and engine.fleet.state("cr-102-lights").on is False
    assert scheduled(engine) == []


async def test_a_place_the_campus_lacks_is_named_back_never_which_room(engine):
    for text, place in (("how is the situation in the canteen", "the canteen"),
                        ("switch off the lights by the records office", "the records office")):
        reply = await engine.on_text(FACULTY, text)
        assert reply.outcome == "clarify" and f"I don't know {place} on this campus" in reply.text, (text, reply.text)
        assert "Which room" not in reply.text, (text, reply.text)
