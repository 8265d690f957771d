"""Kinds of message issue 16's sixth fresh held-out read and the speech engineer's typed checks missed (branch
text-kinds7), in words of their own: none of these sentences is in the corpus."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from nlu.parser import Parser

TZ = ZoneInfo("Asia/Kolkata")
NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=TZ)


# `demo` (rules alone and judged) and `rules` come from tests/nlu/conftest.py.


@pytest.mark.parametrize("text, room", [
    ("before i go home did i turn off the fans in room 202", "cr-202"),
    ("just wondering are the lights still on in lab 3", "lab-3"),
    ("or are the fans running in room 102", "cr-102"),
    ("quick one is the ac on in the principal office", "principal-office"),
])
def test_a_question_after_an_opening_with_no_comma_never_switches(demo: Parser, text: str, room: str) -> None:
    command = demo.parse(text, now=NOW)
    assert command.intent == "status_query", (text, command)
    assert command.rooms == (room,)


def test_an_order_after_an_opening_is_still_an_order(rules: Parser) -> None:
    command = rules.parse("before i forget turn off the ac in lab 2", now=NOW)
    assert (command.intent, command.action, command.rooms) == ("device_control", "off", ("lab-2",))


@pytest.mark.parametrize("text, minutes", [
    ("turn on the projector in room 201 in 1.5 hours", 90),
    ("lights off in lab 1 after 2.5 hrs", 150),
    ("switch off the fans in room 101 in .5 h", 30),
])
def test_a_decimal_number_of_hours_is_that_many_minutes(rules: Parser, text: str, minutes: int) -> None:
    command = rules.parse(text, now=NOW)
    assert command.intent == "device_control" and command.when == NOW + dt.timedelta(minutes=minutes), command


@pytest.mark.parametrize("text", [
    "what does one unit of electricity cost", "how much is the power bill for a unit",
    "reschedule our 10 am lecture to noon", "install office on the computers in lab 2",
    "what's the status of my hostel application", "help me find an electrician for my flat",
    "what's on today's lunch menu", "it's lights out for us now, bye",
])
def test_near_misses_of_this_pass_are_out_of_scope(demo: Parser, text: str) -> None:
    assert demo.parse(text, now=NOW).intent == "unknown", text


def test_a_verbless_request_needs_a_place(rules: Parser) -> None:
    assert rules.parse("we need some light", now=NOW).intent == "unknown"
    placed = rules.parse("we need some light in room 201", now=NOW)
    assert (placed.intent, placed.action, placed.rooms) == ("device_control", "on", ("cr-201",))


def test_used_units_stay_an_energy_question(rules: Parser) -> None:
    assert rules.parse("how many units did lab 1 use this week", now=NOW).intent == "energy_query"
