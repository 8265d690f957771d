"""Kinds of message issue 16's fifth fresh held-out read missed (branch text-kinds6), in words of their own: none of
these sentences is in the corpus."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from nlu.command import ParseContext
from nlu.parser import DEVICE_QUESTION, Parser, asks_only_for_room

TZ = ZoneInfo("Asia/Kolkata")
NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=TZ)
ALL_ROOMS = 13  # rooms of the demo campus


# `demo` (rules alone and judged) and `rules` come from tests/nlu/conftest.py.


@pytest.mark.parametrize("text", [
    "turn the tables on the other team", "switch the topic off please", "stop acting so clever",
    "turn the volume of your complaints down", "we turned the corner on that project",
])
def test_a_figure_of_speech_never_gets_a_room_question(demo: Parser, text: str) -> None:
    command = demo.parse(text, now=NOW)
    assert not asks_only_for_room(command), (text, command)
    assert command.intent != "device_control", (text, command)


def test_an_order_naming_no_device_asks_what_to_switch_not_which_room(rules: Parser) -> None:
    # Answering "Which room?" with a room would switch everything there.
    command = rules.parse("switch it off for me", now=NOW)
    assert (command.intent, command.clarification) == ("device_control", DEVICE_QUESTION)
    assert not asks_only_for_room(command)
    mine = rules.parse("turn them on", ParseContext(user_rooms=("cr-101", "cr-102")), now=NOW)
    assert mine.clarification == DEVICE_QUESTION and not asks_only_for_room(mine)
    # "everything" is a device: that order still asks which room.
    assert asks_only_for_room(rules.parse("turn everything off", now=NOW))


@pytest.mark.parametrize(("text", "action", "switches"), [
    ("we need some light in classroom 202", "on", ("cr-202-lights",)),
    ("the physics lab needs its fans", "on", ("physics-lab-fans",)),
    ("room 201 ac pls", "on", ("cr-201-ac",)),
    ("the heater in the faculty room has to be on by now", "on", ("staff-room-heater",)),
    ("the lights in lab 2 should stay off", "off", ("lab-2-lights",)),
    ("could the projector in classroom 102 be stopped", "off", ("cr-102-projector",)),
    ("madam kindly off the fans in room 101", "off", ("cr-101-fans",)),
    ("the ac in room 202 is still running, pls off it", "off", ("cr-202-ac",)),
    ("do the needful and on the lights in lab 3", "on", ("lab-3-lights",)),
])
def test_requests_without_a_switch_verb(rules: Parser, text: str, action: str, switches: tuple[str, ...]) -> None:
    command = rules.parse(text, now=NOW)
    assert (command.intent, command.action, command.switches, command.clarification) == (
        "device_control", action, switches, None), text


@pytest.mark.parametrize("text", ["we need a second projector in room 101", "lab 1 needs its fans repaired",
                                  "the fans in room 102 need to be cleaned", "room 201 ac is leaking pls"])
def test_a_wish_for_a_new_or_mended_device_is_no_order(rules: Parser, text: str) -> None:
    assert rules.parse(text, now=NOW).intent != "device_control", text


@pytest.mark.parametrize(("text", "action", "when"), [
    ("set the fans in lab 1 to come on at 8 pm", "on", dt.datetime(2026, 11, 26, 20, 0, tzinfo=TZ)),
    ("have the projector in room 201 go off at noon", "off", dt.datetime(2026, 11, 26, 12, 0, tzinfo=TZ)),
    ("give it ten minutes and then switch the lights in lab 2 off", "off", NOW + dt.timedelta(minutes=10)),
    ("wait an hour, then turn off the ac in room 102", "off", NOW + dt.timedelta(hours=1)),
])
def test_timed_orders_said_another_way(rules: Parser, text: str, action: str, when: dt.datetime) -> None:
    command = rules.parse(text, now=NOW)
    assert (command.intent, command.action, command.when, command.clarification) == (
        "device_control", action, when, None), text


def test_a_follow_up_moves_the_time_and_keeps_the_devices(rules: Parser) -> None:
    first = rules.parse("switch off the fans in lab 3 at 5 pm", now=NOW)
    for text, when in (("make that 6 pm", dt.datetime(2026, 11, 26, 18, 0, tzinfo=TZ)),
                       ("no, in 20 minutes instead", NOW + dt.timedelta(minutes=20))):
        moved = rules.parse(text, ParseContext(previous=first), now=NOW)
        assert (moved.intent, moved.action, moved.switches, moved.when) == (
            "device_control", "off", first.switches, when), text
    more = rules.parse("and the lights there at the same time", ParseContext(previous=first), now=NOW)
    assert (more.switches, more.when) == (("lab-3-lights",), first.when)
    # With no command before it, a bare time is nothing to act on.
    assert rules.parse("make that 6 pm", now=NOW).intent != "device_control"


def test_plural_numbered_rooms_and_the_whole_college(rules: Parser) -> None:
    labs = rules.parse("fans off in the computer labs", now=NOW)
    assert set(labs.rooms) == {"lab-1", "lab-2"}
    college = rules.parse("switch off every projector in the entire college", now=NOW)
    assert (college.clarification, len(college.rooms)) == (None, ALL_ROOMS)
    assert rules.parse("lights off in classrooms 201 and 202", now=NOW).rooms == ("cr-201", "cr-202")


@pytest.mark.parametrize(("text", "intent"), [
    ("is anything lined up for tomorrow", "schedule_query"),
    ("when's the next automatic switch-on", "schedule_query"),
    ("i'm new, what do i do first", "help"),
    ("how can i schedule something with you", "help"),
    ("how should i phrase a request to turn something on", "help"),
])
def test_schedule_and_help_phrasings(rules: Parser, text: str, intent: str) -> None:
    assert rules.parse(text, now=NOW).intent == intent, text


@pytest.mark.parametrize("text", ["i'm new in town, where do i start", "how do i reach the it help desk",
                                  "cancel that, just testing the bot", "please ignore my last message"])
def test_near_misses_of_help_and_cancel(demo: Parser, text: str) -> None:
    assert demo.parse(text, now=NOW).intent == "unknown", text


@pytest.mark.parametrize(("text", "intent"), [("switch off the fans in the hostel", "device_control"),
                                              ("is anything on in the canteen", "status_query")])
def test_a_kind_of_place_the_campus_lacks_is_asked_back(rules: Parser, text: str, intent: str) -> None:
    command = rules.parse(text, now=NOW)
    assert (command.intent, command.rooms, command.switches) == (intent, (), ()), text
    assert command.clarification is not None and not asks_only_for_room(command), command.clarification
    # A thing no campus has, in such a place, stays out of scope.
    assert rules.parse("switch on the treadmill in the gym", now=NOW).intent == "unknown"
