"""Any audio Telegram may send (OGG/Opus voice notes, MP3, M4A, WAV...) to 16 kHz mono 16-bit PCM, with limits.

The speech engines only ever see the PCM this module returns, so every format question is answered here once.
"""

from __future__ import annotations

import io
import logging
import time
from dataclasses import dataclass

import av
import numpy as np

log = logging.getLogger(__name__)

SAMPLE_RATE = 16_000
BYTES_PER_SAMPLE = 2
# Speech frames louder than this (dBFS, per 30 ms window) count as sound; a Telegram note of room noise stays below.
SILENCE_DBFS = -50.0
_WINDOW = SAMPLE_RATE * 30 // 1000


class AudioError(ValueError):
    """Audio we will not transcribe. `reason` is a stable code; the message is one line meant for the user."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class AudioLimits:
    """What a voice message may be: at most `max_seconds` long and `max_bytes` large (as received)."""

    max_seconds: float = 60.0
    max_bytes: int = 2 * 1024 * 1024


DEFAULT_LIMITS = AudioLimits()


@dataclass(frozen=True)
class Pcm:
    """Decoded audio: `samples` is signed 16-bit little-endian mono at `sample_rate` Hz; `decode_s` is the time
    spent decoding and resampling; `source_format` is the container PyAV recognised (ogg, mp3, mov, wav...)."""

    samples: bytes
    sample_rate: int
    decode_s: float
    source_format: str

    @property
    def duration_s(self) -> float:
        return len(self.samples) / (BYTES_PER_SAMPLE * self.sample_rate)


def decode_audio(data: bytes, limits: AudioLimits = DEFAULT_LIMITS) -> Pcm:
    """Decode `data` (the bytes of an audio file) to 16 kHz mono PCM, or raise AudioError saying why not."""
    if not data:
        raise AudioError("empty", "the audio is empty: nothing was recorded")
    if len(data) > limits.max_bytes:
        raise AudioError(
            "too_large",
            f"the audio is too large ({len(data) / 1048576:.1f} MB, at most {limits.max_bytes / 1048576:.0f} MB)",
        )
    started = time.perf_counter()
    try:
        samples, fmt = _decode(data, limits.max_seconds)
    except AudioError:
        raise
    except Exception as exc:  # PyAV raises many types for corrupt input; all mean the same to the user
        log.info("audio undecodable", extra={"kv": {"bytes": len(data), "error": type(exc).__name__}})
        raise AudioError("undecodable", "the audio could not be decoded (send a voice note, MP3, M4A or WAV)") from None
    pcm = Pcm(samples=samples, sample_rate=SAMPLE_RATE, decode_s=time.perf_counter() - started, source_format=fmt)
    if not samples:
        raise AudioError("empty", "the audio is empty: nothing was recorded")
    if is_silent(samples):
        raise AudioError("silent", "the audio is silent: nothing was said")
    log.debug("audio decoded", extra={"kv": {"format": fmt, "audio_s": round(pcm.duration_s, 2),
                                             "decode_s": round(pcm.decode_s, 4)}})
    return pcm


def _decode(data: bytes, max_seconds: float) -> tuple[bytes, str]:
    max_samples = int(max_seconds * SAMPLE_RATE)
    with av.open(io.BytesIO(data), mode="r") as container:
        if not container.streams.audio:
            raise AudioError("undecodable", "the file holds no audio track")
        stream = container.streams.audio[0]
        # Reject from the header when it states the length, so a one-hour file is never decoded.
        if stream.duration is not None and stream.time_base is not None:
            declared = float(stream.duration * stream.time_base)
            if declared > max_seconds + 0.5:
                raise _too_long(declared, max_seconds)
        resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
        chunks: list[bytes] = []
        total = 0
        for frame in container.decode(stream):
            for out in resampler.resample(frame):
                chunk = out.to_ndarray().tobytes()
                chunks.append(chunk)
                total += len(chunk) // BYTES_PER_SAMPLE
            if total > max_samples + SAMPLE_RATE // 2:
                raise _too_long(total / SAMPLE_RATE, max_seconds, at_least=True)
        for out in resampler.resample(None):
            chunks.append(out.to_ndarray().tobytes())
        fmt = container.format.name.split(",")[0]
    return b"".join(chunks), fmt


def _too_long(seconds: float, max_seconds: float, at_least: bool = False) -> AudioError:
    more = "over " if at_least else ""
    return AudioError("too_long", f"the audio is too long ({more}{seconds:.0f} s, at most {max_seconds:.0f} s)")


def is_silent(samples: bytes, threshold_dbfs: float = SILENCE_DBFS) -> bool:
    """True when no 30 ms window of the PCM rises above `threshold_dbfs`."""
    pcm = np.frombuffer(samples, dtype="<i2").astype(np.float32)
    usable = len(pcm) - len(pcm) % _WINDOW
    if usable == 0:
        windows = pcm.reshape(1, -1) if len(pcm) else np.zeros((1, 1), dtype=np.float32)
    else:
        windows = pcm[:usable].reshape(-1, _WINDOW)
    rms = np.sqrt(np.mean(windows * windows, axis=1))
    loudest_dbfs = 20 * np.log10(max(float(rms.max()), 1e-9) / 32768.0)
    return loudest_dbfs < threshold_dbfs
