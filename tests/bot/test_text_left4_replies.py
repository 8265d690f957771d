"""What the bot answers to the text-left4 kinds (issue 16): a question about what it can do that names a device action
gets the help text (examples and commands), never "Which room?" and no switch; the same question with a room is a
request and switches. On a real store and the simulated fleet."""

from __future__ import annotations

import pytest

from bot.conversation import Sender

FACULTY = Sender(2001, 2001, "terminal")  # Dr. Meera Iyer: classrooms 101 and 102
ROOM_QUESTIONS = ("Which room", "Which one do you mean", "Classroom 101 or Classroom 102")


@pytest.mark.parametrize("text", ["is it true you can turn off the lights in any room",
                                  "can you also switch fans or only lights?", "are you able to schedule the AC"])
async def test_asking_what_the_bot_can_do_gets_the_help_text_and_switches_nothing(unlimited_engine, text):
    switches = [s.id for s in unlimited_engine.campus.switches if s.room_id in ("cr-101", "cr-102")]
    await unlimited_engine.fleet.switch(switches, True)
    reply = await unlimited_engine.on_text(FACULTY, text)
    assert reply.intent == "help" and reply.text.startswith("You can talk or type."), reply.text
    assert "/help" in reply.text and not any(q in reply.text for q in ROOM_QUESTIONS), reply.text
    assert all(unlimited_engine.fleet.state(s).on is True for s in switches), reply.text


async def test_the_same_question_with_a_room_switches(unlimited_engine):
    await unlimited_engine.fleet.switch(["cr-101-lights"], True)
    reply = await unlimited_engine.on_text(FACULTY, "can you turn off the lights in classroom 101")
    assert reply.intent != "help" and unlimited_engine.fleet.state("cr-101-lights").on is False, reply.text


LAB_FACULTY = Sender(2002, 2002, "terminal")  # Prof. Rahul Nair: both computer labs


async def test_the_pcs_are_the_computer_sockets_the_lab_asked_then_switched(unlimited_engine):
    await unlimited_engine.fleet.switch(["lab-1-pcs", "lab-2-pcs"], True)
    asked = await unlimited_engine.on_text(LAB_FACULTY, "power off the PCs")
    assert asked.outcome == "clarify" and "Computer Lab 1" in asked.text and "Computer Lab 2" in asked.text, asked.text
    assert unlimited_engine.fleet.state("lab-1-pcs").on is True and unlimited_engine.fleet.state("lab-2-pcs").on is True
    done = await unlimited_engine.on_text(LAB_FACULTY, "lab 2")
    assert unlimited_engine.fleet.state("lab-2-pcs").on is False, done.text
    assert unlimited_engine.fleet.state("lab-1-pcs").on is True, done.text


async def test_the_desktops_in_a_named_lab_are_switched(unlimited_engine):
    await unlimited_engine.fleet.switch(["lab-1-pcs"], True)
    reply = await unlimited_engine.on_text(LAB_FACULTY, "shut the desktops in computer lab 1")
    assert unlimited_engine.fleet.state("lab-1-pcs").on is False, reply.text
