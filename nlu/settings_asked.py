"""A setting the relays cannot make, heard beside an on/off word: "dim the stage lights on the auditorium down to half".

Whisper often writes a setting request with an on/off word in it ("turn up the volume" heard "turn off the volume",
"could you dim the stage lights in the auditorium" heard "... stage lights on the auditorium ... down to half"), and
the parser took the on/off word as an order that asked first (ninth spoken part: out of scope accepted). A settings
word in the note says it is about a level, not a switch: refused, unless the on/off order stands in a clause of its
own ("turn the fans on and make them faster" is still the fans on). Pure: normalised tokens in, a yes/no out.
"""

from __future__ import annotations

# Words that only ask for a level: the relays switch on and off, nothing in between.
_LEVEL_WORDS = frozenset("dim dims dimmed dimming dimmer brightness volume louder quieter".split())
# Level words said as how a room is, a reason for the order ("it's too dim in here, lights on"), not a level asked.
_TOLD_BEFORE = frozenset("too so very quite is are its was were getting bit little".split())
# Phrases of a level: "down to half", "brightness down a bit", "up a notch", "to 50 percent" (and "to 50", above).
_LEVEL_PHRASES = (("down", "to", "half"), ("up", "to", "half"), ("half", "brightness"), ("half", "power"),
                  ("up", "a", "bit"), ("down", "a", "bit"), ("up", "a", "little"), ("down", "a", "little"),
                  ("up", "a", "notch"), ("down", "a", "notch"), ("a", "notch"), ("percent",),
                  # a colour ("put the reading lamps on warm white" switched them on: text-nearmiss)
                  ("warm", "white"), ("cool", "white"), ("warm", "yellow"), ("warm", "light"), ("warmer", "colour"),
                  ("warmer", "color"), ("cooler", "colour"), ("cooler", "color"), ("colour", "temperature"),
                  ("color", "temperature"), ("colour", "to"), ("color", "to"),
                  # a fan's direction or mode ("put the ceiling fan on reverse": part 20 asked which room to switch)
                  ("on", "reverse"), ("in", "reverse"), ("to", "reverse"), ("on", "turbo"), ("on", "sleep", "mode"),
                  ("on", "breeze", "mode"), ("on", "swing"), ("swing", "mode"))
# Words the on/off order is said with, and verbs a settings clause of its own opens with.
_ON_OFF = frozenset({"on", "off"})
_JOINS = frozenset({"and", "then", "but", "also"})
_OWN_VERBS = frozenset("set make dim turn put keep bring raise lower increase decrease reduce change".split())


# A level said as a bare number at the note's end, "percent" dropped: "dim the lights in the auditorium to fifty
# percent" written "then the lights on the auditorium to 50" (voice-kinds11: switched on unasked, the grammar pass
# agreeing). Tens (and quarters) of a hundred: no room number here, and a clock time ends "to 5", never "to 50".
_LEVEL_NUMBERS = frozenset({"20", "25", "30", "40", "50", "60", "70", "75", "80", "90", "100"})
# Words before "to N" that make it the end of a range ("from 40 to 50"), not a level.
_RANGE_WORDS = frozenset({"from", "between"})
# What may follow that level and still leave it at the note's end: "... to 70 please" (voice-sound7: Piper and two
# espeak-ng voices, "set the stage lights in the auditorium to seventy percent please", switched the lights on).
_POLITE_END = frozenset({"please", "thanks", "thank", "you", ","})


def _level_at(toks: list[str], i: int) -> bool:
    """Whether a level is asked at token `i` (a level word not told as how things are, or a level phrase)."""
    t = toks[i]
    if t == "to" and i + 2 <= len(toks) and toks[i + 1] in _LEVEL_NUMBERS and set(toks[i + 2:]) <= _POLITE_END:
        return not _RANGE_WORDS & set(toks[:i])
    if t in _LEVEL_WORDS:
        return not (t in ("dim", "dimmer", "louder", "quieter") and i and toks[i - 1] in _TOLD_BEFORE)
    return any(tuple(toks[i:i + len(p)]) == p for p in _LEVEL_PHRASES)


def asks_a_setting(toks: list[str], clause_starts: frozenset[int] = frozenset()) -> bool:
    """Whether the note asks for a level the relays cannot make, with no on/off order standing apart from it.

    `clause_starts` are the token indices where a clause after the first begins (the parser's). A note with no
    on/off word is left to the other out-of-scope checks."""
    levels = [i for i in range(len(toks)) if _level_at(toks, i)]
    # "bring the lights down to forty percent": "down"/"up" beside a level is its direction, read as off/on before.
    switched = [i for i, t in enumerate(toks) if t in _ON_OFF or t in ("down", "up")]
    if not levels or not switched:
        return False
    joins = {i for i, t in enumerate(toks) if t in _JOINS}  # the parser's clauses break at commas, not at "and"
    bounds = sorted({0, *clause_starts, *joins, len(toks)})

    def clause(i: int) -> tuple[int, int]:
        return next((a, b) for a, b in zip(bounds, bounds[1:]) if a <= i < b)

    level_clauses = {clause(i) for i in levels}
    for i in switched:
        own = clause(i)
        if own in level_clauses:
            continue  # "dim the stage lights on ... down to half": the on/off word is in the setting's clause
        # The setting has a verb of its own ("... on, and set the speed to 3"): the order stands apart from it.
        if all(set(toks[a:a + 3]) & _OWN_VERBS for a, _ in level_clauses):
            return False
    return True
