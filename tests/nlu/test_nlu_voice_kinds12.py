"""Typed kinds of the eleventh spoken part's failures (branch voice-kinds12), as rules. None of these sentences is in
the corpus; each kind has sentences where the same words keep their outcome."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from nlu.parser import Parser

NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo("Asia/Kolkata"))


# `demo` (rules alone and judged) and `rules` come from tests/nlu/conftest.py.


@pytest.mark.parametrize("text, action, switch", [
    ("if you do not mind, put the fans off in the staff room", "off", "staff-room-fans"),
    ("if you wouldn't mind switching the projector on in room 201", "on", "cr-201-projector"),
    ("turn the lights on in lab two if you don't mind", "on", "lab-2-lights"),
])
def test_if_you_dont_mind_is_a_please(demo: Parser, text: str, action: str, switch: str) -> None:
    # "if you don't mind, switch the AC off in computer lab one" was refused: its "not" negated the order.
    c = demo.parse(text, now=NOW)
    assert (c.intent, c.action, c.switches, c.clarification) == ("device_control", action, (switch,), None), c


@pytest.mark.parametrize("text", [
    "if you don't mind, don't switch the fans off in room 102",
    "don't turn the AC off in lab 1, if you don't mind",
    "if you don't mind the noise, the fans in lab 1 can stay as they are",
])
def test_a_negation_besides_the_please_still_negates(demo: Parser, text: str) -> None:
    assert demo.parse(text, now=NOW).intent != "device_control"


@pytest.mark.parametrize("text", [
    "turn the lights off in the car please, I forgot them",
    "switch on the fan inside the bus",
    "put the AC on in the van before we leave",
])
def test_a_vehicle_is_no_campus_room(demo: Parser, text: str) -> None:
    # "switch off the lights in the car, I left them on" asked "Which room?" (a typed out-of-scope accept).
    assert demo.parse(text, now=NOW).intent == "unknown"


def test_a_vehicle_beside_a_campus_room_keeps_the_order(demo: Parser) -> None:
    c = demo.parse("switch off the lights in lab 2, the car is waiting for me", now=NOW)
    assert (c.intent, c.action, c.switches) == ("device_control", "off", ("lab-2-lights",)), c


@pytest.mark.parametrize("text", [
    "could you tell me what you're able to do",
    "I'd like to know what you are capable of",
])
def test_what_you_are_able_to_do_is_help(demo: Parser, text: str) -> None:
    # "okay so tell me what you're able to do around campus" was out of scope.
    assert demo.parse(text, now=NOW).intent == "help"


def test_an_order_asked_as_whether_it_is_able_stays_an_order(demo: Parser) -> None:
    c = demo.parse("are you able to switch off the fans in lab 1", now=NOW)
    assert (c.intent, c.action, c.switches) == ("device_control", "off", ("lab-1-fans",)), c


@pytest.mark.parametrize("text", ["switch the lights off in the car parking", "turn on the lights at the bus stop"])
def test_a_place_named_after_vehicles_is_asked_back(rules: Parser, text: str) -> None:
    c = rules.parse(text, now=NOW)
    assert c.intent == "device_control" and c.switches == () and c.clarification is not None, c


@pytest.mark.parametrize("text", [
    "somebody switch the fans on in lab 2 this morning",
    "someone turn the projector off in room 101 yesterday",
])
def test_someone_with_a_bare_verb_and_a_past_time_is_told(demo: Parser, text: str) -> None:
    # "somebody turned the AC on in two oh one this morning" heard "somebody turn ..." asked "That day has already
    # passed": an out-of-scope report accepted as an order.
    assert demo.parse(text, now=NOW).intent == "unknown"


@pytest.mark.parametrize("text, switch", [
    ("somebody turn the lights off in lab 1 please", "lab-1-lights"),
    ("can someone switch the fans on in room 202", "cr-202-fans"),
])
def test_someone_asked_to_switch_stays_an_order(rules: Parser, text: str, switch: str) -> None:
    c = rules.parse(text, now=NOW)
    assert c.intent == "device_control" and c.switches == (switch,), c
