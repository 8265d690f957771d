"""Kinds of message issue 16's ninth fresh held-out read missed (branch text-kinds10), in words of their own: none of
these sentences is in the corpus. Safety kinds first: each of those switched something, or at a time, not asked for."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from nlu.command import ParseContext
from nlu.parser import Parser

TZ = ZoneInfo("Asia/Kolkata")
NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=TZ)
CORPUS = Path(__file__).resolve().parents[2] / "nlu" / "corpus"
ALL_ROOMS = 13  # rooms of the demo campus


# `demo` (rules alone and judged) and `rules` come from tests/nlu/conftest.py.


def _after(parser: Parser, first: str, text: str):
    return parser.parse(text, ParseContext(previous=parser.parse(first, now=NOW)), NOW)


# ------------------------------------------------------------------------------------------- safety first
def test_on_campus_is_where_not_the_switch_state(demo: Parser) -> None:
    # "on" before "campus" was read as the action: every AC went on instead of off.
    command = demo.parse("ACs on campus off at 6:30 pm please", now=NOW)
    assert command.intent == "device_control" and command.action == "off", command
    assert len(command.rooms) == ALL_ROOMS and command.when == dt.datetime(2026, 11, 26, 18, 30, tzinfo=TZ), command
    assert demo.parse("turn on the fans on the campus at 9 am tomorrow", now=NOW).action == "on"
    assert demo.parse("switch on campus lights in block a", now=NOW).action == "on"  # "on" right after the verb


def test_a_switch_verb_told_of_the_past_is_not_the_order(demo: Parser) -> None:
    # "shut" of "has been shut" was taken as the order: the AC was switched off instead of on.
    command = demo.parse("the principal's office has been shut for days and it is hot, could you switch the fan on",
                         now=NOW)
    assert command.intent == "device_control" and command.action == "on", command
    assert command.switches == ("principal-office-fan",), command


@pytest.mark.parametrize("text, room", [
    ("fans on in classroom 201, scratch that, classroom 202", "cr-202"),
    ("projector off in lab 2, strike that, lab 1", "lab-1"),
])
def test_scratch_that_takes_the_first_place_back(demo: Parser, text: str, room: str) -> None:
    command = demo.parse(text, now=NOW)
    assert command.intent == "device_control" and command.rooms == (room,), command


def test_scratch_that_with_nothing_after_switches_nothing(rules: Parser) -> None:
    # The order is taken back and nothing replaces it: no switch (the voice pass reads it as nothing asked for).
    command = rules.parse("switch on the ac in lab 2, scratch that", now=NOW)
    assert command.intent != "device_control" or command.clarification is not None, command


def test_that_one_after_a_question_is_the_device_asked_about(demo: Parser) -> None:
    # Everything in the room was switched off.
    command = _after(demo, "is the fan on in room 201", "alright, switch that one off")
    assert (command.intent, command.action, command.switches) == ("device_control", "off", ("cr-201-fans",)), command
    command = _after(demo, "is the ac running in lab 1", "turn this off then")
    assert command.switches == ("lab-1-ac",), command


@pytest.mark.parametrize("text", [
    "nobody should switch on the heater in the staff room",
    "no one must turn off the projector in room 101",
    "nobody is supposed to turn the fans on in lab 2",
])
def test_a_rule_for_people_is_no_order(demo: Parser, text: str) -> None:
    command = demo.parse(text, now=NOW)
    assert command.intent == "unknown" and not command.switches, command


def test_nobody_there_and_an_order_is_still_an_order(rules: Parser) -> None:
    command = rules.parse("nobody is in room 102 now, turn off the lights", now=NOW)
    assert command.intent == "device_control" and command.switches == ("cr-102-lights",), command


@pytest.mark.parametrize("text", ["we have put the heater on in the staff room", "I've shut the lab 1 projector"])
def test_have_put_or_shut_tells_what_was_done(demo: Parser, text: str) -> None:
    command = demo.parse(text, now=NOW)
    assert command.intent == "unknown" and not command.switches, command


def test_on_until_a_time_is_on_now_and_off_then(rules: Parser) -> None:
    # It switched on at 6 pm only (and "till" was bent into "still").
    command = rules.parse("keep the ac in lab 1 running till 6 pm", now=NOW)
    assert command.action == "on" and command.when is None, command
    assert command.until == dt.datetime(2026, 11, 26, 18, 0, tzinfo=TZ), command
    off = rules.parse("keep the projector in room 101 off until 1 pm", now=NOW)
    assert off.action == "off" and off.when is None and off.until is None, off  # nothing switched back on unasked
    later = rules.parse("wait until 3 pm and then turn off the fans in lab 2", now=NOW)
    assert later.when == dt.datetime(2026, 11, 26, 15, 0, tzinfo=TZ) and later.until is None, later


@pytest.mark.parametrize("text", [
    "switch the projector on in the seminar hall when the chief guest arrives",
    "turn off the fans in room 102 once the kids go",
    "put the ac on in lab 1 when the students come",
])
def test_people_coming_or_going_is_a_time_to_ask(demo: Parser, text: str) -> None:
    command = demo.parse(text, now=NOW)
    assert command.intent == "device_control" and command.clarification == "At what time?", command


def test_now_said_beside_people_coming_switches_now(rules: Parser) -> None:
    command = rules.parse("switch on the fans in room 101 now so it is cool when the students come", now=NOW)
    assert command.clarification is None and command.when is None and command.switches == ("cr-101-fans",), command


def test_before_an_event_is_now_as_the_corpus_labels_it(rules: Parser) -> None:
    # Every writer labels "before the practical" as now (a time before it); it is not asked.
    command = rules.parse("switch on the lights in lab 2 before the practical starts", now=NOW)
    assert command.clarification is None and command.switches == ("lab-2-lights",), command


# ------------------------------------------------------------------------------------------- other kinds
def test_since_of_a_state_is_not_the_orders_time(rules: Parser) -> None:
    command = rules.parse("the lights in lab 2 are on since morning, pls off them", now=NOW)
    assert command.action == "off" and command.clarification is None and command.switches == ("lab-2-lights",), command


def test_a_figure_after_a_vague_time_is_the_time(rules: Parser) -> None:
    command = rules.parse("turn off the ac in lab 2 in a while, say 20 minutes", now=NOW)
    assert command.when == NOW + dt.timedelta(minutes=20) and command.clarification is None, command


def test_hours_within_a_part_of_a_day_are_a_window(rules: Parser) -> None:
    command = rules.parse("the fans in lab 1 should be on between 4 and 5 this evening", now=NOW)
    assert command.when == dt.datetime(2026, 11, 26, 16, 0, tzinfo=TZ), command
    assert command.until == dt.datetime(2026, 11, 26, 17, 0, tzinfo=TZ), command


def test_no_wait_make_it_is_one_correction(rules: Parser) -> None:
    command = rules.parse("lights off in lab 1 at 4, no wait, make it 5", now=NOW)
    assert command.when == dt.datetime(2026, 11, 26, 17, 0, tzinfo=TZ) and command.clarification is None, command


def test_i_mean_and_the_order_again_is_no_correction(rules: Parser) -> None:
    command = rules.parse("silence the seminar hall sound system, i mean turn it off", now=NOW)
    assert command.action == "off" and command.clarification is None, command
    # An on/off said before that the words after contradict still asks.
    assert rules.parse("turn on the lights in lab 1, i mean switch them off", now=NOW).clarification is not None


def test_the_same_week_after_a_question_is_its_period(demo: Parser) -> None:
    command = _after(demo, "what did room 101 use last week", "and room 102 for the same week?")
    assert command.intent == "energy_query" and command.rooms == ("cr-102",), command
    assert command.period is not None and command.period.start == dt.datetime(2026, 11, 16, tzinfo=TZ), command


def test_chat_days_in_digits(rules: Parser) -> None:
    command = rules.parse("how much did lab 3 use 2day", now=NOW)
    assert command.intent == "energy_query" and command.period.start == dt.datetime(2026, 11, 26, tzinfo=TZ), command


@pytest.mark.parametrize("text", ["is any device down in the auditorium", "did something trip in room 201"])
def test_boards_down_and_trips_ask_for_alerts(demo: Parser, text: str) -> None:
    assert demo.parse(text, now=NOW).intent == "alerts_query"


@pytest.mark.parametrize("text", ["what am i supposed to do with this bot exactly",
                                  "can anyone explain what i can type in here"])
def test_help_in_other_words(demo: Parser, text: str) -> None:
    assert demo.parse(text, now=NOW).intent == "help"


@pytest.mark.parametrize("text", ["switch off notifications from this bot please", "turn on the ac in my cab",
                                  "heat my dosa in the staff room microwave"])
def test_the_chats_settings_a_car_and_heating_food_are_out_of_scope(demo: Parser, text: str) -> None:
    command = demo.parse(text, now=NOW)
    assert command.intent == "unknown" and not command.switches, command


def test_audi_is_the_auditorium_but_not_ones_car(rules: Parser) -> None:
    assert rules.parse("fans off in the audi", now=NOW).rooms == ("auditorium",)
    assert rules.parse("switch on the heater in my audi", now=NOW).rooms == ()


def test_the_new_lines_are_in_dev() -> None:
    dev = (CORPUS / "dev.txt").read_text(encoding="utf-8")
    assert "Formerly held out, the ninth fresh part" in dev and "Thirteenth pass (text-kinds10)" in dev
