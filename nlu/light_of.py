"""A light "of" an idea: "keep the lights of hope on", "the lamp of learning": a figure of speech, no switch.

"keep the lights of hope on" asked which room's lights to keep on (twenty-second pass). Lights of a place name
the place after "of" ("the lights of lab 1", "the lights of the seminar hall"); after a word of no campus name,
no determiner and no number, the light is the idea's. Pure: tokens and the campus's words in, a verdict out (the
caller also requires that no campus place is named).
"""

from __future__ import annotations

from collections.abc import Collection

from spacy.lang.en.stop_words import STOP_WORDS

_LIGHT_WORDS = frozenset({"light", "lights", "lamp", "lamps"})


def light_of_an_idea(toks: list[str], campus_words: Collection[str]) -> bool:
    """Whether a light word is followed by "of" and a word no campus name, determiner or number holds."""
    for i, tok in enumerate(toks[:-2]):
        if tok in _LIGHT_WORDS and toks[i + 1] == "of":
            after = toks[i + 2]
            if after.isalpha() and after not in STOP_WORDS and after not in campus_words:
                return True
    return False
