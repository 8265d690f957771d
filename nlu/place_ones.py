""""the seminar hall one": a place's name with "one" after it points at that place's device, it numbers nothing.

The numbers made "one" a "1", and a bare "1" was read as Computer Lab 1: "no, the seminar hall one" after an order
for the auditorium projector added Lab 1, and "sorry, the staff room one" after an order for the room 101 AC switched
the Lab 1 AC on too (twenty-third pass). A "1" right after a room named with "the" before it ("the seminar hall 1")
is that pronoun ("one" again), unless the room's own name holds it (the gazetteer's mention then covers the "1":
"the computer lab one" is Computer Lab 1) or a time or unit follows ("the staff room 1 hour later"). Pure: tokens
and the spans of the rooms found in them in, tokens out.
"""

from __future__ import annotations

from collections.abc import Iterable

# Words after the "1" that make it a number still: "1 pm", "1 hour", "1:30".
_NUMBER_AFTER = frozenset({"am", "pm", "oclock", "hour", "hours", "hr", "hrs", "minute", "minutes", "min", "mins",
                           "more", "of", "by", "to", "and", "or", "x", "degree", "degrees"})


def place_ones(toks: list[str], rooms: Iterable[tuple[int, int]]) -> list[str]:
    """The tokens with the "1" after "the <room>" said as the pronoun "one" again (the room's spans: start, end)."""
    drop = {end for start, end in rooms
            if end < len(toks) and toks[end] == "1" and start and toks[start - 1] == "the"
            and not (toks[end + 1:end + 2] and (toks[end + 1] in _NUMBER_AFTER or toks[end + 1][:1].isdigit()))}
    return ["one" if i in drop else t for i, t in enumerate(toks)] if drop else toks
