"""Orders that carry a reason ("..., because we don't need it", "... as nobody is using it") and a bare time right
after an untimed command ("make it 7", "at 7", "7 please"): branch text-reasons (issue 16)."""

from __future__ import annotations

import datetime as dt

import pytest

from nlu.command import AskReason, ParseContext
from nlu.parser import Parser

NOW = dt.datetime(2026, 11, 26, 10, 0)


@pytest.mark.parametrize("text,action,switches", [
    ("switch the projector off in room 102 because we don't need it any more", "off", ("cr-102-projector",)),
    ("turn the fans off in lab 2, we do not need them today", "off", ("lab-2-fans",)),
    ("please put the lights on in room 201 since the kids can't see the board", "on", ("cr-201-lights",)),
    ("kill the ac in classroom 202 as nobody is sitting there", "off", ("cr-202-ac",)),
    ("turn on the lights in lab 2 because the students can't read the board", "on", ("lab-2-lights",)),
    ("switch off the fans in 101, it's freezing in here", "off", ("cr-101-fans",)),
])
def test_an_order_with_a_reason_is_the_order(demo: Parser, text, action, switches) -> None:
    command = demo.parse(text, now=NOW)
    assert (command.intent, command.action, command.switches) == ("device_control", action, switches), command
    assert command.clarification is None


@pytest.mark.parametrize("text", [
    "don't switch off the projector in room 201 because the class is still on",
    "do not turn off the fans in lab 2, the students are working",
    "no need to switch the lights on in room 102 as it's bright",
    "switch off the fans in 101, don't switch off the lights",
])
def test_a_negated_order_with_a_reason_still_switches_nothing(demo: Parser, text) -> None:
    command = demo.parse(text, now=NOW)
    assert command.intent != "device_control" or command.action is None or "lights" in text, command
    if "lights" in text:  # two orders, the second negated: never both, never the lights
        assert "cr-101-lights" not in command.switches, command


@pytest.mark.parametrize("text", [
    "the fans are freezing me, lol",
    "switch off the tv in my room because my brother is sleeping",
    "turn the music on, the party can't start without it",
    "the kids turned the fans off because it was cold",
])
def test_chat_with_a_reason_is_still_out_of_scope(demo: Parser, text) -> None:
    command = demo.parse(text, now=NOW)
    if demo.judge is not None:
        assert command.intent == "unknown", command
    else:
        assert command.intent != "device_control" or command.clarification is not None, command


def test_a_place_in_a_reason_after_because_is_not_where_the_order_acts(rules: Parser) -> None:
    command = rules.parse("lights off in room 202 because the lecture moved to the seminar hall", now=NOW)
    assert command.rooms == ("cr-202",) and command.switches == ("cr-202-lights",), command
    command = rules.parse("switch on the ac in lab 2 since the computers are overheating", now=NOW)
    assert command.device_types == ("ac",) and command.switches == ("lab-2-ac",), command


def test_everyday_words_are_not_bent_into_campus_words(rules: Parser) -> None:
    # "wants" became "watts" (an energy question) and "blowing" "glowing".
    command = rules.parse("turn the projector on in lab 2, the teacher wants to show a video", now=NOW)
    assert (command.intent, command.action, command.switches) == ("device_control", "on", ("lab-2-projector",))
    assert rules.spell.fix("blowing") is None and rules.spell.fix("wants") is None


def after(parser: Parser, first: str, text: str, now: dt.datetime = NOW):
    before = parser.parse(first, now=now)
    assert before.intent == "device_control" or first.startswith("are "), before
    return parser.parse(text, ParseContext().after(before), now)


@pytest.mark.parametrize("text,hour,minute", [
    ("make it 7", 19, 0), ("at 7", 19, 0), ("7 please", 19, 0), ("at 7 then", 19, 0), ("ok make it 3", 15, 0),
    ("at 7:30", 19, 30), ("make it 7 pm", 19, 0), ("11 please", 11, 0),
])
def test_a_bare_time_after_an_untimed_command_is_that_command_at_the_next_such_time(demo: Parser, text, hour,
                                                                                     minute) -> None:
    command = after(demo, "turn off the lights in room 101", text)
    assert (command.intent, command.action, command.switches) == ("device_control", "off", ("cr-101-lights",)), command
    assert command.when is not None and command.clarification is None, command
    local = command.when.astimezone(dt.timezone(dt.timedelta(hours=5, minutes=30)))
    day = 26 if (hour, minute) > (10, 0) else 27  # the next such time from 10:00
    assert (local.day, local.hour, local.minute) == (day, hour, minute), command


def test_a_bare_time_already_past_today_after_an_untimed_command_asks_and_yes_is_tomorrow(demo: Parser) -> None:
    """"at 8 am" said at 10:00 was tomorrow's 8:00, unasked; since text-left5 a bare clock time passed today asks
    whether tomorrow's is meant, and "yes" gives it."""
    command = after(demo, "turn off the lights in room 101", "at 8 am")
    assert command.ask_reason == AskReason.PASSED_TODAY and command.switches == ("cr-101-lights",), command
    done = demo.parse("yes", ParseContext().after(command), NOW)
    local = done.when.astimezone(dt.timezone(dt.timedelta(hours=5, minutes=30)))
    assert done.clarification is None and (local.day, local.hour, local.minute) == (27, 8, 0), done


def test_a_bare_hour_that_would_fall_in_the_small_hours_is_asked_and_the_answer_taken(rules: Parser) -> None:
    afternoon = dt.datetime(2026, 11, 26, 14, 0)
    command = after(rules, "switch on the fans in classroom 202", "make it 1", afternoon)
    assert command.intent == "device_control" and command.clarification == "At 1 am or 1 pm?", command
    assert command.needs_time and command.switches == ("cr-202-fans",)
    answer = rules.parse("1 pm tomorrow", ParseContext().after(command), afternoon)
    assert answer.switches == ("cr-202-fans",) and answer.clarification is None, answer
    assert (answer.when.day, answer.when.hour) == (27, 13), answer


@pytest.mark.parametrize("first,text", [
    ("turn off the lights in room 101", "7"),  # a figure alone may answer anything
    ("turn off the lights in room 101", "make it 7 people"),
    ("turn off the lights in lab 1", "make it 2"),  # lab 2, or 2 o'clock?
    ("turn off the lights in room 101", "at 7 and 9"),
    ("are the lights on in room 101", "at 7"),  # a question before: nothing to time
])
def test_a_figure_that_may_be_something_else_switches_nothing(demo: Parser, first, text) -> None:
    command = after(demo, first, text)
    assert command.intent != "device_control" or command.clarification is not None, command


def test_at_a_time_after_a_room_named_by_a_small_figure_is_a_time(rules: Parser) -> None:
    command = after(rules, "turn off the lights in lab 1", "at 2")
    assert command.switches == ("lab-1-lights",) and command.when is not None and command.when.hour in (8, 14)
