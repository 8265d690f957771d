"""Voice notes to text for the conversation: decode any audio Telegram sends, then recognise it with the campus
grammar. Only the nlu speech stack is used; this module decides what the bot trusts enough to act on."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from nlu.audio import DEFAULT_LIMITS, AudioLimits, decode_audio
from nlu.speech.base import SpeechEngine
from nlu.vocabulary import Vocabulary

log = logging.getLogger(__name__)

# Below this the transcript is shown to the user but never acted on.
TRUST_CONFIDENCE = 0.5


@dataclass(frozen=True)
class Heard:
    """A transcribed voice note. `trusted`: confident enough to act on; `audio_s` its length; `decode_s` time spent
    decoding and recognising; `engine` the recogniser's name."""

    text: str
    confidence: float
    trusted: bool
    audio_s: float
    decode_s: float
    engine: str


def default_engine() -> SpeechEngine:
    """PocketSphinx English: its wheel ships the model, so it works offline with nothing to download."""
    from nlu.speech.sphinx import PocketSphinxEngine

    return PocketSphinxEngine()


class SpeechPipeline:
    """Loads the engine on first use (or takes one), builds the campus grammar once; thread-safe."""

    def __init__(self, vocabulary: Vocabulary, engine: SpeechEngine | None = None,
                 limits: AudioLimits = DEFAULT_LIMITS) -> None:
        self.vocabulary = vocabulary
        self.limits = limits
        self._engine = engine
        self._grammar = None
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        """Load the model and grammar now rather than on the first voice note."""
        self._ready()

    def _ready(self):
        with self._lock:
            if self._engine is None:
                self._engine = default_engine()
            if self._grammar is None:
                self._grammar = self._engine.grammar_for(self.vocabulary)
            return self._engine, self._grammar

    def transcribe(self, audio: bytes) -> Heard:
        """Raises nlu.audio.AudioError (bad audio, one line for the user) or nlu.speech.base.SpeechError."""
        pcm = decode_audio(audio, self.limits)
        engine, grammar = self._ready()
        transcript = engine.transcribe(pcm.samples, grammar)
        trusted = bool(transcript.text) and transcript.confidence >= TRUST_CONFIDENCE
        return Heard(transcript.text, transcript.confidence, trusted, pcm.duration_s,
                     pcm.decode_s + transcript.decode_s, transcript.engine)
