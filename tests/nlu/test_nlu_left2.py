"""The text parser's leftovers (branch text-left2, issue 16): a reminder asked for a switch reads as that switch at its
time; a device by, near or next to an office the campus lacks is asked back naming it (a campus room there is that
room; "switched off by the estate office" tells who did it); how things stand in a place the campus lacks keeps its
intent and is asked back; a report of what someone did switches nothing. Rules alone and with the judge."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from nlu.parser import Parser, asks_only_for_room

NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo("Asia/Kolkata"))


@pytest.fixture()
def parser(demo) -> Parser:
    return demo  # rules alone and with the judge (tests/nlu/conftest.py)


@pytest.mark.parametrize("text, action, kind, hour", [
    ("remind me to switch off the lights at 5", "off", "light", 17),
    ("remind me to turn the fans off at 4", "off", "fan", 16),
    ("please set a reminder to turn the AC off at 6 pm", "off", "ac", 18),
])
def test_a_reminder_for_a_switch_is_that_switch_at_its_time_asking_the_room(parser, text, action, kind, hour):
    command = parser.parse(text, now=NOW)
    assert (command.intent, command.action, command.device_types) == ("device_control", action, (kind,))
    assert command.when is not None and command.when.hour == hour and command.when.date() == NOW.date()
    assert asks_only_for_room(command) and command.switches == ()


@pytest.mark.parametrize("text", ["remind me to submit the marks at 5", "remind me to buy a new bulb for my desk lamp",
                                  "set a reminder to lock the lab at 6"])
def test_a_reminder_of_anything_else_is_out_of_scope(parser, text):
    assert parser.parse(text, now=NOW).intent == "unknown"


@pytest.mark.parametrize("text, place", [
    ("switch off the lights by the records office", "the records office"),
    ("turn the fans on by the exam office", "the exam office"),
    ("switch the lights off by the records office", "the records office"),
    ("lights off near the admission office", "the admission office"),
])
def test_a_device_by_an_office_the_campus_lacks_is_asked_back_naming_it(parser, text, place):
    command = parser.parse(text, now=NOW)
    assert command.intent == "device_control" and command.switches == ()
    assert (command.clarification or "").startswith(f"I don't know {place} on this campus"), command.clarification


@pytest.mark.parametrize("text, room", [
    ("switch on the fans near the principal's office", "principal-office"),
    ("turn off the lights next to lab 2", "lab-2"),
    ("fans off beside the staff room", "staff-room"),
])
def test_a_device_by_a_campus_room_is_in_that_room(parser, text, room):
    command = parser.parse(text, now=NOW)
    assert command.rooms == (room,) and command.clarification is None


def test_by_an_office_after_a_done_verb_or_as_a_signature_is_no_place(parser):
    assert parser.parse("the lights were switched off by the estate office", now=NOW).intent == "unknown"
    signed = parser.parse("lights off in classroom 101, by the estate office", now=NOW)
    assert signed.rooms == ("cr-101",) and signed.clarification is None


@pytest.mark.parametrize("text, place", [
    ("how is the situation in the canteen", "the canteen"),
    ("what's the situation at the hostel right now", "the hostel"),
    ("what is the situation like in the gym", "the gym"),
])
def test_the_situation_in_a_place_the_campus_lacks_is_asked_back(parser, text, place):
    command = parser.parse(text, now=NOW)
    assert command.intent == "status_query" and command.rooms == ()
    assert (command.clarification or "").startswith(f"I don't know {place} on this campus"), command.clarification


@pytest.mark.parametrize("text", [
    "the lights in lab 2 were switched off by the peon", "someone turned the AC on in 101",
    "the cleaner turned on the AC in the staff room", "somebody has switched off the projector in the seminar hall",
    "the AC in classroom 201 got switched on by someone this morning",
])
def test_a_report_of_a_switch_is_no_order(parser, text):
    assert parser.parse(text, now=NOW).intent != "device_control"


def test_a_report_then_an_order_is_the_order(parser):
    command = parser.parse("someone switched the fans on in room 202, please turn them off", now=NOW)
    assert (command.intent, command.action, command.rooms) == ("device_control", "off", ("cr-202",))
