"""Kinds of message issue 16's second fresh held-out read missed (branch text-kinds3), in words of their own: none of
these sentences is in the corpus."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from nlu.command import ParseContext
from nlu.parser import Parser

TZ = ZoneInfo("Asia/Kolkata")
NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=TZ)


# `demo` (rules alone and judged) and `rules` come from tests/nlu/conftest.py.


@pytest.mark.parametrize(("text", "switches"), [
    # The reason names another room, or a device the order is not about.
    ("turn off the fans in room 202, the class moved to the physics lab", ("cr-202-fans",)),
    ("switch the lights on in lab 1, it is dark near the computers", ("lab-1-lights",)),
    # The lamps say where; the building in the reason does not widen the order.
    ("turn on the reading lamps, the library is opening", ("reading-hall-reading-lamps",)),
    # "no one" is nobody, not room number 1.
    ("no one is in the staff room, switch off the heater", ("staff-room-heater",)),
])
def test_a_reason_clause_does_not_add_rooms_or_devices(rules: Parser, text: str, switches: tuple[str, ...]) -> None:
    command = rules.parse(text, now=NOW)
    assert (command.intent, command.switches) == ("device_control", switches), text


def test_cancelled_in_a_reason_is_no_schedule_cancel_and_same_for_follows(rules: Parser) -> None:
    first = rules.parse("projector off in room 201, the talk was cancelled", now=NOW)
    assert (first.intent, first.action, first.switches) == ("device_control", "off", ("cr-201-projector",))
    again = rules.parse("same for room 202", ParseContext(previous=first), now=NOW)
    assert (again.intent, again.action, again.switches) == ("device_control", "off", ("cr-202-projector",))
    assert rules.parse("cancel the 6 pm schedule", now=NOW).operation == "cancel"  # a cancel asked still is one


@pytest.mark.parametrize(("text", "switches"), [
    ("switch on the tube lights in the seminar hall", ("seminar-hall-lights",)),  # not the stage lights
    ("turn off the ceiling fans in the electronics lab", ("lab-3-fans",)),  # not the exhaust fan
    ("turn off the lights in the reading hall", ("reading-hall-lights", "reading-hall-reading-lamps")),
    # No plainly named lights there ("Hall lights", "Stage lights"): nothing to prefer, both are meant.
    ("turn off the tube lights in the auditorium", ("auditorium-lights", "auditorium-stage-lights")),
])
def test_a_kind_of_device_leaves_out_switches_named_apart(rules: Parser, text: str, switches: tuple[str, ...]) -> None:
    assert rules.parse(text, now=NOW).switches == switches, text


@pytest.mark.parametrize(("text", "action", "rooms"), [
    ("make sure nothing's running in the physics lab", "off", ("physics-lab",)),
    ("lights off in each and every classroom", "off", ("cr-101", "cr-102", "cr-201", "cr-202")),
    ("fans off in every single lab", "off", ("lab-1", "lab-2", "lab-3", "physics-lab")),
    ("projector of in rm 102 pls", "off", ("cr-102",)),
    ("ac of in the seminar hal", "off", ("seminar-hall",)),
    ("i need the ac in room 101 off before the lecture starts", "off", ("cr-101",)),
])
def test_orders_in_chat_and_other_words(rules: Parser, text: str, action: str, rooms: tuple[str, ...]) -> None:
    command = rules.parse(text, now=NOW)
    assert (command.intent, command.action, tuple(sorted(command.rooms))) == ("device_control", action, rooms), text


def test_those_after_a_question_are_the_devices_asked_about(rules: Parser) -> None:
    asked = rules.parse("are the fans on in the reading hall", now=NOW)
    command = rules.parse("ok switch them off", ParseContext(previous=asked), now=NOW)
    assert (command.intent, command.action, command.switches) == ("device_control", "off", ("reading-hall-fans",))
    everything = rules.parse("ok turn it all off", ParseContext(previous=asked), now=NOW)
    assert len(everything.switches) == 5  # "all" is everything in the room, not only the fans


def test_what_about_another_room_keeps_the_device_asked_about(rules: Parser) -> None:
    asked = rules.parse("is the projector on in room 101", now=NOW)
    command = rules.parse("what about room 102", ParseContext(previous=asked), now=NOW)
    assert (command.intent, command.switches) == ("status_query", ("cr-102-projector",))


@pytest.mark.parametrize(("text", "intent"), [
    ("is the stage lit in the auditorium", "status_query"),
    ("are the fans in lab 2 still going", "status_query"),
    ("is the board in the reading hall responding", "alerts_query"),
    ("what do i type to see the energy use", "help"),
    ("how do i switch on the fans with you", "help"),
])
def test_status_alerts_and_help_in_other_words(rules: Parser, text: str, intent: str) -> None:
    assert rules.parse(text, now=NOW).intent == intent, text


@pytest.mark.parametrize("text", [
    "how do i switch on night mode on my phone",
    "how do i turn on a projector without the remote",
    "our exams are running late this year",
    "how much energy does bitcoin use in a year",
    "she lit up the room with her smile",
    "the lecture got cancelled",
    "shut up",
])
def test_near_misses_are_refused(demo: Parser, text: str) -> None:
    assert demo.parse(text, now=NOW).intent == "unknown", text


def test_a_command_for_a_vague_time_asks_when(rules: Parser) -> None:
    command = rules.parse("switch off the projector in room 201 at the end of the day", now=NOW)
    assert command.intent == "device_control" and command.clarification == "At what time?" and command.needs_time
