"""Kinds of spoken phrasing the second spoken held-out part showed on typed text (branch voice-kinds3), in words of
their own: none of these sentences is in the corpus."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from nlu.numbers import normalize_numbers
from nlu.parser import Parser

TZ = ZoneInfo("Asia/Kolkata")
NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=TZ)


# `demo` (rules alone and judged) and `rules` come from tests/nlu/conftest.py.


def _order(parser: Parser, text: str) -> tuple[object, ...]:
    c = parser.parse(text, now=NOW)
    return c.intent, c.action, c.rooms, c.device_types, c.clarification is None


@pytest.mark.parametrize("text, action, room, kind", [
    ("we will want the projector going in lab 2", "on", "lab-2", "projector"),
    ("the staff room is going to need the heater going", "on", "staff-room", "heater"),
    ("lights in room 202, um, off please", "off", "cr-202", "light"),
    ("could you see about the AC in the principal's office, on thanks", "on", "principal-office", "ac"),
    ("power the fans up in room 102", "on", "cr-102", "fan"),
    ("fire the projector up in the seminar hall", "on", "seminar-hall", "projector"),
])
def test_spoken_orders_without_the_usual_verb_order(demo: Parser, text: str, action: str, room: str, kind: str
                                                    ) -> None:
    assert _order(demo, text) == ("device_control", action, (room,), (kind,), True)


@pytest.mark.parametrize("text", [
    "is the projector still going in lab 2",
    "are the fans in room 202, uh, on",
    "is the AC in the principal's office on, or off?",
])
def test_the_same_words_asked_never_switch(demo: Parser, text: str) -> None:
    assert demo.parse(text, now=NOW).intent == "status_query", text


def test_going_to_is_not_a_device_going(rules: Parser) -> None:
    # "going to" is the future: the state wanted is read from the rest ("off"), never "on" from "going".
    command = rules.parse("we are going to need the fans off in lab 2", now=NOW)
    assert command.action != "on"


def test_power_as_a_noun_before_up_is_no_order(demo: Parser) -> None:
    command = demo.parse("the power bill went up in lab 2 this month", now=NOW)
    assert command.intent != "device_control"


def test_power_everything_up_with_no_place_asks_which_room(rules: Parser) -> None:
    command = rules.parse("power everything up now", now=NOW)
    assert (command.intent, command.action) == ("device_control", "on")
    assert command.clarification is not None and not command.rooms


@pytest.mark.parametrize("words, digits", [
    ("room one nought two", ["room", "102"]),
    ("two naught one", ["201"]),
    ("all for nought", ["all", "for", "nought"]),
])
def test_nought_is_zero_only_between_numbers(words: str, digits: list[str]) -> None:
    assert normalize_numbers(words.split()) == digits


def test_one_nought_one_is_room_101(demo: Parser) -> None:
    assert _order(demo, "one nought one, the fans off please") == ("device_control", "off", ("cr-101",), ("fan",), True)


@pytest.mark.parametrize("text, place", [
    ("switch on the lights in lab number eight", "lab 8"),
    ("is the AC on in room number 909", "room 909"),
])
def test_a_numbered_place_the_campus_lacks_is_asked_back(rules: Parser, text: str, place: str) -> None:
    command = rules.parse(text, now=NOW)
    assert command.clarification is not None and place in command.clarification, command
    assert not command.switches


def test_a_numbered_place_the_campus_has_is_that_room(demo: Parser) -> None:
    assert _order(demo, "switch on the lights in lab number 2") == ("device_control", "on", ("lab-2",), ("light",), True)
