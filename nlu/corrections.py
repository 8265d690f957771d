"""Self-corrections inside one message: "lights in room 101, no sorry, 102" means room 102 only.

A pure token rewrite run before the parser reads a message. A correction marker ("no sorry", "i mean", "actually
make that", "no, make it", "no wait", "not X, just Y") takes back the earlier mention of the same kind (room, device
type, named switch, time) and puts the mention after it in its place, or drops what "not" excludes. When a marker
plainly corrects something but what it replaces cannot be told, the result says so and the parser must ask: acting
on both the old and the new target would switch something the user took back (the first safety rule).
"""

from __future__ import annotations

from dataclasses import dataclass

from nlu.timeexpr import TIME_UNITS

# Markers after which the next mention replaces an earlier one. Longest first, so "no sorry" wins over "sorry".
_REPLACING: tuple[tuple[str, ...], ...] = (
    ("no", "hang", "on"), ("no", "hold", "on"), ("hang", "on", "no"), ("hold", "on", "no"),
    ("no", "no", "sorry"), ("no", "sorry"), ("sorry", "no"), ("actually", "make", "that"), ("actually", "make", "it"),
    ("no", "make", "that"), ("no", "make", "it"), ("no", "wait"), ("wait", "no"), ("no", "way"), ("i", "mean"), ("i", "meant"), ("or", "rather"),
    ("make", "that"), ("make", "it"), ("hmm", "no"), ("uh", "no"), ("um", "no"), ("umm", "no"), ("er", "no"), ("erm", "no"),
    ("oh", "no"), ("no", "no"), ("scratch", "that"), ("strike", "that"), ("oops",), ("whoops",), ("correction",),
    ("actually",), ("sorry",), ("no",),
)
# Markers too loose to demand a question when nothing we know follows them ("sorry for the bother"), or when what
# they take back is no campus word ("the staff room, computer, no hang on, the fans": Whisper's word for "heater").
_LOOSE = frozenset({("sorry",), ("actually",), ("make", "that"), ("make", "it"), ("oops",), ("whoops",), ("correction",), ("no",),
                    ("wait", "no"), ("no", "hang", "on"), ("no", "hold", "on"), ("hang", "on", "no"), ("hold", "on", "no")})
# A bare "no" before a mention may take it back ("the AC, no, the fans") or leave it out ("the fans, no lights"):
# switching either reading could be the one the user did not want, so it asks.
_ASKING = frozenset({("no",)})
_FILLERS = frozenset({"the", "a", "an", "in", "at", "to", "for", "no", "it", "that", "one", "just", "only"})
_EXCLUDING = frozenset({"not"})
_INSTEAD = frozenset({"just", "but", "only"})
_BETWEEN_NUMBERS = frozenset({"it", "its", "is", "room", "in", "sorry", "wait", "i", "mean", "meant", "make", "that"})
_ONE_AT = frozenset({"in", "at", "near", "of", "from", "inside"})  # "no, the one in the seminar hall"
_NAMED_KINDS = frozenset({"room", "type", "switch"})  # what "not X" may exclude ("not now" is no exclusion)


@dataclass(frozen=True)
class Span:
    """One thing the message names: `kind` (room, type, switch, time...), its targets, tokens [start, end)."""

    kind: str
    targets: tuple[str, ...]
    start: int
    end: int


@dataclass(frozen=True)
class Correction:
    """One correction found: the tokens dropped, and those put at `at` instead (an empty `put` only drops)."""

    marker: tuple[str, ...]
    dropped: frozenset[int]
    at: int
    put: tuple[str, ...]


@dataclass(frozen=True)
class Resolved:
    """The message with its corrections applied; `unclear` when a marker corrects something we cannot place."""

    toks: list[str]
    corrections: tuple[Correction, ...]
    unclear: bool


def _kind_group(kind: str) -> str:
    return "room" if kind in ("room", "rooms", "building") else kind


def _marker_at(toks: list[str], i: int) -> tuple[str, ...] | None:
    for marker in _REPLACING:
        if tuple(toks[i:i + len(marker)]) == marker:
            end = i + len(marker)
            if marker[-1] not in ("that", "it") and toks[end:end + 2] in (["make", "it"], ["make", "that"]):
                return (*marker, *toks[end:end + 2])  # "at 5, no wait, make it 6": one marker
            return marker
    return None


