"""Audio shaping before Whisper: the speech's loudness brought to one level, and low rumble cut.

Whisper's log-Mel features are clamped 8 decades under the window's loudest bin and then shifted by a fixed amount,
so a quiet note and a loud one do not give the same features; a note recorded close to the microphone or far from
it should. A high-pass filter removes hum and handling noise under the voice's lowest formants.
"""

from __future__ import annotations

import numpy as np

# Frames of 30 ms at 16 kHz; the speech level is the RMS of the loudest fifth of them (the pauses left out).
_FRAME = 480
LOUD_SHARE = 0.2
# Never more than this gain: a note of near-silence is not turned into loud noise.
MAX_GAIN_DB = 30.0


def speech_level_dbfs(audio: np.ndarray) -> float:
    """The RMS level (dB re full scale 1.0) of the loudest `LOUD_SHARE` of the 30 ms frames of `audio` (float,
    -1..1)."""
    usable = len(audio) - len(audio) % _FRAME
    frames = audio[:usable].reshape(-1, _FRAME) if usable else audio.reshape(1, -1)
    if frames.size == 0:
        return -120.0
    power = np.sort((frames * frames).mean(axis=1))[::-1]
    top = power[:max(1, int(len(power) * LOUD_SHARE))]
    return float(10 * np.log10(max(float(top.mean()), 1e-12)))


def levelled(audio: np.ndarray, target_dbfs: float) -> np.ndarray:
    """`audio` scaled so its speech level is `target_dbfs` (gain at most `MAX_GAIN_DB`), clipped to -1..1."""
    gain_db = min(MAX_GAIN_DB, target_dbfs - speech_level_dbfs(audio))
    return np.clip(audio * np.float32(10 ** (gain_db / 20)), -1.0, 1.0).astype(np.float32)


def high_passed(audio: np.ndarray, cutoff_hz: float, rate: int = 16_000) -> np.ndarray:
    """`audio` with frequencies under `cutoff_hz` removed (2nd-order Butterworth, forward and back: no phase
    shift)."""
    from scipy.signal import butter, sosfiltfilt

    if len(audio) < 32:
        return audio
    sos = butter(2, cutoff_hz, btype="highpass", fs=rate, output="sos")
    return sosfiltfilt(sos, audio).astype(np.float32)
