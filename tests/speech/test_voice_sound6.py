"""A voice note whose only question says the place or device it names is not on this campus is asked even when a
word of it was unsure (branch voice-sound6): asking never switches, and refusing told a note heard word for word
that it was not understood. The room and time questions of an unsure note stay refused: their answer would complete
what may be misheard. Through the real parser on the demo campus; the voice rule is pure."""

from __future__ import annotations

import dataclasses

import pytest

from nlu.scoring import CORPUS_NOW
from nlu.speech.understand import ASK, REFUSE, voice_verdict


@pytest.fixture(scope="module")
def parse(demo_vocab):
    from nlu.parser import parser_for

    parser = parser_for(demo_vocab)
    return lambda text: parser.parse(text, now=CORPUS_NOW)


@pytest.mark.parametrize("text", [
    "switch off the lights in room number 305",  # a room the campus lacks
    "put the lights on in block c for me",  # a building it lacks
    "the projector in the staff room, turn it on",  # a device the room lacks
    "how much energy did room 3 0 2 use yesterday",  # a question about a room it lacks
])
def test_an_unsure_note_naming_what_the_campus_lacks_is_asked(parse, text):
    parsed = parse(text)
    assert parsed.clarification and parsed.intent != "unknown", parsed
    # A deciding word unsure, and the note under the confirmation threshold: before, both refused it.
    assert voice_verdict(0.7, True, parsed).verdict == ASK
    assert voice_verdict(0.6, False, parsed).verdict == ASK


@pytest.mark.parametrize("text", [
    "turn off the lights",  # which room: the answer would switch what may be misheard
    "turn off the lights in classroom 101 tomorrow",  # at what time: the answer would schedule it
])
def test_an_unsure_note_whose_answer_would_complete_it_stays_refused(parse, text):
    parsed = parse(text)
    assert parsed.clarification, parsed
    decision = voice_verdict(0.9, True, parsed)
    assert (decision.verdict, decision.why) == (REFUSE, "question")


def test_a_note_heard_too_little_or_doubted_by_the_parser_stays_refused(parse):
    parsed = parse("switch off the lights in room number 305")
    assert voice_verdict(0.45, True, parsed).verdict == REFUSE  # under the level anything is acted on
    doubted = dataclasses.replace(parsed, confidence=0.3)  # the judge doubts the reading: likely not a command
    assert voice_verdict(0.9, True, doubted).verdict == REFUSE