def corrects_itself(toks: list[str]) -> bool:
    """Whether the message has a correction marker after its first word ("lab one, er, lab two I mean")."""
    return any(_marker_at(toks, i) is not None for i in range(1, len(toks)))


# An order said again in other words after "i mean": "mute the sound system, i mean switch it off".
_SAID_AGAIN_VERBS = frozenset({"turn", "switch", "shut", "put", "power", "kill", "cut"})
_AGAIN_OBJECTS = frozenset({"it", "them", "that", "those", "this", "these"})


def _said_again(toks: list[str], i: int, marker: tuple[str, ...]) -> bool:
    """After "i mean", a switch verb on "it"/"them" whose on/off no earlier word contradicts: the same order in
    plainer words, nothing taken back ("turn on the fans, i mean turn them off" still asks)."""
    k = i + len(marker)
    if marker not in (("i", "mean"), ("i", "meant")) or toks[k:k + 1] == [] or toks[k] not in _SAID_AGAIN_VERBS \
            or not set(toks[k + 1:k + 3]) & _AGAIN_OBJECTS:
        return False
    said = {t for t in toks[k + 1:k + 4] if t in ("on", "off")}
    before = {t for t in toks[:i] if t in ("on", "off")}
    return len(said) == 1 and before <= said


def _on_off_again(toks: list[str], i: int, marker: tuple[str, ...]) -> Correction | None:
    """ "can you turn on, no, turn off the fans", "the projector in 101, on, sorry I mean off": an on/off word said
    right before the marker and the other one right after it (a switch verb and "it"/"them" between allowed) is the
    word taken back, nothing else. A whole command before the marker ("turn on the lights in lab 1, i mean switch
    them off") is left to the question it gets today."""
    old = i - 1
    if toks[old] not in ("on", "off"):
        return None
    k = i + len(marker)
    while (more := _marker_at(toks, k)) is not None:
        k += len(more)  # "sorry I mean": one correction
    j = k + (toks[k:k + 1] != [] and toks[k] in _SAID_AGAIN_VERBS)
    j += toks[j:j + 1] != [] and toks[j] in _AGAIN_OBJECTS
    if toks[j:j + 1] == [] or toks[j] not in ("on", "off") or toks[j] == toks[old]:
        return None
    return Correction(marker, frozenset({old, *range(i, j)}), old, ())


def _first_after(spans: list[Span], toks: list[str], i: int) -> tuple[Span | None, int]:
    """The mention right after a marker (fillers skipped), or a bare number as a `number` span."""
    j = i
    while j < len(toks) and toks[j] in _FILLERS and not any(s.start == j and s.kind == "time" for s in spans):
        j += 1  # a time may begin with a filler ("in 20 minutes"): it is the mention
    for span in spans:
        if span.start == j:
            return span, j
    if j < len(toks) and toks[j].isdigit():
        end = j + 2 if toks[j + 1:j + 2] in (["am"], ["pm"]) else j + 1
        return Span("number", (toks[j],), j, end), j
    return None, j


def _replace(toks: list[str], spans: list[Span], i: int, marker: tuple[str, ...]) -> Correction | None | bool:
    """The correction a replacing marker at `i` makes; None when it is no correction, False when it is unclear."""
    after = _marker_at(toks, i + len(marker))
    if after is not None and after[0] not in _FILLERS:
        return None  # "no wait, make that ten": the marker right after it says what is corrected ("oops, no, ..." stays)
    if marker in _ASKING:
        if toks[i + 1:i + 3] == ["the", "one"] and toks[i + 3:i + 4] and toks[i + 3] in _ONE_AT:
            # "the projector in the auditorium, no, the one in the seminar hall": "the one" is the device named
            # before, so only its place is taken back; plain, no question.
            new, _ = _first_after(spans, toks, i + 1)
            return _replacement(toks, spans, i, marker) if new is not None and _kind_group(new.kind) == "room" \
                else False
        new, j = _first_after(spans, toks, i + len(marker))
        if new is not None and new.kind == "number" and j == i + 1 and new.end - new.start < 2 \
                and len(new.targets[0]) < 3 and any(s.kind == "time" for s in spans if s.end <= i) \
                and toks[new.end:new.end + 1] not in (["is"], ["was"], ["will"], ["has"], ["here"], ["there"]):
            return False  # "at 5 pm no 6": 6 pm, or something else? Never the 5 pm taken back
        if new is None or j > i + 1 + (toks[i + 1:i + 2] == ["the"]) or (
                new.kind == "number" and len(new.targets[0]) < 2 and new.end - new.start < 2):
            return None  # "no one is there", "no need": no mention right after it
    made = _replacement(toks, spans, i, marker)
    if marker == ("make", "it") and not _retimed_or_renumbered(toks, spans, made):
        return None  # "make it quick", "make it 18 degrees": said of something else, nothing taken back
    if made and marker in _ASKING and any(s.kind == "time" and s.start <= made.at < s.end for s in spans):
        return made  # "in 10 minutes, no, in 20 minutes": a time is never left out, only put in another's place
    if made and marker in _ASKING and _goes_on_after(toks, spans, i):
        return made  # "turn on the lights, no, the fans in the reading hall": said in the old one's place
    return False if made and marker in _ASKING else made


