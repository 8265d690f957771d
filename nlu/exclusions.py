"""An exception to an order in the same message: "lights off in the auditorium but leave the stage lights on",
"switch off everything in lab 1 except the fans". Read as one order, the excepted switch was switched too (or, with
"everything ... except the fans", only the fans were): the order is read without the exception, and the switches it
names are taken out of the order's (`subtract`); when that cannot be told, the parser asks."""

from __future__ import annotations

from dataclasses import dataclass

from nlu.gazetteer import Mention

# Words that open an exception; the excepted mention follows them.
_MARKERS: tuple[tuple[str, ...], ...] = (
    ("except", "for"), ("except",), ("excepting",), ("apart", "from"), ("other", "than"), ("but", "not"),
    ("but", "leave"), ("and", "leave"), ("leave",), ("leaving",), ("but", "keep"), ("and", "keep"), ("keep",),
    ("keeping",),
)
# Markers that open an exception whatever follows ("leave", "keep" and "not" have other senses).
_SURE_MARKERS = frozenset({("except", "for"), ("except",), ("excepting",), ("apart", "from"), ("but", "leave"),
                           ("but", "keep")})
# After a marker, words that name no thing: "except that it's late", "but keep it quick".
_NOT_A_THING = frozenset("that this it them if when when while now today tomorrow in on at for to".split())
# One of them is in every message with an exception (a quick test before the markers are looked for).
MARKER_WORDS = frozenset("except excepting apart than not leave leaving keep keeping but".split())
# Before "but": a whole, so "but" opens an exception ("turn off all but the fans": read as one order it switched off
# only the fans, the one thing to be left).
_WHOLES_BEFORE_BUT = frozenset({"all", "everything"})
# After "leave/keep X": the state X is to stay in. Opposite to the order's action, X is excepted; the same ("switch
# on the fans and keep the lights on") is a second thing to switch, not an exception.
_STAYS = {"on": "on", "running": "on", "off": "off", "alone": None, "untouched": None, "as": None}
_TRAILING = frozenset("please pls plz thanks thank you is it they are as for now".split())
_PLACE_KINDS = frozenset({"room", "rooms", "building"})
_PLACE_WORDS = frozenset({"in", "at", "of", "inside"})
# Before a bare "leave/keep X on": an order's own word ("shut the AC, leave the lights running").
_ORDER_WORDS = frozenset("on off shut shutdown kill cut switch turn power stop start".split())


@dataclass(frozen=True)
class Exclusion:
    """An exception found in a message's tokens: the order's tokens without it (`order`), the excepted mentions'
    tokens (`excepted`), and the state the excepted things are to stay in (`stays`: "on"/"off", None for "as they
    are" or no state said); `sure` False when more follows it than a place or a please (the parser asks)."""

    order: tuple[str, ...]
    excepted: tuple[str, ...]
    stays: str | None
    sure: bool = True


