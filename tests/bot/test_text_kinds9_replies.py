"""What the bot does with the twelfth pass's safety kinds (branch text-kinds9): a place taken back in the message is
never switched, a thing no switch is never switches the room it is in, and a newcomer's "where do I even start"
gets help, not "What should I switch?"."""

from __future__ import annotations

import pytest_asyncio

from bot import records
from bot.conversation import Sender
from bot.ratelimit import RateLimit, RateLimiter
from tests.bot.test_conversation import engine as history_engine, history_url  # noqa: F401 - fixtures

FACULTY = Sender(2001, 2001, "terminal")  # Dr. Meera Iyer: classrooms 101 and 102
ROOM_QUESTIONS = ("Which room", "Which one do you mean", "Classroom 101 or Classroom 102")


@pytest_asyncio.fixture
async def engine(history_engine):  # noqa: F811
    history_engine.limiter = RateLimiter(RateLimit(per_minute=0))
    return history_engine


async def test_the_place_taken_back_is_not_switched(engine):
    await engine.fleet.switch(["cr-101-ac", "cr-102-ac"], False)
    reply = await engine.on_text(FACULTY, "put the ac on in classroom 101, no, the one in classroom 102")
    assert engine.fleet.state("cr-102-ac").on is True, reply.text
    assert engine.fleet.state("cr-101-ac").on is False, reply.text  # it was switched on too


async def test_a_thing_no_switch_is_switches_nothing_and_asks_no_room(engine):
    switches = [s.id for s in engine.campus.switches if s.room_id == "cr-101"]
    await engine.fleet.switch(switches, False)
    pending = records.actions_with_status(engine.database_url, "pending")
    reply = await engine.on_text(FACULTY, "turn on the whiteboard in classroom 101")
    assert not any(q in reply.text for q in ROOM_QUESTIONS), reply.text
    assert all(engine.fleet.state(s).on is False for s in switches), reply.text  # everything there went on
    assert records.actions_with_status(engine.database_url, "pending") == pending


async def test_where_do_i_even_start_gets_help(engine):
    reply = await engine.on_text(FACULTY, "where do i even start with you")
    assert reply.intent == "help" and "What should I switch?" not in reply.text, reply.text
