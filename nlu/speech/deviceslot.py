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
from nlu.textnorm import base_tokens
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
# Before "the", these make a place or a time of what follows ("in the afternoon", "at the end"), not a device.
PLACE_WORDS = frozenset("in at of from by during until after before since".split())
# The most words a slot spans ("they see you").
MAX_SLOT_WORDS = 3


@dataclass(frozen=True)
class Slot:
    """Written words [start, end) that stand where a device is said; `the`: whether a "the" stands before them
    (else the fill brings its own); `first`: whether the slot opens the text (the fill is written capitalised)."""

    start: int
    end: int
    the: bool
    first: bool


def _said(plain: Sequence[str], i: int, step: int) -> int | None:
    """The next word with letters from `i` (exclusive) in direction `step`, or None."""
    i += step
    while 0 <= i < len(plain):
        if plain[i]:
            return i
        i += step
    return None


def device_slots(written: Sequence[str], vocabulary: Vocabulary) -> list[Slot]:
    """Where `written` (Whisper's words, leading spaces and punctuation kept) leaves a device slot: 1-3 words that
    are no campus word, after "the", a switch verb or a switch verb's on/off, and before "in", "on", "off",
    "please" or the end, with a switch verb before or "on"/"off" after; or opening the text before "on/off in".
    Punctuation between words is inside the slot."""
    plain = [" ".join(base_tokens(w)) for w in written]
    campus = deciding_words(vocabulary)

    def free(i: int) -> bool:
        tokens = plain[i].split()
        return all(t not in NOT_SLOT and t not in campus and not t.isdigit() for t in tokens)

    slots: list[Slot] = []
    for start, word in enumerate(plain):
        if not word or not free(start):
            continue
        before = _said(plain, start, -1)
        lead = plain[before] if before is not None else ""
        # The word before the lead: the verb of "turn off <slot>", or the "in" of "in the <slot>" (a place or time).
        earlier = plain[_said(plain, before, -1)] if before is not None and _said(plain, before, -1) is not None else ""
        verb_onoff = lead in _ONOFF and earlier in SLOT_VERBS
        placed = lead == "the" and earlier in PLACE_WORDS
        opens = (lead == "the" and not placed) or lead in SLOT_VERBS or verb_onoff or before is None
        # A switch said around it: a verb before, or on/off after ("what is the weather in the staff room" has none).
        switched = any(w in SLOT_VERBS for w in plain[:start])
        if not opens:
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
            if before is None:
                # Opening the text: only before "on/off in" ("I see on in lab 2"), where nothing else fits.
                then = _said(plain, after, 1) if after is not None else None
                fits = follow in ("on", "off") and then is not None and plain[then] == "in"
            else:
                fits = (after is None or follow in SLOT_ENDS) and (switched or bool(_ONOFF.intersection(plain[end:])))
            if fits:
                slots.append(Slot(start, end, lead == "the", before is None))
    return slots


def room_switch_names(text: str, vocabulary: Vocabulary) -> tuple[str, ...]:
    """The switch names of the rooms `text` names (by name or alias, as words), lower-case: a device said by its
    own name ("the stage lights") is a slot's reading too."""
    said = f" {' '.join(base_tokens(text))} "
    rooms = {r.id for r in vocabulary.rooms
             if any(f" {' '.join(base_tokens(p))} " in said for p in (r.name, *r.aliases))}
    names = dict.fromkeys(s.name.lower() for s in vocabulary.switches if s.room_id in rooms)
    return tuple(names)


def fill(slot: Slot, device: str) -> str:
    """The words a slot's reading puts in: the device, with "the" when none stands before the slot."""
    phrase = device if slot.the else f"the {device}"
    return phrase[0].upper() + phrase[1:] if slot.first else phrase
