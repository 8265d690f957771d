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
class Transcript:
    """What was heard.

    `text`: lower-case words (empty when nothing was recognised); `engine`: "pocketsphinx" or "vosk";
    `audio_s`: length of the audio in seconds; `decode_s`: time spent decoding the audio file and recognising
    speech, in seconds; `confidence`: 0..1, how sure the engine is that `text` is what was said *and* that it
    is a sentence of the campus grammar (out-of-grammar speech scores low); `in_grammar`: whether `text`
    came from the constrained pass.
    """

    text: str
    engine: str
    audio_s: float
    decode_s: float
    confidence: float
    in_grammar: bool = False

    def to_json(self) -> dict[str, object]:
        return {"text": self.text, "engine": self.engine, "audio_s": round(self.audio_s, 3),
                "decode_s": round(self.decode_s, 4), "confidence": round(self.confidence, 3)}


class SpeechEngine(Protocol):
    """A loaded recogniser. Implementations load their model once and are safe to call from several threads."""

    name: str

    def grammar_for(self, vocabulary: Vocabulary) -> Grammar:
        """The campus grammar restricted to words this engine knows (cached per vocabulary)."""
        ...

    def transcribe(self, pcm: bytes, grammar: Grammar | None = None) -> Transcript:
        """Recognise 16 kHz mono s16le `pcm`; with a `grammar`, constrained to it plus an out-of-grammar check."""
        ...