def _retimed_or_renumbered(toks: list[str], spans: list[Span], made: Correction | None | bool) -> bool:
    """A bare "make it" corrects only a time ("at 2 pm, er, make it 2:30") or a room number by one as long ("room 101,
    make it 102"; voice-kinds10: both rooms were switched). Anything else after it is no correction."""
    if not made:
        return False
    old = [s for s in spans if s.start <= made.at < s.end]
    if old and old[0].kind == "time":
        return True
    put = [t for t in made.put if t.isdigit()]
    return len(put) == 1 and len(made.put) == 1 and made.at < len(toks) and len(toks[made.at]) == len(put[0]) \
        and toks[made.at].isdigit()


def _goes_on_after(toks: list[str], spans: list[Span], i: int) -> bool:
    """After a bare "no" at `i`, "the" and a device (or named switch) the command goes on: a place, an on/off word,
    or the same device said again follows ("the lights, no, the fans in the reading hall", "lights on in 201, no,
    the fans, fans on"). Said so, "no, the fans" can only put the fans in the lights' place; said last ("the
    projector off in lab 2, no, the fans") it may add them or take them back, and that still asks."""
    if toks[i + 1:i + 2] != ["the"]:
        return False
    new = next((s for s in spans if s.start == i + 2 and s.kind in ("type", "switch")), None)
    if new is None:
        return False
    k = new.end
    if toks[k:k + 1] == [","]:
        k += 1
    nxt = next((s for s in spans if s.start == k), None)
    return (toks[k:k + 1] in (["on"], ["off"], ["in"], ["at"])
            or (nxt is not None and (nxt.kind in ("room", "building") or nxt.targets == new.targets)))


def _replacement(toks: list[str], spans: list[Span], i: int, marker: tuple[str, ...]) -> Correction | None | bool:
    before = [s for s in spans if s.end <= i]
    if not before:
        return None  # "sorry, turn on the fans": an apology, nothing to take back
    new, _ = _first_after(spans, toks, i + len(marker))
    if new is None:
        return None if marker in _LOOSE else False
    dropped = set(range(i, new.end))
    if new.kind == "number" and toks[new.end:new.end + 1] and toks[new.end] in TIME_UNITS:
        # "for an hour, make that 2 hours", "in 10 minutes, actually 20 minutes": an amount of time, never a room's
        # number (it was put in room 101's place and lab 2 switched); it takes the earlier delay's or duration's place.
        times = [s for s in before if s.kind == "time"]
        if not times:
            return None  # "..., make it 20 minutes" with nothing before: the time words ask (`TimeInfo.unplaced`)
        old = times[-1]
        lead = toks[old.start] if toks[old.start] in ("in", "for", "after", "within") else "in"
        return Correction(marker, frozenset(dropped | {new.end} | set(range(old.start, old.end))), old.start,
                          (lead, toks[new.start], toks[new.end]))
    if new.kind == "number":  # "room 101, no sorry, 102": the nearest earlier number of a room or a time
        olds = [s for s in before if _kind_group(s.kind) in ("room", "time")
                and any(t.isdigit() for t in toks[s.start:s.end])]
        if not olds:
            # "the fans on in 201, i mean 202": a bare room number after "in"/"at", which names no room by itself
            # before the parser reads it, corrected by a number as long.
            bare = [k for k in range(1, i) if toks[k].isdigit() and len(toks[k]) >= 3 and toks[k - 1] in ("in", "at")
                    and not any(s.start <= k < s.end for s in spans)]
            if not bare or len(put := tuple(toks[new.start:new.end])) != 1 or len(put[0]) != len(toks[bare[-1]]):
                return False
            return Correction(marker, frozenset(dropped | {bare[-1]}), bare[-1], put)
        old = olds[-1]
        digit = max(k for k in range(old.start, old.end) if toks[k].isdigit())
        put = tuple(t for t in toks[new.start:new.end] if not (t in ("am", "pm") and toks[digit + 1:digit + 2] == [t]))
        tail = [k for k in range(digit + 1, old.end) if toks[k] in ("am", "pm")] if len(put) > 1 else []
        return Correction(marker, frozenset(dropped | {digit, *tail}), digit, put)
    olds = [s for s in before if _kind_group(s.kind) == _kind_group(new.kind)]
    if not olds:
        return None if marker in _LOOSE else False
    old = olds[-1]
    if old.targets and old.targets == new.targets and old.kind == new.kind:
        return False  # "the lab AC, hmm no, the lab projector": the same place again, so what changed is unclear
    if new.kind == "time" and toks[old.start:old.start + 1] == ["at"] and toks[new.start:new.start + 1] != ["at"]:
        put = ("at", *toks[new.start:new.end])
        return Correction(marker, frozenset(dropped | set(range(old.start, old.end))), old.start, put)
    return Correction(marker, frozenset(dropped | set(range(old.start, old.end))), old.start,
                      tuple(toks[new.start:new.end]))


