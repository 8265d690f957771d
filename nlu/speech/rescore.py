"""Whisper as an acoustic judge of campus readings: its greedy text against the same text with the room, device or
on/off words replaced by what this campus has.

Whisper tiny mishears campus words in robotic voices ("room one oh one" -> "room well well well") while the rest of
the sentence is right. When the parser does not read Whisper's text as a command, the words where a room, a device,
an on/off word or the "in" before a room stands are replaced by campus phrases written as Whisper writes them with
the campus prompt ("Classroom 101", "room 101", "lights"); the readings that parse into a complete command for this
campus are scored by the decoder on the note's own encoder output (teacher-forced token log-probabilities,
`ctranslate2.models.Whisper.align`), and the best replaces Whisper's text only when it scores within a margin of it
(a wider margin forces out-of-scope speech into commands: docs/benchmarks.md). A text the parser does read is
rescored too when one of its room, device or on/off words was unsure: Whisper's wrong reading may parse ("room 2
auto" for "room two oh two"), and a campus reading must then score above it.

Pure apart from `score`, which needs the loaded CTranslate2 model: candidates are built from written words and a
Vocabulary, and chosen from scores.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz

from nlu.command import Command
from nlu.lexicon import NUMBER_ROOM_HEADS
from nlu.speech.deviceslot import device_slots, devices_for, fill, room_switch_names, says_everything, singular
from nlu.phonetic import sound_key
from nlu.speech.opentext import heard_words, text_of
from nlu.speech.wordcheck import unsure_words
from nlu.textnorm import base_tokens
from nlu.vocabulary import Vocabulary

# Device words as Whisper writes them after the campus prompt (the prompt lists these).
DEVICE_WORDS = ("lights", "fans", "AC", "projector", "plugs", "heater")
# A word is tried as a misheard device word from this sound closeness (0-100) on ("fan's", "lites"; not "please").
DEVICE_CLOSE = 67
# How close (0-100) an on/off word in place of the word right after a device word is taken to be: where commands
# say it, whatever the word sounds like ("fans are", "fan song"). Orders the readings before the cap.
AFTER_DEVICE = 75.0
# Words that end a room phrase: what follows a room in a command.
_AFTER_ROOM = frozenset("please are is on off for now right thanks thank at by and then".split())
# The probability given to a word an edit put in: under nlu.speech.wordcheck.WORD_SURE (0.7), so a switch asks.
UNSURE = 0.5
# Digits spelled as they sound, for the sound keys ("one" is said "wun": Whisper hears espeak-ng's "one" as "well").
_DIGITS = {"0": "oh", "1": "wun", "2": "too", "3": "three", "4": "for", "5": "five", "6": "six", "7": "seven",
           "8": "ate", "9": "nine"}
_SAID = {"one": "wun", "two": "too", "zero": "oh", "four": "for", "eight": "ate"}

Reader = Callable[[str], "Command | None"]


@dataclass(frozen=True)
class RescoreRules:
    """How a campus reading replaces Whisper's text. Scores are mean log-probabilities per token.

    Whisper's greedy text is close to the most likely sequence under its own decoder, so a campus reading almost
    never scores above it: what the scores tell is how close a reading comes. A text the parser does not read as a
    complete command is rescored; one it reads only when a deciding word was unsure (below; `only_unread` False:
    every text).
    `within`: a campus reading replaces Whisper's text when it scores at most this much below it (per token);
    `max_scored`: at most this many readings are scored, Whisper's own text included (the decoder's cost grows with
    them: about 0.015-0.02 s of CPU each at load 9); `max_parsed`: at most this many edits are parsed looking for
    complete commands. Words an edit put in are unsure (the bot asks before switching).

    Chosen on the dev notes (bench/speech_twopass.py --rescore, 488 notes, docs/benchmarks.md "Whisper as a judge of
    campus readings"): `within` 0.5 and 0.6 right on 10-11 more notes than Whisper's text alone with the same
    wrong switches unasked (3) and out-of-scope notes acted on (4); 0.8 acted on 7 out-of-scope notes. 12 readings
    instead of 8 were right on 2 more notes; 8 cost 0.16 s of CPU a rescored note, 16 cost 0.34 s (load 12). Since
    Whisper's beam hypotheses come first, 4 (3 readings) picks the same reading as 8 on all but one of the 137 dev
    calls that rescore an unread text, and every dev note's outcome is the same (docs/benchmarks.md "Speech latency,
    second round"): the median voice note is one of these, and about two thirds of its rescoring CPU goes.

    A text the parser does read is rescored too when one of its deciding words (room, device, on/off: the word
    check's list) has a word probability under `unsure_below` (0: never): Whisper's wrong reading may parse ("staff
    room" heard "classroom"). Its own reading is then a complete command, so a campus reading replaces it only when
    it scores at most `within_parsed` below it (negative: must score above it). Chosen on the same dev notes
    (docs/benchmarks.md "Whisper's parsed text rescored"): under 0.7 (the word check's WORD_SURE) and 0.1 above
    Whisper's text, right on 2 more notes, none lost, wrong switches unasked and out-of-scope notes acted on the same;
    thresholds 0.8-0.95 gave the same notes; margin 0 lost one of the two, 0.3 was right on 10 notes fewer. 31 % of
    the dev notes have such a word, so their readings are capped at `max_scored_parsed` (Whisper's own included): 4
    were right on the same notes as 8 to 16, 3 lost one.

    `beam_readings`: the beam's other finished hypotheses (nlu.speech.whisper_decode, `DecodeOptions.hypotheses`)
    that parse into a complete command are readings too, ahead of the edits: Whisper's own second guesses, the
    words where they differ from its best text unsure. `wider_beam`: when the parser does not read Whisper's text,
    the window is decoded again with a beam this wide (0: never) and its hypotheses are readings too. `edit_beam`:
    the campus edits are made on the beam's other hypotheses as well as on Whisper's best text. `within_beam`: a
    beam hypothesis must score at most this much below Whisper's text (and within the edits' margin).
    `beam_slots_only`: a beam hypothesis is a reading only where one of the words it changed is a room, device or
    on/off word (an edit's slots).

    `device_slot`: a text the parser does not read whose structure leaves a device slot of no campus words
    (nlu/speech/deviceslot.py: "turn off I see in room 101") gets that slot filled with each device word and each
    switch name of the rooms it names; at most `max_slot` of those that parse are scored, beside the other readings
    (not within `max_scored`), and one replaces Whisper's text when it scores at most `within_slot` below it. A
    slot's reading is always guessed (`slot_filled`: the switch asks first, whatever the grammar pass hears). Off in
    these rules; the service turns it on (AUTOVOLT_WHISPER_DEVICE_SLOT, default true). `within_slot` 0.5 chosen on
    one dev slice (docs/benchmarks.md "voice-devslot"): 0.5-0.6 right on 5 more notes than without, none lost; 0.8
    lost one and accepted one out-of-scope note more, 1.5 lost 11 ("switch on the microwave ..." read as the AC at
    1.1-1.5 below); on a slice never read 0.5 gained 3, lost none. `slot_tie`: no fill is taken where the best
    scores less than this above the best fill of another device (`undecided_slot`); 0.06 chosen on the same slice
    (docs/benchmarks.md "device slot, second pass"): of its 9 fills taken, the right ones were 0.073-0.95 above the
    next device, the wrong ones 0.052-0.214 (0.06 drops one wrong device asked about; 0.1 and 0.22 drop one and
    two more, and a right one)."""

    within: float = 0.5
    only_unread: bool = True
    max_scored: int = 4
    max_parsed: int = 80
    unsure_below: float = 0.7
    within_parsed: float = -0.1
    max_scored_parsed: int = 4
    beam_readings: bool = True
    edit_beam: bool = False
    within_beam: float = 9.0
    beam_slots_only: bool = True
    wider_beam: int = 0
    device_slot: bool = False
    within_slot: float = 0.5
    max_slot: int = 6
    slot_tie: float = 0.06


@dataclass(frozen=True)
class Candidate:
    """One reading to score: `words` written as Whisper writes them (leading spaces), each with its probability
    (None for a word put in by the edit); `changed`: which slots were replaced ("room", "device", "onoff"), empty for
    Whisper's own text; `closeness`: 0..100, how close the replaced words sound to the new ones (orders the
    candidates before scoring); `parsed`: for Whisper's own text, whether the parser read it as a complete command
    (its readings are then held to `RescoreRules.within_parsed`); `filled`: for a device slot's reading, the device
    it put in, as one word for its singular and plural ("ac" for "the AC" and "the ACs")."""

    words: tuple[tuple[str, float | None], ...]
    changed: tuple[str, ...] = ()
    closeness: float = 100.0
    parsed: bool = False
    filled: str = ""

    @property
    def text(self) -> str:
        return "".join(w for w, _ in self.words)


@dataclass(frozen=True)
class Scored:
    """A candidate and its decoder score (mean log-probability per token)."""

    candidate: Candidate
    score: float


def spoken(text: str) -> str:
    """A phrase as sound keys, digits said one by one ("Room 101" -> keys of "room one oh one")."""
    words = []
    for token in base_tokens(text):
        if token.isdigit():
            words.extend(_DIGITS[d] for d in token)
        else:
            words.append(_SAID.get(token, token))
    return " ".join(sound_key(w) or w for w in words)


@lru_cache(maxsize=8)
def room_phrases(vocabulary: Vocabulary) -> tuple[str, ...]:
    """Every way this campus's rooms are named, as the registry writes them (the campus prompt's spelling): names
    and aliases ("Classroom 101", "room 101")."""
    out: list[str] = []
    for room in vocabulary.rooms:
        out.extend(p for p in (room.name, *room.aliases) if p not in out)
    return tuple(out)


@lru_cache(maxsize=8)
def _room_sounds(vocabulary: Vocabulary) -> tuple[tuple[str, tuple[str, ...], str], ...]:
    """Each room phrase of the campus with its words as the parser reads them (no "the") and its sound keys: worked
    out once per campus, not again for every span of every note (they were a third of the edits' CPU)."""
    return tuple((phrase, tuple(_named(phrase)), spoken(phrase)) for phrase in room_phrases(vocabulary))


@lru_cache(maxsize=32)
def _word_sound(word: str) -> str:
    """`spoken` of one of the fixed words an edit puts in (device words, "on", "off"), kept."""
    return spoken(word)


def _edit(words: Sequence[tuple[str, float | None]], start: int, end: int, phrase: str
          ) -> tuple[tuple[str, float | None], ...]:
    """`words` with [start, end) replaced by `phrase`'s words (leading spaces kept as Whisper writes them)."""
    new = tuple((" " + w, None) for w in phrase.split())
    return (*words[:start], *new, *words[end:])


def _tokens(word: str) -> list[str]:
    return base_tokens(word)


def _named(phrase: str) -> list[str]:
    """A room phrase's words as the parser reads them, without "the"."""
    return [t for t in base_tokens(phrase) if t != "the"]


def room_spans(plain: Sequence[str]) -> list[int]:
    """Where a room phrase may start in the words `plain` (lower-case tokens): after the last "in" (and after
    "in the"), or at the last room word ("room", "lab"; with its "the"). An "in" up to 3 words before that room word
    is a start too: "in the staff room" names the room from "staff", not from "room"."""
    anchors = [i for i, t in enumerate(plain) if t == "in" or t in NUMBER_ROOM_HEADS]
    if not anchors:
        return []
    last = anchors[-1]
    starts: list[int] = []
    if plain[last] != "in":
        starts.append(last - (1 if last > 0 and plain[last - 1] == "the" else 0))
        before = [i for i in anchors if plain[i] == "in" and last - 3 <= i < last]
        if not before:
            return starts
        last = before[-1]
    starts.append(last + 1)
    if last + 1 < len(plain) and plain[last + 1] == "the":
        starts.append(last + 2)
    return [s for s in dict.fromkeys(starts) if s < len(plain)]


def room_edits(words: Sequence[tuple[str, float | None]], vocabulary: Vocabulary) -> list[Candidate]:
    """The words where a room phrase starts (`room_spans`) up to what follows a room, replaced by each room phrase
    of the campus."""
    plain = [" ".join(_tokens(w)) for w, _ in words]
    out = []
    for start in room_spans(plain):
        # Up to 4 words (punctuation Whisper put between them goes too: "room, well, well, well").
        stop, said = start, 0
        while stop < len(plain) and said < 4 and plain[stop] not in _AFTER_ROOM:
            said += bool(plain[stop])
            stop += 1
        # The whole stretch, or all but its last word: a shorter span leaves misheard words behind.
        for end in range(max(start + 1, stop - 1), stop + 1):
            span = "".join(w for w, _ in words[start:end])
            said, named = spoken(span), tuple(_named(span))
            for phrase, phrase_named, phrase_said in _room_sounds(vocabulary):
                # The room Whisper wrote, in the registry's case (with or without "the"), is no other reading:
                # scored in place of Whisper's own words it only loses ("the reading hall" -> "Reading Hall").
                if named != phrase_named:
                    out.append(Candidate(_edit(words, start, end, phrase), ("room",), fuzz.ratio(said, phrase_said)))
    return out


def device_edits(words: Sequence[tuple[str, float | None]]) -> list[Candidate]:
    """Each word that sounds like a device word (or is one) replaced by each other device word."""
    out = []
    for i, (word, _) in enumerate(words):
        tokens = _tokens(word)
        if len(tokens) != 1:
            continue
        said = spoken(word)
        for device in DEVICE_WORDS:
            if tokens[0] == device.lower():
                continue
            closeness = fuzz.ratio(said, _word_sound(device))
            if closeness >= DEVICE_CLOSE or any(tokens[0] == d.lower() for d in DEVICE_WORDS):
                out.append(Candidate(_edit(words, i, i + 1, device), ("device",), closeness))
    return out


def onoff_edits(words: Sequence[tuple[str, float | None]]) -> list[Candidate]:
    """"on" and "off" swapped; with neither said, put where commands say them (after a device word, or last), in
    place of the word there ("the lights are rough" -> "... are off") or before it."""
    plain = [" ".join(_tokens(w)) for w, _ in words]
    swaps = {"on": "off", "off": "on"}
    out = [Candidate(_edit(words, i, i + 1, swaps[t]), ("onoff",), 60.0) for i, t in enumerate(plain) if t in swaps]
    if out:
        return out
    said = [i for i, t in enumerate(plain) if t]
    if not said:
        return out
    devices = {d.lower() for d in DEVICE_WORDS} | {"light", "fan", "plug", "heaters", "projectors"}
    after_device = {i + 1 for i, t in enumerate(plain) if t in devices and i + 1 < len(plain)}
    for i in sorted({said[-1], *after_device}):
        for word in ("on", "off"):
            if plain[i] and plain[i] not in devices:
                # Right after a device word is where people say it ("the fans are in room 102" for "fans on").
                closeness = max(fuzz.ratio(spoken(words[i][0]), _word_sound(word)), AFTER_DEVICE if i in after_device
                                else 0.0)
                out.append(Candidate(_edit(words, i, i + 1, word), ("onoff",), closeness))
            out.append(Candidate(_edit(words, i, i, word), ("onoff",), 60.0 if i in after_device else 40.0))
        if i == said[-1]:
            out.extend(Candidate(_edit(words, i + 1, i + 1, w), ("onoff",), 40.0) for w in ("on", "off"))
    return out


def preposition_edits(words: Sequence[tuple[str, float | None]]) -> list[Candidate]:
    """"and", "an", "on" or "at" heard for the "in" before a room ("the projector and lab 2")."""
    plain = [" ".join(_tokens(w)) for w, _ in words]
    return [Candidate(_edit(words, i, i + 1, "in"), ("in",), 50.0) for i, t in enumerate(plain)
            if t in ("and", "an", "end") and 0 < i < len(plain) - 1]


def parser_text(candidate: Candidate) -> str:
    """The text the parser will read for `candidate` (the open-text rules: "lab to" -> "lab 2")."""
    return text_of(heard_words((w, 1.0) for w, _ in candidate.words))


def beam_reading(words: Sequence[tuple[str, float]], other: Sequence[str]) -> Candidate:
    """Another beam hypothesis `other` (written words) as a reading: the words it shares with Whisper's best text, in
    order, keep their probabilities; the words where it differs get none (an edit's: unsure when chosen)."""
    mine = [" ".join(_tokens(w)) for w, _ in words]
    theirs = [" ".join(_tokens(w)) for w in other]
    out: list[tuple[str, float | None]] = [(w, None) for w in other]
    for block in SequenceMatcher(a=mine, b=theirs, autojunk=False).get_matching_blocks():
        for k in range(block.size):
            out[block.b + k] = (other[block.b + k], words[block.a + k][1])
    return Candidate(tuple(out), ("beam",), 100.0)


def slot_edits(words: Sequence[tuple[str, float | None]], vocabulary: Vocabulary, only: str | None = None
               ) -> list[Candidate]:
    """Each device slot of `words` (nlu.speech.deviceslot) filled with each device word (its plural too where the
    slot is said as many) and each switch name of the rooms the text names, closest sound first. `only`: "energy"
    (only an energy question's slots) or "switch" (only the others); None: every slot."""
    written = [w for w, _ in words]
    slots = [s for s in device_slots(written, vocabulary) if only is None or s.energy == (only == "energy")]
    if not slots:
        return []  # no room lookup on a text with no slot
    names = [n for n in room_switch_names("".join(written), vocabulary)
             if n.lower() not in {d.lower() for d in DEVICE_WORDS}]
    out = []
    for slot in slots:
        said = spoken("".join(written[slot.start:slot.end]))
        for device in (*devices_for(slot, DEVICE_WORDS), *names):
            phrase = fill(slot, device)
            out.append(Candidate(_edit(words, slot.start, slot.end, phrase), ("slot",),
                                 fuzz.ratio(said, spoken(phrase)), filled=singular(device)))
    out.sort(key=lambda c: -c.closeness)
    return out


def campus_edits(words: Sequence[tuple[str, float | None]], vocabulary: Vocabulary) -> list[Candidate]:
    """Every single-slot edit of `words` (room, device, on/off, the "in" before a room), and a room with an on/off
    word together, unsorted and unparsed."""
    edits: list[Candidate] = []
    rooms = room_edits(words, vocabulary)
    edits.extend(rooms)
    edits.extend(device_edits(words))
    edits.extend(onoff_edits(words))
    edits.extend(preposition_edits(words))
    # A room and an on/off word misheard together ("room well well well rough" for "room one oh one are off").
    for room in sorted(rooms, key=lambda c: -c.closeness)[:4]:
        for switch in onoff_edits(room.words):
            edits.append(Candidate(switch.words, ("room", "onoff"), (room.closeness + switch.closeness) / 2))
    return edits


def candidates(words: Sequence[tuple[str, float]], vocabulary: Vocabulary, read: Reader,
               rules: RescoreRules = RescoreRules(), others: Sequence[Sequence[str]] = ()) -> list[Candidate]:
    """Whisper's own text first, then the beam's other hypotheses `others` (written words, best first) and the
    closest campus readings of Whisper's text, those `read` accepts as a complete command (at most
    `rules.max_scored` - 1 of them; the beam's first (`rules.beam_readings`), then the edits, closest sound first).
    `words`: Whisper's written words and their probabilities."""
    own = Candidate(tuple(words))
    command = read(parser_text(own))
    seen = {parser_text(own)}
    if command is not None:
        own = Candidate(tuple(words), parsed=True)
        if rules.only_unread and not unsure_slots(own, vocabulary, rules.unsure_below):
            return [own, *slot_readings(words, vocabulary, read, rules, command, seen)]
    beam = [beam_reading(words, other) for other in others] if rules.beam_readings else []
    # A second guess is a reading where it hears a room, device or on/off word differently, as an edit is: one that
    # differs only in other words ("how much art ..." for "how much part ...") makes out-of-scope speech a question.
    beam = [b for b in beam if not rules.beam_slots_only or changed_slots(b, vocabulary)]
    edits = campus_edits(words, vocabulary)
    if rules.edit_beam:
        # The beam's second guesses may be one campus word away too (the best text being further).
        edits += [Candidate(e.words, ("beam", *e.changed), e.closeness) for b in beam
                  for e in campus_edits(b.words, vocabulary)]
    edits.sort(key=lambda c: -c.closeness)
    edits = beam + edits
    # An edit that reads the same words as Whisper's (only case or punctuation differ) is no other reading.
    kept: list[Candidate] = [own]
    cap = rules.max_scored_parsed if own.parsed else rules.max_scored
    for parsed, edit in enumerate(edits):
        if len(kept) >= cap or parsed >= rules.max_parsed:
            break
        plain = parser_text(edit)
        if plain in seen:
            continue
        seen.add(plain)
        if read(plain) is not None:
            kept.append(edit)
    return kept + slot_readings(words, vocabulary, read, rules, command, seen)


def _names_a_device(command: Command, vocabulary: Vocabulary) -> bool:
    """Whether `command` names devices the campus has where it asks: switches, or device types found in its rooms
    (on the campus when it names none). An energy question is read whatever the device ("how much did the heater in
    room 202 use" reads though room 202 has none)."""
    if command.switches and not command.everything:
        return True
    where = set(command.rooms)
    present = {s.type for s in vocabulary.switches if not where or s.room_id in where}
    return bool(command.device_types) and set(command.device_types) <= present


# What a fill must make of a text the parser read, by the slots it left (`_slot_to_fill`).
_FILLED_AS = {"energy": "energy_query", "switch": "device_control"}


def _slot_to_fill(command: Command | None, text: str, vocabulary: Vocabulary) -> str | None:
    """Which device slots a Whisper text's reading leaves to fill: "any" when the parser does not read it; "energy"
    when it reads an energy question about no device ("how much did they see in room 202 use": the whole room);
    "switch" when it reads a switch of everything in a room that no word for everything said ("turn on this icon in
    the seminar hall": the unknown object taken for all of it) or an alerts question, whose slot-shaped switch
    ("turn off all the issues") only a fill makes a command; None for a command read whole (most notes)."""
    if command is None:
        return "any"
    if command.intent == "energy_query" and not command.device_types and not command.switches:
        return "energy"
    if command.intent == "device_control" and command.everything and not says_everything(text, vocabulary):
        return "switch"
    if command.intent == "alerts_query":
        return "switch"  # "turn off all the issues": a switch's slot heard as the alerts' word
    return None


def slot_readings(words: Sequence[tuple[str, float]], vocabulary: Vocabulary, read: Reader, rules: RescoreRules,
                  command: Command | None, seen: set[str]) -> list[Candidate]:
    """The device slot's readings (`rules.device_slot`) that parse, at most `rules.max_slot`, closest sound first,
    for a Whisper text whose reading `command` (None: not read) leaves a device to fill (`_slot_to_fill`); where the
    text was read, a fill is kept only where it makes the command its slot stands in (`_FILLED_AS`) name a
    device the campus has there.
    `seen`: parser texts already taken (added to)."""
    if not rules.device_slot:
        return []
    own = parser_text(Candidate(tuple(words)))
    only = _slot_to_fill(command, own, vocabulary)
    if only is None:
        return []
    kept: list[Candidate] = []
    for edit in slot_edits(words, vocabulary, None if only == "any" else only):
        if len(kept) >= rules.max_slot:
            break
        plain = parser_text(edit)
        if plain in seen:
            continue
        seen.add(plain)
        filled = read(plain)
        if filled is not None and (command is None or (filled.intent == _FILLED_AS[only]
                                                       and _names_a_device(filled, vocabulary))):
            kept.append(edit)
    return kept


def changed_slots(reading: Candidate, vocabulary: Vocabulary) -> tuple[str, ...]:
    """The room, device and on/off words a reading put in (its words with no probability)."""
    return unsure_words(heard_words((w, 0.0 if p is None else 1.0) for w, p in reading.words), vocabulary, 0.5)


def unsure_slots(own: Candidate, vocabulary: Vocabulary, below: float) -> tuple[str, ...]:
    """The room, device and on/off words of Whisper's text heard with a probability under `below` (the word check's
    deciding words)."""
    if below <= 0:
        return ()
    return unsure_words(heard_words((w, 1.0 if p is None else p) for w, p in own.words), vocabulary, below)


def score(model, encoded, start: list[int], tokenizer, batch: Sequence[Candidate], frames: int) -> list[float]:
    """Mean log-probability per token of each candidate's text under the decoder, given the note's encoder output
    `encoded` (a ctranslate2 StorageView of one note) and the decoder's `start` (task tokens). The campus prompt is
    left out: with its 70 tokens before every candidate the scoring cost 4x (1.2 s against 0.28 s of CPU for 16
    candidates, load 11)."""
    import ctranslate2

    tokens = [tokenizer.encode(c.text) for c in batch]
    repeated = ctranslate2.StorageView.from_array(np.repeat(np.asarray(encoded), len(batch), axis=0))
    results = model.align(repeated, start, tokens, frames)
    return [float(np.mean(np.log(np.maximum(np.asarray(r.text_token_probs), 1e-9)))) for r in results]


def pick(scored: Sequence[Scored], rules: RescoreRules = RescoreRules()) -> Scored:
    """The reading to keep: the best-scoring campus reading when it scores at least Whisper's own text
    (`scored[0]`) minus `rules.within` (`rules.within_parsed` when the parser read Whisper's text), else Whisper's
    text."""
    own = scored[0]
    within = rules.within_parsed if own.candidate.parsed else rules.within
    # The beam's own second guesses may be held closer to Whisper's text than the campus edits are.
    beam_within = min(within, rules.within_beam)
    margins = {"beam": beam_within, "slot": rules.within_slot}
    near = [s for s in scored[1:]
            if s.score >= own.score - next((margins[c] for c in s.candidate.changed if c in margins), within)]
    if undecided_slot(scored, rules.slot_tie):
        near = [s for s in near if not slot_filled(s)]  # the audio does not tell the devices apart: no guess
    return max(near, key=lambda s: s.score, default=own)


def undecided_slot(scored: Sequence[Scored], tie: float) -> bool:
    """Whether the best device slot reading scores less than `tie` above the best one that puts in another device
    ("switch off the heater" -1.26, "... the AC" -1.35 for an espeak-ng "AC" heard "engineer"): the slot's words
    fit two devices about as well, so neither is offered (a wrong device asked about is no help)."""
    fills = sorted((s for s in scored if slot_filled(s)), key=lambda s: -s.score)
    if tie <= 0 or not fills:
        return False
    rival = next((s for s in fills[1:] if s.candidate.filled != fills[0].candidate.filled), None)
    return rival is not None and fills[0].score - rival.score < tie


def slot_filled(chosen: Scored) -> bool:
    """Whether the chosen reading filled a device slot (a guess no other pass may confirm)."""
    return "slot" in chosen.candidate.changed


def chosen_words(chosen: Scored, unsure: float = UNSURE) -> tuple[tuple[str, float], ...]:
    """The chosen reading's written words with probabilities: Whisper's own words keep theirs; a word put in by an
    edit gets `unsure` (under the word check's threshold, so the bot asks before switching on it)."""
    return tuple((w, unsure if p is None else p) for w, p in chosen.candidate.words)
