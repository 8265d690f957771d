"""Typed kinds of the fourteenth spoken part's unasked wrong switches (branch voice-safety14), as rules. None of these
sentences is in the corpus; each kind has sentences where the same words keep their outcome."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from nlu.parser import Parser

NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo("Asia/Kolkata"))  # a Thursday


# `demo` (rules alone and judged) and `rules` come from tests/nlu/conftest.py.


@pytest.mark.parametrize("text, switches", [
    ("just checking, the heater in the staff room, is it off", ("staff-room-heater",)),
    ("the projector in room 201, is it off yet", ("cr-201-projector",)),
    ("the fans in lab 1, are they off", ("lab-1-fans",)),
    ("room 102 AC is it off now", ("cr-102-ac",)),
])
def test_is_it_off_after_a_device_asks_the_state(demo: Parser, text: str, switches: tuple[str, ...]) -> None:
    # "quick check, the kettle in the staff room, is it off" switched the kettle off unasked: "is it on" was a
    # question, "is it off" a verbless "... off".
    c = demo.parse(text, now=NOW)
    assert c.intent == "status_query" and c.action is None and c.switches == switches, c


@pytest.mark.parametrize("text, action", [
    ("the heater in the staff room, off please", "off"),
    ("the projector in room 201, is it off? if not, switch it off", "off"),
])
def test_an_order_after_a_device_stays_an_order(demo: Parser, text: str, action: str) -> None:
    c = demo.parse(text, now=NOW)
    assert c.intent == "device_control" and c.action == action, c


@pytest.mark.parametrize("text", [
    "all the lights into the block, switch them off",
    "turn every projector off into the building",
])
def test_into_an_unnamed_place_is_no_whole_campus(demo: Parser, text: str) -> None:
    # Whisper's "every single fan into the block, turn them off" (for "in the A block") switched every fan on campus
    # off: "into" did not count as saying a place, as "in" does.
    c = demo.parse(text, now=NOW)
    assert c.intent == "device_control" and c.switches == () and c.clarification is not None, c


def test_into_a_named_place_is_that_place(demo: Parser) -> None:
    c = demo.parse("switch off all the fans into the reading hall", now=NOW)
    assert c.switches == ("reading-hall-fans",) and c.clarification is None, c


def test_every_device_with_no_place_word_is_still_the_whole_campus(rules: Parser) -> None:
    c = rules.parse("turn off all the projectors", now=NOW)
    assert len(c.switches) > 3 and c.clarification is None, c
