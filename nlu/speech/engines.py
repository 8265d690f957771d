"""Choosing and loading the speech engines: once per process, whatever the number of messages."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from nlu.speech.base import SpeechEngine
from nlu.speech.rescore import RescoreRules

_lock = threading.Lock()
_engines: dict[tuple[str, ...], SpeechEngine] = {}


def load_engine(vosk_model: str | None = None) -> SpeechEngine:
    """The closed (campus-grammar) engine for this process: Vosk when `vosk_model` (a model folder or language code,
    the value of AUTOVOLT_VOSK_MODEL) is given, else PocketSphinx with the English model from its wheel.
    Raises ModelError with a one-line message when the model cannot be loaded."""
    key = ("closed", vosk_model or "")
    with _lock:
        engine = _engines.get(key)
        if engine is None:
            if not vosk_model:
                from nlu.speech.sphinx import PocketSphinxEngine

                engine = PocketSphinxEngine()
            else:
                from nlu.speech.voskengine import VoskEngine

                engine = VoskEngine(vosk_model)
            _engines[key] = engine
        return engine


def load_whisper(model: str, data_dir: Path = Path("data"), cpu_threads: int = 2,
                 rescore: RescoreRules | None = None) -> SpeechEngine:
    """The open-vocabulary Whisper engine for `model` (a CTranslate2 folder or a size name, AUTOVOLT_WHISPER_MODEL),
    loaded once; `rescore`: how campus readings of its text are scored and chosen (None: off). Raises ModelError
    with a one-line message when it cannot be loaded. `cpu_threads`: CTranslate2 threads per note (0: the cores
    this process may run on)."""
    cpu_threads = cpu_threads or machine_cores()
    key = ("whisper", model, str(data_dir), str(cpu_threads), repr(rescore))
    with _lock:
        engine = _engines.get(key)
        if engine is None:
            from nlu.speech.whisper import WhisperEngine

            engine = _engines[key] = WhisperEngine(model, data_dir, cpu_threads, rescore=rescore)
        return engine


def machine_cores() -> int:
    """The cores this process may run on (its CPU affinity, which a container's cpuset narrows), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # no affinity call on this platform
        return max(1, os.cpu_count() or 1)
