"""What the bot does with the fourteenth pass's safety kinds (branch text-kinds11): a switch excepted in the order
("... but leave the fans on") stays as it is while the rest is switched, and an exception it cannot tell is asked
about with nothing switched."""

from __future__ import annotations

import pytest_asyncio

from bot.conversation import Sender
from bot.ratelimit import RateLimit, RateLimiter
from tests.bot.test_conversation import engine as history_engine, history_url  # noqa: F401 - fixtures

FACULTY = Sender(2001, 2001, "terminal")  # Dr. Meera Iyer: classrooms 101 and 102


@pytest_asyncio.fixture
async def engine(history_engine):  # noqa: F811
    history_engine.limiter = RateLimiter(RateLimit(per_minute=0))
    return history_engine


async def test_the_excepted_switch_stays_on(engine):
    await engine.fleet.switch(["cr-101-lights", "cr-101-fans"], True)
    reply = await engine.on_text(FACULTY, "switch off the lights in classroom 101 but leave the fans on")
    assert engine.fleet.state("cr-101-lights").on is False, reply.text
    assert engine.fleet.state("cr-101-fans").on is True, reply.text


async def test_everything_but_one_type_leaves_that_type(engine):
    switches = [s.id for s in engine.campus.switches if s.room_id == "cr-102"]
    await engine.fleet.switch(switches, True)
    reply = await engine.on_text(FACULTY, "turn everything off in classroom 102 apart from the projector")
    assert engine.fleet.state("cr-102-projector").on is True, reply.text  # it alone was switched off
    assert engine.fleet.state("cr-102-lights").on is False, reply.text


async def test_an_exception_it_cannot_tell_switches_nothing(engine):
    switches = [s.id for s in engine.campus.switches if s.room_id == "cr-101"]
    await engine.fleet.switch(switches, True)
    reply = await engine.on_text(FACULTY, "switch off everything in classroom 101 except the stage lights")
    assert "leave" in reply.text, reply.text
    assert all(engine.fleet.state(s).on is True for s in switches), reply.text
