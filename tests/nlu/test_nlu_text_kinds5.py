"""Kinds of message issue 16's fourth fresh held-out read missed (branch text-kinds5), in words of their own: none of
these sentences is in the corpus."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from nlu.command import ParseContext
from nlu.parser import Parser

TZ = ZoneInfo("Asia/Kolkata")
NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=TZ)
ALL_ROOMS = 13  # rooms of the demo campus


# `demo` (rules alone and judged) and `rules` come from tests/nlu/conftest.py.


def test_disconnecting_a_device_switches_it_off_and_other_disconnects_are_not_orders(rules: Parser) -> None:
    command = rules.parse("kindly disconnect the extension board in the principal's office", now=NOW)
    assert (command.intent, command.action, command.switches) == ("device_control", "off",
                                                                  ("principal-office-sockets",))
    assert rules.parse("disconnect me from this group", now=NOW).intent != "device_control"


@pytest.mark.parametrize(("text", "switches"), [
    ("light up the stage of the main hall", ("auditorium-stage-lights",)),
    ("could you light up the principal's office", ("principal-office-lights",)),
])
def test_light_up_a_stage_or_a_room_switches_its_lights_on(rules: Parser, text: str, switches: tuple[str, ...]) -> None:
    command = rules.parse(text, now=NOW)
    assert (command.intent, command.action, command.switches) == ("device_control", "on", switches), text


def test_light_up_said_of_people_is_no_order(demo: Parser) -> None:
    assert demo.parse("the new teacher lights up the whole class", now=NOW).intent == "unknown"


def test_all_the_devices_of_a_type_with_no_place_is_the_whole_campus(rules: Parser) -> None:
    command = rules.parse("power off all the ACs", now=NOW)
    assert (command.intent, command.action, command.clarification) == ("device_control", "off", None)
    assert len(command.rooms) == ALL_ROOMS and command.device_types == ("ac",)
    # A place said in words the campus does not know still asks, and an earlier command's room still counts.
    assert rules.parse("switch off all the fans in the hostel", now=NOW).clarification is not None
    first = rules.parse("lights on in room 102", now=NOW)
    again = rules.parse("now all the fans off", ParseContext(previous=first), now=NOW)
    assert len(again.rooms) < ALL_ROOMS


def test_rooms_numbered_under_one_name_are_said_together(rules: Parser) -> None:
    command = rules.parse("put the fans on in both the computer labs", now=NOW)
    assert (command.intent, set(command.rooms)) == ("device_control", {"lab-1", "lab-2"})
    assert rules.parse("computer lab fans on", now=NOW).rooms == ("lab-1",)  # the alias alone is still one room


@pytest.mark.parametrize("text", ["which devices are you able to control for me", "list the commands you accept"])
def test_what_it_can_reach_or_accepts_is_help(rules: Parser, text: str) -> None:
    command = rules.parse(text, now=NOW)
    assert (command.intent, command.switches) == ("help", ()), text


@pytest.mark.parametrize(("text", "switches"), [
    ("quick question, lab 2 fans?", ("lab-2-fans",)),
    ("reading hall ac, on or off?", ("reading-hall-ac",)),
])
def test_a_room_and_a_device_asked_without_a_verb_is_a_status_question(rules: Parser, text: str,
                                                                      switches: tuple[str, ...]) -> None:
    command = rules.parse(text, now=NOW)
    assert (command.intent, command.action, command.switches) == ("status_query", None, switches), text


def test_heat_in_a_reason_is_not_the_heater(rules: Parser) -> None:
    command = rules.parse("heat's awful in the staff room, turn the fans on", now=NOW)
    assert (command.intent, command.device_types) == ("device_control", ("fan",))


@pytest.mark.parametrize("text", ["hold off on switching the fans in room 101", "alarm at 6:15 tomorrow",
                                  "help, my phone keeps restarting"])
def test_waiting_phone_alarms_and_help_with_ones_own_things_are_out_of_scope(demo: Parser, text: str) -> None:
    assert demo.parse(text, now=NOW).intent == "unknown", text
