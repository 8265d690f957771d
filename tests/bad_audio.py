"""Recordings that are valid audio containers but hold no speech, or lie about themselves (issue 18, item 10)."""

from __future__ import annotations

import io
import struct
import wave

import numpy as np

RATE = 16_000


def _wav(samples: np.ndarray, rate: int = RATE) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(np.clip(samples, -32768, 32767).astype("<i2").tobytes())
    return out.getvalue()


def pure_tone(hz: float = 440.0, seconds: float = 2.0) -> bytes:
    """A loud sine wave: sound, not silence, and no words."""
    t = np.arange(int(RATE * seconds)) / RATE
    return _wav(np.sin(2 * np.pi * hz * t) * 20_000)


def lying_length_wav(seconds: float = 2.0) -> bytes:
    """A tone whose RIFF and data headers claim about 2 GB of audio that is not there."""
    data = bytearray(pure_tone(seconds=seconds))
    struct.pack_into("<I", data, 4, 0x7FFF_FFFF)
    struct.pack_into("<I", data, 40, 0x7FFF_FFF0)
    return bytes(data)


def cut_short_wav() -> bytes:
    """A header promising two seconds, then only the first few hundred samples."""
    return pure_tone()[:2000]
