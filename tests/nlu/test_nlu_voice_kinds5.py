"""Typed kinds found through the fourth spoken part (branch voice-kinds5): three of its sentences switched the wrong
thing without a question as typed ("correction" as a self-correction, "let me start again", "p m" spelt apart), and
"room a hundred and two" named a room "A". None of these sentences is in the corpus."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from nlu.parser import Parser
from nlu.textnorm import tokens

TZ = ZoneInfo("Asia/Kolkata")
NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=TZ)


# `demo` (rules alone and judged) and `rules` come from tests/nlu/conftest.py.


def _switched(c) -> tuple[str | None, str | None, tuple[str, ...]]:
    return c.intent, c.action, tuple(sorted(s for s in c.switches))


@pytest.mark.parametrize("text, room", [
    ("the AC on in room 201, uh, correction, room 202", "cr-202"),
    ("lights off in lab two, correction, lab one", "lab-1"),
])
def test_correction_takes_back_the_room_before_it(demo: Parser, text: str, room: str) -> None:
    c = demo.parse(text, now=NOW)
    assert c.intent == "device_control" and c.rooms == (room,), c
    assert c.clarification is None, c


def test_correction_as_a_plain_word_corrects_nothing(demo: Parser) -> None:
    c = demo.parse("I need to make a correction to the fan schedule", now=NOW)
    assert not (c.intent == "device_control" and c.clarification is None), c


def test_a_marker_right_before_another_leaves_it_the_correction(demo: Parser) -> None:
    # "no wait" followed by "make that": the time named before is the one replaced, no question.
    c = demo.parse("in thirty minutes, no wait, make that fifteen, switch off the fans in room 102", now=NOW)
    assert c.clarification is None and c.when == NOW + dt.timedelta(minutes=15), c


@pytest.mark.parametrize("text, action, switch", [
    ("switch on, hmm, let me start over, switch off the lights in room 101", "off", "cr-101-lights"),
    ("can you turn on, let me rephrase that, turn the fans off in lab 2", "off", "lab-2-fans"),
])
def test_a_restart_takes_back_what_came_before(demo: Parser, text: str, action: str, switch: str) -> None:
    c = demo.parse(text, now=NOW)
    assert c.intent == "device_control" and c.action == action and switch in c.switches, c


def test_a_restart_with_nothing_after_it_switches_nothing(demo: Parser) -> None:
    c = demo.parse("turn the AC on in room 201, actually scratch that", now=NOW)
    assert c.intent != "device_control" or c.clarification is not None, c


def test_start_again_alone_is_not_a_restart(rules: Parser) -> None:
    # No "let me": "start" here may be the order itself; the message is read as before (not cut short).
    c = rules.parse("start the fans again in lab 1", now=NOW)
    assert (c.intent, c.action) == ("device_control", "on"), c


@pytest.mark.parametrize("text, hour", [
    ("switch the AC on in room 201 at seven p m", 19),
    ("the lights in the seminar hall on from five to eight p m", 17),
    ("turn the fans off in lab 1 at 6 a m tomorrow", 6),
])
def test_am_pm_spelt_apart_after_a_number(demo: Parser, text: str, hour: int) -> None:
    c = demo.parse(text, now=NOW)
    assert c.when is not None and c.when.hour == hour, c


def test_a_and_p_join_only_after_a_number() -> None:
    assert tokens("at nine p m") == ["at", "9", "pm"]
    assert tokens("is plan a m okay") == ["is", "plan", "a", "m", "okay"]
    assert tokens("give me a p m") == ["give", "me", "a", "p", "m"]


@pytest.mark.parametrize("text, room", [
    ("lights on in room a hundred and one", "cr-101"),
    ("classroom a hundred and two, fans off", "cr-102"),
])
def test_room_a_hundred_and_n(demo: Parser, text: str, room: str) -> None:
    c = demo.parse(text, now=NOW)
    assert c.rooms == (room,) and c.clarification is None, c


@pytest.mark.parametrize("text, room", [
    ("what is running in lab 2 at the moment", "lab-2"),
    ("tell me what's on in the reading hall at the moment", "reading-hall"),
])
def test_at_the_moment_is_now(demo: Parser, text: str, room: str) -> None:
    c = demo.parse(text, now=NOW)
    assert (c.intent, c.rooms) == ("status_query", (room,)), c


def test_at_the_moment_keeps_chat_out_of_scope(demo: Parser) -> None:
    assert demo.parse("what are you up to at the moment", now=NOW).intent == "unknown"


@pytest.mark.parametrize("text, action, switch", [
    ("it would be great if the lights in lab 1 were switched off", "off", "lab-1-lights"),
    ("we'd be grateful if the AC in the seminar hall was turned on", "on", "seminar-hall-ac-1"),
])
def test_a_wish_said_as_a_condition_is_a_request(demo: Parser, text: str, action: str, switch: str) -> None:
    c = demo.parse(text, now=NOW)
    assert (c.intent, c.action) == ("device_control", action) and switch in c.switches, c


@pytest.mark.parametrize("text", ["do you know if the lights in lab 2 were turned off",
                                  "can you check if the fans in room 101 were switched off"])
def test_asking_whether_something_was_switched_stays_a_question(demo: Parser, text: str) -> None:
    assert demo.parse(text, now=NOW).intent == "status_query"


@pytest.mark.parametrize("text", [
    "this is the AC off in the principal's office",  # espeak-ng's "is the heater off ..." heard with a stray word
    "it is the projector on in lab 2",
    "it is everything off in room 101",
])
def test_a_stray_word_before_is_the_device_on_or_off_leaves_a_question(demo: Parser, text: str) -> None:
    c = demo.parse(text, now=NOW)
    assert c.intent == "status_query" and c.action is None, c


@pytest.mark.parametrize("text, action", [
    ("this is the seminar hall, switch off the lights", "off"),
    ("it is the AC in room 202, turn it on", "on"),
])
def test_an_order_after_this_is_stays_an_order(demo: Parser, text: str, action: str) -> None:
    c = demo.parse(text, now=NOW)
    assert (c.intent, c.action) == ("device_control", action), c


def test_that_is_all_stays_chat(demo: Parser) -> None:
    # espeak-ng's "that's all for now, thank you" heard "and that is all for help thank you": no device, no question.
    assert demo.parse("and that is all for help thank you", now=NOW).intent == "unknown"


@pytest.mark.parametrize("text", [
    "the projector in room 202 is going to switch off",
    "the lights in the reading hall are going to go on",
    "someone is the heater in the staff room going to go off",  # Whisper's "um when is ..." heard "someone is ..."
    "i am one of the fans in room 101 going to go off",  # and heard "i am one of ..." (10 dB), switched unasked
])
def test_what_a_device_is_going_to_do_is_no_order(demo: Parser, text: str) -> None:
    c = demo.parse(text, now=NOW)
    assert c.intent == "schedule_query" and c.action is None, c


@pytest.mark.parametrize("text", ["we are going to switch off the fans in lab 2",
                                  "room 201 is going to get hot, switch on the fans"])
def test_the_speakers_own_plan_or_an_order_after_it_stays(demo: Parser, text: str) -> None:
    assert demo.parse(text, now=NOW).intent == "device_control"


@pytest.mark.parametrize("text, switches", [
    ("turn the lights on in there, computer lab 2 I mean", ("lab-2-lights",)),
    ("switch off the fans in room 101, room 102 I mean", ("cr-102-fans",)),
])
def test_i_mean_said_last_names_what_is_meant(demo: Parser, text: str, switches: tuple[str, ...]) -> None:
    c = demo.parse(text, now=NOW)
    assert c.intent == "device_control" and tuple(sorted(c.switches)) == switches and c.clarification is None, c


def test_i_mean_said_last_after_no_mention_corrects_nothing(demo: Parser) -> None:
    assert demo.parse("you know what I mean", now=NOW).intent == "unknown"


@pytest.mark.parametrize("text", ["the projector on my head is running over time today",  # Piper 10 dB, accepted
                                  "the fan in my mind keeps spinning"])
def test_a_device_in_ones_head_is_no_campus_device(demo: Parser, text: str) -> None:
    assert demo.parse(text, now=NOW).intent == "unknown"


def test_my_head_office_is_still_a_place_to_ask_about(demo: Parser) -> None:
    assert demo.parse("turn on the lights in my head office", now=NOW).intent == "device_control"
