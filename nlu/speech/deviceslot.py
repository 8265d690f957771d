"""The device slot of a heard command: where the words around it leave room only for a device, and the words in it
are no campus word ("turn off I see in room 101", "the mercy in lab 2 on"), each device word the campus has put in.

Whisper tiny writes espeak-ng's "the AC" (and other device words) as unrelated English ("I see", "they see",
"message", "issue", "icon", "the sea"): too many spellings for word rules (nlu/speech/soundalike_words.py gained only
on the slices it was read from). The slot is found by the structure of the text instead, filled with every device
word, and the fills are scored on the note's own audio by nlu/speech/rescore.py, the best kept only within a margin
of Whisper's own text and always guessed (the switch asks first).

Pure: written words and a Vocabulary in, readings out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from nlu.lexicon import NUMBER_ROOM_HEADS
from nlu.speech.wordcheck import deciding_words
from nlu.textnorm import base_tokens, tokens
from nlu.vocabulary import Vocabulary

# Verbs a device slot follows, with or without their on/off ("turn off <slot>", "switch <slot> on").
SLOT_VERBS = frozenset("turn switch put shut power start stop".split())
# What may follow a device slot (or the text's end).
SLOT_ENDS = frozenset("in on off please".split())
# Words no device slot holds: they refer to something already named, or build the sentence around the slot.
NOT_SLOT = (frozenset("it them everything all this that these those my our your the a an and is are was were to at "
                      "for of in on off please not what how why when where which who can could would will do does "
                      "did there here".split()) | NUMBER_ROOM_HEADS | SLOT_VERBS)
_ONOFF = frozenset({"on", "off"})
# Determiners a slot may follow after a switch verb or its on/off, as it follows "the" ("turn on this <slot>",
# "switch off those <slot>"): the fill keeps them ("this AC").
DEMONSTRATIVES = frozenset("this these that those".split())
# The verb of an energy question a slot may follow ("how much did <slot> in room 202 use": "they see" for "the AC"),
# and the words that ask one before it.
ASK_VERBS = frozenset("did does do has have had".split())
ENERGY_ASKS = frozenset("much many".split())
# The verbs of an energy question: its slot stands before one ("how much did the <slot> in room 202 use"), never
# after ("how much did lab 2 use this month": "this month" is a time, not "this AC").
ENERGY_VERBS = frozenset("use used uses using consume consumed consumes consuming draw draws drew drawn drawing burn "
                         "burned burnt eat ate eaten take took spend spent go gone went".split())
# People who use energy themselves: no slot after "did" ("how much did you use").
PEOPLE = frozenset("i you we he she me us him her".split())
# Before "the", these make a place or a time of what follows ("in the afternoon", "at the end"), not a device.
PLACE_WORDS = frozenset("in at of from by during until after before since".split())
# The most words a slot spans ("they see you").
MAX_SLOT_WORDS = 3


@dataclass(frozen=True)
class Slot:
    """Written words [start, end) that stand where a device is said; `the`: whether a determiner ("the", "this",
    ...) stands before them (else the fill brings "the"); `first`: whether the slot opens the text (the fill is
    written capitalised); `plural`: whether the words there are said as many ("the issues", "these ...", "all the
    ..."): the fill is a plural too; `energy`: found only as the device of an energy question ("how much did the
    <slot> use"), where Whisper's text may parse without a device (the question about the whole room)."""

    start: int
    end: int
    the: bool
    first: bool
    plural: bool = False
    energy: bool = False


def _said(plain: Sequence[str], i: int, step: int) -> int | None:
    """The next word with letters from `i` (exclusive) in direction `step`, or None."""
    i += step
    while 0 <= i < len(plain):
        if plain[i]:
            return i
        i += step
    return None


def _asks_how_much(plain: Sequence[str], start: int) -> bool:
    """Whether "how much" or "how many" is said before word `start`."""
    said = [w for w in plain[:start] if w]
    return any(a == "how" and b in ENERGY_ASKS for a, b in zip(said, said[1:]))


def _plural(plain: Sequence[str], start: int, end: int, lead: str, earlier: str) -> bool:
    """Whether the slot's words are said as many: its last word a plural ("issues", not "glass"), or after "these",
    "those" or "all the"."""
    last = plain[end - 1].split()[-1]
    return (len(last) > 3 and last.endswith("s") and not last.endswith("ss")) or lead in ("these", "those") \
        or (lead == "the" and earlier == "all")


def device_slots(written: Sequence[str], vocabulary: Vocabulary) -> list[Slot]:
    """Where `written` (Whisper's words, leading spaces and punctuation kept) leaves a device slot: 1-3 words that
    are no campus word, after "the", a switch verb or a switch verb's on/off (or "this/these/that/those" right after
    one), and before "in", "on", "off", "please" or the end, with a switch verb before or "on"/"off" after; or
    opening the text before "on/off in"; or, in an energy question ("how much ... use"), after "the" or its
    auxiliary ("did"), before "in" or the question's verb, with that verb after it and none before. Punctuation
    between words is inside the slot."""
    plain = [" ".join(base_tokens(w)) for w in written]
    campus = deciding_words(vocabulary)

    def free(i: int) -> bool:
        return all(t not in NOT_SLOT and t not in campus and not t.isdigit() for t in plain[i].split())

    slots: list[Slot] = []
    for start, word in enumerate(plain):
        if not word or not free(start):
            continue
        before = _said(plain, start, -1)
        lead = plain[before] if before is not None else ""
        # The word before the lead: the verb of "turn off <slot>", or the "in" of "in the <slot>" (a place or time).
        prior = _said(plain, before, -1) if before is not None else None
        earlier = plain[prior] if prior is not None else ""
        verb_onoff = lead in _ONOFF and earlier in SLOT_VERBS
        placed = lead == "the" and earlier in PLACE_WORDS
        # "this" points at something on its own ("is that on"): a slot only right after a switch verb or its on/off.
        pointed = lead in DEMONSTRATIVES and (earlier in SLOT_VERBS or earlier in _ONOFF)
        opens = (lead == "the" and not placed) or pointed or lead in SLOT_VERBS or verb_onoff or before is None
        # An energy question's device: "how much did the <slot> use", "how much did <slot> in room 202 use".
        asked = _asks_how_much(plain, start) and ((lead == "the" and not placed) or lead in DEMONSTRATIVES or (
            lead in ASK_VERBS and word.split()[0] not in PEOPLE))
        # A switch said around it: a verb before, or on/off after ("what is the weather in the staff room" has none).
        switched = any(w in SLOT_VERBS for w in plain[:start])
        if not (opens or asked):
            continue
        count = 0
        for end in range(start + 1, len(plain) + 1):
            if not plain[end - 1]:
                continue  # punctuation: no slot ends on it
            count += 1
            if count > MAX_SLOT_WORDS or not free(end - 1):
                break
            after = _said(plain, end - 1, 1)
            follow = plain[after] if after is not None else ""
            energy = False
            if before is None:
                # Opening the text: only before "on/off in" ("I see on in lab 2"), where nothing else fits.
                then = _said(plain, after, 1) if after is not None else None
                fits = follow in ("on", "off") and then is not None and plain[then] == "in"
            else:
                fits = opens and (after is None or follow in SLOT_ENDS) and (
                    switched or bool(_ONOFF.intersection(plain[end:])))
                # The question's verb is said after the slot, none before it or in it ("how much power did this
                # use" has no slot; "how much did lab 2 use this month" none after "use").
                verb_after = bool({t for w in plain[end:] for t in w.split()} & ENERGY_VERBS)
                verb_before = bool({t for w in plain[:end] for t in w.split()} & ENERGY_VERBS)
                energy = not fits and asked and verb_after and not verb_before and (
                    follow in SLOT_ENDS or follow in ENERGY_VERBS)
            if fits or energy:
                slots.append(Slot(start, end, lead == "the" or lead in DEMONSTRATIVES, before is None,
                                  _plural(plain, start, end, lead, earlier), energy))
    return slots


def room_switch_names(text: str, vocabulary: Vocabulary) -> tuple[str, ...]:
    """The switch names of the rooms `text` names, found as the parser finds rooms (its gazetteer: a name, an
    alias or their variants, "laboratory 3", "class 101", "lab three"), lower-case: a device said by its own name
    ("the stage lights") is a slot's reading too."""
    from nlu.parser import parser_for  # the parser's own gazetteer (built once per campus; spaCy loads here)

    found = parser_for(vocabulary).gaz.mentions(tokens(text))
    rooms = {r for m in found if m.kind == "room" for r in m.targets}
    names = dict.fromkeys(s.name.lower() for s in vocabulary.switches if s.room_id in rooms)
    return tuple(names)


def says_everything(text: str, vocabulary: Vocabulary) -> bool:
    """Whether `text` says everything ("all the devices", "everything"), as the parser's gazetteer finds it."""
    from nlu.parser import parser_for

    return any(m.kind == "everything" for m in parser_for(vocabulary).gaz.mentions(tokens(text)))


# A device word as many (the prompt's words that are not plurals already).
_PLURALS = {"AC": "ACs", "projector": "projectors", "heater": "heaters"}


def singular(device: str) -> str:
    """A device word or switch name as one word for its singular and plural, lower-case ("ACs" -> "ac")."""
    plain = device.lower()
    return next((one.lower() for one, many in _PLURALS.items() if many.lower() == plain), plain)


def devices_for(slot: Slot, devices: Sequence[str]) -> tuple[str, ...]:
    """The device words a slot is filled with: `devices` as said, with their plurals too where the slot is said as
    many ("the issues" may be "the ACs" or "the AC" heard with an s)."""
    if not slot.plural:
        return tuple(devices)
    return tuple(dict.fromkeys(w for d in devices for w in (d, _PLURALS.get(d, d))))


def fill(slot: Slot, device: str) -> str:
    """The words a slot's reading puts in: the device, with "the" when no determiner stands before the slot."""
    phrase = device if slot.the else f"the {device}"
    return phrase[0].upper() + phrase[1:] if slot.first else phrase
