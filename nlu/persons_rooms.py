"""A room named after the person who works in it ("Principal's Office"), said through the person.

"switch off the principal's fan", "the principal's cabin", "the principal left, switch off her fan": the room is
the person's office, but only its full name was known, so each asked "Which room do you mean?" and the judge then
refused the order (nineteenth pass). Pure: tokens in, tokens out, before the spelling fixer.
"""

from __future__ import annotations

from collections.abc import Iterable

# Other words for a person's room: "the principal's cabin" is the principal's office.
_ROOM_WORDS = frozenset({"room", "cabin", "chamber", "chambers"})
# A pronoun for the person named earlier in the message: "the principal left, switch off her fan".
_THEIR = frozenset({"his", "her"})


def persons_rooms(room_names: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """The possessive word of each room named "<person>'s <head>" (normalised "principals"), mapped to the
    room's words ("principals", "office")."""
    out: dict[str, tuple[str, ...]] = {}
    for name in room_names:
        words = name.lower().replace("\u2019", "'").split()
        if len(words) == 2 and words[0].endswith("'s") and words[0][:-2].isalpha():
            out[words[0][:-2] + "s"] = (words[0][:-2] + "s", words[1])
    return out


def said_as_room(toks: list[str], persons: dict[str, tuple[str, ...]], device_words: frozenset[str]) -> list[str]:
    """The tokens with a person's room said by its name: "principals fan" -> "principals office fan", "principals
    cabin" -> "principals office", and "her fan" after "the principal" -> "principals office fan". Only before a
    device word (or a word for a room): "the principal's car", "her laptop" stay as they are."""
    if not persons:
        return toks
    out: list[str] = []
    named: tuple[str, ...] | None = None  # the last person said, for a later "his"/"her"
    for i, tok in enumerate(toks):
        nxt = toks[i + 1] if i + 1 < len(toks) else ""
        room = persons.get(tok) or persons.get(tok + "s")
        if room is not None:
            named = room
        if tok in persons and nxt in device_words:
            out.extend(persons[tok])  # "the principal's fan": the office's fan
        elif tok in _ROOM_WORDS and out and out[-1] in persons and (not i or toks[i - 1] in persons):
            out.append(persons[out[-1]][-1])  # "the principal's cabin": the office
        elif tok in _THEIR and named is not None and nxt in device_words:
            out.extend(named)  # "the principal left, switch off her fan"
        else:
            out.append(tok)
    return out
