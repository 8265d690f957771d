"""Kinds of message issue 16's fresh held-out read missed (branch text-kinds2), in words of their own: none of these
sentences is in the corpus, and none is taken from the held-out part."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from nlu.command import ParseContext
from nlu.parser import Parser

TZ = ZoneInfo("Asia/Kolkata")
NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=TZ)


# `demo` (rules alone and judged) and `rules` come from tests/nlu/conftest.py.


@pytest.mark.parametrize("text", [
    "hands off the ac in the physics lab please",
    "stop switching the projector off in room 202",
    "quit turning on the fans in the staff room",
    "switch on the oscilloscope next to bench 1 in the electronics lab",
    "turn the led strip in lab 1 on",
    "how can we convince the staff to turn off their fans",
    "how do we plan an energy audit of block b",
    "don't schedule anything in the seminar hall tomorrow",
])
def test_near_misses_are_refused(demo: Parser, text: str) -> None:
    assert demo.parse(text, now=NOW).intent == "unknown", text


@pytest.mark.parametrize(("text", "action", "room"), [
    ("bring up the lights in room 102", "on", "cr-102"),
    ("bring the lights in lab 2 down", "off", "lab-2"),
    ("power down the reading hall completely", "off", "reading-hall"),
    ("run the ac in room 202 for 40 minutes", "on", "cr-202"),
])
def test_orders_in_other_words_switch(rules: Parser, text: str, action: str, room: str) -> None:
    command = rules.parse(text, now=NOW)
    assert (command.intent, command.action, command.rooms) == ("device_control", action, (room,)), text


def test_a_longer_switch_name_said_with_another_device_word_wins(rules: Parser) -> None:
    command = rules.parse("turn off the stage lighting in the seminar hall", now=NOW)
    assert command.switches == ("seminar-hall-stage-lights",)


def test_a_follow_up_changing_only_the_period_keeps_the_place(rules: Parser) -> None:
    first = rules.parse("how much energy did the staff room use today", now=NOW)
    command = rules.parse("and last month?", ParseContext(previous=first), now=NOW)
    assert (command.intent, command.rooms) == ("energy_query", ("staff-room",))
    assert command.period.start == dt.datetime(2026, 10, 1, tzinfo=TZ)


def test_a_bare_place_answers_which_room(rules: Parser) -> None:
    first = rules.parse("switch the projector on", now=NOW)
    assert first.clarification is not None
    command = rules.parse("in room 202", ParseContext(previous=first), now=NOW)
    assert (command.intent, command.action, command.switches) == ("device_control", "on", ("cr-202-projector",))


def test_parts_of_the_day_and_the_weekend_are_periods(rules: Parser) -> None:
    morning = rules.parse("how much did lab 2 use this morning", now=NOW).period
    assert (morning.start, morning.end) == (dt.datetime(2026, 11, 26, 0, 0, tzinfo=TZ), NOW)  # so far
    weekend = rules.parse("how much energy did the library use over the weekend", now=NOW).period
    assert (weekend.start, weekend.end) == (dt.datetime(2026, 11, 21, tzinfo=TZ), dt.datetime(2026, 11, 23, tzinfo=TZ))
