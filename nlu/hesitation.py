"""A filled pause between two things of the same kind: "turn on the projector, er, the AC in room 101".

Said aloud or typed as speech, "X, er, Y" with no "and" may be a list or a repair (Y put in X's place); switching
both switches something the user may have taken back (the first safety rule), and switching Y alone misses X when it
was a list. So a device command with such a pause asks which was meant. With "and" it is a list ("lights, uh, and
fans"); a pause before another kind of thing ("the lights um in room 101") or before the same thing again changes
nothing; a correction marker after the pause ("er, I mean the AC", "uh no, the fans") corrects as it always did.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, Sequence

# Sounds a speaker makes while finding the next word ("hmm no", "uh no" are correction markers of their own).
FILLED_PAUSES = frozenset({"er", "erm", "uh", "uhh", "uhm", "um", "umm", "hmm", "ah", "eh", "em"})
# Words that may start the phrase again after the pause: the determiner of a device, the preposition of a place.
_RESTARTS = frozenset({"the", "a", "an", "in", "at"})
_SHOUTED = {"ac": "AC", "acs": "ACs", "pc": "PC", "pcs": "PCs"}


class _Span(Protocol):
    kind: str
    targets: tuple[str, ...]
    start: int
    end: int


@dataclass(frozen=True)
class Hesitation:
    """Two mentions of one kind with a filled pause between them: tokens [old_start, old_end), [new_start, new_end)."""

    old_start: int
    old_end: int
    new_start: int
    new_end: int


def _group(kind: str) -> str:
    if kind in ("type", "switch"):
        return "device"
    return "place" if kind in ("room", "rooms", "building") else kind


def find_hesitation(toks: Sequence[str], spans: Sequence[_Span]) -> Hesitation | None:
    """The first filled pause right between two devices (or two places) that differ, or None."""
    for i, tok in enumerate(toks):
        if tok not in FILLED_PAUSES or (i and toks[i - 1] in FILLED_PAUSES):
            continue
        old = next((s for s in spans if s.end == i and _group(s.kind) in ("device", "place")), None)
        if old is None:
            continue
        j = i
        while j < len(toks) and toks[j] in FILLED_PAUSES:
            j += 1
        k = j + (j < len(toks) and toks[j] in _RESTARTS)
        new = next((s for s in spans if s.start == k and _group(s.kind) == _group(old.kind)), None)
        if new is not None and not (new.kind == old.kind and new.targets == old.targets):
            return Hesitation(old.start, old.end, new.start, new.end)
    return None


def hesitation_question(toks: Sequence[str], found: Hesitation) -> str:
    """What to ask: both things, as said."""
    def said(start: int, end: int) -> str:
        return " ".join(_SHOUTED.get(t, t) for t in toks[start:end])

    old, new = said(found.old_start, found.old_end), said(found.new_start, found.new_end)
    return f"Did you mean {new} only, or {old} and {new}? Please say it again with just the ones you mean."
