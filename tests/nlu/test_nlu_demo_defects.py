"""Parser defects found by using the demo (`make demo`, `autovolt chat`): each test names the kind of message."""

from __future__ import annotations

import datetime as dt

import pytest

from autovolt.vocabulary import vocabulary_from_campus
from nlu.command import ParseContext
from nlu.parser import Parser, default_judge
from store.campus import load_campus_file
from tests.conftest import DEMO_CAMPUS

NOW = dt.datetime(2026, 11, 26, 10, 0)


@pytest.fixture(scope="module", params=["rules", "judged"])
def demo(request) -> Parser:
    """The rules alone and with the shipped judge: the judge must not undo what the rules ask."""
    return Parser(vocabulary_from_campus(load_campus_file(DEMO_CAMPUS)),
                  default_judge() if request.param == "judged" else None)


def after(parser: Parser, *texts: str) -> ParseContext:
    context = ParseContext()
    for text in texts:
        context = context.after(parser.parse(text, context, NOW))
    return context


@pytest.mark.parametrize("text, written", [
    ("turn off the lights in lab 1 on 30 February at 8", "30 February"),
    ("turn off the lights in lab 1 at 8 pm on 30 february", "30 February"),
    ("switch on the fans in room 101 on 31 april at 9:30", "31 April"),
    ("turn off the ac in lab 1 on february 30 at 7 am", "February 30"),
])
def test_a_date_no_calendar_has_is_asked_about_with_a_time_too(demo: Parser, text: str, written: str) -> None:
    command = demo.parse(text, now=NOW)
    assert command.intent == "device_control" and command.switches, (text, command)
    assert command.clarification == f"{written} is not a date. On which day?", (text, command)
    assert command.when is None and command.needs_time, (text, command)


@pytest.mark.parametrize("text", [
    "turn off the lights at 5 pm and the fans at 6",
    "switch on the ac at 9 am and the projector at 10",
    "turn off the lights in lab 1 at 5 pm and the fans at 6",
])
def test_two_times_are_asked_back_with_or_without_a_room(demo: Parser, text: str) -> None:
    command = demo.parse(text, now=NOW)
    assert command.intent == "device_control" and command.when is None, (text, command)
    assert command.clarification is not None and command.clarification.startswith("That names 2 times ("), \
        (text, command)
    assert not command.needs_time, (text, command)


@pytest.mark.parametrize("previous", ["what's scheduled?", "how much energy did lab 1 use today",
                                      "is the AC on in room 101?"])
@pytest.mark.parametrize("text", ["the lights at 5 pm and the fans at 6", "and lab 2 at 6", "the fans in 20 minutes"])
def test_a_fragment_naming_a_moment_never_repeats_the_question_before_it(demo: Parser, previous: str, text: str
                                                                         ) -> None:
    command = demo.parse(text, after(demo, previous), NOW)
    assert command.intent == "unknown", (previous, text, command)


def test_a_place_follow_up_after_a_question_still_asks_the_same_question(demo: Parser) -> None:
    command = demo.parse("and lab 2?", after(demo, "what's scheduled?"), NOW)
    assert (command.intent, command.rooms) == ("schedule_query", ("lab-2",))
    command = demo.parse("and lab 2 at 6", after(demo, "turn off the lights in room 101"), NOW)
    assert (command.intent, command.action, command.rooms) == ("device_control", "off", ("lab-2",))


@pytest.mark.parametrize("previous, text, rooms", [
    ("is the AC on?", "what's on?", ()),
    ("is the AC on?", "is anything on?", ()),
    ("are the fans on in lab 1?", "what is on in room 102?", ("cr-102",)),
    ("is the projector on?", "what is scheduled in classroom 102?", ("cr-102",)),
    ("what's scheduled for the projector?", "what is scheduled in classroom 102?", ("cr-102",)),
])
def test_a_complete_question_never_borrows_the_previous_questions_devices(demo: Parser, previous, text, rooms) -> None:
    command = demo.parse(text, after(demo, previous), NOW)
    alone = demo.parse(text, now=NOW)
    assert (command.intent, command.device_types, command.rooms) == (alone.intent, (), rooms), (previous, text, command)


@pytest.mark.parametrize("previous, text, types, rooms", [
    ("is the AC on?", "and the lights?", ("light",), ()),
    ("is the AC on in room 101?", "what about room 102", ("ac",), ("cr-102",)),
    ("is the AC on in room 101?", "and room 102?", ("ac",), ("cr-102",)),
    ("is the AC on?", "is it on in room 102?", ("ac",), ("cr-102",)),
])
def test_a_follow_up_shaped_question_still_borrows_them(demo: Parser, previous, text, types, rooms) -> None:
    command = demo.parse(text, after(demo, previous), NOW)
    assert (command.intent, command.device_types, command.rooms) == ("status_query", types, rooms), (text, command)
