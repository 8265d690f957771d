"""nlu.retraction.takes_back: a follow-up that owns a slip, as opposed to one that adds to the command before."""

from __future__ import annotations

import datetime as dt

import pytest

from nlu.command import ParseContext
from nlu.parser import Parser
from nlu.retraction import adds_to, takes_back


@pytest.mark.parametrize("text", [
    "sorry, I meant room 102", "oops, I meant lab 2", "Oops, lab 2", "no sorry, lab 4", "i meant 102",
    "wait, make that room 202 instead", "make that 6 pm", "in 10 minutes instead", "actually make it 4:30",
    "hmm, make that room 201 instead", "no, I meant room 102", "wait, turn them back on", "my bad, room 102",
    "wrong room, 102", "scratch that, the fans", "not that one, the fans", "not the lights, the fans",
    "no, the projector, not the lights", "the projector, not the lights",
])
def test_a_slip_owned_is_a_taking_back(text):
    assert takes_back(text)


@pytest.mark.parametrize("text", [
    "and the fans too", "actually, also the fans", "oops, the fans too", "same for room 201", "the lights as well",
    "turn them back on", "switch it off in 30 minutes", "lab 2?", "what about room 102", "", "no",
    "sorry to bother you, lab 2 is cold too", "not just the lights, the fans too", "and the fans, not the lights",
])
def test_an_addition_or_a_new_message_takes_nothing_back(text):
    assert not takes_back(text)


def test_an_addition_is_told_from_a_time_moved():
    assert adds_to("and at 7 too") and adds_to("the fans as well")
    assert not adds_to("move it to 7 pm") and not adds_to("do it right now")


NOW = dt.datetime(2026, 11, 26, 10, 0)


@pytest.mark.parametrize("correction, rooms, types", [
    ("sorry, I meant room 102", ("cr-102",), ("light",)),
    ("oops, I meant the fans", ("cr-101",), ("fan",)),
    ("wait, make that room 102 instead", ("cr-102",), ("light",)),
    ("no sorry, room 102", ("cr-102",), ("light",)),
])
def test_a_slip_of_place_or_device_keeps_the_time_of_the_command_before(demo: Parser, correction, rooms, types):
    first = demo.parse("turn off the lights in room 101 at 5 pm", now=NOW)
    fixed = demo.parse(correction, ParseContext(previous=first), now=NOW)
    assert (fixed.intent, fixed.action, fixed.rooms, fixed.device_types) == ("device_control", "off", rooms, types)
    assert fixed.when == first.when and fixed.when.hour == 17  # never now: nobody asked for now


def test_a_slip_keeps_a_duration_and_now_or_a_new_verb_keeps_its_own_time(demo: Parser):
    first = demo.parse("turn off the lights in room 101 for an hour", now=NOW)
    assert demo.parse("sorry, I meant room 102", ParseContext(previous=first), now=NOW).until == first.until
    timed = demo.parse("turn off the lights in room 101 at 5 pm", now=NOW)
    assert demo.parse("actually do it now", ParseContext(previous=timed), now=NOW).when is None
    assert demo.parse("make that 6 pm", ParseContext(previous=timed), now=NOW).when.hour == 18
    assert demo.parse("and the fans too", ParseContext(previous=timed), now=NOW).when is None  # as before: not a slip
