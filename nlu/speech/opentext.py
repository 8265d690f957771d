"""An open pass's words (Whisper's, or a Wyoming server's text) as the parser's tokens, each with its confidence.

Open recognisers write what they hear as ordinary English: "A.C.", "fan's", "Room 101." and, after a room word,
numbers as their homophones ("lab to", "room for"). The homophones are turned back into digits only right after a
word that introduces a room number, where nothing else makes sense.
"""

from __future__ import annotations

from collections.abc import Iterable

from nlu.lexicon import NUMBER_ROOM_HEADS
from nlu.speech.base import HeardWord
from nlu.textnorm import base_tokens

_HOMOPHONES = {"to": "2", "too": "2", "for": "4", "won": "1", "ate": "8"}


def heard_words(words: Iterable[tuple[str, float]]) -> tuple[HeardWord, ...]:
    """(word as written, confidence) pairs -> lower-case tokens, each with its word's confidence."""
    out: list[HeardWord] = []
    for written, confidence in words:
        for token in base_tokens(written):
            if token in _HOMOPHONES and out and out[-1].text in NUMBER_ROOM_HEADS:
                token = _HOMOPHONES[token]
            out.append(HeardWord(token, float(confidence)))
    return tuple(out)
