"""Kinds of message issue 16's third fresh held-out read missed (branch text-kinds4), in words of their own: none of
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


@pytest.mark.parametrize(("text", "action", "switches"), [
    ("lights onn in room 201", "on", ("cr-201-lights",)),
    ("projector offf in lab 2 plz", "off", ("lab-2-projector",)),
    ("shut the entire reading hall down", "off", ("reading-hall-lights", "reading-hall-reading-lamps",
                                                  "reading-hall-fans", "reading-hall-ac", "reading-hall-sockets")),
    ("switch off the extractor fans in lab 3", "off", ("lab-3-exhaust",)),  # the exhaust fan, not the ceiling fans
    ("soldering iron on in the electronics lab", "on", ("lab-3-soldering",)),
    ("get the AC in room 102 ready before class", "on", ("cr-102-ac",)),
    ("just make sure the fans in room 201 end up off", "off", ("cr-201-fans",)),
])
def test_switching_in_other_words(rules: Parser, text: str, action: str, switches: tuple[str, ...]) -> None:
    command = rules.parse(text, now=NOW)
    assert (command.intent, command.action, command.switches) == ("device_control", action, switches), text


def test_a_delay_said_after_its_amount() -> None:
    from nlu.timeexpr import extract_times
    from nlu.textnorm import tokens

    times = extract_times(tokens("fans off in room 101 fifteen minutes from now"), NOW)
    assert times.when == NOW + dt.timedelta(minutes=15)


@pytest.mark.parametrize(("text", "action", "switches"), [
    ("please don't keep the heater on in the staff room, turn it off", "off", ("staff-room-heater",)),
    ("the projector in room 202 shouldn't be on, switch it off", "off", ("cr-202-projector",)),
    ("check whether the AC in lab 1 is off, and if not switch it off", "off", ("lab-1-ac",)),
])
def test_an_order_after_a_negated_reason_is_obeyed(rules: Parser, text: str, action: str,
                                                   switches: tuple[str, ...]) -> None:
    command = rules.parse(text, now=NOW)
    assert (command.intent, command.action, command.switches) == ("device_control", action, switches), text


@pytest.mark.parametrize("text", [
    "don't switch off the fans in lab 1, turn off the lights",  # the negated clause names other devices
    "don't turn off the projector in room 101",
])
def test_a_negated_order_still_never_switches_what_it_names(rules: Parser, text: str) -> None:
    command = rules.parse(text, now=NOW)
    assert "lab-1-fans" not in command.switches and "cr-101-projector" not in command.switches, text


@pytest.mark.parametrize("text", ["r the projectors on in lab 2", "r any lights on in room 101"])
def test_r_for_are_opens_a_question(rules: Parser, text: str) -> None:
    assert rules.parse(text, now=NOW).intent == "status_query", text


@pytest.mark.parametrize("text", [
    "will the fans in room 101 switch off automatically tonight",
    "does the projector in lab 2 go off on its own",
    "what time will the lights in the reading hall turn off",
    "is something set to switch on at 8 am",
])
def test_questions_about_things_that_happen_by_themselves_are_schedule_questions(rules: Parser, text: str) -> None:
    assert rules.parse(text, now=NOW).intent == "schedule_query", text


@pytest.mark.parametrize(("text", "intent"), [
    ("im new here, how do i begin", "help"),
    ("what should i type to turn things off", "help"),
    ("i'm new here, where's the library", "unknown"),  # a newcomer asking about the campus, not the bot
    ("any scheduled power cut in our area this week", "unknown"),
])
def test_newcomers_get_help_and_the_city_supply_is_out_of_scope(rules: Parser, text: str, intent: str) -> None:
    assert rules.parse(text, now=NOW).intent == intent, text


def test_is_it_on_with_nothing_before_it_asks_which_device(rules: Parser) -> None:
    command = rules.parse("are they still on?", now=NOW)
    assert command.intent == "status_query" and command.clarification is not None
    assert rules.parse("is this on", now=NOW).intent == "unknown"  # the microphone, as before


def test_a_correction_repeats_the_last_command_in_the_room_put_right(rules: Parser) -> None:
    first = rules.parse("switch the lights off in room 201", now=NOW)
    again = rules.parse("sorry i meant room 102", ParseContext(previous=first), now=NOW)
    assert (again.intent, again.action, again.switches) == ("device_control", "off", ("cr-102-lights",))
    asked = rules.parse("turn on the projector", now=NOW)
    answer = rules.parse("the one in the auditorium", ParseContext(previous=asked), now=NOW)
    assert (answer.intent, answer.action, answer.switches) == ("device_control", "on", ("auditorium-projector",))


def test_a_device_follow_up_to_a_question_keeps_its_room(rules: Parser) -> None:
    first = rules.parse("when will the AC in room 202 switch off", now=NOW)
    more = rules.parse("and the fans?", ParseContext(previous=first), now=NOW)
    assert (more.intent, more.rooms, more.device_types) == ("schedule_query", ("cr-202",), ("fan",))


def test_a_unit_named_by_its_order_is_that_unit(rules: Parser) -> None:
    command = rules.parse("could you turn on the first AC in the seminar hall", now=NOW)
    assert command.switches == ("seminar-hall-ac-1",)
    assert len(rules.parse("first ac on in the auditorium, then the fans", now=NOW).switches) > 1  # "first" = before
