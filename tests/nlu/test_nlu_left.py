"""Leftovers of the last pass (issues 15 and 16): the answer to "In 20 minutes, or for 20 minutes?"."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from nlu.command import ParseContext
from nlu.parser import Parser

NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo("Asia/Kolkata"))


@pytest.fixture()
def parser(demo) -> Parser:
    return demo  # rules alone and with the judge (tests/nlu/conftest.py)


# ------------------------------------------------------------------ the answer to "in, or for?"

def _after_question(parser: Parser, first: str, answer: str):
    asked = parser.parse(first, now=NOW)
    assert asked.clarification == "In 20 minutes, or for 20 minutes?" and asked.needs_time
    return parser.parse(answer, ParseContext(previous=asked), NOW)


@pytest.mark.parametrize("answer", ["for 20 minutes", "for", "for, please", "for twenty", "the second one"])
def test_for_switches_now_and_back_after_the_amount(parser, answer):
    command = _after_question(parser, "turn on the AC in room 101, make it 20 minutes", answer)
    assert command.intent == "device_control" and command.clarification is None
    assert command.switches == ("cr-101-ac",) and command.action == "on"
    assert command.when is None and command.until == NOW + dt.timedelta(minutes=20)


@pytest.mark.parametrize("answer", ["in 20 minutes", "in", "ok in 20", "the first"])
def test_in_switches_after_the_amount(parser, answer):
    command = _after_question(parser, "switch off the fans in lab 1, make it twenty minutes", answer)
    assert command.switches == ("lab-1-fans",) and command.action == "off" and command.clarification is None
    assert command.when == NOW + dt.timedelta(minutes=20) and command.until is None


def test_an_amount_of_its_own_in_the_answer_is_the_one_meant(parser):
    command = _after_question(parser, "turn on the AC in room 101, make it 20 minutes", "for 45 minutes")
    assert command.switches == ("cr-101-ac",) and command.until == NOW + dt.timedelta(minutes=45)


@pytest.mark.parametrize("first", ["turn on the AC in room 101", "is the AC on in room 101",
                                   "turn on the AC in room 101 at"])
@pytest.mark.parametrize("answer", ["for", "for 20 minutes"])
def test_for_after_anything_else_completes_nothing(parser, first, answer):
    # No in-or-for question was asked (a switch done, a question, "At what time?"): nothing is switched for a while.
    before = parser.parse(first, now=NOW)
    command = parser.parse(answer, ParseContext(previous=before), NOW)
    assert not (command.intent == "device_control" and command.clarification is None)
