"""Defects found by using the demo as a campus user would (the terminal chat beside `make demo`), each checked
through the conversation engine on the real store with a simulated fleet."""

from __future__ import annotations

import pytest
import pytest_asyncio

from bot.conversation import Sender
from tests.bot.conftest import memory_conversation

FACULTY = Sender(2001, 2001, "terminal")  # Dr. Meera Iyer: Classroom 101 and 102
ADMIN = Sender(1001, 1001, "terminal")


@pytest_asyncio.fixture
async def engine(campus, db_url):
    async with memory_conversation(campus, db_url) as conversation:
        yield conversation


async def test_a_schedule_question_naming_a_device_lists_only_its_actions(engine):
    await engine.on_text(FACULTY, "switch off the projector in classroom 101 at 11:58 pm")
    await engine.on_text(FACULTY, "turn off the fans in classroom 102 at 11:59 pm")
    ac = await engine.on_text(FACULTY, "when will the AC in room 101 turn off?")
    assert ac.text == "Nothing is scheduled for the AC in Classroom 101. /schedules lists all 2 you have.", ac.text
    projector = await engine.on_text(FACULTY, "what's scheduled for the projector?")
    assert projector.text.startswith("Scheduled actions for the projector:\n1. projector in Classroom 101 off")
    assert "fans" not in projector.text and len(projector.buttons) == 1
    room = await engine.on_text(FACULTY, "what is scheduled in classroom 102?")
    assert room.text.startswith("Scheduled actions in Classroom 102:\n1. ceiling fans in Classroom 102 off"), room.text
    every = await engine.on_text(FACULTY, "what's scheduled?")
    assert every.text.startswith("Scheduled actions:\n") and len(every.buttons) == 2


async def test_the_cost_line_says_each_band_is_a_price_per_kwh(history_engine):  # two weeks of demo history
    await history_engine.on_text(FACULTY, "how much energy did classroom 101 use yesterday")
    cost = await history_engine.on_text(FACULTY, "what did it cost?")
    assert "at the campus tariff (INR 8.5/kWh, 11/kWh from 18:00 to 22:00)." in cost.text, cost.text


async def test_a_chart_of_an_earlier_terminal_chat_is_not_overwritten(settled, tmp_path):
    history = settled
    # Each `autovolt chat --once` is a new TerminalChat: before, each numbered its charts from 001 again.
    import io

    from autovolt.commands.chat import TerminalChat

    charts = tmp_path / "charts"
    printed = []
    for question in ("how much energy did classroom 101 use this week", "how much energy did classroom 102 use"):
        out = io.StringIO()
        chat = TerminalChat(history, FACULTY, charts, out=out)
        chat.show(await history.on_text(FACULTY, question))
        printed.append(out.getvalue().split("(chart: ")[1].split(")")[0])
    assert printed[0] != printed[1], printed
    assert sorted(p.name for p in charts.iterdir()) == ["001-energy.png", "002-energy.png"]


async def test_a_status_question_naming_a_kind_of_device_answers_about_that_kind_only(engine):
    await engine.on_text(FACULTY, "turn on the AC in classroom 102")
    ac = await engine.on_text(FACULTY, "is the AC on?")
    assert ac.text == "Classroom 101: AC off\nClassroom 102: AC on", ac.text
    lights = await engine.on_text(FACULTY, "are the lights on?")
    assert lights.text == "Classroom 101: lights off\nClassroom 102: lights off", lights.text
    campus = await engine.on_text(ADMIN, "is the AC on?")  # many rooms: those with one on
    assert campus.text.splitlines() == ["The campus: 1 device on", "Classroom 102: AC on"], campus.text
    none = await engine.on_text(FACULTY, "is the heater on?")
    assert none.text.startswith("I found no heater in Classroom 101 and Classroom 102"), none.text
    whole = await engine.on_text(FACULTY, "is anything on?")
    assert "projector off" in whole.text and "AC on" in whole.text  # every device still, when none is named
    follow = await engine.on_text(FACULTY, "and the fans?")
    assert follow.text == "Classroom 101: ceiling fans off\nClassroom 102: ceiling fans off", follow.text
    general = await engine.on_text(FACULTY, "what's on?")
    assert "projector off" in general.text and "AC on" in general.text, general.text
