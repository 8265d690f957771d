"""A room named by its use that the campus lacks: "the board room", "the HOD cabin", "the server room".

"X room", "X cabin", "X office" after in/at/of (the) is a place; when no campus room is named so (the words before
the head are no word of any campus place name), a command there is asked back ("I don't know the board room on this
campus"), as "lab 6" or "the canteen" are, never "Which room do you mean?" (whose answer switched some other room)
nor read as out of scope. One's own ("my cabin") and pointing words ("this room", "the same room") are no name.
"""

from __future__ import annotations

from typing import Iterable, Iterator

from spacy.lang.en.stop_words import STOP_WORDS

from nlu.textnorm import tokens as norm_tokens
from nlu.vocabulary import Vocabulary

HEADS = frozenset({"room", "cabin", "office", "chamber", "booth", "shed"})  # "the security booth", "the cycle shed"
_LEADS = frozenset({"in", "at", "of", "inside"})
# Words before a head that point at a room rather than name one ("the whole room", "the next room").
_POINTING = frozenset(STOP_WORDS) | frozenset("whole entire empty same other next class dark cold hot big small "
                                              "little new old main".split())
_MAX_NAME = 2  # "the board room", "the hod cabin", "the girls common room"


def place_words(vocab: Vocabulary) -> frozenset[str]:
    """Every word of a campus building's or room's name or alias ("staff", "principals", "reading"): a place named
    with one of them may be the campus's own, said loosely, and keeps the reading it had."""
    names: list[str] = []
    for entry in (*vocab.buildings, *vocab.rooms):
        names += [entry.name, *entry.aliases]
    return frozenset(w for name in names for w in norm_tokens(name) if w.isalpha())


def names_another(word: str, known: frozenset[str]) -> bool:
    """Whether `word` before a head ("records" of "the records office") names a place of its own, none of the
    campus's: a word, no pointing one, and no word of a campus place name in any of its forms ("principal")."""
    return word.isalpha() and word not in _POINTING and not {word, word + "s", word.rstrip("s")} & known \
        and word not in HEADS


def name_before(toks: list[str], head: int, taken: Iterable[int], known: frozenset[str]) -> int:
    """Where the name of another place before the head `toks[head]` starts ("records" of "the records office"):
    up to two words that `names_another`, none of them `taken` (read as a device, a time); `head` when none."""
    taken = set(taken)
    start = head
    while start > 0 and head - start < _MAX_NAME and (start - 1) not in taken \
            and names_another(toks[start - 1], known):
        start -= 1
    return start


def another_named(toks: list[str], head: int, taken: Iterable[int], known: frozenset[str]) -> int:
    """"the records office", "in exam office": where the name of another place before a head that alone is a campus
    room's alias ("office" of the Principal's Office) starts, when said as a place (after "the" or in/at/of);
    `head` when the head is the campus's own ("the office", "the principal office", "switch office lights on")."""
    start = name_before(toks, head, taken, known)
    if start == head or not start or toks[start - 1] not in _LEADS | {"the"}:
        return head
    return start


def lacking_rooms(toks: list[str], taken: Iterable[int], known: frozenset[str],
                  subjects: Iterable[str] = ()) -> Iterator[tuple[int, int]]:
    """Token spans [start, end) of "X room"-like places after in/at/of (the) that name no campus place; `taken`:
    tokens already read as something (a campus room, a device, a time), `known`: `place_words` of the campus,
    `subjects`: words that may come before "the X room" as its subject ("how much did the board room use")."""
    taken = set(taken)
    leads = _LEADS | frozenset(subjects)
    for i, tok in enumerate(toks):
        if tok not in HEADS or i in taken:
            continue
        start = name_before(toks, i, taken, known)
        if start == i:
            continue
        if toks[start - 1:start] and toks[start - 1] in _LEADS \
                or toks[max(0, start - 2):start] in [[lead, "the"] for lead in leads]:
            yield start, i + 1
