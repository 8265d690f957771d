"""An odd word before a device type in a room that has several switches of that type, each with its own name.

"can you turn on the stage lights in the main hall" heard "... the fake lights ...": the auditorium has Hall lights
and Stage lights, "fake" names neither, and reading the type alone switched both, unasked (voice-kinds13, the
twelfth spoken part's wrong switch). A word that qualifies the type there means one of them: which one is asked.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from spacy.lang.en.stop_words import STOP_WORDS

from nlu import lexicon as lx

# Words before a type that take all of them ("all the lights", "both lights", "the whole lights") or are the order.
_ALL_OR_ORDER = frozenset({"all", "both", "every", "each", "whole", "entire", "remaining", "other", "rest"}) \
    | lx.ACTION_VERBS | lx.ON_WORDS | lx.OFF_WORDS | lx.FILLER_WORDS


def which_named_one(toks: Sequence[str], mentioned: Collection[int], places: Collection[int],
                    campus_words: Collection[str], named: Mapping[str, Sequence[str]]) -> str | None:
    """The question "Which lights do you mean: Hall lights or Stage lights?" when a device word (a token in
    `mentioned`, not in `places`) follows "the" and a word that is no campus word (`campus_words`), stop word,
    quantifier or switch verb ("the fake lights"), and `named` (type -> the names of the switches of that type the command would switch) holds one
    type with two or more names; else None."""
    several = {kind: names for kind, names in named.items() if len(set(names)) > 1}
    if len(several) != 1:
        return None
    odd = any(i > 1 and toks[i - 2] == "the" and i not in places and i - 1 not in mentioned and toks[i - 1].isalpha()
              and toks[i - 1] not in STOP_WORDS and toks[i - 1] not in _ALL_OR_ORDER
              and toks[i - 1] not in campus_words for i in mentioned)
    if not odd:
        return None
    kind, names = next(iter(several.items()))
    return f"Which {_plural(kind)} do you mean: {' or '.join(sorted(set(names)))}?"


def _plural(kind: str) -> str:
    """"light" -> "lights", "ac" -> "ACs"."""
    return "ACs" if kind == "ac" else f"{kind}s"
