"""Which words of a transcript choose *what* a command switches, and which of those the engine was unsure of.

A transcript can be sure overall and still have guessed the one word that matters ("fans" heard as "plugs"): the
bot asks before switching when a device, room, building or on/off word was heard with a low word confidence.
Pure: words and the campus vocabulary in, the unsure words out.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from nlu import lexicon
from nlu.numbers import NUMBER_WORDS, ZERO_LETTERS
from nlu.speech.base import HeardWord
from nlu.vocabulary import Vocabulary

# A deciding word heard with less confidence than this makes a switch command ask first. Chosen on the dev notes
# (bench/speech_twopass.py, docs/benchmarks.md "Speech: two passes").
WORD_SURE = 0.5
# Words that name no place or device although registry phrases contain them.
_CARRIER = frozenset({"the", "a", "an", "of", "in", "at", "all", "every", "each", "my", "this", "that", "and", "to",
                      "room", "rooms"})


@lru_cache(maxsize=16)
def deciding_words(vocabulary: Vocabulary) -> frozenset[str]:
    """Words that pick the device, place or action of a command on this campus."""
    from nlu.parser import parser_for  # the gazetteer's word list; spaCy loads here

    names = set(parser_for(vocabulary).gaz.words)
    numbers = {token for room in vocabulary.rooms for token in room.name.lower().split() if token.isdigit()}
    return frozenset((names | numbers | NUMBER_WORDS | ZERO_LETTERS | lexicon.ON_WORDS | lexicon.OFF_WORDS) - _CARRIER)


def unsure_words(words: Sequence[HeardWord], vocabulary: Vocabulary, below: float = WORD_SURE) -> tuple[str, ...]:
    """The deciding words heard with a confidence under `below`, in order (empty when the engine gave no
    per-word confidences)."""
    deciding = deciding_words(vocabulary)
    return tuple(w.text for w in words if w.confidence < below and (w.text in deciding or w.text.isdigit()))
