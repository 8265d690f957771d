"""An open pass's words (Whisper's, or a Wyoming server's text) as the parser's tokens, each with its confidence.

Open recognisers write what they hear as ordinary English: "A.C.", "fan's", "Room 101." and, after a room word,
numbers as their homophones ("lab to", "room for"). The homophones are turned back into digits only right after a
word that introduces a room number, where nothing else makes sense. "Two hundred and one" comes out as "200 and 1":
joined back into 201. "Two oh one" may come out as "2 oh 1": the "oh" between two digits is a zero (else the room
read is "room 2").
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
    return _hundreds_joined(_zeros_between_digits(out))


def _zeros_between_digits(words: list[HeardWord]) -> list[HeardWord]:
    """"2 oh 1" -> "2 0 1": "oh"/"o" is a zero only between two single digits."""
    out = list(words)
    for i in range(1, len(out) - 1):
        if (out[i].text in ("oh", "o") and len(out[i - 1].text) == 1 and out[i - 1].text.isdigit()
                and out[i + 1].text[:1].isdigit()):
            out[i] = HeardWord("0", out[i].confidence)
    return out


def _hundreds_joined(words: list[HeardWord]) -> tuple[HeardWord, ...]:
    """"200 and 1" -> "201" (the least sure of the three words' confidences)."""
    out: list[HeardWord] = []
    i = 0
    while i < len(words):
        here = words[i].text
        if (here.isdigit() and len(here) == 3 and here.endswith("00") and i + 2 < len(words)
                and words[i + 1].text == "and" and words[i + 2].text.isdigit() and len(words[i + 2].text) <= 2):
            joined = str(int(here) + int(words[i + 2].text))
            out.append(HeardWord(joined, min(w.confidence for w in words[i:i + 3])))
            i += 3
            continue
        out.append(words[i])
        i += 1
    return tuple(out)
