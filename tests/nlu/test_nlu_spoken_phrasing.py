"""The parser's rules on phrasing people use when they speak: lead-ins before a question, reports of what was done,
requests with a state as their object, everyday words near device words, and amounts of time said in words."""

from __future__ import annotations

import datetime as dt

import pytest

from autovolt.vocabulary import vocabulary_from_campus
from nlu.parser import Parser
from nlu.timeexpr import extract_times
from store.campus import load_campus_file
from tests.conftest import DEMO_CAMPUS

NOW = dt.datetime(2026, 11, 26, 10, 0)


@pytest.fixture(scope="module")
def rules() -> Parser:
    """The rules alone (no judge), so each case shows what the rules decide."""
    return Parser(vocabulary_from_campus(load_campus_file(DEMO_CAMPUS)))


@pytest.mark.parametrize("text, rooms", [
    ("erm, are the fans on in lab 2", ("lab-2",)),
    ("room 201 - is the projector on?", ("cr-201",)),
    ("good evening, is the AC off in lab 1", ("lab-1",)),
    ("one last thing, are the lights still on in room 102", ("cr-102",)),
    ("what's turned on in the staff room", ("staff-room",)),
])
def test_a_question_after_a_lead_in_stays_a_question(rules: Parser, text: str, rooms: tuple[str, ...]) -> None:
    command = rules.parse(text, now=NOW)
    assert (command.intent, command.action, command.rooms) == ("status_query", None, rooms)


@pytest.mark.parametrize("text, action, types", [
    ("room 101 is too hot, switch on the AC", "on", ("ac",)),
    ("good morning, could you turn the fans off in room 101", "off", ("fan",)),
    ("I need the lights switched off in room 101", "off", ("light",)),
    ("can we have the AC on in room 101", "on", ("ac",)),
    ("I left the projector on in room 101, please turn it off", "off", ("projector",)),
    ("when you're free, could you switch off the fans in room 101", "off", ("fan",)),
])
def test_requests_in_spoken_forms_are_commands(rules: Parser, text: str, action: str, types: tuple[str, ...]) -> None:
    command = rules.parse(text, now=NOW)
    assert (command.intent, command.action, command.rooms, command.device_types) == (
        "device_control", action, ("cr-101",), types)
    assert command.clarification is None and command.when is None


@pytest.mark.parametrize("text, intent", [
    ("I already switched the fans off in room 102", "unknown"),
    ("the lights in lab 2 were turned off during my class", "unknown"),
    ("somebody cut the power to lab 2", "unknown"),
    ("there was a power cut in room 201", "unknown"),
    ("we lost power in the physics lab", "unknown"),
    ("who turned on the projector in room 101", "status_query"),
    ("who repaired the fan in room 101", "unknown"),
])
def test_what_was_done_is_never_a_switch(rules: Parser, text: str, intent: str) -> None:
    command = rules.parse(text, now=NOW)
    assert command.intent == intent and command.action is None


@pytest.mark.parametrize("word", ["alright", "heading", "chance", "coming", "switched", "turned", "caught"])
def test_everyday_words_are_not_bent_into_device_or_cue_words(rules: Parser, word: str) -> None:
    assert rules.spell.fix(word) is None


def test_real_misspellings_are_still_corrected(rules: Parser) -> None:
    assert rules.spell.fix("lihgts") == ("lights",)
    assert rules.spell.fix("projecter") == ("projector",)


@pytest.mark.parametrize("text, minutes", [
    ("in an hour and a half", 90),
    ("in 1 hour and 15 minutes", 75),
    ("in 1 hour 30 minutes", 90),
    ("in a quarter of an hour", 15),
    ("in three quarters of an hour", 45),
    ("in a couple of minutes", 2),
    ("in 2 and a half hours", 150),
])
def test_amounts_of_time_said_in_words(text: str, minutes: int) -> None:
    now = NOW.replace(tzinfo=dt.timezone.utc)
    assert extract_times(text.replace("three", "3").split(), now).when == now + dt.timedelta(minutes=minutes)


def test_a_duration_said_in_words() -> None:
    now = NOW.replace(tzinfo=dt.timezone.utc)
    assert extract_times("for an hour and a half".split(), now).duration == dt.timedelta(minutes=90)


def test_the_same_moment_said_twice_is_one_moment(rules: Parser) -> None:
    command = rules.parse("we have a talk in the auditorium at four this afternoon, so switch on the projector "
                          "there at 4 pm", now=NOW)
    assert command.intent == "device_control" and command.clarification is None
    assert command.when is not None and command.when.hour == 16
