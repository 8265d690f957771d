"""voice-sound7: a room or device heard clearly that the campus lacks is told as unknown, never heard again into a near
one (`nlu.speech.lacking`, `TwoPassEngine._second_look`), typed and on a real note with the packaged Whisper tiny and
PocketSphinx; campus words written by their sound (`nlu.speech.soundalike_words`); a level before "please"."""

from __future__ import annotations

from dataclasses import replace

import pytest

from nlu.parser import parser_for
from nlu.speech.base import HeardWord, Transcript
from nlu.speech.lacking import asks_what_campus_lacks, heard_lacking
from nlu.speech.twopass import SLOW_LOOK, JoinRules, TwoPassEngine
from nlu.speech.understand import ASK, understand_voice
from tests.speech.synth import ENGLISH_VOICES
from tests.speech.test_slow_look import CountingWhisper, whisper  # noqa: F401 - the counting engine and its fixture


def _heard(text: str, sure: float) -> Transcript:
    words = tuple(HeardWord(w, sure if any(c.isdigit() for c in w) else 0.95) for w in text.split())
    return Transcript(text=text, engine="whisper", audio_s=2.5, decode_s=0.1, confidence=0.85, words=words)


@pytest.mark.parametrize("text, lacks", [
    ("turn off the lights in room 103", True),
    ("switch on the lights in classroom 103", True),
    ("turn on the lights in lab 6", True),
    ("can you turn on the heater in room 101", True),  # Classroom 101 has no heater
    ("turn off the lights in room 101", False),  # the campus has it: a command, no question
    ("turn off the lights", False),  # "Which room?" is no place the campus lacks
])
def test_the_questions_about_what_the_campus_lacks(demo_vocab, text, lacks):
    assert asks_what_campus_lacks(parser_for(demo_vocab).parse(text)) == lacks


def test_only_a_note_whose_deciding_words_were_sure_is_kept(demo_vocab):
    parser = parser_for(demo_vocab)
    text = "turn off the lights in room 103"
    assert heard_lacking(_heard(text, 0.92), parser.parse(text), demo_vocab)
    assert not heard_lacking(_heard(text, 0.59), parser.parse(text), demo_vocab)  # unsure: a second hearing may mend it
    no_words = Transcript(text=text, engine="pocketsphinx", audio_s=2.5, decode_s=0.1, confidence=0.9)
    assert not heard_lacking(no_words, parser.parse(text), demo_vocab)
    known = "turn off the lights in room 101"
    assert not heard_lacking(_heard(known, 0.92), parser.parse(known), demo_vocab)
    heater = "can you turn on the heater in room 101"
    sure = Transcript(text=heater, engine="whisper", audio_s=2.5, decode_s=0.1, confidence=0.8,
                      words=tuple(HeardWord(w, 0.9) for w in heater.split()))
    unsure = replace(sure, words=tuple(HeardWord(w, 0.4 if w == "heater" else 0.9) for w in heater.split()))
    assert heard_lacking(sure, parser.parse(heater), demo_vocab)
    assert not heard_lacking(unsure, parser.parse(heater), demo_vocab)


# espeak-ng en-us, clean (spoken dev): Whisper tiny hears "turn off the lights in room 103" with "103" at 0.92; the
# demo campus has no room 103, so the reading is no command; slowed by 20/17 the same note is heard "turn off the
# lights in room 1 no free", which the parser reads as the lights of Lab 1: the bot asked about the wrong room.
SAID = "turn off the lights in room one oh three"


def test_a_room_the_campus_lacks_heard_clearly_is_told_as_unknown(notes, sphinx, whisper, demo_vocab):
    engine = TwoPassEngine(sphinx, (whisper,), rules=JoinRules(slow_look=SLOW_LOOK))
    # Whatever the slowed hearing would make of it (on one CPU "room 1 no free", Lab 1's lights; Whisper's int8
    # readings differ between CPUs), a room heard clearly is not heard again: the counter below says so.
    before = CountingWhisper.slowed
    result = understand_voice(notes.get(SAID, ENGLISH_VOICES[0], None, seed=0), engine, demo_vocab)
    assert CountingWhisper.slowed == before  # not heard again
    assert "103" in result.transcript.text.split()
    assert result.verdict == ASK and not result.command.rooms and not result.command.switches
    assert result.command.clarification.startswith("I don't know room 103 on this campus.")


