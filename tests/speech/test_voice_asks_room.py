"""A voice note that only lacks the room ("turn off the lights") is asked "Which room?" as typed text is, when it was
heard surely; heard unsurely it is asked too since branch voice-ask (the bot then confirms what the answer completes),
and so is any note lacking only its time; other questions are refused (issue 15)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from nlu.parser import parser_for
from nlu.scoring import CORPUS_NOW
from nlu.speech.base import HeardWord, Transcript
from nlu.speech.understand import ASK_ROOM_FROM, NOT_UNDERSTOOD, UNDERSTOOD_BELOW, decide, understand_voice
from tests.speech.synth import PIPER_JOE


def _heard(text: str, confidence: float, word_confidence: float | None = None) -> Transcript:
    each = confidence if word_confidence is None else word_confidence
    return Transcript(text, "whisper", 2.0, 0.5, confidence, words=tuple(HeardWord(w, each) for w in text.split()))


def _decide(heard: Transcript, vocab, parsed=None):
    return decide(heard, parsed or parser_for(vocab).parse(heard.text, now=CORPUS_NOW), vocab)


@pytest.mark.parametrize("text", ["turn off the lights", "turn on the lights in the lab"])
def test_a_sure_note_lacking_only_the_room_keeps_the_room_question(text, demo_vocab):
    command = _decide(_heard(text, 0.9), demo_vocab)
    assert command.intent == "device_control" and command.clarification == "Which room do you mean?", command
    assert not command.switches  # nothing to switch until the room is named


def test_the_same_note_heard_unsurely_is_asked_since_voice_ask(demo_vocab):
    """Refused until branch voice-ask; the bot marks it unsure, so the answer's switch asks first
    (tests/bot/test_voice_ask.py)."""
    text = "turn off the lights"
    parsed = parser_for(demo_vocab).parse(text, now=CORPUS_NOW)
    assert parsed.confidence >= UNDERSTOOD_BELOW
    for heard in (_heard(text, ASK_ROOM_FROM - 0.01),  # the note as a whole
                  _heard(text, 0.9, word_confidence=0.3)):  # "off" and "lights" (deciding words) unsure
        assert _decide(heard, demo_vocab, parsed).clarification == "Which room do you mean?", heard
    # The parser's own doubt refuses it too, however surely it was heard.
    doubted = replace(parsed, confidence=UNDERSTOOD_BELOW - 0.01)
    assert _decide(_heard(text, 0.95), demo_vocab, doubted).clarification == NOT_UNDERSTOOD


def test_a_sure_note_lacking_only_its_time_is_asked_since_voice_ask(demo_vocab):
    text = "turn on the lights in classroom 101 tomorrow"
    parsed = parser_for(demo_vocab).parse(text, now=CORPUS_NOW)
    assert parsed.needs_time, parsed
    command = _decide(_heard(text, 0.95), demo_vocab, parsed)
    assert command.clarification == parsed.clarification and command.needs_time, command


@pytest.mark.parametrize("text", ["turn the lights on in room 101 at 5 pm and the fans at 6"])  # two times
def test_a_sure_note_with_any_other_question_is_refused(text, demo_vocab):
    parsed = parser_for(demo_vocab).parse(text, now=CORPUS_NOW)
    assert parsed.clarification, parsed  # as typed text it asks
    command = _decide(_heard(text, 0.95), demo_vocab, parsed)
    assert command.intent == "unknown" and command.clarification == NOT_UNDERSTOOD, command


@pytest.mark.parametrize("text, question", [
    ("turn off the lights in room 999", "I don't know room 999 on this campus."),  # a place the campus lacks
    ("switch on the heater in classroom 101", "I found no heater in Classroom 101. Which device do you mean?"),
    ("turn it on", "What should I switch?"),  # nothing named to switch (refused before branch voice-status)
])
def test_a_sure_note_naming_a_place_or_device_the_campus_lacks_is_asked_and_switches_nothing(text, question,
                                                                                            demo_vocab):
    """Asked as typed text is (since branch voice-kinds5): the answer names what to switch; heard unsurely, asked too
    (since branch voice-sound6: its answer is a command of its own)."""
    parsed = parser_for(demo_vocab).parse(text, now=CORPUS_NOW)
    command = _decide(_heard(text, 0.95), demo_vocab, parsed)
    assert command.clarification == parsed.clarification and command.clarification.startswith(question), command
    assert not command.switches
    for heard in (_heard(text, ASK_ROOM_FROM - 0.01), _heard(text, 0.95, word_confidence=0.3)):
        assert _decide(heard, demo_vocab, parsed).clarification == parsed.clarification, heard


def test_a_piper_note_without_a_room_is_asked_which_room(notes, demo_vocab):
    """The product's path end to end: Piper's note, the two passes with the packaged Whisper tiny."""
    from nlu.speech import load_engine
    from nlu.speech.engines import load_whisper
    from nlu.speech.twopass import TwoPassEngine
    from nlu.speech.whisper_models import packaged_tiny

    engine = TwoPassEngine(load_engine(), [load_whisper(str(packaged_tiny()))])
    result = understand_voice(notes.get("turn off the lights", PIPER_JOE), engine, demo_vocab, now=CORPUS_NOW)
    assert result.transcript.text == "turn off the lights" and result.transcript.confidence >= ASK_ROOM_FROM
    c = result.command
    assert (c.intent, c.action, c.device_types, c.clarification) == (
        "device_control", "off", ("light",), "Which room do you mean?"), c
