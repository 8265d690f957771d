"""A room said by a description the campus records nothing of: "the first floor lab", "the lab upstairs", "the east
wing classroom", "the big lab".

The campus records no floors, wings or sizes, so such a place may be any room of its kind. An order there asked
"Which room?" with no context, but switched the user's one room or the room of the previous command (text-left6:
"turn off the lights in the first floor lab" switched Lab 2's after an order for Lab 2), and a question about it was
answered for the whole campus. The caller asks which room is meant, whatever it knows of the user. A description is
a floor ("first floor", "ground floor", "top floor", "on the second floor"), a side ("upstairs", "downstairs", "east
wing") or a look ("big", "new", "corner") next to a kind of room ("lab", "classroom", "hall") that no campus name
covers. Pure: tokens and the indices read as campus names in, the place's span out.
"""

from __future__ import annotations

from collections.abc import Collection

# Kinds of room a description may stand by (a campus name that holds one, "lab 2", is covered before this is asked).
KINDS = frozenset("lab labs laboratory classroom classrooms class room rooms hall".split())
# Words that say which floor: "first floor", "2nd floor" (normalised "2"), "ground floor", "top floor".
_FLOOR_WHICH = frozenset("first second third fourth fifth ground top upper lower 1 2 3 4 5 1st 2nd 3rd 4th 5th".split())
_SIDES = frozenset({"east", "west", "north", "south", "new", "old", "left", "right"})  # "east wing", "new wing"
# Words before a kind of room that describe it without naming it.
_LOOKS = frozenset("big bigger biggest small smaller smallest large larger largest little new newer old older corner "
                   "upstairs downstairs main".split())  # "the main hall" is a campus name, read first
_AFTER = frozenset({"upstairs", "downstairs"})  # "the lab upstairs"
# The words of a description, known to the spelling fixer ("ground" was bent to "around").
WORDS = frozenset(w for w in _FLOOR_WHICH | _SIDES | _LOOKS | {"floor", "wing"} if w.isalpha())


def _floor_or_wing(toks: list[str], i: int) -> int:
    """The length of "first floor" / "east wing" starting at `i`, or 0."""
    if toks[i + 1:i + 2] == ["floor"] and toks[i] in _FLOOR_WHICH:
        return 2
    if toks[i + 1:i + 2] == ["wing"] and toks[i] in _SIDES:
        return 2
    return 0


def described_place(toks: list[str], named: Collection[int]) -> tuple[int, int] | None:
    """The span (start, end) of a place said by a description ("first floor lab"), or None. `named`: indices read as a campus name, a
    device or a time (a kind of room among them is no bare kind: "room 102 on the ground floor" is room 102)."""
    for k, tok in enumerate(toks):
        if tok not in KINDS or k in named:
            continue
        start = k
        while start and toks[start - 1] in _LOOKS and start - 1 not in named:
            start -= 1  # "the big corner lab"
        if start >= 2 and _floor_or_wing(toks, start - 2) and not {start - 2, start - 1} & set(named):
            start -= 2  # "the first floor lab", "the east wing classroom"
        end = k + 1
        if toks[end:end + 1] and toks[end] in _AFTER:
            end += 1  # "the lab upstairs"
        elif toks[end:end + 2] in (["on", "the"], ["in", "the"]) and len(toks) > end + 3 \
                and _floor_or_wing(toks, end + 2) and not set(range(end, end + 4)) & set(named):
            end += 4  # "the lab on the first floor", "the classroom in the east wing"
        if start < k or end > k + 1:
            return start, end
    return None
