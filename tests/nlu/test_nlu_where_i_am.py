"""A clause telling where the speaker is, before the message ("I'm in lab 2, are the lights on?"), found through
the third spoken part's voice notes (branch voice-kinds4): the question after it switched the lights on. None of
these sentences is in the corpus."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from nlu.parser import Parser

TZ = ZoneInfo("Asia/Kolkata")
NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=TZ)


# `demo` (rules alone and judged) and `rules` come from tests/nlu/conftest.py.


@pytest.mark.parametrize("text, room, kind", [
    ("I'm in lab 2, are the lights on?", "lab-2", "light"),
    ("we are here in the staff room, is the heater still on", "staff-room", "heater"),
    ("okay so I am in room 201. is the projector on?", "cr-201", "projector"),
    ("i am in lab 2 are the lights on", "lab-2", "light"),  # Whisper wrote Piper's note with no comma
    ("we are here in the seminar hall is the projector on", "seminar-hall", "projector"),
])
def test_a_question_after_where_the_speaker_is_stays_a_question(demo: Parser, text: str, room: str, kind: str
                                                                 ) -> None:
    c = demo.parse(text, now=NOW)
    assert (c.intent, c.action, c.rooms, c.device_types) == ("status_query", None, (room,), (kind,)), c


def test_whispers_im_for_um_before_a_place_never_switches(rules: Parser) -> None:
    # Whisper wrote "so um, the principal's office, is the fan on" as "so I'm the principal's office, ...".
    c = rules.parse("so i am the principals office, is the fan on", now=NOW)
    assert c.intent != "device_control", c


@pytest.mark.parametrize("text, action, room, kind", [
    ("I'm in lab 2, turn the lights on please", "on", "lab-2", "light"),
    ("we're in the seminar hall, could you switch off the projector", "off", "seminar-hall", "projector"),
])
def test_an_order_after_where_the_speaker_is_stays_an_order(demo: Parser, text: str, action: str, room: str,
                                                            kind: str) -> None:
    c = demo.parse(text, now=NOW)
    assert (c.intent, c.action, c.rooms, c.device_types, c.clarification) == (
        "device_control", action, (room,), (kind,), None), c


@pytest.mark.parametrize("text", [
    "the room jigger in the faculty room, please put it on",  # Whisper's "the room heater ..." (espeak-ng)
    "the espresso machine in lab 2, switch it on",
    "the geyser in the reading hall, could you put it off",
])
def test_it_after_a_thing_the_campus_lacks_is_that_thing_not_everything(demo: Parser, text: str) -> None:
    # It switched everything in the room named.
    c = demo.parse(text, now=NOW)
    assert not c.switches and not (c.intent == "device_control" and c.clarification is None), c


def test_it_for_the_room_itself_is_still_everything_there(demo: Parser) -> None:
    c = demo.parse("the staff room, switch it all off", now=NOW)
    assert (c.intent, c.action, c.rooms, c.everything or not c.device_types) == (
        "device_control", "off", ("staff-room",), True), c