def _exclude(toks: list[str], spans: list[Span], i: int) -> Correction | None | bool:
    """ "not the heater, just the fans": drop the excluded mention, and any earlier one naming the same thing."""
    gone, j = _first_after(spans, toks, i + 1)
    if gone is not None and gone.kind == "number" and j == i + 1:
        return _not_this_number(toks, spans, i, gone)
    if gone is None or gone.kind not in _NAMED_KINDS or j != i + 1 + sum(1 for t in toks[i + 1:j] if t == "the"):
        return None
    earlier = [s for s in spans if s.end <= i]
    same = [s for s in earlier if s.kind == gone.kind and s.targets == gone.targets]
    if not same and not any(s.kind == gone.kind for s in earlier):
        # "everything in 101, not the fans": an exception to a whole, which the parser does not yet subtract; ask
        # rather than switch the very thing excluded. With nothing named before, "not" is no taking back.
        return False if earlier else None
    dropped = set(range(i, gone.end))
    if toks[gone.end:gone.end + 1] and toks[gone.end] in _INSTEAD:
        dropped.add(gone.end)
    for s in same:
        dropped |= set(range(s.start, s.end))
    return Correction(("not",), frozenset(dropped), i, ())


def _not_this_number(toks: list[str], spans: list[Span], i: int, gone: Span) -> Correction | None | bool:
    """ "the lights in room 201, wait, not 201, 101": the number after "not" is a room's number named before, and
    the number after it takes its place. Not followed by a number, the room is taken back with nothing in its
    place: ask rather than switch the room the user just took back."""
    olds = [s for s in spans if s.end <= i and _kind_group(s.kind) == "room" and gone.targets[0] in toks[s.start:s.end]]
    if not olds:
        # "the fans in 101 not 102": a room excluded that was never named; dropped, so it is not switched too
        # ("not 5 minutes ago" is a time, read before this; with no room named before, nothing is taken back).
        return Correction(("not",), frozenset(range(i, gone.end)), i, ()) \
            if any(_kind_group(s.kind) == "room" for s in spans if s.end <= i) \
            or any(t.isdigit() and len(t) >= 3 for t in toks[:i]) else None
    k = gone.end
    while k < len(toks) and toks[k] in _INSTEAD | _BETWEEN_NUMBERS:
        k += 1
    if k >= len(toks) or not toks[k].isdigit():
        return False
    old = olds[-1]
    digit = next(n for n in range(old.start, old.end) if toks[n] == gone.targets[0])
    start = i - 1 if toks[i - 1] in ("wait", "no", "sorry", "oops") else i
    return Correction(("not",), frozenset({digit, *range(start, k + 1)}), digit, (toks[k],))


