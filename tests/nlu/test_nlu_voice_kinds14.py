"""Typed kinds of the thirteenth spoken part's failures (branch voice-kinds14), as rules. None of these sentences is in
the corpus; each kind has sentences where the same words keep their outcome."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from nlu.command import AskReason
from nlu.numbers import normalize_numbers
from nlu.parser import Parser

NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo("Asia/Kolkata"))  # a Thursday


# `demo` (rules alone and judged) and `rules` come from tests/nlu/conftest.py.


@pytest.mark.parametrize("text, switches", [
    ("erm power down the AC in room 202", ("cr-202-ac",)),
    ("umm shut the fans in room one zero one", ("cr-101-fans",)),
    ("eh put the projector on in the seminar hall", ("seminar-hall-projector",)),
])
def test_a_hesitation_first_is_no_persons_name(demo: Parser, text: str, switches: tuple[str, ...]) -> None:
    # "umm power off the projector in the physics lab" was refused: "umm" (no known word) was taken for a name, as in
    # "Ravi shut the projector", a person's doing told.
    c = demo.parse(text, now=NOW)
    assert c.intent == "device_control" and c.switches == switches and c.clarification is None, c


def test_a_name_first_is_still_told(rules: Parser) -> None:
    assert rules.parse("Meena shut the projector in the seminar hall", now=NOW).intent == "unknown"


@pytest.mark.parametrize("text, switch", [
    ("room 102 ki lights on hai ya off", "cr-102-lights"),
    ("staff room ka heater chalu hai ya band", "staff-room-heater"),
    ("lab 1 ke fans on hai ya nahi", "lab-1-fans"),
    ("room 201 ka AC off ya on hai", "cr-201-ac"),
])
def test_hinglish_either_or_asks_the_state(demo: Parser, text: str, switch: str) -> None:
    # "lab one ka AC on hai ya off" (is it on or off) switched the AC on, unasked.
    c = demo.parse(text, now=NOW)
    assert c.intent == "status_query" and c.action is None and c.switches == (switch,), c


@pytest.mark.parametrize("text, action", [("room 102 ki lights on kar do", "on"), ("lab 1 ke fans band karo", "off")])
def test_hinglish_orders_stay_orders(demo: Parser, text: str, action: str) -> None:
    c = demo.parse(text, now=NOW)
    assert c.intent == "device_control" and c.action == action, c


@pytest.mark.parametrize("said, heard", [
    ("in room one oh two five minutes from now", ["in", "room", "102", "5", "minutes", "from", "now"]),
    ("in room two zero one ten minutes", ["in", "room", "201", "10", "minutes"]),
    ("room one hundred and one twenty minutes from now", ["room", "101", "20", "minutes", "from", "now"]),
])
def test_a_room_said_digit_by_digit_then_a_delay(said: str, heard: list[str]) -> None:
    # "... in room one oh one five minutes from now" was room 1015 (unknown) and the delay lost.
    assert normalize_numbers(said.split()) == heard


@pytest.mark.parametrize("said, heard", [
    ("at nine hundred hours", ["at", "0900", "hours"]),
    ("for twenty five minutes", ["for", "25", "minutes"]),
    ("one oh one", ["101"]),
])
def test_other_numbers_before_a_unit_keep_their_reading(said: str, heard: list[str]) -> None:
    assert normalize_numbers(said.split()) == heard


def test_the_delay_after_a_room_is_kept(demo: Parser) -> None:
    c = demo.parse("switch the AC off in room two oh two fifteen minutes from now", now=NOW)
    assert c.switches == ("cr-202-ac",) and c.when == NOW + dt.timedelta(minutes=15), c


@pytest.mark.parametrize("text, room", [
    ("could you check the staff room for me", "staff-room"),
    ("check on room 201", "cr-201"),
    ("can you check up on lab 3 please", "lab-3"),
])
def test_check_a_place_asks_its_state(demo: Parser, text: str, room: str) -> None:
    # "check the physics lab for me" was refused.
    c = demo.parse(text, now=NOW)
    assert c.intent == "status_query" and c.rooms == (room,), c


@pytest.mark.parametrize("text", ["check the wiring in lab 2", "check my email in the staff room"])
def test_checking_a_thing_in_a_place_is_not_its_state(rules: Parser, text: str) -> None:
    assert rules.parse(text, now=NOW).intent != "status_query"


def test_a_story_then_can_you_check_asks_the_state(demo: Parser) -> None:
    # "I think somebody left the projector on in two oh two, can you check" was refused as a story told.
    c = demo.parse("I reckon somebody left the AC running in room 101, could you check", now=NOW)
    assert c.intent == "status_query" and c.switches == ("cr-101-ac",), c


@pytest.mark.parametrize("text", ["somebody left the AC running in room 101, I'll check tomorrow",
                                  "somebody left the AC running in room 101"])
def test_a_story_alone_is_still_told(rules: Parser, text: str) -> None:
    assert rules.parse(text, now=NOW).intent == "unknown"


def test_check_if_keeps_a_place_the_campus_lacks(demo: Parser) -> None:
    # "just check if the AC in the canteen is on" answered the AC for the whole campus, the canteen dropped.
    c = demo.parse("please check whether the lights in the hostel are off", now=NOW)
    assert c.intent == "status_query" and c.ask_reason == AskReason.UNKNOWN_PLACE, c


def test_a_room_after_from_is_no_clock_time(demo: Parser) -> None:
    # "how many units should we expect from two oh two next Monday" read "from 2:02".
    c = demo.parse("what should we expect from one oh two tomorrow in units", now=NOW)
    assert c.rooms == ("cr-102",), c
    assert normalize_numbers("keep it on from two oh five to three".split())[4] == "2:05"


def test_the_coming_week_is_the_seven_days_ahead(demo: Parser) -> None:
    c = demo.parse("forecast for the reading hall over the coming week", now=NOW)
    assert c.intent == "forecast_query" and (c.period.start.date(), c.period.end.date()) == (
        dt.date(2026, 11, 27), dt.date(2026, 12, 4)), c
    week = demo.parse("forecast for the reading hall next week", now=NOW).period
    assert (week.start.date(), week.end.date()) == (dt.date(2026, 11, 30), dt.date(2026, 12, 7))


def test_flagged_asks_for_alerts(demo: Parser) -> None:
    c = demo.parse("has anything been flagged in lab one", now=NOW)
    assert c.intent == "alerts_query" and c.rooms == ("lab-1",), c


@pytest.mark.parametrize("text", ["so what tasks you can take care of", "what are the things the bot can tell me",
                                  "ok before I start, how does this work"])
def test_what_the_bot_can_do_asks_for_help(demo: Parser, text: str) -> None:
    assert demo.parse(text, now=NOW).intent == "help"


def test_before_i_start_keeps_a_later_order(demo: Parser) -> None:
    c = demo.parse("before I start the lab, switch on the fans in lab 2", now=NOW)
    assert c.intent == "device_control" and c.action == "on" and c.switches == ("lab-2-fans",), c


@pytest.mark.parametrize("text, intent", [("cool, talk to you later", "unknown"), ("how should I talk to you", "help")])
def test_talk_to_you_later_takes_leave(demo: Parser, text: str, intent: str) -> None:
    # "okay bye, talk to you later" was answered with the help text.
    assert demo.parse(text, now=NOW).intent == intent


def test_since_when_is_no_period_of_a_switch_in_a_place_lacking(demo: Parser) -> None:
    c = demo.parse("the fans in the gym have been on since morning, turn those off", now=NOW)
    assert c.ask_reason == AskReason.UNKNOWN_PLACE and c.period is None, c
