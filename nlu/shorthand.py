"""Chat shorthand for campus words, said in full before the spelling fixer sees it.

"proj on sem hall" was no command (twentieth pass), "lib hall lights off" switched the auditorium's lights (the
spelling fixer bent "lib" elsewhere), "phy lab fans off" asked which room. A clipped word is read only where it
cannot be another: "sem" before a hall or room ("this sem's exams" stays), "lib" before a hall or block, "phy"
before a lab. Pure: tokens in, tokens out.
"""

from __future__ import annotations

# Clipped words that are read alone, whatever follows.
_ALONE = {"proj": "projector", "projs": "projectors", "projecter": "projector"}
# Clipped words read only before one of the words that make them a place: word -> (full word, heads).
_BEFORE = {
    "sem": ("seminar", frozenset({"hall", "room"})),
    "semi": ("seminar", frozenset({"hall"})),
    "lib": ("library", frozenset({"hall", "block"})),
    "libr": ("library", frozenset({"hall", "block"})),
    "phy": ("physics", frozenset({"lab", "laboratory"})),
    "phys": ("physics", frozenset({"lab", "laboratory"})),
    # Slips of "turn" too short for the spelling fixer (it leaves words under four letters): "tun on the AC in the
    # staf room" was no command (twenty-third pass); only before the on/off they order.
    "tun": ("turn", frozenset({"on", "off"})),
    "trn": ("turn", frozenset({"on", "off"})),
}


def in_full(toks: list[str]) -> list[str]:
    """The tokens with campus shorthand said in full: "proj on sem hall" -> "projector on seminar hall"."""
    out: list[str] = []
    for i, t in enumerate(toks):
        nxt = toks[i + 1] if i + 1 < len(toks) else ""
        if t in _ALONE:
            out.append(_ALONE[t])
        elif t in _BEFORE and nxt in _BEFORE[t][1]:
            out.append(_BEFORE[t][0])
        else:
            out.append(t)
    return out
