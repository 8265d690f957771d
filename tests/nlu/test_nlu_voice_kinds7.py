"""Typed kinds found through the sixth spoken part (branch voice-kinds7): a bare room number corrected by another
asked; "no, the fans" followed by the rest of the command asked; places compared, "demand", "how this bot works" and
an energy question about a place the campus lacks were out of scope. None of these sentences is in the corpus."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from nlu.parser import Parser

TZ = ZoneInfo("Asia/Kolkata")
NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=TZ)


# `demo` (rules alone and judged) and `rules` come from tests/nlu/conftest.py.


@pytest.mark.parametrize("text, switch", [
    ("switch off the AC in 202, i mean 201", "cr-201-ac"),
    ("lights on at 101, sorry, 102", "cr-102-lights"),
])
def test_a_bare_room_number_corrected_by_another(demo: Parser, text: str, switch: str) -> None:
    c = demo.parse(text, now=NOW)
    assert c.intent == "device_control" and c.switches == (switch,) and c.clarification is None, c


def test_a_number_of_another_length_is_no_room_put_back(rules: Parser) -> None:
    # "in 202, i mean 2": not a room number in the old one's place; asked, never both rooms switched.
    c = rules.parse("switch off the AC in 202, i mean 2", now=NOW)
    assert not (c.intent == "device_control" and c.clarification is None), c


@pytest.mark.parametrize("text, switch", [
    ("put the heater on, no, the AC in the staff room", "staff-room-ac"),
    ("projector off in lab 2, no, the fans, fans off", "lab-2-fans"),
])
def test_no_the_device_with_the_command_going_on_replaces(demo: Parser, text: str, switch: str) -> None:
    c = demo.parse(text, now=NOW)
    assert c.intent == "device_control" and c.switches == (switch,) and c.clarification is None, c


def test_no_the_device_said_last_still_asks(rules: Parser) -> None:
    # It may add the fans or take them back: never switched without a question.
    c = rules.parse("switch on the projector in lab 1, no, the fans", now=NOW)
    assert c.clarification is not None, c


def test_places_compared_are_an_energy_question(demo: Parser) -> None:
    c = demo.parse("compare lab 3 and the physics lab this month", now=NOW)
    assert c.intent == "energy_query" and tuple(sorted(c.rooms)) == ("lab-3", "physics-lab"), c


def test_places_said_versus_are_compared_by_the_rules(rules: Parser) -> None:
    # The rules only: the shipped judge still vetoes this one (docs/benchmarks.md, voice-kinds7).
    c = rules.parse("the staff room versus the reading hall yesterday", now=NOW)
    assert c.intent == "energy_query" and tuple(sorted(c.rooms)) == ("reading-hall", "staff-room"), c


def test_comparing_devices_is_no_energy_question(rules: Parser) -> None:
    assert rules.parse("compare the lights in room 101 and room 102", now=NOW).intent != "energy_query"


def test_demand_is_energy(rules: Parser) -> None:
    c = rules.parse("what is the demand of the auditorium right now", now=NOW)
    assert c.intent == "energy_query" and c.rooms == ("auditorium",), c


@pytest.mark.parametrize("text", ["please explain how this assistant works", "I'd like to know how you work"])
def test_how_the_bot_works_is_help(demo: Parser, text: str) -> None:
    assert demo.parse(text, now=NOW).intent == "help"


@pytest.mark.parametrize("text", ["how much electricity does the mess use", "how much power has the gym used today"])
def test_energy_of_a_place_the_campus_lacks_is_asked_back(demo: Parser, text: str) -> None:
    c = demo.parse(text, now=NOW)
    assert c.intent == "energy_query" and c.clarification is not None and not c.rooms, c


@pytest.mark.parametrize("text", ["how much did we spend at the canteen today", "what did the gym cost"])
def test_money_at_such_a_place_stays_out_of_scope(demo: Parser, text: str) -> None:
    assert demo.parse(text, now=NOW).intent == "unknown"


def test_fans_speed_is_no_switch(demo: Parser) -> None:
    # Piper's "turn up the fan speed" heard "turn off the fans speed ...": the speed, never a switch.
    assert demo.parse("turn off the fans speed in lab 1", now=NOW).intent == "unknown"


def test_no_way_is_a_correction_marker(rules: Parser) -> None:
    # "no wait" heard "no way": what follows it cannot be placed, so it asks.
    c = rules.parse("switch on the heater, no way they hear them, staff room", now=NOW)
    assert c.clarification is not None, c
    c = rules.parse("switch off the projector, no way, the lights in room 102", now=NOW)
    assert c.switches == ("cr-102-lights",) and c.clarification is None, c
