"""Voice notes to text for the conversation: decode any audio Telegram sends, then recognise it with the campus
grammar. Only the nlu speech stack is used; this module decides what the bot trusts enough to act on.

PocketSphinx holds the GIL for a whole decoding pass (measured: a 1 ms ticker thread stalls 270 ms while a 2.7 s note
decodes), so in the service, where one event loop also runs the device gateway and the HTTP API, a voice note would
freeze everything else for 0.3-0.5 s. `SpeechPipeline(..., worker_process=True)` runs decoding and recognition in a
worker process of its own instead: the loop stays free and the note uses the second core.
"""

from __future__ import annotations

import concurrent.futures
import logging
import multiprocessing
import os
import threading
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from nlu.audio import DEFAULT_LIMITS, AudioError, AudioLimits, decode_audio
from nlu.speech.base import SpeechEngine, SpeechError
from nlu.speech.understand import ACT_CONFIDENCE
from nlu.speech.wordcheck import unsure_words
from nlu.vocabulary import Vocabulary

log = logging.getLogger(__name__)

# Below this the transcript is shown to the user but never acted on (the voice rule's, nlu.speech.understand).
TRUST_CONFIDENCE = ACT_CONFIDENCE


@dataclass(frozen=True)
class Heard:
    """A transcribed voice note. `trusted`: confident enough to act on; `audio_s` its length; `decode_s` time spent
    decoding and recognising; `engine` the recogniser's name; `unsure_words`: device, room or on/off words the
    engine was unsure of (a switch asks first); `note`: a remark for the user (a speech server that was down);
    `guessed`: a word was put in from the sentence's shape (`nlu.speech.base.Transcript.guessed`: a switch asks
    first, whatever the word confidences say)."""

    text: str
    confidence: float
    trusted: bool
    audio_s: float
    decode_s: float
    engine: str
    unsure_words: tuple[str, ...] = ()
    note: str | None = None
    guessed: bool = False


def default_engine() -> SpeechEngine:
    """The process's engines as the settings say (loaded once): the campus-grammar pass (Vosk when
    AUTOVOLT_VOSK_MODEL is set, else PocketSphinx English, whose wheel ships the model), then a Wyoming server
    (AUTOVOLT_STT_URL) and local Whisper (AUTOVOLT_WHISPER_MODEL) for what the grammar does not cover."""
    from autovolt.settings import load_settings
    from autovolt.speech_engines import speech_engine

    return speech_engine(load_settings())


class SpeechPipeline:
    """Loads the engine on first use (or takes one), builds the campus grammar once; thread-safe.

    `worker_process`: decode and recognise in one worker process (started by `warm_up` or the first note, and
    restarted if it dies) rather than in the calling thread; an injected `engine` always runs in-process."""

    def __init__(self, vocabulary: Vocabulary, engine: SpeechEngine | None = None,
                 limits: AudioLimits = DEFAULT_LIMITS, worker_process: bool = False) -> None:
        self.vocabulary = vocabulary
        self.limits = limits
        self._engine = engine
        self._grammar = None
        self._lock = threading.Lock()
        self.worker_process = worker_process and engine is None
        self._pool: concurrent.futures.ProcessPoolExecutor | None = None

    def warm_up(self) -> None:
        """Load the model and grammar now rather than on the first voice note (in the worker, if there is one)."""
        if self.worker_process:
            self._worker().submit(_worker_warm_up).result()
        else:
            self._ready()

    def close(self) -> None:
        """Stop the worker process, if any."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    def _worker(self) -> concurrent.futures.ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                # spawn: the service has threads (MQTT, audit writer) that a fork would copy mid-flight.
                self._pool = concurrent.futures.ProcessPoolExecutor(
                    max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                    initializer=_worker_init, initargs=(self.vocabulary, self.limits, os.getpid()))
            return self._pool

    def _ready(self):
        with self._lock:
            if self._engine is None:
                self._engine = default_engine()
            if self._grammar is None:
                self._grammar = self._engine.grammar_for(self.vocabulary)
            return self._engine, self._grammar

    def transcribe(self, audio: bytes) -> Heard:
        """Raises nlu.audio.AudioError (bad audio, one line for the user) or nlu.speech.base.SpeechError."""
        if not self.worker_process:
            return self.transcribe_here(audio)
        pool = self._worker()
        try:
            kind, value = pool.submit(_worker_transcribe, audio).result()
        except BrokenProcessPool:
            log.error("speech worker died; it is restarted for the next note")
            with self._lock:
                if self._pool is pool:
                    self._pool = None
            raise SpeechError("the speech worker stopped") from None
        if kind == "audio":
            raise AudioError(*value)
        if kind == "speech":
            raise SpeechError(value)
        return value

    def transcribe_here(self, audio: bytes) -> Heard:
        """`transcribe` in the calling thread."""
        pcm = decode_audio(audio, self.limits)
        engine, grammar = self._ready()
        transcript = engine.transcribe(pcm.samples, grammar)
        trusted = bool(transcript.text) and transcript.confidence >= TRUST_CONFIDENCE
        return Heard(transcript.text, transcript.confidence, trusted, pcm.duration_s,
                     pcm.decode_s + transcript.decode_s, transcript.engine,
                     unsure_words(transcript.words, self.vocabulary), transcript.note, transcript.guessed)


# --- the worker process side: one pipeline per worker, errors returned as plain values (AudioError's constructor
# takes two arguments, which pickling an exception would not pass back).

_WORKER: SpeechPipeline | None = None


def _worker_init(vocabulary: Vocabulary, limits: AudioLimits, parent_pid: int) -> None:
    from autovolt.child_lifetime import end_with_parent
    from autovolt.heap import bound_arenas

    global _WORKER
    end_with_parent(parent_pid)  # a killed service must not leave the model's memory behind
    bound_arenas()  # before the engines start their threads (autovolt.heap: the worker's memory stays flat)
    _WORKER = SpeechPipeline(vocabulary, limits=limits)


def _worker_warm_up() -> bool:
    assert _WORKER is not None
    _WORKER.warm_up()
    return True


def _worker_transcribe(audio: bytes) -> tuple[str, object]:
    from autovolt.heap import give_back

    assert _WORKER is not None
    try:
        return "ok", _WORKER.transcribe_here(audio)
    except AudioError as exc:
        return "audio", (exc.reason, str(exc))
    except SpeechError as exc:
        return "speech", str(exc)
    finally:
        # What the note's decoding freed goes back to the system, not into malloc's free lists; beside the reply, not
        # before it (a trim took 18 ms median, 98 ms at most, on the loaded machine).
        threading.Thread(target=give_back, name="speech-heap", daemon=True).start()
