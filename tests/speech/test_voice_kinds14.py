"""Open-text kinds of the thirteenth spoken part's failures (branch voice-kinds14): what Whisper wrote of espeak-ng's
speech, repaired before the parser reads it. None of these sentences is in the corpus; each kind has words that keep
their reading."""

from __future__ import annotations

import pytest

from nlu.parser import Parser
from nlu.speech.opentext import GUESSED
from nlu.speech.understand import ACT, voice_verdict
from tests.speech.opentext_kit import NOW, heard



@pytest.fixture(scope="module")
def parser(demo_vocab):
    return Parser(demo_vocab)



@pytest.mark.parametrize("said, meant", [
    ("what is on into o 1", "what is on in 201"),
    ("are the lights into a two still on", "are the lights in 202 still on"),
    ("turn off the fans into oh 2, please", "turn off the fans in 202, please"),
])
def test_into_and_a_digit_is_in_room_two_oh_n(said: str, meant: str) -> None:
    # espeak-ng's "in two oh two" written "into o 2": the room was lost.
    text, words = heard(said)
    assert text == meant
    assert next(w for w in words if w.text.startswith("20")).confidence <= GUESSED


@pytest.mark.parametrize("said", ["walk into a 2 hour meeting", "put it into a box", "log into o 365 now"])
def test_into_before_anything_else_stays(said: str) -> None:
    assert heard(said)[0] == said


def test_a_switch_on_the_guessed_room_asks_first(parser) -> None:
    text, words = heard("switch off the lights into o 2")
    c = parser.parse(text, now=NOW)
    assert c.switches == ("cr-202-lights",), c
    assert voice_verdict(0.9, any(w.confidence < 0.7 for w in words), c).verdict != ACT


@pytest.mark.parametrize("said, meant", [
    ("how much did they seem in lab 2 use yesterday", "how much did the acs in lab 2 use yesterday"),
    ("what will they see in the staff room cost tomorrow", "what will the ac in the staff room cost tomorrow"),
    ("how many they seem are running", "how many acs are running"),
])
def test_they_see_after_a_questions_verb_is_the_ac(said: str, meant: str) -> None:
    # espeak-ng's "how much did the ACs in the auditorium consume" written "... did they seem in ...".
    text, words = heard(said)
    assert text == meant
    assert all(w.confidence <= GUESSED for w in words if w.text in ("ac", "acs"))


@pytest.mark.parametrize("said", ["what did they see in lab 2 yesterday", "how many they seem to like"])
def test_they_see_in_other_questions_stays(said: str) -> None:
    assert heard(said)[0] == said


def test_the_repaired_question_is_read(parser) -> None:
    c = parser.parse(heard("how much did they see in the seminar hall use last week")[0], now=NOW)
    assert c.intent == "energy_query" and c.device_types == ("ac",) and c.rooms == ("seminar-hall",), c


@pytest.mark.parametrize("text", ["what is the menu in the best this afternoon", "what's on the menu for lunch"])
def test_a_menu_of_a_meal_is_no_help(parser, text: str) -> None:
    # espeak-ng's "the menu in the mess this afternoon" heard "in the best": answered with the help text.
    assert parser.parse(text, now=NOW).intent == "unknown"


def test_the_bots_menu_is_still_help(parser) -> None:
    assert parser.parse("show me the menu", now=NOW).intent == "help"
