"""Acting when it should ask: "everything" always asks with buttons and names the room; answers about a room the
user did not name say which room; "is anything on?" covers all the user's rooms. Through the conversation engine
(as the terminal chat uses it) and the loopback Bot API."""

from __future__ import annotations

import pytest_asyncio

from bot.conversation import Sender
from tests.bot.conftest import memory_conversation

FACULTY = Sender(2001, 2001, "terminal")  # Dr. Meera Iyer: Classroom 101 and Classroom 102


@pytest_asyncio.fixture
async def engine(campus, db_url):
    async with memory_conversation(campus, db_url) as conversation:
        yield conversation


async def test_everything_with_a_default_room_names_the_room_and_asks(engine):
    await engine.on_command(FACULTY, "myroom", ["classroom", "101"])
    await engine.fleet.switch(["cr-101-lights", "cr-101-fans"], True)
    sent = engine.fleet.stats.commands_sent
    reply = await engine.on_text(FACULTY, "switch everything off")
    assert reply.outcome == "confirm" and reply.buttons, reply.text
    assert "Switch off everything in Classroom 101 (your default room)?" in reply.text, reply.text
    assert engine.fleet.stats.commands_sent == sent  # nothing switched before the tap
    done = await engine.on_button(FACULTY, reply.buttons[0][0].data)
    assert "Classroom 101" in done.text and engine.fleet.state("cr-101-lights").on is False


async def test_everything_in_a_named_room_asks_too(engine):
    reply = await engine.on_text(FACULTY, "turn everything off in classroom 102")
    assert reply.outcome == "confirm" and "Switch off everything in Classroom 102?" in reply.text, reply.text


async def test_is_anything_on_answers_for_every_room_of_the_user(engine):
    await engine.on_command(FACULTY, "myroom", ["classroom", "101"])
    await engine.fleet.switch(["cr-102-ac"], True)
    reply = await engine.on_text(FACULTY, "is anything on?")
    assert "Classroom 101:" in reply.text and "Classroom 102:" in reply.text, reply.text
    assert "AC on" in reply.text.split("Classroom 102:")[1]


async def test_an_answer_about_the_default_room_says_so(engine):
    await engine.on_command(FACULTY, "myroom", ["classroom", "102"])
    reply = await engine.on_text(FACULTY, "how much energy did we use today")
    assert reply.text.startswith("About Classroom 102, your default room"), reply.text
    named = await engine.on_text(FACULTY, "how much energy did classroom 101 use today")
    assert not named.text.startswith("About "), named.text
