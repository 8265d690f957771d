"""Parser defects found by using the demo (`make demo`, `autovolt chat`): each test names the kind of message."""

from __future__ import annotations

import datetime as dt

import pytest

from autovolt.vocabulary import vocabulary_from_campus
from nlu.command import ParseContext
from nlu.parser import Parser, default_judge
from store.campus import load_campus_file
from tests.conftest import DEMO_CAMPUS

NOW = dt.datetime(2026, 11, 26, 10, 0)


@pytest.fixture(scope="module", params=["rules", "judged"])
def demo(request) -> Parser:
    """The rules alone and with the shipped judge: the judge must not undo what the rules ask."""
    return Parser(vocabulary_from_campus(load_campus_file(DEMO_CAMPUS)),
                  default_judge() if request.param == "judged" else None)


def after(parser: Parser, *texts: str) -> ParseContext:
    context = ParseContext()
    for text in texts:
        context = context.after(parser.parse(text, context, NOW))
    return context


@pytest.mark.parametrize("text, written", [
    ("turn off the lights in lab 1 on 30 February at 8", "30 February"),
    ("turn off the lights in lab 1 at 8 pm on 30 february", "30 February"),
    ("switch on the fans in room 101 on 31 april at 9:30", "31 April"),
    ("turn off the ac in lab 1 on february 30 at 7 am", "February 30"),
])
def test_a_date_no_calendar_has_is_asked_about_with_a_time_too(demo: Parser, text: str, written: str) -> None:
    command = demo.parse(text, now=NOW)
    assert command.intent == "device_control" and command.switches, (text, command)
    assert command.clarification == f"{written} is not a date. On which day?", (text, command)
    assert command.when is None and command.needs_time, (text, command)
