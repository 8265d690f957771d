"""A campus place said by its place in a row: "the second computer lab", "the 2nd lab", "the first computer lab".

"Computer lab" is Computer Lab 1's alias, so "the second computer lab" switched Computer Lab 1 (text-left5); "the
third computer lab" did too. An ordinal (or "the" and a figure, as "2nd" is written after normalising) before a
campus name that, with that number after it, is another campus name or alias ("computer lab" + 2 = "Computer Lab 2",
"lab" + 2 = "lab 2") is said as that name. An ordinal before a place no campus name numbers so stays, and the caller
asks which place is meant (`ordinal_mention`). Pure: tokens in, tokens out.
"""

from __future__ import annotations

from collections.abc import Iterable

ORDINALS = {"first": "1", "second": "2", "third": "3", "fourth": "4", "fifth": "5", "sixth": "6"}


def numbered_names(names: Iterable[list[str]]) -> dict[tuple[str, ...], frozenset[str]]:
    """The campus names and aliases (as tokens) that end in a number, by the words before it: ("computer", "lab") ->
    {"1", "2"}, ("lab",) -> {"1", "2", "3", "4"}."""
    out: dict[tuple[str, ...], set[str]] = {}
    for toks in names:
        if len(toks) > 1 and toks[-1].isdigit():
            out.setdefault(tuple(toks[:-1]), set()).add(toks[-1])
    return {k: frozenset(v) for k, v in out.items()}


def _ordinal_at(toks: list[str], i: int) -> str | None:
    """The number the ordinal at `i` says: "second" -> "2"; a figure only after "the" ("the 2 computer lab")."""
    if toks[i] in ORDINALS:
        return ORDINALS[toks[i]]
    return toks[i] if toks[i].isdigit() and len(toks[i]) == 1 and i and toks[i - 1] == "the" else None


def said_by_number(toks: list[str], numbered: dict[tuple[str, ...], frozenset[str]]) -> list[str]:
    """The tokens with "<ordinal> <name>" said as "<name> <number>" where the campus has that name."""
    if not (set(toks) & ORDINALS.keys() or "the" in toks):
        return toks  # the common case, first
    out = list(toks)
    for i in range(len(out) - 2, -1, -1):
        number = _ordinal_at(out, i)
        if number is None:
            continue
        for words in sorted(numbered, key=len, reverse=True):  # "computer lab" before "lab"
            end = i + 1 + len(words)
            numbered_already = out[end:end + 1] != [] and out[end].isdigit()  # "first lab 2, then lab 1"
            said = tuple(out[i + 1:end])
            # "the second computer lab's fans": the possessive reads "labs" (no plural follows an ordinal)
            owned = said[:-1] == words[:-1] and said[-1:] == (words[-1] + "s",)
            if (said == words or owned) and number in numbered[words] and not numbered_already:
                out[i:end] = [*words, number]
                break
    return out


def ordinal_before(toks: list[str], start: int, end: int) -> int | None:
    """Where an ordinal said before the place mention `toks[start:end]` stands ("the third computer lab": the index
    of "third"), None when there is none or the mention has its own number ("first lab 2"): a place no campus name
    numbers so, to be asked about (`said_by_number` rewrote those it does)."""
    k = start - 1
    return k if k >= 0 and _ordinal_at(toks, k) is not None and not toks[end - 1].isdigit() else None
