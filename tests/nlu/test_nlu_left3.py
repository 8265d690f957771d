"""Three asking-back cases (branch text-left3, issue 16): how things stand in a numbered room, a booth or a shed the
campus lacks is asked back naming it (the judge refused "how's the situation in lab 7"); alerts "I should know about"
with a time are our alerts for that time; "leave the X on in <room> tonight" is an order to keep them on, asked first.
Rules alone and with the judge."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from nlu.parser import Parser

NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo("Asia/Kolkata"))


@pytest.fixture()
def parser(demo) -> Parser:
    return demo  # rules alone and with the judge (tests/nlu/conftest.py)


@pytest.mark.parametrize("text, intent, place", [
    ("how's the situation in lab 7", "status_query", "lab 7"),
    ("how's the situation at the parking lot booth", "status_query", "the parking lot"),
    ("what's the situation in the cycle shed", "status_query", "the cycle shed"),
    ("what's the situation in the board room", "status_query", "the board room"),
    ("is anything on in the security booth", "status_query", "the security booth"),
    ("switch on the fans in the tool shed", "device_control", "the tool shed"),
    ("how much power does the security booth use", "energy_query", "the security booth"),
])
def test_a_place_the_campus_lacks_is_asked_back_naming_it(parser, text, intent, place):
    command = parser.parse(text, now=NOW)
    assert command.intent == intent and command.rooms == () and command.switches == ()
    assert (command.clarification or "").startswith(f"I don't know {place} on this campus"), command.clarification


@pytest.mark.parametrize("text", ["the situation in the board room is a mess", "can you shed some light on this",
                                  "what is the load shedding schedule in our area"])
def test_a_remark_or_a_figure_of_speech_stays_out_of_scope(parser, text):
    assert parser.parse(text, now=NOW).intent == "unknown"


@pytest.mark.parametrize("text, start_day", [
    ("any alerts I should know about this morning", 26),
    ("any alerts I should know about today", 26),
    ("alerts I should know about since yesterday", 25),
])
def test_alerts_to_know_about_with_a_time_are_ours_for_that_time(parser, text, start_day):
    command = parser.parse(text, now=NOW)
    assert command.intent == "alerts_query"
    assert command.period is not None and command.period.start.day == start_day


@pytest.mark.parametrize("text", ["any alerts about the cyclone", "any alerts about the storm this evening"])
def test_alerts_about_a_thing_of_the_world_stay_out_of_scope(parser, text):
    assert parser.parse(text, now=NOW).intent == "unknown"


@pytest.mark.parametrize("text, kind, room", [
    ("leave the lights on in the reading hall tonight", "light", "reading-hall"),
    ("leave the fans on in lab 3 tonight", "fan", "lab-3"),
    ("keep the AC on in the staff room tonight", "ac", "staff-room"),
])
def test_leaving_a_switch_on_tonight_is_an_order_asked_first(parser, text, kind, room):
    command = parser.parse(text, now=NOW)
    assert (command.intent, command.action, command.device_types, command.rooms) == (
        "device_control", "on", (kind,), (room,))
    assert command.clarification == "At what time?" and command.when is None


def test_leaving_a_switch_on_without_a_time_is_on_now(parser):
    command = parser.parse("leave the lights on in the reading hall", now=NOW)
    assert (command.intent, command.action, command.rooms) == ("device_control", "on", ("reading-hall",))
    assert command.clarification is None and command.when is None
