"""Kinds the third spoken part showed on voice notes (branch voice-kinds4), on real audio in new words: Piper says
them, the engines the product loads from its settings hear them, the parser reads them. None of these sentences is
in the corpus. Each of these notes switched something unasked, or would have, before the rules."""

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


@pytest.mark.parametrize("said, room, kind", [
    # Heard "i am in lab 2 are the lights on" (no comma): it switched the lights on without a question.
    ("I'm in lab two, are the lights on?", "lab-2", "light"),
    # Heard "and so i am the staff room, as the heater on": it asked to switch the heater on.
    ("so um the staff room, is the heater on", "staff-room", "heater"),
])
def test_a_question_after_where_the_speaker_is_never_switches(notes, product_engine, demo_vocab, said, room, kind):
    result = understand_voice(notes.get(said, PIPER_JOE), product_engine, demo_vocab, now=CORPUS_NOW)
    c = result.command
    assert not (c.intent == "device_control" and c.switches), (result.transcript.text, c)
    assert (c.intent, c.rooms, c.device_types) == ("status_query", (room,), (kind,)), (result.transcript.text, c)


def test_it_after_a_thing_the_campus_lacks_never_switches_everything(notes, product_engine, demo_vocab):
    result = understand_voice(notes.get("the espresso machine in the staff room, switch it on", PIPER_JOE),
                              product_engine, demo_vocab, now=CORPUS_NOW)
    assert not result.command.switches, (result.transcript.text, result.command)
