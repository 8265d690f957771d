"""What the open-text kinds' tests share: the corpus's reading time in the demo campus's zone, and a sentence as
Whisper might write it, every word at one confidence, repaired by `nlu.speech.opentext` before the parser reads it."""

from __future__ import annotations

import datetime as dt

from nlu.speech.base import HeardWord
from nlu.speech.opentext import heard_words, text_of

# Thursday 2026-11-26 10:00 in Asia/Kolkata, when the corpus's labels are read (nlu.scoring.CORPUS_NOW, zoned).
NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30)))


def heard(text: str, confidence: float = 0.9) -> tuple[str, tuple[HeardWord, ...]]:
    """The repaired text and its words (a repair marks the words it guessed with a lower confidence)."""
    words = tuple(heard_words((w, confidence) for w in text.split()))
    return text_of(words), words
