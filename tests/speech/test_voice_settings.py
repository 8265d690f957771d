"""Setting requests Whisper wrote with an on/off word (ninth spoken part, now dev), through the product's open-text
path: the recorded words, the parser, and the voice decision. They asked "Switch ...?" first; they are refused now."""

from __future__ import annotations

import pytest

from nlu.parser import parser_for
from nlu.scoring import CORPUS_NOW
from nlu.speech.base import Transcript
from nlu.speech.opentext import heard_words, text_of
from nlu.speech.understand import decide


def _decided(written: str, confidence: float, demo_vocab):
    words = heard_words((w, confidence) for w in written.split())
    transcript = Transcript(text_of(words), "whisper", 3.0, 0.5, confidence, words=words)
    parsed = parser_for(demo_vocab).parse(transcript.text, now=CORPUS_NOW)
    return decide(transcript, parsed, demo_vocab)


@pytest.mark.parametrize("written, confidence", [
    ("could you dim the stage lights on the auditorium down to half", 0.6),  # Piper 10 dB
    ("turn off the volume of the sound system of it", 0.6),  # Piper 10 dB, "turn up the volume ... a bit"
    ("can you give a stage lights on the auditorium down to half", 0.6),  # espeak-ng clean
])
def test_a_setting_heard_with_on_or_off_is_refused(demo_vocab, written, confidence):
    command = _decided(written, confidence, demo_vocab)
    assert command.intent == "unknown" and not command.switches, command


def test_the_order_heard_beside_a_level_of_its_own_still_switches(demo_vocab):
    command = _decided("turn the projector on in lab 1, and then turn the volume up a bit", 0.9, demo_vocab)
    assert (command.intent, command.action, command.switches) == ("device_control", "on", ("lab-1-projector",))
