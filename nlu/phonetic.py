"""A sound key for words, so a campus name a recogniser spelled the way it sounds ("semmenar", "kanteen",
"projecter", "fanz") still finds the name, where spelling distance alone is too far or too close to another word.

Metaphone (jellyfish) with voiced and unvoiced pairs folded together (b/p, d/t, g/k, v/f, z/s): recognisers and
accents swap those more than anything else, and a registry rarely holds two names told apart only by them.
"""

from __future__ import annotations

from functools import lru_cache

import jellyfish

_FOLD = str.maketrans({"B": "P", "D": "T", "G": "K", "V": "F", "Z": "S", "J": "K", "X": "S"})


@lru_cache(maxsize=65_536)
def sound_key(word: str) -> str:
    """The folded metaphone key of one lower-case word ("" for anything without letters)."""
    if not word.isalpha():
        return ""
    return jellyfish.metaphone(word).translate(_FOLD)
