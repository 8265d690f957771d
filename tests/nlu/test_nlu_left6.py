"""What the text parser still left (branch text-left6, issue 16), in words of their own (none of these sentences is in
the corpus): a clock time passed today with a length asks as a bare one does and its answer keeps the length; a room
said by a description that fits several ("the first floor lab") asks which room, whatever the context; Hinglish
state questions about places the campus lacks are asked back, about its rooms answered. Rules alone and judged."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from nlu.command import AskReason, ParseContext
from nlu.described_places import described_place
from nlu.parser import Parser
from nlu.textnorm import tokens

TZ = ZoneInfo("Asia/Kolkata")
NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=TZ)  # a Thursday, the corpus's reading time
TODAY_AT = lambda h, m=0: dt.datetime(2026, 11, 26, h, m, tzinfo=TZ)  # noqa: E731
TOMORROW_AT = lambda h, m=0: dt.datetime(2026, 11, 27, h, m, tzinfo=TZ)  # noqa: E731


# ---- 1. a passed clock time with a length

@pytest.mark.parametrize("text, hour, minute, length, said", [
    ("put the lab 1 fans on at 6:30 am for an hour", 6, 30, dt.timedelta(hours=1), "for 1 hour"),
    ("run the staff room ac for 20 minutes from 8 am", 8, 0, dt.timedelta(minutes=20), "for 20 minutes"),
    ("switch the seminar hall projector on at 9 for two hours in the morning", 9, 0, dt.timedelta(hours=2),
     "for 2 hours"),
])
def test_a_passed_time_with_a_length_asks_and_offers_tomorrow_with_it(demo: Parser, text, hour, minute, length, said):
    command = demo.parse(text, now=NOW)
    assert command.ask_reason == AskReason.PASSED_TODAY and command.needs_time and command.switches, command
    assert command.when == TODAY_AT(hour, minute) and command.until == TODAY_AT(hour, minute) + length, command
    assert f"tomorrow at {hour:02d}:{minute:02d} {said}" in command.clarification, command.clarification
    assert "how long" not in command.clarification, command.clarification  # the length is not asked again


@pytest.mark.parametrize("answer, when, until", [
    ("yes", TOMORROW_AT(7), TOMORROW_AT(8)),
    ("sure", TOMORROW_AT(7), TOMORROW_AT(8)),
    ("tomorrow", TOMORROW_AT(7), TOMORROW_AT(8)),
    ("at 3 pm", TODAY_AT(15), TODAY_AT(16)),  # another time: the length asked with it still goes
    ("at 3 pm for 2 hours", TODAY_AT(15), TODAY_AT(17)),  # a length of its own wins
    ("now", None, TODAY_AT(11)),
])
def test_the_answer_keeps_the_length(demo: Parser, answer, when, until):
    asked = demo.parse("turn on the room 201 ac at 7 am for an hour", now=NOW)
    done = demo.parse(answer, ParseContext(previous=asked), now=NOW)
    assert done.intent == "device_control" and done.clarification is None and done.action == "on", done
    assert done.switches == ("cr-201-ac",) and done.when == when and done.until == until, done


def test_a_passed_time_of_a_day_named_offers_now_with_its_length(demo: Parser):
    # "this morning" names today, so "now" is offered (not tomorrow), with the length: "yes" switched on with no end.
    asked = demo.parse("turn on the room 201 ac at 7 this morning for an hour", now=NOW)
    assert asked.ask_reason == AskReason.TIME_PASSED and asked.offers_now, asked
    assert "Should I do it now for 1 hour, or at what time?" in asked.clarification, asked.clarification
    done = demo.parse("yes", ParseContext(previous=asked), now=NOW)
    assert done.clarification is None and done.when is None and done.until == TODAY_AT(11), done


def test_a_time_still_ahead_with_a_length_is_scheduled(demo: Parser):
    command = demo.parse("turn on the room 201 ac at 11 am for an hour", now=NOW)
    assert command.clarification is None and command.when == TODAY_AT(11) and command.until == TODAY_AT(12), command


# ---- 2. a room said by a description that fits several

@pytest.mark.parametrize("text", [
    "turn off the lights in the first floor lab",
    "switch the fans on in the ground floor classroom",  # "ground" was bent to "around"
    "put the AC off in the lab upstairs",
    "projector off in the downstairs classroom",
    "switch on the lights in the big lab",
    "turn off the fans in the classroom on the second floor",
    "lights off in the west wing lab",
])
def test_a_described_room_order_asks_which_room_whatever_the_context(demo: Parser, text):
    after_lab_2 = demo.parse("turn on the fans in lab 2", now=NOW)
    for context in (None, ParseContext(user_rooms=("lab-3",)), ParseContext(previous=after_lab_2)):
        # It switched the user's one room, or the last command's room (text-left6).
        command = demo.parse(text, context, now=NOW)
        assert command.intent == "device_control" and command.ask_reason == AskReason.WHICH_ROOM, (context, command)
        assert not command.rooms and not command.switches, (context, command)


@pytest.mark.parametrize("text, intent", [
    ("are the fans running in the first floor lab", "status_query"),  # answered for every fan on campus
    ("is anything on in the lab upstairs", "status_query"),
    ("is the projector on in the big classroom", "status_query"),
    ("how much energy did the top floor lab use today", "energy_query"),
    ("what is scheduled for the ground floor classroom", "schedule_query"),
])
def test_a_question_about_a_described_room_asks_which_room(demo: Parser, text, intent):
    command = demo.parse(text, now=NOW)
    assert command.intent == intent and command.ask_reason == AskReason.WHICH_ROOM and not command.rooms, command
    assert "Which room do you mean by the " in command.clarification, command


@pytest.mark.parametrize("text, rooms", [
    ("turn off the lights in lab 3 on the first floor", ("lab-3",)),  # a campus room named: the floor is a remark
    ("is the AC on in room 202 on the second floor", ("cr-202",)),
    ("switch off the lights in the main hall", ("auditorium",)),  # "main hall" is the auditorium's name
    ("turn on the projector in the seminar hall upstairs", ("seminar-hall",)),
])
def test_a_named_room_with_a_description_is_that_room(demo: Parser, text, rooms):
    command = demo.parse(text, now=NOW)
    assert command.clarification is None and command.rooms == rooms, command


def test_the_description_found_in_the_tokens():
    assert described_place(tokens("in the first floor lab"), ()) == (2, 5)
    assert described_place(tokens("in the lab on the second floor"), ()) == (2, 7)
    assert described_place(tokens("the classroom upstairs"), ()) == (1, 3)
    assert described_place(tokens("the 2nd floor lab"), ()) == (1, 4)
    for text in ("in the lab", "the big light in room 101", "the second floor is cold", "the floor of the lab"):
        assert described_place(tokens(text), ()) is None, text


# ---- 3. Hinglish state questions

@pytest.mark.parametrize("text, types", [
    ("canteen AC chalu hai kya check karo", ("ac",)),
    ("canteen mein fans on hai kya", ("fan",)),
    ("dekho hostel mein lights on hai", ("light",)),
    ("gym ki lights on hai na", ("light",)),
    ("parking ka fan chalu hai ya nahi", ("fan",)),
])
def test_a_hinglish_state_question_about_a_place_the_campus_lacks_is_asked_back(demo: Parser, text, types):
    command = demo.parse(text, now=NOW)
    assert command.intent == "status_query" and command.ask_reason == AskReason.UNKNOWN_PLACE, command
    assert command.device_types == types and not command.rooms and not command.switches, command


def test_an_off_state_asked_of_a_place_the_campus_lacks(rules: Parser, demo: Parser):
    # The rules ask it back; the judge may refuse it ("band" is a music band in chat: 'parking ki lights band hai na'
    # stays refused after the retrain, dev), never an order.
    command = rules.parse("gym ki lights band hai na", now=NOW)
    assert command.intent == "status_query" and command.ask_reason == AskReason.UNKNOWN_PLACE, command
    judged = demo.parse("gym ki lights band hai na", now=NOW)
    assert judged.intent in ("status_query", "unknown") and not judged.switches and judged.action is None, judged


@pytest.mark.parametrize("text, switches", [
    ("room 102 ki lights band hai na", ("cr-102-lights",)),  # "... hai na" was out of scope
    ("lab 1 ka projector chalu hai na", ("lab-1-projector",)),
    ("auditorium ka projector on hai kya dekh lo", ("auditorium-projector",)),  # "dekh lo" made it the order "on"
    ("zara dekho staff room ke fans chalu hai kya", ("staff-room-fans",)),
])
def test_a_hinglish_state_question_about_a_campus_room_is_answered(demo: Parser, text, switches):
    command = demo.parse(text, now=NOW)
    assert command.intent == "status_query" and command.clarification is None, command
    assert command.switches == switches and command.action is None, command


@pytest.mark.parametrize("text, action", [
    ("canteen ka AC band kar do", "off"),  # near misses: orders stay orders, asked back about the place
    ("gym ke fans chalu karo", "on"),
])
def test_a_hinglish_order_about_a_place_the_campus_lacks_stays_an_order(demo: Parser, text, action):
    command = demo.parse(text, now=NOW)
    assert command.intent == "device_control" and command.action == action, command
    assert command.ask_reason == AskReason.UNKNOWN_PLACE and not command.switches, command