# A speaker starting the message over: what came before is taken back as a whole ("I want to, okay let me start
# again, switch off the AC"). Bare "start again" stays out: it can be an order ("the fans stopped, start again").
_RESTARTS: tuple[tuple[str, ...], ...] = (
    ("let", "me", "start", "again"), ("let", "me", "start", "over"), ("let", "me", "try", "again"),
    ("let", "me", "rephrase", "that"), ("let", "me", "rephrase"), ("start", "over"),
)
# Said last, it takes the whole message back ("turn the AC on in 201, actually scratch that"); followed by more words
# it may correct one mention only, so it is no restart there.
_TAKEN_BACK = ("scratch", "that")


def after_restart(toks: list[str]) -> list[str]:
    """The tokens after the last restart phrase (all of them when there is none; the phrase alone when nothing follows
    it, so "turn on the fans, let me start again" asks for nothing)."""
    if len(toks) > 2 and tuple(toks[-2:]) == _TAKEN_BACK:
        return list(_TAKEN_BACK)
    start = cut = 0
    for i in range(len(toks)):
        for phrase in _RESTARTS:
            if tuple(toks[i:i + len(phrase)]) == phrase:
                start, cut = i, i + len(phrase)
                break
    return toks[cut:] if cut < len(toks) else toks[start:]


def _meant_after(toks: list[str], spans: list[Span]) -> Correction | None:
    """ "put the fans on in there, the electronics lab I mean": "I mean" said last, right after a place or device,
    makes that mention the one meant; the earlier mention of the same kind, if any, is what it takes back."""
    for marker in (("i", "mean"), ("i", "meant")):
        k = len(toks) - len(marker)
        if k < 1 or tuple(toks[k:]) != marker:
            continue
        meant = next((s for s in spans if s.end == k and s.kind != "time"), None)
        if meant is None:
            return None
        olds = [s for s in spans if s.end <= meant.start and _kind_group(s.kind) == _kind_group(meant.kind)]
        if not olds:
            return Correction(marker, frozenset(range(k, len(toks))), k, ())
        old = olds[-1]
        dropped = set(range(k, len(toks))) | set(range(old.start, old.end)) | set(range(meant.start, meant.end))
        return Correction(marker, frozenset(dropped), old.start, tuple(toks[meant.start:meant.end]))
    return None


def _leading_not(toks: list[str], spans: list[Span]) -> Correction | None:
    """ "not the lights, the fans": a message that opens by excluding a device or switch and names another of the
    same kind after it means the other one; the excluded mention is dropped so it is never switched too."""
    gone, j = _first_after(spans, toks, 1)
    if gone is None or gone.kind not in ("type", "switch") or j != 1 + (toks[1:2] == ["the"]):
        return None
    if not any(s.start >= gone.end and s.kind in ("type", "switch") and s.targets != gone.targets for s in spans):
        return None
    end = gone.end + (toks[gone.end:gone.end + 1] != [] and toks[gone.end] in _INSTEAD)
    return Correction(("not",), frozenset(range(0, end)), 0, ())


def take_back(toks: list[str], spans: list[Span]) -> Resolved:
    """Apply every self-correction in `toks` (normalised tokens) given the mentions found in them."""
    meant = _meant_after(toks, spans)
    if meant is not None:
        out = []
        for k, tok in enumerate(toks):
            out.extend(meant.put if k == meant.at else ())
            out.extend(() if k in meant.dropped else (tok,))
        return Resolved(out, (meant,), False)
    found: list[Correction] = []
    unclear = False
    i = 0
    while i < len(toks):
        marker = _marker_at(toks, i) if i else None
        if marker is not None and _said_again(toks, i, marker):
            i += len(marker)
            continue
        if marker is not None and (flipped := _on_off_again(toks, i, marker)) is not None:
            found.append(flipped)
            i = max(flipped.dropped) + 1
            continue
        if marker is not None:
            made, step = _replace(toks, spans, i, marker), len(marker)
        elif i and toks[i] in _EXCLUDING:
            made, step = _exclude(toks, spans, i), 1
        elif toks[i] in _EXCLUDING:
            made, step = _leading_not(toks, spans), 1
        else:
            i += 1
            continue
        if made is False:
            unclear = True
        elif made is not None:
            found.append(made)
            i = max(made.dropped) + 1
            continue
        i += step
    if not found:
        return Resolved(list(toks), (), unclear)
    dropped = frozenset().union(*(c.dropped for c in found))
    puts = {c.at: c.put for c in found}
    out: list[str] = []
    for k, tok in enumerate(toks):
        if k in puts:
            out.extend(puts[k])
        if k not in dropped:
            out.append(tok)
    return Resolved(out, tuple(found), unclear)