def _mended(text: str) -> tuple[str, tuple[float, ...]]:
    from nlu.speech.opentext import heard_words, text_of

    words = heard_words((w, 0.9) for w in text.split())
    return text_of(words), tuple(w.confidence for w in words if w.confidence < 0.9)


@pytest.mark.parametrize("heard, meant", [
    # espeak-ng notes of the dev slice (every 48th sentence from 5), as Whisper tiny wrote them
    ("can you turn on the fever in room 101, it is cold", "can you turn on the heater in room 101, it is cold"),
    ("hey is the peter on in the staff room", "hey is the heater on in the staff room"),
    ("can you turn on the lights, and missy in the staff room", "can you turn on the lights, and ac in the staff room"),
    ("can you turn on the lights and message in the staff room", "can you turn on the lights and ac in the staff room"),
    ("in classroom 202 turn on the she", "in classroom 202 turn on the ac"),
    ("may i see you in the staff room, turn it off at 6:15", "the ac in the staff room, turn it off at 6:15"),
    ("switch on the projector, no, did i see you in lab 2", "switch on the projector, no, the ac in lab 2"),
    ("two hours from house, switch off everything in classroom 201",
     "two hours from now, switch off everything in classroom 201"),
    # every 48th spoken dev sentence from 17
    ("switch off missy in the principal office", "switch off the ac in the principal office"),
    ("turn off me, see in the principal office at noon", "turn off the ac in the principal office at noon"),
    ("6 15 pm switch off the seat in the principal office", "at 6 15 pm switch off the ac in the principal office"),
    ("switch the projector on in room 101 11", "switch the projector on in room 101 at 11"),
])
def test_campus_words_written_by_their_sound_are_put_back_and_marked_guessed(heard, meant):
    text, guessed = _mended(heard)
    assert text == meant
    if "ac" in meant.split() or "heater" in meant.split():  # a device word put in by sound is guessed: a switch asks
        assert guessed and all(c <= 0.5 for c in guessed)


@pytest.mark.parametrize("heard", [
    "she is in the staff room",  # "she" is no device outside "the she"
    "the message is on the board",  # "the message is": a message
    "see you in the staff room",  # no "I see you": nothing to mend
    "i will see you in the staff room",  # "I'll see you": not at "I see you"
    "now i see you in room 101 every day",  # not at a clause's start
    "i have a fever in the morning",  # "a fever": no "the" before it
    "peter is in lab 2",
    "come over from house 4",  # "from house" with no amount of time before it
    "what are the lights made of",  # "of" after no place or device
    "room 101 at 11",  # "at" was heard
    "6 people in the room",  # no part of the day after the number
    "turn off the sea water pump",  # no "in" after "the sea"
])
def test_the_same_words_elsewhere_stay_as_written(heard):
    assert _mended(heard)[0] == heard


@pytest.mark.parametrize("text, setting", [
    ("set the stage lights on the auditorium to 70 please", True),  # "percent" dropped, "please" after the level
    ("set the stage lights on the auditorium to 70 thank you", True),
    ("set the stage lights on the auditorium to 70", True),  # as before
    ("switch the fans on in room 101 to 202 please", False),  # rooms, no level
    ("turn the lights on from 40 to 50 please", False),  # a range
])
def test_a_level_at_the_note_end_before_please_is_a_setting(demo_vocab, text, setting):
    from nlu.scoring import CORPUS_NOW

    parsed = parser_for(demo_vocab).parse(text, now=CORPUS_NOW)
    assert (parsed.intent == "unknown") == setting


@pytest.mark.parametrize("heard, meant", [
    ("turn the tube lights in the seminar hall of, just the tube lights",
     "turn the tube lights in the seminar hall off, just the tube lights"),
    ("in everything of in lab 4", "in everything off in lab 4"),
    ("6 in the evening switch off everything in computer lab 1",
     "at 6 in the evening switch off everything in computer lab 1"),
])
def test_a_lost_off_and_a_dropped_at_are_put_back(heard, meant):
    assert _mended(heard)[0] == meant
