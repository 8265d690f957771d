"""nlu.audio: every format Telegram sends becomes 16 kHz mono PCM; limits give one clear line."""

from __future__ import annotations

import numpy as np
import pytest

from nlu.audio import SAMPLE_RATE, AudioError, AudioLimits, decode_audio, is_silent
from tests.speech.synth import encode, speak


@pytest.fixture(scope="module")
def hello() -> tuple[np.ndarray, int]:
    return speak("hello there")


@pytest.mark.parametrize(("fmt", "codec", "rate", "expected"), [
    ("ogg", "libopus", 48_000, "ogg"),
    ("mp3", "libmp3lame", 44_100, "mp3"),
    ("ipod", "aac", 44_100, "mov"),  # .m4a
    ("wav", "pcm_s16le", 22_050, "wav"),
    ("wav", "pcm_s16le", 8_000, "wav"),
])
def test_formats_decode_to_16k_mono(hello, fmt, codec, rate, expected):
    samples, source_rate = hello
    pcm = decode_audio(encode(samples, source_rate, fmt, codec, rate))
    assert pcm.sample_rate == SAMPLE_RATE
    assert pcm.source_format == expected
    assert len(pcm.samples) % 2 == 0
    # Codec padding may add a few tens of milliseconds, never change the length materially.
    assert abs(pcm.duration_s - len(samples) / source_rate) < 0.1


def test_stereo_is_mixed_to_mono():
    import io

    import av

    t = np.arange(SAMPLE_RATE) / SAMPLE_RATE
    left = (8000 * np.sin(2 * np.pi * 440 * t)).astype(np.int16)
    stereo = np.stack([left, left]).T.reshape(1, -1)  # packed s16: L R L R ...
    buf = io.BytesIO()
    with av.open(buf, "w", format="wav") as out:
        stream = out.add_stream("pcm_s16le", rate=SAMPLE_RATE)
        stream.layout = "stereo"
        frame = av.AudioFrame.from_ndarray(stereo, format="s16", layout="stereo")
        frame.sample_rate = SAMPLE_RATE
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            out.mux(packet)
    pcm = decode_audio(buf.getvalue())
    assert pcm.duration_s == pytest.approx(1.0, abs=0.01)
    mono = np.frombuffer(pcm.samples, dtype="<i2")
    assert mono.std() > 3000  # the tone survived the downmix


def test_empty_is_refused():
    with pytest.raises(AudioError) as err:
        decode_audio(b"")
    assert err.value.reason == "empty"


def test_too_large_is_refused_before_decoding():
    with pytest.raises(AudioError) as err:
        decode_audio(b"\0" * (2 * 1024 * 1024 + 1))
    assert err.value.reason == "too_large"
    assert "2 MB" in str(err.value)


def test_too_long_is_refused(hello):
    samples, rate = hello
    tone = np.tile(samples, int(62 * rate / len(samples)) + 1)  # a bit over 60 s of speech
    data = encode(tone, rate)
    assert len(data) < 2 * 1024 * 1024
    with pytest.raises(AudioError) as err:
        decode_audio(data)
    assert err.value.reason == "too_long"
    assert "60 s" in str(err.value)


def test_limits_are_configurable(hello):
    samples, rate = hello
    with pytest.raises(AudioError) as err:
        decode_audio(encode(samples, rate), AudioLimits(max_seconds=0.3))
    assert err.value.reason == "too_long"


def test_silence_is_refused():
    silence = np.zeros(2 * 48_000, dtype=np.int16)
    with pytest.raises(AudioError) as err:
        decode_audio(encode(silence, 48_000))
    assert err.value.reason == "silent"


def test_quiet_hiss_counts_as_silent_but_speech_does_not(hello):
    hiss = np.random.default_rng(1).normal(0, 3, SAMPLE_RATE).astype("<i2")
    assert is_silent(hiss.tobytes())
    assert not is_silent(hello[0].astype("<i2").tobytes())


@pytest.mark.parametrize("junk", [b"OggS" + b"\x00" * 200, b"not audio at all, just text\n" * 20,
                                  bytes(range(256)) * 8])
def test_undecodable_is_refused_in_one_line(junk):
    with pytest.raises(AudioError) as err:
        decode_audio(junk)
    assert err.value.reason in ("undecodable", "empty")
    assert "\n" not in str(err.value)


def test_truncated_voice_note_is_undecodable_or_shorter(hello):
    data = encode(*hello)
    try:
        pcm = decode_audio(data[: len(data) // 2])
    except AudioError as exc:
        assert exc.reason in ("undecodable", "empty", "silent")
    else:
        assert pcm.duration_s < len(hello[0]) / hello[1]
