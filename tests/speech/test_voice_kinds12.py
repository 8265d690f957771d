"""Open-text kinds of the eleventh spoken part's failures (branch voice-kinds12): what Whisper wrote, repaired before
the parser reads it. None of these sentences is in the corpus; each kind has words that keep their reading."""

from __future__ import annotations

import datetime as dt

import pytest

from nlu.parser import Parser

NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30)))


@pytest.fixture(scope="module")
def parser(demo_vocab):
    return Parser(demo_vocab)


def _heard(text: str) -> tuple[str, tuple[float, ...]]:
    from nlu.speech.opentext import heard_words, text_of

    words = heard_words((w, 0.9) for w in text.split())
    return text_of(words), tuple(w.confidence for w in words if w.text.isdigit() or w.text == "lab")


def test_four_me_at_the_end_is_for_me(parser):
    # "check the lights in the main hall for me" written "... main hall 4 me": hall 4 added the physics lab's lights.
    text, _ = _heard("is the projector on in the seminar hall 4 me")
    assert text == "is the projector on in the seminar hall for me"
    assert parser.parse(text, now=NOW).rooms == ("seminar-hall",)


@pytest.mark.parametrize("said", ["lights off in lab 2 4 me", "room 4 me"])
def test_four_after_a_number_or_a_room_word_stays(said):
    assert _heard(said)[0] == said


@pytest.mark.parametrize("said, meant", [
    ("how much will the staff room to use next week", "how much will the staff room to use next week"),
    ("do you expect the seminar hall 2 consume a lot tomorrow", "do you expect the seminar hall to consume a lot tomorrow"),
    ("i want the reading hall to stay lit", "i want the reading hall to stay lit"),
])
def test_to_after_a_named_place_before_a_verb_is_to(said, meant):
    # "expect the reading hall to draw tomorrow": "hall to" became "hall 2", lab 2 read beside the reading hall.
    assert _heard(said)[0] == meant


@pytest.mark.parametrize("said", ["how much did lab 2 use today", "turn on the lights in room 2 please"])
def test_a_numbered_place_before_a_verb_stays(said):
    assert _heard(said)[0] == said


@pytest.mark.parametrize("said, meant", [
    ("what is scheduled in love too", "what is scheduled in lab 2"),
    ("how much did the fans of live to use, this week", "how much did the fans of live to use, this week"),
    ("what was the energy of live, too this week", "what was the energy of lab 2 this week"),
])
def test_lab_two_heard_love_too_is_lab_two_marked_guessed(said, meant):
    # "what have I got lined up in lab two" written "... in love too": no room, refused.
    text, confidences = _heard(said)
    assert text == meant
    if "lab" in meant:
        assert confidences == (0.5, 0.5)


@pytest.mark.parametrize("said", ["we live to serve", "i would love to, thanks", "all the love to you"])
def test_love_and_live_elsewhere_stay(said):
    assert _heard(said)[0] == said


def test_a_digit_then_oh_digit_after_a_room_word_is_one_room(parser):
    # "classroom number two oh two" written "classroom 2 02": lab 2's lights were read.
    text, _ = _heard("switch the fans off in room 2 01")
    assert text == "switch the fans off in room 201"
    assert parser.parse(text, now=NOW).switches == ("cr-201-fans",)


def test_a_first_i_before_did_the_is_a_hesitation(parser):
    # "uh did the lights in the physics lab get switched off" written "i did the lights ...": read as an order.
    text, _ = _heard("i did the fans in lab 2 get switched off")
    assert text == "um did the fans in lab 2 get switched off"
    assert parser.parse(text, now=NOW).intent == "status_query"


@pytest.mark.parametrize("said", ["i did switch off the lights", "i do the lights every evening", "i am in lab 2"])
def test_a_first_i_before_other_words_stays(said):
    assert _heard(said)[0] == said


def test_kinds_of_request_is_a_help_question(parser):
    # "what kinds of requests does this bot take" written "what kinds of request is this bot tape".
    assert parser.parse("what kinds of request can you handle", now=NOW).intent == "help"
