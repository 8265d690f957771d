"""A follow-up that says only the next on/off of the order's devices: "and off again in 30 minutes".

Said after "auditorium stage lights on for the dance practice", it is those lights off in 30 minutes; it names no
device, place or pronoun, so it was refused (twenty-fourth pass). It is an order only when it links itself to the
order before ("and", "then", "again", "back") and holds nothing but the on/off word, its time and such links, so that
a bare "off" or "on" of chat is never read as one. Pure: tokens and time indices in, a yes or no out.
"""

from __future__ import annotations

from collections.abc import Collection

_LINKS = frozenset({"and", "then", "again", "back", "later", "after", "that"})
_EXTRA = frozenset({"please", "pls", "plz", "turn", "switch", "them", "it", "too", "also"})
_STATES = frozenset({"on", "off"})


def next_action(toks: list[str], time_indices: Collection[int]) -> str | None:
    """The on/off word of a message that is only "and/then ... on|off (again) (<time>)"; None otherwise."""
    states = [t for i, t in enumerate(toks) if t in _STATES and i not in time_indices]
    if len(states) != 1:
        return None
    words = [t for i, t in enumerate(toks) if i not in time_indices and t not in _STATES]
    if not set(words) & _LINKS or not all(t in _LINKS | _EXTRA for t in words):
        return None
    return states[0]
