"""The spoken kinds the second held-out part showed on typed text (branch voice-kinds3), on real voice notes: Piper
(the neural voice) says them, the engines the product loads from its settings hear them, the parser reads them.
None of these sentences is in the corpus."""

from __future__ import annotations

import pytest

from nlu.scoring import CORPUS_NOW
from nlu.speech.understand import understand_voice
from tests.speech.synth import PIPER_JOE


@pytest.fixture(scope="module")
def product_engine():
    from autovolt.settings import load_settings
    from autovolt.speech_engines import speech_engine

    return speech_engine(load_settings())


@pytest.mark.parametrize("said, action, room, kind", [
    ("we will need the projector going in lab two", "on", "lab-2", "projector"),
    ("the fans in room one oh two, off please", "off", "cr-102", "fan"),
    ("switch off the lights in two nought one", "off", "cr-201", "light"),
    ("power the fans up in the reading hall", "on", "reading-hall", "fan"),
])
def test_a_spoken_kind_becomes_the_command_said(notes, product_engine, demo_vocab, said, action, room, kind):
    result = understand_voice(notes.get(said, PIPER_JOE), product_engine, demo_vocab, now=CORPUS_NOW)
    c = result.command
    assert (c.intent, c.action, c.rooms, c.device_types) == ("device_control", action, (room,), (kind,)), (
        result.transcript.text, c)


def test_a_numbered_place_the_campus_lacks_never_switches(notes, product_engine, demo_vocab):
    result = understand_voice(notes.get("turn on the lights in lab number eight", PIPER_JOE), product_engine,
                              demo_vocab, now=CORPUS_NOW)
    c = result.command
    assert not c.switches and c.clarification is not None, (result.transcript.text, c)


@pytest.mark.parametrize("written, read", [
    ("Switch off the lights in two not one.", "switch off the lights in two nought one"),
    ("Room 2 not 1, lights off.", "room 2 0 1, lights off"),
    ("I do not want one.", "i do not want one"),  # no digit before "not": a negation
    ("Two, not one.", "two, not one"),  # a comma between: "not" is a word of its own
])
def test_nought_written_not_is_a_zero_only_between_digits(written, read):
    from nlu.speech.opentext import heard_words, text_of

    assert text_of(heard_words((" " + w, 0.9) for w in written.split())) == read


@pytest.mark.parametrize("written, read", [
    ("What do you mind turning on the projector in room 201?", "would you mind turning on the projector in room 201"),
    ("What you do me a quick favor and put the fans on in lab 1.",
     "would you do me a quick favor and put the fans on in lab 1"),
    ("What you kindly switch on the lights?", "would you kindly switch on the lights"),
    ("What do you mean by standby?", "what do you mean by standby"),  # a question stays one
    ("What you do is switch them off.", "what you do is switch them off"),
    ("So what do you mind?", "so what do you mind"),  # only as the note's first words
])
def test_a_first_would_you_written_what_you_before_a_polite_request_is_would_you(written, read):
    from nlu.speech.opentext import heard_words, text_of

    assert text_of(heard_words((" " + w, 0.9) for w in written.split())) == read


def test_an_espeak_note_whose_would_you_whisper_hears_as_what_do_you_is_the_request(notes, product_engine,
                                                                                      demo_vocab):
    """A dev note (espeak-ng en-us+m3): Whisper tiny wrote "what do you mind turning on ...", which the parser read as
    a status question; as "would you mind ..." it is the order said."""
    from tests.speech.synth import ENGLISH_VOICES

    said = "would you mind turning on the projector in room two oh one"
    result = understand_voice(notes.get(said, ENGLISH_VOICES[2]), product_engine, demo_vocab, now=CORPUS_NOW)
    c = result.command
    assert (c.intent, c.action, c.rooms, c.device_types) == ("device_control", "on", ("cr-201",), ("projector",)), (
        result.transcript.text, c)
