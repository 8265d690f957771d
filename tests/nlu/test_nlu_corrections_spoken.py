"""Self-corrections as people say them aloud: hesitations before "no", "oops", "no no", a bare "no"; a hedged delay.

A switch the user took back must never happen: each case either applies the correction or asks.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from nlu.parser import Parser

NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo("Asia/Kolkata"))


@pytest.fixture
def parser(demo: Parser) -> Parser:
    return demo  # rules alone and judged (tests/nlu/conftest.py)


def _parse(parser: Parser, text: str):
    return parser.parse(text, now=NOW)


@pytest.mark.parametrize("text, rooms, types", [
    ("turn off the projector, uh no, the fans, in room 201", {"cr-201"}, {"fan"}),
    ("switch on the fans in lab three, oops, lab four", {"physics-lab"}, {"fan"}),
    ("turn off the lights in room 202, no no, 201", {"cr-201"}, {"light"}),
    ("switch off the fans in room 102, um no, room 101", {"cr-101"}, {"fan"}),
])
def test_a_spoken_correction_replaces_what_it_takes_back(parser: Parser, text: str, rooms: set, types: set) -> None:
    got = _parse(parser, text)
    assert got.intent == "device_control" and not got.clarification, got
    assert set(got.rooms) == rooms and set(got.device_types) == types, got


@pytest.mark.parametrize("text", [
    "turn off the fans in room 101, no lights",  # leave the lights out, or the lights instead? ask
    "turn off the lights in room 101, no, 102",
    "physics lab AC, hmm no, physics lab projector, switch it on",  # the place said again: what changed?
])
def test_an_unclear_correction_asks_instead_of_switching_both(parser: Parser, text: str) -> None:
    got = _parse(parser, text)
    assert got.intent in ("device_control", "unknown"), got
    if got.intent == "device_control":
        assert got.clarification, got


@pytest.mark.parametrize("text", [
    "turn off the lights in room 101, there's no one there",
    "no, turn off the lights in room 101",
    "lights off in room 101 no matter what",
    "oops, turn on the lights in room 101",
])
def test_no_that_takes_nothing_back_changes_nothing(parser: Parser, text: str) -> None:
    got = _parse(parser, text)
    assert got.intent == "device_control" and not got.clarification, got
    assert set(got.rooms) == {"cr-101"}, got


@pytest.mark.parametrize("text, minutes", [
    ("in about ten minutes turn off the lights in the staff room", 10),
    ("turn off the lights in the staff room in about ten minutes", 10),
    ("switch on the fans in lab 1 in roughly an hour", 60),
])
def test_a_hedged_delay_is_still_a_delay(parser: Parser, text: str, minutes: int) -> None:
    got = _parse(parser, text)
    assert got.intent == "device_control" and got.when is not None, got
    assert got.when - NOW == dt.timedelta(minutes=minutes), got
