"""Typed kinds found through the fifth spoken part (branch voice-kinds6): "ah can you turn on, no, turn off the fans"
switched the fans on without a question (the on/off of the first switch verb); "wait no" corrected nothing plainly;
"what's going to switch on automatically" was no schedule question. None of these sentences is in the corpus."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from nlu.parser import Parser

TZ = ZoneInfo("Asia/Kolkata")
NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=TZ)


# `demo` (rules alone and judged) and `rules` come from tests/nlu/conftest.py.


@pytest.mark.parametrize("text, action, switch", [
    ("hey could you turn on, no, turn off the lights in room 201", "off", "cr-201-lights"),
    ("the fans in lab 2, off, sorry I mean on", "on", "lab-2-fans"),
    ("switch the AC on, no, off in the staff room", "off", "staff-room-ac"),
    ("turn the projector in room 102 off, no wait, turn it on", "on", "cr-102-projector"),
])
def test_the_on_off_word_taken_back_right_after_it(demo: Parser, text: str, action: str, switch: str) -> None:
    c = demo.parse(text, now=NOW)
    assert (c.intent, c.action, tuple(c.switches)) == ("device_control", action, (switch,)), c
    assert c.clarification is None, c


@pytest.mark.parametrize("text", [
    "turn on the lights in lab 1, i mean switch them off",  # a whole command before it: asked, as before
    "switch on the fans in room 201, no, turn them off",
])
def test_a_whole_command_then_the_other_on_off_is_no_plain_switch(rules: Parser, text: str) -> None:
    c = rules.parse(text, now=NOW)
    assert not (c.action == "on" and c.clarification is None), c


@pytest.mark.parametrize("text, action", [
    ("is the AC on? no? then turn it on in lab 1", "on"),  # "no" answers the question; no on/off taken back
    ("turn the lights on, no, on in lab 2", "on"),
])
def test_the_same_or_no_on_off_after_the_marker_stays(rules: Parser, text: str, action: str) -> None:
    assert rules.parse(text, now=NOW).action == action


@pytest.mark.parametrize("text, room", [
    ("the projector off in room two oh two, wait no, two oh one", "cr-201"),
    ("fans on in lab 1, wait no, lab 2", "lab-2"),
])
def test_wait_no_corrects_plainly(demo: Parser, text: str, room: str) -> None:
    c = demo.parse(text, now=NOW)
    assert c.intent == "device_control" and c.rooms == (room,) and c.clarification is None, c


def test_wait_no_one_is_no_correction(rules: Parser) -> None:
    c = rules.parse("wait no one is in room 101, turn off the lights", now=NOW)
    assert c.rooms == ("cr-101",) and c.action == "off", c


@pytest.mark.parametrize("text", [
    "what is going to switch off automatically tonight",
    "what will turn on by itself tomorrow",
])
def test_what_switches_by_itself_is_a_schedule_question(demo: Parser, text: str) -> None:
    assert demo.parse(text, now=NOW).intent == "schedule_query"


def test_wait_no_before_a_new_order_takes_nothing_back_it_cannot_place(rules: Parser) -> None:
    # As a bare "no" there: the order after it is read, no question (a spoken dev line since the fourth part).
    c = rules.parse("okay turn off the AC in room two oh two, wait, no, turn it on", now=NOW)
    assert (c.action, tuple(c.switches), c.clarification) == ("on", ("cr-202-ac",), None), c


@pytest.mark.parametrize("text", [
    "turn off the lights in lab 1 tonight",
    "i am tonight turn off all the lights in the library block",  # espeak-ng's "at nine tonight", heard without "nine"
])
def test_tonight_with_no_time_asks_the_time(demo: Parser, text: str) -> None:
    c = demo.parse(text, now=NOW)
    assert c.intent == "device_control" and c.when is None and c.clarification == "At what time?", c


@pytest.mark.parametrize("text, hour", [
    ("turn off the lights in lab 1 tonight at 9", 21),
    ("at nine tonight turn off all the lights in the library block", 21),
])
def test_tonight_with_a_time_runs_then(demo: Parser, text: str, hour: int) -> None:
    c = demo.parse(text, now=NOW)
    assert c.when is not None and c.when.hour == hour and c.clarification is None, c


def test_a_question_about_tonight_keeps_the_day(rules: Parser) -> None:
    c = rules.parse("what is planned for the seminar hall tonight", now=NOW)
    assert c.intent == "schedule_query" and c.period is not None and c.period.start.hour == 0, c
