"""Leftovers of the last pass (issues 15 and 16): the answer to "In 20 minutes, or for 20 minutes?", a filled pause
between two devices or places."""

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


# ------------------------------------------------------------------ a filled pause between two of a kind

@pytest.mark.parametrize("text", [
    "turn on the projector, er, the AC in room 101",   # a repair, or a list said slowly: switching both is unsafe
    "switch off the fans uh the lights in lab 2",
    "turn on the lights, um, fans in room 101",
    "switch on the projector, er, the AC and the fans in room 102",
    "lights off in room 201, um, in room 202",
    "turn off the lights in room 101, uh, room 102",
])
def test_a_pause_between_two_of_a_kind_asks_which_was_meant(parser, text):
    # Both were switched.
    command = parser.parse(text, now=NOW)
    assert command.intent == "device_control"
    assert command.clarification is not None and command.clarification.startswith("Did you mean ")


@pytest.mark.parametrize("text, switches", [
    ("turn on the lights, uh, and fans in room 101", {"cr-101-lights", "cr-101-fans"}),  # "and": both
    ("turn on the lights um in room 101", {"cr-101-lights"}),                           # a pause before the place
    ("switch off the fans, um, the fans in lab 1", {"lab-1-fans"}),                     # the same thing again
    ("turn on the projector, er, I mean the AC in room 101", {"cr-101-ac"}),            # the marker corrects
    ("turn off the projector, uh no, the fans in room 201", {"cr-201-fans"}),
    ("reading hall lights, er, off", {"reading-hall-lights", "reading-hall-reading-lamps"}),
])
def test_the_same_words_elsewhere_keep_their_reading(parser, text, switches):
    command = parser.parse(text, now=NOW)
    assert command.clarification is None and set(command.switches) == switches


def test_the_question_names_both_things_as_said(rules):
    command = rules.parse("switch on the fans, hmm, AC in the staff room", now=NOW)
    assert command.clarification == ("Did you mean AC only, or fans and AC? Please say it again with just the ones "
                                     "you mean.")


def test_a_question_with_a_pause_is_no_command_to_ask_about(parser):
    command = parser.parse("are the lights, um, the fans on in room 101", now=NOW)
    assert command.intent == "status_query"
