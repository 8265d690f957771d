"""The note's own noise estimate and the Wiener filter (nlu/speech/noise.py) on real espeak-ng speech."""

from __future__ import annotations

import numpy as np

from nlu.speech.noise import snr_db, wiener
from tests.speech.synth import add_noise, speak


def _speech_16k(text: str) -> np.ndarray:
    samples, rate = speak(text)
    # espeak-ng speaks at 22,050 Hz; linear interpolation is enough to compare levels here.
    t = np.arange(0, len(samples) / rate, 1 / 16_000)
    return np.interp(t, np.arange(len(samples)) / rate, samples.astype(np.float64)).astype(np.int16)


def _float(samples: np.ndarray) -> np.ndarray:
    return samples.astype(np.float32) / 32768.0


def _error_snr_db(clean: np.ndarray, other: np.ndarray) -> float:
    clean, other = clean.astype(np.float64), other.astype(np.float64)
    return 10 * np.log10(np.sum(clean**2) / max(float(np.sum((other - clean) ** 2)), 1e-12))


SENTENCE = "could you switch off the fans in classroom one oh one please"


def test_the_estimate_tells_a_noisy_note_from_a_clean_one():
    clean = _speech_16k(SENTENCE)
    heard_clean = snr_db(_float(clean))
    at_10 = snr_db(_float(add_noise(clean, 10.0, seed=1)))
    at_20 = snr_db(_float(add_noise(clean, 20.0, seed=1)))
    # The product denoises under 22 dB (whisper.NOISY_BELOW_DB): the bench's 10 dB notes read about 16 dB (the
    # loudest frames against the noise), clean ones far above.
    assert at_10 < 22.0 < heard_clean
    assert at_10 < at_20 < heard_clean


def test_the_filter_removes_noise_and_keeps_the_length():
    clean = _speech_16k(SENTENCE)
    noisy = _float(add_noise(clean, 10.0, seed=2))
    cleaned = wiener(noisy)
    assert cleaned.shape == noisy.shape and cleaned.dtype == np.float32
    assert _error_snr_db(_float(clean), cleaned) > _error_snr_db(_float(clean), noisy) + 3.0
    assert snr_db(cleaned) > snr_db(noisy) + 6.0


def test_clean_speech_comes_through_nearly_intact():
    clean = _float(_speech_16k("show alerts for the seminar hall"))
    assert _error_snr_db(clean, wiener(clean)) > 12.0


def test_a_note_too_short_to_estimate_is_left_alone():
    short = np.linspace(-0.1, 0.1, 1000, dtype=np.float32)
    assert wiener(short) is short
    assert snr_db(short) == 99.0
