"""A number after a kind of place (found by text-left5, fixed by the lead): "turn off the lights in computer lab 3"
switched Computer Lab 1's lights and lab 3's ("computer lab" is Computer Lab 1's alias, the 3 read as lab 3 besides),
and "switch on the fans in classroom 3" switched the Electronics Lab's fans (lab 3), both unasked. Sentences in words
of their own (the corpus holds others of the kind)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from nlu.command import AskReason
from nlu.numbered_heads import extends_a_name, kind_of, room_is_of_kind
from nlu.parser import Parser

NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo("Asia/Kolkata"))

# `demo` (rules alone and judged) comes from tests/nlu/conftest.py.


def test_a_number_after_a_kind_of_place_names_no_room_of_another_kind(demo: Parser) -> None:
    for text, place in (("please turn the fans off in classroom 3", "classroom 3"),
                        ("lights off in computer lab 3", "computer lab 3"),
                        ("switch off the AC in computer lab 4 now", "computer lab 4"),
                        ("hall 1 fans on", "hall 1")):
        command = demo.parse(text, now=NOW)
        assert not command.switches and not command.rooms, (text, command)
        assert command.ask_reason is AskReason.UNKNOWN_PLACE and place in command.clarification.lower(), (text, command)
    # "class" is too often plain English to be a place by itself; no lab 4 either: it asks which room.
    command = demo.parse("projector on in class 4", now=NOW)
    assert not command.switches and command.clarification, command


def test_names_the_campus_has_keep_their_rooms(demo: Parser) -> None:
    for text, switches in (("lights off in computer lab 2", ("lab-2-lights",)),
                           ("turn on the fans in class 201", ("cr-201-fans",)),
                           ("switch off the computer lab lights", ("lab-1-lights",)),
                           ("lab 3 lights off", ("lab-3-lights",)),
                           ("switch the projector on in the seminar hall in 2 minutes", ("seminar-hall-projector",))):
        command = demo.parse(text, now=NOW)
        assert command.switches == switches and command.clarification is None, (text, command)


def test_the_helpers() -> None:
    assert kind_of("cr") == kind_of("classroom") == "classroom" and kind_of("room") is None
    assert room_is_of_kind("classroom", ("Classroom 101", "cr-101")) and not room_is_of_kind("classroom", ("lab 3",))
    toks = "lights off in computer lab 3".split()
    assert extends_a_name(toks, 5, taken=(), counted=())
    assert not extends_a_name(toks, 5, taken={5}, counted=())  # the number is a time
    assert not extends_a_name("the seminar hall 2 acs".split(), 3, taken=(), counted={4})  # it counts the ACs
