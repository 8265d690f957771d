"""A room number after a kind of place: "classroom 3", "computer lab 3".

Two readings made a number name a room it does not name, and switched that room unasked:
- "classroom 3": a bare number stands for the one room with that number in its name (lab 3, the Electronics
  Lab), whatever kind of place was said before it. A number after a kind of place ("classroom", "lab", "hall")
  stands only for a room of that kind; "room 3" and "number 3" say no kind and keep the old reading.
- "computer lab 3": "computer lab" (Computer Lab 1's alias) was read as a room and the 3 as lab 3 besides. A number
  right after a room's name that ends in a kind of place makes a longer name; the campus has none such (the
  longest-match gazetteer would have found it), so it is a place the campus lacks, asked back, never two rooms.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Container, Iterable

from nlu.textnorm import tokens as norm_tokens

# Words for one kind of place, by the kind.
_KIND_OF = {"classroom": "classroom", "class": "classroom", "cr": "classroom",
            "lab": "lab", "laboratory": "lab", "labs": "lab",
            "hall": "hall"}


def kind_of(word: str) -> str | None:
    """The kind of place `word` says ("cr" -> classroom), or None for a word that says no kind ("room")."""
    return _KIND_OF.get(word)


def room_is_of_kind(kind: str, names: Iterable[str]) -> bool:
    """Whether a room called `names` (its name, aliases and id) is a place of `kind`."""
    return kind in _kinds_named(tuple(names))


@lru_cache(maxsize=1024)  # a campus's rooms, tokenised once rather than at every "classroom 101"
def _kinds_named(names: tuple[str, ...]) -> frozenset[str]:
    return frozenset(_KIND_OF[w] for name in names for w in norm_tokens(name.replace("-", " ")) if w in _KIND_OF)


def extends_a_name(toks: list[str], end: int, taken: Container[int], counted: Container[int]) -> bool:
    """Whether a number right after a room's name ending at `end` makes a longer name ("computer lab" 3): the name
    ends in a kind of place and the number is no time (`taken`) and counts nothing said after it (`counted`: where
    a device or unit word starts, "the seminar hall 2 ACs")."""
    return 0 < end < len(toks) and toks[end].isdigit() and kind_of(toks[end - 1]) is not None \
        and end not in taken and end + 1 not in counted
