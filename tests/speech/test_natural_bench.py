"""The natural-speech bench counts a wrong switch only when the bot would run it without asking (the voice rule's
verdict, recorded with each outcome as `understand_voice` gives it)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bench.speech_natural import Note, Outcome, plan, wrong_switch
from nlu.command import Command
from nlu.scoring import read_corpus
from nlu.speech.understand import VoiceRules, voice_verdict
from tests.speech.synth import PIPER_JOE

CONFIRM_BELOW = VoiceRules().confirm_below

LABELS = """turn off the lights in lab one | device_control | off | light | lab-1 | * | - | - | -
turn off the lights in lab one at five pm | device_control | off | light | lab-1 | * | 17:00 | - | -
tell me a joke | unknown
"""


def _outcome(example, command: Command, unsure: tuple[str, ...] = ()) -> Outcome:
    verdict = voice_verdict(command.confidence, bool(unsure), command).verdict
    return Outcome(Note(example, PIPER_JOE, None, 0), command, command.text, "test", command.confidence, 3.0, 0.1, 0.1,
                   unsure, verdict)


def test_wrong_switch_counts_confident_executed_mistakes_only(tmp_path, demo_vocab):
    (tmp_path / "labels.txt").write_text(LABELS)
    now_off, at_five, joke = read_corpus(tmp_path / "labels.txt", demo_vocab)
    sure = max(CONFIRM_BELOW, 0.9)
    right = Command("x", "device_control", "off", ("light",), ("lab-1",), switches=("lab-1-lights",), confidence=sure)
    assert not wrong_switch(_outcome(now_off, right))
    on = Command("x", "device_control", "on", ("light",), ("lab-1",), switches=("lab-1-lights",), confidence=sure)
    assert wrong_switch(_outcome(now_off, on))
    other_room = Command("x", "device_control", "off", ("light",), ("lab-2",), switches=("lab-2-lights",), confidence=sure)
    assert wrong_switch(_outcome(now_off, other_room))
    # The same switch at the wrong time is wrong; right switch and time is not.
    five = dt.datetime(2026, 11, 26, 17, 0, tzinfo=ZoneInfo("Asia/Kolkata"))
    assert wrong_switch(_outcome(at_five, right))
    assert not wrong_switch(_outcome(at_five, Command("x", "device_control", "off", ("light",), ("lab-1",),
                                                      switches=("lab-1-lights",), when=five, confidence=sure)))
    # Speech accepted as a switch where none was meant.
    assert wrong_switch(_outcome(joke, right))
    # Asked first: low speech confidence, or a clarification question; and questions never switch.
    unsure = Command("x", "device_control", "on", ("light",), ("lab-1",), switches=("lab-1-lights",),
                     confidence=CONFIRM_BELOW - 0.01)
    assert not wrong_switch(_outcome(now_off, unsure))
    assert not wrong_switch(_outcome(now_off, on, unsure=("on",)))
    asks = Command("x", "device_control", "on", ("light",), confidence=sure, clarification="Which room?")
    assert not wrong_switch(_outcome(now_off, asks))
    assert not wrong_switch(_outcome(now_off, Command("x", "status_query", None, ("light",), ("lab-1",), confidence=sure)))
    # "Everything" in a room always asks in the bot, so it never runs unasked, even when it is the wrong room.
    every = Command("x", "device_control", "off", (), ("lab-2",), switches=("lab-2-lights",), everything=True,
                    confidence=sure)
    assert not wrong_switch(_outcome(now_off, every))


def test_a_switch_the_parser_doubts_asks_first_and_is_not_counted(tmp_path, demo_vocab):
    """Heard surely, but the judge doubts the parse: the bot asks "Switch ...?" (the voice rule), so the bench does
    not count it as run unasked (it did before the rule was shared: it looked at the speech confidence alone)."""
    (tmp_path / "labels.txt").write_text(LABELS)
    now_off, _, _ = read_corpus(tmp_path / "labels.txt", demo_vocab)
    doubted = Command("x", "device_control", "on", ("light",), ("lab-1",), switches=("lab-1-lights",),
                      confidence=VoiceRules().understood_below - 0.01)
    outcome = Outcome(Note(now_off, PIPER_JOE, None, 0), doubted, "x", "test", 0.95, 3.0, 0.1, 0.1, (),
                      voice_verdict(0.95, False, doubted).verdict)
    assert outcome.verdict == "confirm" and not wrong_switch(outcome)


def test_an_unsure_note_s_room_question_counts_as_asked_and_right_when_the_label_expects_it(tmp_path, demo_vocab):
    """Branch voice-ask: an unsure note read as a switch lacking its room is asked (it was refused, `unknown`), so the
    bench scores the question against the label like a sure note's; it is never a switch run unasked (the answer's
    switch asks first in the bot, which the one-note bench does not see)."""
    from nlu.parser import parser_for
    from nlu.scoring import CORPUS_NOW, score
    from nlu.speech.base import HeardWord, Transcript
    from nlu.speech.understand import decide
    from nlu.speech.wordcheck import unsure_words

    (tmp_path / "labels.txt").write_text("turn off the lights | device_control | off | light | - | - | - | - | ?\n")
    example, = read_corpus(tmp_path / "labels.txt", demo_vocab)
    words = tuple(HeardWord(w, 0.05 if w == "off" else 0.95) for w in example.text.split())
    heard = Transcript(example.text, "whisper", 2.0, 0.3, 0.9, words=words)
    assert unsure_words(heard.words, demo_vocab) == ("off",)
    parser = parser_for(demo_vocab)

    class Heard:
        def parse(self, text, context=None, now=None):
            return decide(heard, parser.parse(text, context=context, now=now), demo_vocab)

    result = score(Heard(), [example], keep_failures=1)
    assert not result.failures, result.failures
    command = Heard().parse(example.text, now=CORPUS_NOW)
    outcome = Outcome(Note(example, PIPER_JOE, None, 0), command, command.text, "test", 0.9, 2.0, 0.1, 0.1,
                      ("off",), voice_verdict(0.9, True, command).verdict)
    assert outcome.verdict == "ask" and not wrong_switch(outcome)


def test_noisy_only_plans_the_noisy_copies_alone_with_their_seeds(tmp_path, demo_vocab):
    (tmp_path / "labels.txt").write_text(LABELS)
    examples = read_corpus(tmp_path / "labels.txt", demo_vocab)
    both = plan(examples, 10.0, every_voice=False)
    noisy = plan(examples, 10.0, every_voice=False, noisy_only=True)
    # The same notes as the noisy half of a whole run (voice and seed included), so their outcomes pair note by note.
    assert noisy == [n for n in both if n.snr_db is not None]
    assert len(noisy) == len(both) // 2 == 2 * len(examples)
    with pytest.raises(ValueError):
        plan(examples, 10.0, every_voice=False, clean_only=True, noisy_only=True)


def test_lines_choose_a_part_of_the_file_and_its_voices_start_at_its_first_sentence(tmp_path, demo_vocab):
    """`--lines A-B` scores a spent part kept in dev.txt alone: only sentences written on those lines (comments and
    blank lines are skipped), and the espeak-ng voices take turns from the part's first sentence, as they did when the
    part was scored as the held-out file."""
    import argparse

    import pytest

    from bench.speech_natural import ESPEAK_VOICES, line_range, plan, within_lines

    (tmp_path / "labels.txt").write_text("# header\n" + LABELS + "# a part moved here\n" + LABELS)
    examples = read_corpus(tmp_path / "labels.txt", demo_vocab)
    assert line_range("6-8") == (6, 8)
    part = within_lines(examples, line_range("5-8"))
    assert [ex.source for ex in part] == ["labels.txt:6", "labels.txt:7", "labels.txt:8"]
    assert within_lines(examples, None) == examples
    espeak = [n.voice for n in plan(part, 10.0, False, clean_only=True) if n.voice != PIPER_JOE]
    assert espeak == list(ESPEAK_VOICES[:3])
    for wrong in ("8-6", "6", "a-b", "6-"):
        with pytest.raises(argparse.ArgumentTypeError):
            line_range(wrong)
