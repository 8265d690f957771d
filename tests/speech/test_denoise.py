"""The spectral-subtraction denoiser on real espeak-ng speech with white noise added."""

from __future__ import annotations

import numpy as np

from nlu.speech.denoise import spectral_subtract
from tests.speech.synth import add_noise, speak


def _resampled_16k(text: str) -> np.ndarray:
    samples, rate = speak(text)
    # espeak-ng speaks at 22,050 Hz; linear interpolation is enough to compare levels here.
    t = np.arange(0, len(samples) / rate, 1 / 16_000)
    return np.interp(t, np.arange(len(samples)) / rate, samples.astype(np.float64)).astype(np.int16)


def _snr_db(clean: np.ndarray, other: np.ndarray) -> float:
    clean = clean.astype(np.float64)
    error = other.astype(np.float64) - clean
    return 10 * np.log10(np.sum(clean**2) / max(float(np.sum(error**2)), 1e-9))


def test_noise_is_reduced_and_length_kept():
    clean = _resampled_16k("turn off the fans in classroom one oh one")
    noisy = add_noise(clean, 10.0, seed=3)
    cleaned = np.frombuffer(spectral_subtract(noisy.tobytes()), dtype="<i2")
    assert len(cleaned) == len(noisy)
    assert _snr_db(clean, cleaned) > _snr_db(clean, noisy) + 2.0


def test_clean_speech_is_left_nearly_intact():
    clean = _resampled_16k("show alerts")
    cleaned = np.frombuffer(spectral_subtract(clean.tobytes()), dtype="<i2")
    assert _snr_db(clean, cleaned) > 15.0


def test_too_short_audio_is_returned_unchanged():
    pcm = np.arange(300, dtype="<i2").tobytes()
    assert spectral_subtract(pcm) == pcm
