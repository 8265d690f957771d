"""The contract every speech engine keeps: 16 kHz mono PCM and an optional campus grammar in, a Transcript out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from nlu.grammar import Grammar
from nlu.vocabulary import Vocabulary


class SpeechError(Exception):
    """Speech could not be transcribed for a reason the user or operator can fix; the message is one line."""


class ModelError(SpeechError):
    """A speech model is missing, broken or cannot be downloaded."""


@dataclass(frozen=True)
class HeardWord:
    """One word of a transcript as the engine scored it: `text` a lower-case token of `Transcript.text`, `confidence`
    0..1 how sure the engine is of that word (engines without per-word scores give the transcript's confidence)."""

    text: str
    confidence: float


@dataclass(frozen=True)
class Transcript:
    """What was heard.

    `text`: lower-case words (empty when nothing was recognised); `engine`: "pocketsphinx" or "vosk";
    `audio_s`: length of the audio in seconds; `decode_s`: time spent decoding the audio file and recognising
    speech, in seconds; `confidence`: 0..1, how sure the engine is that `text` is what was said *and* that it
    is a command for this campus (out-of-grammar speech scores low; below 0.5 it is never acted on);
    `in_grammar`: whether `text` came from the constrained pass; `words`: per-word confidences where the engine
    gives them (Whisper, Vosk), one per token of `text`, else empty; `note`: a one-line remark for the user about
    how the note was recognised (a remote speech server that did not answer), else None; `guessed`: a word was put
    in by a guess from the sentence's shape (a device slot filled, nlu/speech/deviceslot.py) that no other pass may
    confirm: a switch on it always asks first.
    """

    text: str
    engine: str
    audio_s: float
    decode_s: float
    confidence: float
    in_grammar: bool = False
    words: tuple[HeardWord, ...] = ()
    note: str | None = None
    guessed: bool = False

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {"text": self.text, "engine": self.engine, "audio_s": round(self.audio_s, 3),
                                  "decode_s": round(self.decode_s, 4), "confidence": round(self.confidence, 3)}
        if self.note:
            out["note"] = self.note
        return out


class SpeechEngine(Protocol):
    """A loaded recogniser. Implementations load their model once and are safe to call from several threads."""

    name: str

    def grammar_for(self, vocabulary: Vocabulary) -> Grammar:
        """The campus grammar restricted to words this engine knows (cached per vocabulary)."""
        ...

    def transcribe(self, pcm: bytes, grammar: Grammar | None = None) -> Transcript:
        """Recognise 16 kHz mono s16le `pcm`; with a `grammar`, constrained to it plus an out-of-grammar check."""
        ...
