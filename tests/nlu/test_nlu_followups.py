"""A message may borrow the previous command only when it is itself a well-formed follow-up (issue 18, item 2)."""

from __future__ import annotations

import datetime as dt

import pytest

from autovolt.vocabulary import vocabulary_from_campus
from nlu.command import ParseContext
from nlu.parser import Parser
from store.campus import load_campus_file
from tests.conftest import DEMO_CAMPUS

NOW = dt.datetime(2026, 11, 26, 10, 0)


@pytest.fixture(scope="module")
def demo() -> Parser:
    return Parser(vocabulary_from_campus(load_campus_file(DEMO_CAMPUS)))


@pytest.fixture(scope="module")
def after_command(demo: Parser) -> ParseContext:
    return ParseContext().after(demo.parse("turn on the lights in room 101", now=NOW))


@pytest.mark.parametrize("text", [
    "no, not room 102!", "why room 102?", "room 102 is cold", "is room 102 free", "ugh room 102 again",
    "wrong, I said room 102", "lab 2 has a meeting right now", "room 102 is empty anyway",
    # Words in a script the parser does not read: only the room number is left, which is no command.
    "कमरा 102 नहीं!", "அறை 102 வேண்டாம்",
])
def test_a_message_that_is_no_follow_up_never_repeats_the_command(demo: Parser, after_command, text: str) -> None:
    command = demo.parse(text, after_command, NOW)
    assert command.intent != "device_control" and command.action is None, (text, command)


@pytest.mark.parametrize("text", ["what about room 102", "how about lab 2", "lights in lab 2?", "room 102"])
def test_a_question_shaped_follow_up_after_a_command_asks_about_that_room(demo: Parser, after_command, text) -> None:
    command = demo.parse(text, after_command, NOW)
    assert (command.intent, command.action) == ("status_query", None), (text, command)
    assert command.rooms and "cr-101" not in command.rooms


@pytest.mark.parametrize("text, rooms, switches", [
    ("and room 102", ("cr-102",), ("cr-102-lights",)),
    ("the fans too", ("cr-101",), ("cr-101-fans",)),
    ("same for lab 2", ("lab-2",), ("lab-2-lights",)),
    ("do the same in room 102 as well", ("cr-102",), ("cr-102-lights",)),
])
def test_a_well_formed_follow_up_still_borrows_the_action(demo: Parser, after_command, text, rooms, switches) -> None:
    command = demo.parse(text, after_command, NOW)
    assert (command.intent, command.action, command.rooms, command.switches) == ("device_control", "on", rooms,
                                                                                 switches)


def test_a_question_follow_up_after_a_question_keeps_asking_the_same_thing(demo: Parser) -> None:
    context = ParseContext().after(demo.parse("how much energy did room 101 use today", now=NOW))
    command = demo.parse("what about room 102", context, NOW)
    assert (command.intent, command.rooms) == ("energy_query", ("cr-102",))
