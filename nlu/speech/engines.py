"""Choosing and loading the speech engine: once per process, whatever the number of messages."""

from __future__ import annotations

import threading

from nlu.speech.base import SpeechEngine

_lock = threading.Lock()
_engines: dict[str | None, SpeechEngine] = {}


def load_engine(vosk_model: str | None = None) -> SpeechEngine:
    """The engine for this process: Vosk when `vosk_model` (a model folder or language code, the value of
    AUTOVOLT_VOSK_MODEL) is given, else PocketSphinx with the English model from its wheel.
    Raises ModelError with a one-line message when the model cannot be loaded."""
    key = vosk_model or None
    with _lock:
        engine = _engines.get(key)
        if engine is None:
            if key is None:
                from nlu.speech.sphinx import PocketSphinxEngine

                engine = PocketSphinxEngine()
            else:
                from nlu.speech.voskengine import VoskEngine

                engine = VoskEngine(key)
            _engines[key] = engine
        return engine
