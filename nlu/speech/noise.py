"""How noisy a note is, and a Wiener filter for steady noise, both estimated from the note itself.

A voice note carries no separate recording of its background, so the noise is read off the note: per frequency
bin, a low percentile of the power over time (speech comes and goes in every bin; steady noise such as hiss, fans
or an air conditioner does not), which works even when the note has almost no pause (the spoken corpus's notes
have 0-0.4 s of silence around the speech). The filter's gain per bin and frame follows a decision-directed
estimate of the speech-to-noise ratio (Ephraim and Malah), which changes smoothly from frame to frame and so
leaves less "musical" residue than plain spectral subtraction (`nlu.speech.denoise`, kept for the grammar pass).
"""

from __future__ import annotations

import numpy as np

RATE = 16_000
# Short-time Fourier transform: 32 ms Hann windows, 8 ms hop (as nlu.speech.denoise).
_N = 512
_HOP = 128
# Noise power per bin: this percentile of the bin's power over the note's frames, scaled up by NOISE_BIAS (the
# percentile of an exponentially distributed power sits under its mean: the 20th at 0.22 times it).
NOISE_PERCENTILE = 20
NOISE_BIAS = 1.0 / 0.223
# Decision-directed smoothing of the a-priori speech-to-noise ratio, and the lowest gain (-14 dB): a floor keeps
# some of the noise rather than carving holes Whisper never heard in training.
SMOOTHING = 0.96
GAIN_FLOOR = 0.2
# Speech frequencies (Hz) for the level estimate of `snr_db`.
SPEECH_BAND = (300.0, 3400.0)


def _frames(audio: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    window = np.hanning(_N).astype(np.float32)
    padded = np.concatenate([np.zeros(_N, np.float32), audio.astype(np.float32), np.zeros(_N, np.float32)])
    frames = np.lib.stride_tricks.sliding_window_view(padded, _N)[::_HOP] * window
    return np.fft.rfft(frames, axis=1), window, padded


def noise_power(power: np.ndarray) -> np.ndarray:
    """The steady noise's power per bin, from `power` (frames x bins)."""
    return np.percentile(power, NOISE_PERCENTILE, axis=0) * NOISE_BIAS


def snr_db(audio: np.ndarray) -> float:
    """The note's estimated speech-to-noise ratio in dB (float audio at 16 kHz): the loudest fifth of its frames
    against the steady noise, both in the speech band. About 10 for the bench's 10 dB white-noise notes; far above
    for a clean note (digital silence between words); 99 for a note too short to tell."""
    if len(audio) < 4 * _N:
        return 99.0
    spectrum, _, _ = _frames(audio)
    power = np.abs(spectrum) ** 2
    freqs = np.fft.rfftfreq(_N, 1 / RATE)
    band = (freqs >= SPEECH_BAND[0]) & (freqs <= SPEECH_BAND[1])
    noise = float(noise_power(power[:, band]).sum())
    per_frame = power[:, band].sum(axis=1)
    loud = np.sort(per_frame)[::-1][:max(1, len(per_frame) // 5)].mean()
    if noise <= 1e-12:
        return 99.0
    return float(min(99.0, 10 * np.log10(max(loud - noise, 1e-12) / noise)))


def wiener(audio: np.ndarray, floor: float = GAIN_FLOOR, smoothing: float = SMOOTHING) -> np.ndarray:
    """`audio` (float, 16 kHz) with its steady noise reduced by a decision-directed Wiener filter; the same
    length. A note shorter than four windows is returned unchanged."""
    if len(audio) < 4 * _N:
        return audio
    spectrum, window, padded = _frames(audio)
    power = np.abs(spectrum) ** 2
    noise = np.maximum(noise_power(power), 1e-12)
    posterior = power / noise
    gains = np.empty_like(posterior)
    previous = np.ones(power.shape[1])  # the last frame's clean-speech estimate over the noise
    for t in range(len(power)):
        prior = smoothing * previous + (1 - smoothing) * np.maximum(posterior[t] - 1.0, 0.0)
        gain = np.maximum(prior / (1.0 + prior), floor)
        gains[t] = gain
        previous = gain * gain * posterior[t]
    cleaned = np.fft.irfft(spectrum * gains, n=_N, axis=1) * window
    out = np.zeros(len(padded), np.float64)
    weight = np.zeros(len(padded), np.float64)
    index = (np.arange(len(cleaned)) * _HOP)[:, None] + np.arange(_N)[None, :]
    np.add.at(out, index, cleaned)
    np.add.at(weight, index, np.broadcast_to(window * window, cleaned.shape))
    y = (out / np.maximum(weight, 1e-3))[_N:_N + len(audio)]
    return np.clip(y, -1.0, 1.0).astype(np.float32)
