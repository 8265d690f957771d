"""Vosk (Kaldi): any language Vosk has a model for, from a model folder or downloaded by language code.

The campus grammar goes to Vosk as a phrase list, which Vosk turns into a loop over those words, so any speech
comes out as *some* words of the list. A second, free pass over the same audio (the model's own language model)
checks it: when the constrained words and the free words disagree, the speech was forced into the grammar and
the transcript gets a low confidence.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import re
import sys
import threading
import time
from pathlib import Path

from rapidfuzz import fuzz

from nlu.grammar import Grammar, build_grammar
from nlu.speech.base import HeardWord, ModelError, Transcript
from nlu.vocabulary import Vocabulary

log = logging.getLogger(__name__)

ENGINE = "vosk"
SAMPLE_RATE = 16_000
# Agreement (0..1, character similarity of the two passes) below which a constrained result is distrusted.
MIN_AGREEMENT = 0.4
_LANG_CODE = re.compile(r"^[a-z]{2,3}(-[a-z]{2,3})?$")
# Files every Vosk model folder has; checked before loading so a wrong path gets a clear message.
_MODEL_MARKERS = ("am/final.mdl", "conf/model.conf")


def _vosk():
    import vosk  # imported late: loading libvosk is only needed when this engine is chosen

    vosk.SetLogLevel(-1)
    return vosk


class VoskEngine:
    """A Vosk model loaded once. `model` is a model folder or a language code ("en-us", "ko") that Vosk
    downloads into its cache where the machine has internet."""

    name = ENGINE

    def __init__(self, model: str) -> None:
        vosk = _vosk()
        started = time.perf_counter()
        self._model = _load_model(vosk, model)
        self._vosk = vosk
        self._lock = threading.Lock()
        self._recognizers: dict[object, object] = {}
        self._unk = self._model.vosk_model_find_word("[unk]") >= 0
        # Free the native objects before interpreter teardown unloads vosk's module globals (else __del__ fails).
        atexit.register(self._release)
        log.info("speech model loaded", extra={"kv": {"engine": ENGINE, "model": model,
                                                      "load_s": round(time.perf_counter() - started, 3)}})

    def _release(self) -> None:
        with self._lock:
            self._recognizers.clear()
            self._model = None

    def known(self, word: str) -> bool:
        return self._model.vosk_model_find_word(word) >= 0

    def grammar_for(self, vocabulary: Vocabulary) -> Grammar:
        return build_grammar(vocabulary, self.known)

    def transcribe(self, pcm: bytes, grammar: Grammar | None = None) -> Transcript:
        audio_s = len(pcm) / (2 * SAMPLE_RATE)
        started = time.perf_counter()
        words: tuple[HeardWord, ...] = ()
        with self._lock:
            free_text, free_conf, _ = self._run(None, pcm)
            if grammar is None:
                text, confidence, in_grammar = free_text, free_conf, False
            else:
                text, confidence, in_grammar, words = self._constrained(pcm, grammar, free_text)
        return Transcript(text=text, engine=ENGINE, audio_s=audio_s, decode_s=time.perf_counter() - started,
                          confidence=confidence, in_grammar=in_grammar, words=words)

    def constrained_pass(self, pcm: bytes, grammar: Grammar) -> tuple[str, float]:
        """The grammar pass alone (text, mean word confidence), without the free-pass check."""
        with self._lock:
            text, confidence, _ = self._run(grammar, pcm)
            return text, confidence

    def _constrained(self, pcm: bytes, grammar: Grammar, free_text: str
                     ) -> tuple[str, float, bool, tuple[HeardWord, ...]]:
        text, word_conf, heard = self._run(grammar, pcm)
        words = text.split()
        if not words or "[unk]" in words or not grammar.matches(text):
            return free_text, 0.1 if free_text else 0.0, False, ()
        agreement = fuzz.ratio(text, free_text) / 100.0
        if agreement < MIN_AGREEMENT:
            return free_text, 0.1 if free_text else 0.0, False, ()
        # Per-word confidences go with the accepted sentence: a switch asks when its device or room word was unsure.
        return text, round(word_conf * (0.5 + 0.5 * agreement), 3), True, heard

    def _run(self, grammar: Grammar | None, pcm: bytes) -> tuple[str, float, tuple[HeardWord, ...]]:
        recognizer = self._recognizer(grammar)
        recognizer.AcceptWaveform(pcm)
        result = json.loads(recognizer.FinalResult())
        recognizer.Reset()
        words = result.get("result", [])
        confidence = sum(w["conf"] for w in words) / len(words) if words else 0.0
        heard = tuple(HeardWord(w["word"], float(w["conf"])) for w in words)
        return " ".join(result.get("text", "").split()), confidence, heard

    def _recognizer(self, grammar: Grammar | None):
        key = grammar.phrases if grammar is not None else None
        recognizer = self._recognizers.get(key)
        if recognizer is None:
            if grammar is None:
                recognizer = self._vosk.KaldiRecognizer(self._model, SAMPLE_RATE)
            else:
                phrases = list(grammar.phrases) + (["[unk]"] if self._unk else [])
                recognizer = self._vosk.KaldiRecognizer(self._model, SAMPLE_RATE,
                                                        json.dumps(phrases, ensure_ascii=False))
            recognizer.SetWords(True)
            if len(self._recognizers) > 8:  # grammars of old registry snapshots
                self._recognizers.clear()
            self._recognizers[key] = recognizer
        return recognizer


def model_problem(model: str) -> str | None:
    """Why `model` (AUTOVOLT_VOSK_MODEL) cannot name a Vosk model, or None when it is a model folder or a
    language code. Cheap (no model is loaded), so settings can check it at start-up."""
    path = Path(model).expanduser()
    if path.exists() or os.sep in model or model.startswith("."):
        if not path.is_dir():
            return f"Vosk model folder not found: {path}"
        if not all((path / marker).exists() for marker in _MODEL_MARKERS):
            return f"not a Vosk model folder (no {' or '.join(_MODEL_MARKERS)}): {path}"
        return None
    if not _LANG_CODE.match(model):
        return f"neither a model folder nor a language code (such as en-us): {model!r}"
    return None


def _load_model(vosk, model: str):
    path = Path(model).expanduser()
    problem = model_problem(model)
    if problem is not None:
        raise ModelError(problem)
    if path.is_dir():
        try:
            return vosk.Model(model_path=str(path))
        except Exception:
            raise ModelError(f"Vosk could not load the model in {path} (broken or incomplete)") from None
    # Vosk prints to stdout and calls sys.exit() when a language is unknown; keep stdout clean for JSON output.
    try:
        with contextlib.redirect_stdout(sys.stderr):
            return vosk.Model(lang=model)
    except SystemExit:
        raise ModelError(f"Vosk has no model for language {model!r}") from None
    except Exception as exc:
        raise ModelError(f"Vosk could not download a model for {model!r} (no internet?): {type(exc).__name__}") from None
