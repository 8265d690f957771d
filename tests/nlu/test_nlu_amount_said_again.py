"""An amount of time said again after a correction marker ("make that 2 hours", "actually two hours") changes the
delay or duration said before it, never a room; with nothing before it to change, the command asks."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from nlu.parser import Parser

NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo("Asia/Kolkata"))


@pytest.fixture()
def parser(demo) -> Parser:
    return demo  # rules alone and with the judge (tests/nlu/conftest.py)


@pytest.mark.parametrize("text", [
    "turn on the AC in room 101 for an hour, make that two hours",
    "turn on the AC in room 101 for an hour, make that 2 hours",
    "turn on the AC in room 101 for an hour, actually two hours",
])
def test_a_duration_said_again_keeps_the_room(parser, text):
    # The "2" was put in room 101's place and lab 2's AC switched on, unasked.
    command = parser.parse(text, now=NOW)
    assert command.switches == ("cr-101-ac",) and command.action == "on"
    assert command.until == NOW + dt.timedelta(hours=2)


def test_a_delay_said_again_after_a_bare_no_replaces_the_delay(parser):
    command = parser.parse("turn on the fans in lab 1 in 10 minutes, no sorry, 20 minutes", now=NOW)
    assert command.switches == ("lab-1-fans",) and command.when == NOW + dt.timedelta(minutes=20)


def test_a_delay_said_again_never_moves_the_room(parser):
    # Before: lab 2's fans in 10 minutes. Asking is fine; another room is not.
    command = parser.parse("turn on the fans in lab 1 in 10 minutes, make that 2 minutes", now=NOW)
    assert "lab-2-fans" not in command.switches
    assert command.clarification is not None or command.when == NOW + dt.timedelta(minutes=2)


@pytest.mark.parametrize("text", ["turn on the AC in room 101, make it 20 minutes",
                                  "switch off the fans in lab 1 make it twenty minutes"])
def test_an_amount_with_nothing_before_it_asks(parser, text):
    # Read as nothing, the switch ran at once; in 20 minutes or for 20 minutes is not known.
    command = parser.parse(text, now=NOW)
    assert command.intent == "device_control" and command.when is None
    assert command.clarification == "In 20 minutes, or for 20 minutes?"


def test_the_room_number_correction_still_works(parser):
    assert parser.parse("turn off the lights in room 101, no sorry, 102", now=NOW).switches == ("cr-102-lights",)
    command = parser.parse("turn on the AC in room 101 in 10, make it 20 minutes", now=NOW)
    assert command.switches == ("cr-101-ac",) and command.when == NOW + dt.timedelta(minutes=20)
