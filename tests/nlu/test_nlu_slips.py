"""Issue 20's parse-level slips: asking versus switching, two times in one command, durations."""

from __future__ import annotations

import datetime as dt

import pytest

from nlu.parser import Parser
from tests.nlu.test_nlu_followups import NOW, demo  # noqa: F401 - fixture


@pytest.mark.parametrize("text, action, switches", [
    ("make sure the projector in room 101 is off", "off", ("cr-101-projector",)),
    ("please ensure the fans in lab 1 are switched off", "off", ("lab-1-fans",)),
    ("make sure the lights in room 102 are on", "on", ("cr-102-lights",)),
])
def test_make_sure_is_a_command(demo: Parser, text, action, switches) -> None:  # noqa: F811
    command = demo.parse(text, now=NOW)
    assert (command.intent, command.action, command.switches) == ("device_control", action, switches)


@pytest.mark.parametrize("text", ["are any switches on in block a", "are any lights on in lab 2",
                                  "tell me if there are any lights on in lab 2", "let me know if anything is on in room 101"])
def test_asking_whether_anything_is_on_is_a_question(demo: Parser, text) -> None:  # noqa: F811
    command = demo.parse(text, now=NOW)
    assert (command.intent, command.action) == ("status_query", None)


@pytest.mark.parametrize("text", ["when will the AC in room 101 turn off", "when does the projector in room 101 switch on"])
def test_when_will_it_switch_is_a_schedule_question(demo: Parser, text) -> None:  # noqa: F811
    command = demo.parse(text, now=NOW)
    assert (command.intent, command.action, command.operation) == ("schedule_query", None, "list")


def test_two_times_in_one_command_ask(demo: Parser) -> None:  # noqa: F811
    command = demo.parse("turn off the lights in room 101 at 5pm tomorrow and the fans at 6", now=NOW)
    assert command.intent == "device_control" and command.clarification and "2 times" in command.clarification


@pytest.mark.parametrize("text, lasts", [("turn the AC on for an hour in room 101", dt.timedelta(hours=1)),
                                         ("switch on the fans in lab 1 for 30 minutes", dt.timedelta(minutes=30)),
                                         ("put the heater in the staff room on for half an hour", dt.timedelta(minutes=30))])
def test_a_duration_says_when_to_switch_back(demo: Parser, text, lasts) -> None:  # noqa: F811
    command = demo.parse(text, now=NOW)
    assert command.clarification is None and command.action == "on"
    assert command.until is not None and command.until - NOW.replace(tzinfo=command.until.tzinfo) == lasts
    assert command.to_dict()["until"] == command.until.isoformat()
    # At 9 pm: 9 am has passed at 10:00, and a bare passed clock time asks since text-left5.
    later = demo.parse("switch on the fans in lab 1 at 9 pm for 2 hours", now=NOW)
    assert later.until - later.when == dt.timedelta(hours=2)


def test_a_duration_on_a_day_without_a_time_is_asked_for_with_its_time(demo: Parser) -> None:  # noqa: F811
    from nlu.command import ParseContext

    asked = demo.parse("turn on the ac in lab 2 on monday for an hour", now=NOW)
    assert asked.needs_time and "for an hour" in asked.clarification and asked.until is None
    answer = demo.parse("at 9 am for an hour", ParseContext().after(asked), NOW)
    assert answer.clarification is None and answer.when.hour == 9 and answer.until - answer.when == dt.timedelta(hours=1)
