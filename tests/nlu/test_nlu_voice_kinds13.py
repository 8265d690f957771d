"""Typed kinds of the twelfth spoken part's failures (branch voice-kinds13), as rules. None of these sentences is in
the corpus; each kind has sentences where the same words keep their outcome."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from nlu.parser import Parser

NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo("Asia/Kolkata"))  # a Thursday
COMING_MONDAY, LAST_MONDAY = dt.date(2026, 11, 30), dt.date(2026, 11, 23)


# `demo` (rules alone and judged) and `rules` come from tests/nlu/conftest.py.


@pytest.mark.parametrize("text, day", [
    ("anything lined up on the schedule for monday", COMING_MONDAY),
    ("what did we schedule for monday", COMING_MONDAY),
    ("list what's scheduled for monday", COMING_MONDAY),
    ("what was scheduled for monday", LAST_MONDAY),
    ("which schedules ran last monday", LAST_MONDAY),
])
def test_a_weekday_of_what_is_scheduled_is_the_coming_one(demo: Parser, text: str, day: dt.date) -> None:
    # "what have I scheduled for Monday" listed the monday gone, whose list is empty.
    c = demo.parse(text, now=NOW)
    assert c.intent == "schedule_query" and c.period is not None and c.period.start.date() == day, c


def test_energy_on_a_weekday_keeps_the_last_one(demo: Parser) -> None:
    c = demo.parse("how much did lab 2 use on monday", now=NOW)
    assert c.intent == "energy_query" and c.period.start.date() == LAST_MONDAY, c


@pytest.mark.parametrize("text", [
    "how do I schedule anything",
    "how can I schedule the fans",
    "how do you schedule something here",
    "some help figuring you out please",
    "need a hand figuring out how to use you",
])
def test_how_to_schedule_and_figuring_you_out_ask_for_help(demo: Parser, text: str) -> None:
    assert demo.parse(text, now=NOW).intent == "help"


@pytest.mark.parametrize("text, intent", [
    ("how do I schedule the fans off in lab 2 at 5 pm", "device_control"),  # a place named: the order itself
    ("help me figure out my timetable", "unknown"),
])
def test_a_task_with_a_place_or_of_ones_own_is_no_help(demo: Parser, text: str, intent: str) -> None:
    assert demo.parse(text, now=NOW).intent == intent


@pytest.mark.parametrize("text", [
    "has anything gone wrong today",
    "did something go wrong with the panels",
    "is something going wrong on campus",
])
def test_anything_gone_wrong_asks_for_alerts(demo: Parser, text: str) -> None:
    assert demo.parse(text, now=NOW).intent == "alerts_query"


@pytest.mark.parametrize("text", [
    "it all went wrong at the interview",
    "nothing went wrong in the lecture",
])
def test_what_went_wrong_elsewhere_is_no_alert(demo: Parser, text: str) -> None:
    assert demo.parse(text, now=NOW).intent != "alerts_query"


@pytest.mark.parametrize("text, action, switch", [
    ("somebody left the AC on in room 201, switch it off", "off", ("cr-201-ac",)),
    ("someone kept the fans running in the staff room, turn them off please", "off", ("staff-room-fans",)),
])
def test_a_story_then_an_order_is_the_order(demo: Parser, text: str, action: str, switch: tuple[str, ...]) -> None:
    # "somebody left the projector running in room 202, shut it off" was refused as a story told.
    c = demo.parse(text, now=NOW)
    assert (c.intent, c.action, c.switches, c.clarification) == ("device_control", action, switch, None), c


@pytest.mark.parametrize("text", [
    "somebody left the AC on in room 201 and I turned it off",
    "someone left the projector running in room 202 all night",
    "someone shut the fans off in the staff room, it's hot now",
])
def test_a_story_alone_still_switches_nothing(demo: Parser, text: str) -> None:
    assert demo.parse(text, now=NOW).intent != "device_control"


@pytest.mark.parametrize("text, switch, asks", [
    ("get the AC started in room 101", ("cr-101-ac",), False),
    ("get the lights running, will you", (), True),
])
def test_get_a_device_started_switches_it_on(demo: Parser, text: str, switch: tuple[str, ...], asks: bool) -> None:
    # "get the projector started will you" was refused.
    c = demo.parse(text, now=NOW)
    assert (c.intent, c.action, c.switches, c.clarification is not None) == ("device_control", "on", switch, asks), c


@pytest.mark.parametrize("text", [
    "I couldn't get the fans started in lab 1",
    "get lab 2 going",
    "get the bike started",
])
def test_get_started_without_our_device_is_no_order(demo: Parser, text: str) -> None:
    assert demo.parse(text, now=NOW).intent != "device_control"


@pytest.mark.parametrize("text", [
    "switch on the fake lights in the auditorium",
    "turn the odd lights off in the main hall",
])
def test_an_odd_word_before_a_type_of_several_named_switches_asks_which(demo: Parser, text: str) -> None:
    # "can you turn on the stage lights in the main hall" heard "... the fake lights ...": both lights went on unasked.
    c = demo.parse(text, now=NOW)
    assert c.intent == "device_control" and c.clarification is not None and "Stage lights" in c.clarification, c


@pytest.mark.parametrize("text, switches", [
    ("switch on the stage lights in the auditorium", ("auditorium-stage-lights",)),
    ("turn off all the lights in the main hall", ("auditorium-lights", "auditorium-stage-lights")),
    ("turn on the fake lights in room 101", ("cr-101-lights",)),  # one light switch there: nothing to choose
])
def test_a_name_all_or_a_single_switch_is_switched_as_said(demo: Parser, text: str, switches: tuple[str, ...]) -> None:
    c = demo.parse(text, now=NOW)
    assert (c.intent, c.clarification, tuple(sorted(c.switches))) == ("device_control", None, switches), c


@pytest.mark.parametrize("text", ["what sorts of things do you know about", "tell me what kinds of stuff you do"])
def test_sorts_of_things_asks_for_help(demo: Parser, text: str) -> None:
    # "what sort of things do you understand" written "what sorts of things ..." (espeak-ng clean): out of scope.
    assert demo.parse(text, now=NOW).intent == "help"
