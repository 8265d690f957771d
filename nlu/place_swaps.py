"""A follow-up that takes back the order's place and names another: "wait, not lab 1, computer lab 2".

Said right after "lights in lab no. 1 off", it is that order in lab 2 only; with nothing before it in the message to
correct, the self-correction rewrite (`nlu.corrections`) left it as it was and it was refused (twenty-fourth pass).
It is read as "same in computer lab 2", the follow-up that repeats the order elsewhere (time kept). Only when the
place taken back is one the order acted on: "not lab 3, lab 2" after an order in lab 1 is left alone (unclear).
Pure: tokens and spans in, tokens out.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from nlu.corrections import Span

_LEADS = frozenset("wait sorry oh oops whoops no hang hold on um umm uh er erm hmm ok okay actually my bad".split())
_BETWEEN = frozenset("but just only rather i mean meant instead it is its the in".split())
_AFTER = frozenset({"instead", "please", "pls", "only", "then", "sorry"})
_PLACES = frozenset({"room", "rooms", "building"})


def swapped_place(toks: list[str], spans: Sequence[Span], order_rooms: Collection[str]) -> list[str] | None:
    """The message as "same in <new place>" when it is only "not <a room of the order>, <another room>" (with lead-ins
    such as "wait", "sorry", and "but" / "just" / "I mean" between); None otherwise."""
    k = 0
    while k < len(toks) and toks[k] in _LEADS:
        k += 1
    if toks[k:k + 1] != ["not"]:
        return None
    k += 1 + (toks[k + 1:k + 2] == ["the"])
    places = {s.start: s for s in spans if s.kind in _PLACES}
    old = places.get(k)
    if old is None or not set(old.targets) <= set(order_rooms):
        return None
    k = old.end
    while k < len(toks) and toks[k] in _BETWEEN:
        k += 1
    new = places.get(k)
    if new is None or set(new.targets) & set(old.targets) or not all(t in _AFTER for t in toks[new.end:]):
        return None
    return ["same", "in", *toks[new.start:new.end]]
