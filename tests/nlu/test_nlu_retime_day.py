"""A new clock time for the previous command keeps that command's day ("make that 6 pm" after "tomorrow at 5 pm")."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from nlu.command import AskReason, ParseContext
from nlu.parser import Parser

NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo("Asia/Kolkata"))


@pytest.mark.parametrize("first, edit, day, hour, minute", [
    ("turn off the lights in classroom 101 tomorrow at 5 pm", "make that 6 pm", 27, 18, 0),
    ("turn off the lights in classroom 101 tomorrow at 5 pm", "make it 18:30", 27, 18, 30),
    ("turn off the lights in classroom 101 at 5 pm", "make that 6 pm", 26, 18, 0),
    # A delay counts from now.
    ("turn off the lights in classroom 101 tomorrow at 5 pm", "in 10 minutes instead", 26, 10, 10),
    # A day said in the edit is that day.
    ("turn off the lights in classroom 101 tomorrow at 5 pm", "make that 6 pm today", 26, 18, 0),
])
def test_the_new_time_is_on_the_first_commands_day(demo: Parser, first, edit, day, hour, minute) -> None:
    before = demo.parse(first, now=NOW)
    after = demo.parse(edit, now=NOW, context=ParseContext(previous=before))
    assert (after.intent, after.action, after.rooms) == ("device_control", "off", ("cr-101",)), after
    assert after.when is not None and (after.when.day, after.when.hour, after.when.minute) == (day, hour, minute), after


def test_a_new_time_already_past_today_asks_and_yes_is_tomorrow(demo: Parser) -> None:
    """A time already past on the first command's day was the next one, unasked; since text-left5 a bare clock time
    passed today asks whether tomorrow's is meant (the corpus convention), and "yes" gives that next one."""
    before = demo.parse("turn off the lights in classroom 101 at 5 pm", now=NOW)
    asked = demo.parse("make that 9 am", now=NOW, context=ParseContext(previous=before))
    assert asked.ask_reason == AskReason.PASSED_TODAY and asked.needs_time and asked.rooms == ("cr-101",), asked
    done = demo.parse("yes", now=NOW, context=ParseContext(previous=asked))
    assert (done.intent, done.action, done.rooms, done.clarification) == ("device_control", "off", ("cr-101",), None)
    assert (done.when.day, done.when.hour, done.when.minute) == (27, 9, 0), done
