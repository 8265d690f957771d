"""Follow-up edits of the previous command: a new time for it ("change the time to 4 pm", "make that 7 instead",
"push it to half past five"), another device in its room ("not that one, the fans", "no, the projector, not the
lights"); and the near misses that must not become edits (no command before, a question before, a figure that may
be a room)."""

from __future__ import annotations

import datetime as dt

import pytest

from nlu.command import ParseContext
from nlu.corrections import Span, take_back
from nlu.parser import Parser
from nlu.retraction import takes_back

NOW = dt.datetime(2026, 11, 26, 10, 0)


def after(parser: Parser, first: str, text: str):
    before = parser.parse(first, now=NOW)
    assert before.intent == "device_control" or "?" in first or first.startswith(("is ", "what")), before
    return parser.parse(text, ParseContext().after(before), NOW)


@pytest.mark.parametrize("first", ["fans off in 101 at 5 pm", "fans off in 101"])
@pytest.mark.parametrize("text,hour,minute", [
    ("change the time to 4 pm", 16, 0), ("do it at 6 rather", 18, 0), ("push it to half past five", 17, 30),
])
def test_a_new_time_is_the_command_before_at_that_time(demo: Parser, first, text, hour, minute) -> None:
    command = after(demo, first, text)
    assert (command.intent, command.action, command.switches) == ("device_control", "off", ("cr-101-fans",)), command
    assert command.when is not None and (command.when.hour, command.when.minute) == (hour, minute)
    assert command.clarification is None


@pytest.mark.parametrize("text,hour,minute", [
    ("make that 7 instead", 19, 0), ("make it 4", 16, 0), ("push it to 6", 18, 0), ("move that to 7:30", 19, 30),
])
def test_a_bare_hour_after_a_timed_command_is_the_nearer_half_of_its_day(rules: Parser, text, hour, minute) -> None:
    command = after(rules, "fans off in 101 at 5 pm", text)
    assert command.intent == "device_control" and command.switches == ("cr-101-fans",), command
    assert (command.when.day, command.when.hour, command.when.minute) == (26, hour, minute)


def test_a_bare_hour_keeps_the_day_of_a_command_for_tomorrow(rules: Parser) -> None:
    command = after(rules, "lights off in 101 tomorrow at 9 am", "make it 10:30")
    assert (command.when.day, command.when.hour, command.when.minute) == (27, 10, 30), command
    assert after(rules, "lights off in 101 at 11 am", "make it 12").when.hour == 12  # noon, nearer 11 am


@pytest.mark.parametrize("first,text", [
    ("fans off in lab 1 at 5 pm", "make that 2"),  # lab 2, or 2 pm?
    ("fans off in 101 on monday at 5 pm", "make it 6"),  # a later day: the figure alone is not enough
])
def test_a_bare_figure_that_could_be_something_else_switches_nothing(demo: Parser, first, text) -> None:
    command = after(demo, first, text)
    assert command.intent != "device_control" or command.clarification is not None, command


@pytest.mark.parametrize("first,text,switches", [
    ("lights off in 101", "not that one, the fans", ("cr-101-fans",)),
    ("lights off in 101", "no, the projector, not the lights", ("cr-101-projector",)),
    ("lights off in 101", "not the lights, the projector", ("cr-101-projector",)),
    ("lights off in 101", "the projector, not the lights", ("cr-101-projector",)),
    ("lights off in 101", "wrong one, the ac", ("cr-101-ac",)),
    ("switch off the fans in room 202", "not those, the lights in room 201", ("cr-201-lights",)),
])
def test_another_device_named_is_the_command_before_on_it(demo: Parser, first, text, switches) -> None:
    command = after(demo, first, text)
    assert (command.intent, command.action, command.switches) == ("device_control", "off", switches), command
    assert command.clarification is None and command.when is None


def test_another_device_keeps_the_time_and_the_first_is_taken_back(rules: Parser) -> None:
    command = after(rules, "lights off in the staff room at 6 pm", "not the lights, the heater")
    assert command.switches == ("staff-room-heater",) and command.when.hour == 18, command
    for text in ("not that one, the fans", "no, the projector, not the lights", "the projector, not the lights",
                 "not the lights, the fans"):
        assert takes_back(text), text


def test_an_edit_after_a_command_that_asked_still_asks(demo: Parser) -> None:
    command = after(demo, "turn off the lights", "not that one, the fans")
    assert command.device_types == ("fan",) and command.switches == () and command.clarification, command


@pytest.mark.parametrize("first,text", [
    ("lights off in 101", "no wait, not that one"),  # nothing named in its place
    ("lights off in 101", "not that one, the lights"),  # the same device again: which one is unclear
    ("lights off in 101", "not the fans, they are fine"),
    ("is the ac on in 101?", "not that one, the fans"),  # after a question
    ("is the projector on in room 201", "change the time to 5 pm"),
    ("switch off the lights in room 102 at 5 pm", "change the time of the class to 4 pm"),
])
def test_near_misses_never_switch(demo: Parser, first, text) -> None:
    command = after(demo, first, text)
    assert command.intent != "device_control", command


@pytest.mark.parametrize("text", ["no, the projector, not the lights", "not that one, the fans",
                                  "change the time to 4 pm", "make that 7 instead", "push it to 6"])
def test_an_edit_with_no_command_before_switches_nothing(demo: Parser, text) -> None:
    assert demo.parse(text, now=NOW).intent != "device_control"


def test_a_message_opening_with_not_drops_the_excluded_device_only_when_another_follows() -> None:
    toks = ["not", "the", "lights", "the", "fans"]
    spans = [Span("type", ("light",), 2, 3), Span("type", ("fan",), 4, 5)]
    assert take_back(toks, spans).toks == ["the", "fans"]
    alone = take_back(["not", "the", "lights"], [Span("type", ("light",), 2, 3)])
    assert alone.toks == ["not", "the", "lights"] and not alone.corrections
    room = take_back(["not", "room", "101", "the", "fans"], [Span("room", ("cr-101",), 1, 3), Span("type", ("fan",), 4, 5)])
    assert not room.corrections  # a place is not a device: the device rule only