def find_exclusion(toks: list[str], mentions: list[Mention]) -> Exclusion | None:
    """The exception in `toks` (with the gazetteer's `mentions` of them), or None. Only an exception after the order
    and naming a registry thing right after its marker counts; the places named after the excepted thing ("except
    the stage lights in the auditorium") stay with the order."""
    for i in range(1, len(toks)):
        marker = next((m for m in _MARKERS if tuple(toks[i:i + len(m)]) == m), None)
        if marker is None and toks[i] == "but" and toks[i - 1] in _WHOLES_BEFORE_BUT:
            marker = ("except",)  # "all but the fans" is "all except the fans"
        if marker is None:
            continue
        keeps = marker[-1] in ("leave", "leaving", "keep", "keeping")
        if marker in (("leave",), ("keep",)) and not _ORDER_WORDS & set(toks[:i]):
            continue  # "..., leave the X on" only after an order's on/off
        j = i + len(marker)
        while j < len(toks) and toks[j] in ("the", "all", "both"):
            j += 1
        if j < len(toks) and toks[j] in _PLACE_WORDS and _place_at(toks, j + 1, mentions):
            j = _place_at(toks, j + 1, mentions)  # "except in the seminar hall": the place is the thing excepted
        first = next((m for m in mentions if m.start == j), None)
        if first is None and marker in _SURE_MARKERS and j < len(toks) and toks[j] not in _NOT_A_THING \
                and (any(m.start < i and m.kind not in _PLACE_KINDS for m in mentions) or _names_a_whole(toks[:i])):
            # An exception whose thing the parser does not know ("everything in lab 2 except the PCs"): the order
            # with its places, and nothing excepted that it could tell, so the parser asks.
            placed = tuple(t for m in mentions if m.start > i and m.kind in _PLACE_KINDS for t in ("in", *toks[m.start:m.end]))
            return Exclusion(order=tuple(toks[:i]) + placed, excepted=(), stays=None, sure=False)
        if first is None or first.kind in ("everything", "everywhere"):
            continue
        # The excepted things: mentions joined by "and" / "or" from the first on.
        end, excepted = first.end, list(toks[first.start:first.end])
        while True:
            k = end
            while k < len(toks) and toks[k] in ("and", "or", "the", ","):
                k += 1
            nxt = next((m for m in mentions if m.start == k and k > end and m.kind == first.kind), None)
            if nxt is None:
                break
            excepted += ["and", *toks[nxt.start:nxt.end]]
            end = nxt.end
        stays, sure = None, True
        if keeps and (end >= len(toks) or toks[end] not in _STAYS):
            # No state said. After "but" ("... but keep the stage lights") or as the message's last words ("...,
            # and leave the fans") it is still an exception (as they are); else ("leave the fans in lab 1") none.
            sure = _only_trailing(toks, end, mentions)
            if not (marker[0] == "but" or sure):
                continue
        elif keeps:
            stays = _STAYS[toks[end]]
            end += 1
            # More after it than a place or a please ("... but keep the projector on for the class"): still an
            # exception, but one the parser asks about rather than reads.
            sure = _only_trailing(toks, end, mentions)
        order = tuple(toks[:i]) + tuple(toks[end:])
        # A place alone before a sure marker is the whole place: "shut down the physics lab apart from the water
        # cooler" (read without the exception it switched only the cooler, the one thing to be left).
        whole_place = marker in _SURE_MARKERS and any(m.start < i and m.kind in _PLACE_KINDS for m in mentions)
        if not any(m.start < i and m.kind not in _PLACE_KINDS for m in mentions) and not _names_a_whole(toks[:i]) \
                and not whole_place:
            continue  # nothing to switch named before the marker: no exception to an order
        return Exclusion(order=order, excepted=tuple(excepted), stays=stays, sure=sure)
    return None


def _place_at(toks: list[str], j: int, mentions: list[Mention]) -> int:
    """Where a place mention starts at `j` (past a "the"), or 0 when none does."""
    if j < len(toks) and toks[j] == "the":
        j += 1
    return j if any(m.start == j and m.kind in _PLACE_KINDS for m in mentions) else 0


def _only_trailing(toks: list[str], end: int, mentions: list[Mention]) -> bool:
    """Nothing after `end` but a place or a please."""
    placed = {k for m in mentions if m.start >= end and m.kind in _PLACE_KINDS for k in range(m.start, m.end)}
    return not any(t not in _TRAILING and t not in _PLACE_WORDS and k not in placed
                   for k, t in enumerate(toks[end:], start=end))


def _names_a_whole(toks: list[str]) -> bool:
    return bool({"everything", "all", "every", "anything"} & set(toks))


def excepted_switches(excepted: list[Mention], order_switches: tuple[str, ...], switch_type: dict[str, str],
                      switch_room: dict[str, str], building_rooms: dict[str, tuple[str, ...]]) -> set[str]:
    """Which of the order's switches the excepted mentions name: a switch by its name, a type, a room, or a type in
    a room."""
    ids: set[str] = set()
    types: set[str] = set()
    rooms: set[str] = set()
    for m in excepted:
        if m.kind == "switch":
            ids |= set(m.targets)
        elif m.kind == "type":
            types |= set(m.targets)
        elif m.kind in ("room", "rooms"):
            rooms |= set(m.targets)
        elif m.kind == "building":
            for b in m.targets:
                rooms |= set(building_rooms.get(b, ()))
    out = {s for s in order_switches if s in ids}
    if types or rooms:
        out |= {s for s in order_switches if (not types or switch_type[s] in types)
                and (not rooms or switch_room[s] in rooms)}
    return out
