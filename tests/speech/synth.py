"""Make voice notes the way Telegram sends them: espeak-ng speech, optional noise, Opus in OGG at 48 kHz mono.

Used by the speech tests and by bench/speech_*.py. Files are cached by content key under one folder.
"""

from __future__ import annotations

import hashlib
import io
import subprocess
import wave
from fractions import Fraction
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np


@dataclass(frozen=True)
class Voice:
    """An espeak-ng voice (`name`, e.g. "en-us+f3"), speaking rate in words a minute and pitch 0-99."""

    name: str = "en-us"
    speed: int = 160
    pitch: int = 50


ENGLISH_VOICES = (
    Voice("en-us", 160, 50),
    Voice("en-us+f3", 170, 65),
    Voice("en-us+m3", 150, 40),
    Voice("en-gb", 150, 45),
    Voice("en-us+f1", 175, 60),
    Voice("en-us", 135, 35),
)
# Accents the bundled US-English acoustic model handles poorly; measured separately by the benchmark.
HARD_VOICES = (Voice("en-029", 155, 55), Voice("en-gb-x-rp+m3", 140, 40), Voice("en-gb-scotland", 150, 50))


def speak(text: str, voice: Voice = Voice()) -> tuple[np.ndarray, int]:
    """espeak-ng's speech for `text` as int16 samples and their rate."""
    wav = subprocess.run(
        ["espeak-ng", "-v", voice.name, "-s", str(voice.speed), "-p", str(voice.pitch), "--stdout", text],
        check=True, capture_output=True,
    ).stdout
    with wave.open(io.BytesIO(wav)) as reader:
        rate = reader.getframerate()
        samples = np.frombuffer(reader.readframes(reader.getnframes()), dtype="<i2")
    return samples, rate


def add_noise(samples: np.ndarray, snr_db: float, seed: int = 0) -> np.ndarray:
    """White noise at `snr_db` below the speech power (measured over the voiced part only)."""
    x = samples.astype(np.float64)
    voiced = x[np.abs(x) > 0.02 * np.abs(x).max()]
    power = float(np.mean(voiced**2)) if len(voiced) else 1.0
    noise = np.random.default_rng(seed).normal(0.0, np.sqrt(power / 10 ** (snr_db / 10)), len(x))
    return np.clip(x + noise, -32768, 32767).astype(np.int16)


def encode(samples: np.ndarray, rate: int, fmt: str = "ogg", codec: str = "libopus", out_rate: int = 48_000) -> bytes:
    """Encode mono int16 samples into a file of container `fmt` with `codec` at `out_rate` Hz."""
    buf = io.BytesIO()
    with av.open(buf, mode="w", format=fmt) as container:
        stream = container.add_stream(codec, rate=out_rate)
        stream.layout = "mono"
        frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = rate
        # Codecs such as MP3 and AAC take fixed-size frames; Opus and PCM accept any size (frame_size 0).
        frame_size = stream.codec_context.frame_size or None
        resampler = av.AudioResampler(format=stream.format.name, layout="mono", rate=out_rate, frame_size=frame_size)
        pts = 0
        for piece in [*resampler.resample(frame), *resampler.resample(None)]:
            piece.pts, piece.time_base = pts, Fraction(1, out_rate)  # muxers such as MP3 need timestamps
            pts += piece.samples
            for packet in stream.encode(piece):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return buf.getvalue()


def voice_note(text: str, voice: Voice = Voice(), snr_db: float | None = None, seed: int = 0) -> bytes:
    """A Telegram-style voice note (OGG/Opus, 48 kHz mono) of `text`."""
    samples, rate = speak(text, voice)
    if snr_db is not None:
        samples = add_noise(samples, snr_db, seed)
    return encode(samples, rate)


class NoteCache:
    """Voice notes on disk under `folder`, made once per (text, voice, noise) across a test session or bench run."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def get(self, text: str, voice: Voice = Voice(), snr_db: float | None = None, seed: int = 0) -> bytes:
        key = hashlib.sha1(repr((text, voice, snr_db, seed)).encode()).hexdigest()[:20]
        path = self.folder / f"{key}.ogg"
        if path.exists():
            return path.read_bytes()
        data = voice_note(text, voice, snr_db, seed)
        path.write_bytes(data)
        return data
