"""The campus as phrases: every way the registry lets people name a room, building or switch, plus the fixed lexicon,
compiled into one spaCy PhraseMatcher and a word list for spelling correction.

Built once per `Vocabulary` (at start-up, or when the registry changes); matching is then a dictionary walk.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass

from spacy.lang.en import English
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans
from spacy.vocab import Vocab, create_vocab

from nlu import lexicon
from nlu.textnorm import tokens as norm_tokens
from nlu.vocabulary import RoomEntry, SwitchEntry, Vocabulary

log = logging.getLogger(__name__)

# Words people use for the kind of room, so "Classroom 305" is also "room 305", "class 305", "cr 305".
_HEAD_SYNONYMS = {
    "classroom": ("classroom", "room", "class", "cr", "class room"),
    "class": ("classroom", "room", "class", "cr"),
    "room": ("room", "classroom", "class", "cr"),
    "lab": ("lab", "laboratory"),
    "laboratory": ("lab", "laboratory"),
    "hall": ("hall", "room"),
    "office": ("office", "room"),
    "block": ("block", "building"),
    "building": ("building", "block"),
}
_TYPE_SYNONYMS = {phrase: kind for kind, phrases in lexicon.DEVICE_SYNONYMS.items() for phrase in phrases}


@dataclass(frozen=True)
class Mention:
    """A matched phrase: `kind` (room, rooms: a group such as "all classrooms", building, switch, type, everything,
    everywhere), the ids or type it names,
    and its token span [`start`, `end`)."""

    kind: str
    targets: tuple[str, ...]
    start: int
    end: int


def _variants(name: str) -> set[tuple[str, ...]]:
    """Ways to say a registry name: as written, without "the", singular/plural, with synonyms for its head word."""
    base = tuple(norm_tokens(name))
    out = {base}
    if base and base[0] == "the":
        out.add(base[1:])
    for words in list(out):
        if not words:
            continue
        last = words[-1]
        if last.endswith("s") and len(last) > 3:
            out.add(words[:-1] + (last[:-1],))
        elif last.isalpha() and len(last) > 2:
            out.add(words[:-1] + (last + "s",))
        # "Principal's Office" is normalised to "principals office"; people also say "principal office".
        out.add(tuple(w[:-1] if w.endswith("s") and i < len(words) - 1 and len(w) > 4 else w for i, w in enumerate(words)))
    if len(base) >= 2 and base[-1].isdigit():
        head = base[-2]
        for synonym in _HEAD_SYNONYMS.get(head, (head,)):
            out.add(tuple(synonym.split()) + (base[-1],))
        out.add((base[0], base[-1]))  # "AC unit 1" -> "ac 1", "Computer Lab 1" -> "computer 1"
    return {v for v in out if v}


def _head_synonyms(name: tuple[str, ...]) -> set[tuple[str, ...]]:
    """A switch name whose last word is a device word, said with the type's other one-word names: "Stage lights"
    is also "stage lighting", so that the longer name wins over the room's lights."""
    if len(name) < 2 or name[-1] not in _TYPE_SYNONYMS or name[-2] in _TYPE_SYNONYMS:
        return set()
    kind = _TYPE_SYNONYMS[name[-1]]
    return {name[:-1] + (w,) for w, k in _TYPE_SYNONYMS.items() if k == kind and " " not in w}


def blank_english_vocab() -> Vocab:
    """The vocabulary of spaCy's blank English pipeline, without building its tokenizer.

    `spacy.blank("en")` spends a quarter of a second compiling tokenizer exceptions; the parser tokenises with its
    own normaliser (numbers, contractions, "a/c") and only needs English lexemes for Docs and the PhraseMatcher.
    """
    return create_vocab("en", English.Defaults)


# The token that stands in for words no phrase contains (it contains a space, so no normalised token is it).
_OTHER = "<not a phrase word>"


class Gazetteer:
    """Phrase index over a `Vocabulary`.

    - `rooms`, `buildings`, `switches`: entries by id.
    - `switches_by_room`, `rooms_by_building`: containment.
    - `rooms_by_number`: room ids by a number in their name, alias or id ("101" -> cr-101).
    - `words`: every word of every phrase (what a misspelling may be corrected to).
    - `named_as_type`: switches whose own name of two or more words is also a type's name ("Room heater"), by
      those words: the type is matched, and the parser may still see that only one switch bears the name.
    """

    def __init__(self, vocab: Vocabulary, strings: Vocab | None = None) -> None:
        self.vocab = vocab
        self.strings = strings or blank_english_vocab()
        self.rooms = {r.id: r for r in vocab.rooms}
        self.buildings = {b.id: b for b in vocab.buildings}
        self.switches = {s.id: s for s in vocab.switches}
        self.switches_by_room: dict[str, list[SwitchEntry]] = defaultdict(list)
        for s in vocab.switches:
            self.switches_by_room[s.room_id].append(s)
        self.rooms_by_building: dict[str, list[RoomEntry]] = defaultdict(list)
        for r in vocab.rooms:
            self.rooms_by_building[r.building_id].append(r)
        self._targets: dict[str, tuple[str, tuple[str, ...]]] = {}
        self.rooms_by_number: dict[str, tuple[str, ...]] = {}
        self.words: set[str] = set()
        self.named_as_type: dict[tuple[str, ...], set[str]] = defaultdict(set)
        # Switch names' first words said alone ("stage" of "Stage lights", "kettle" of "Kettle socket").
        self.first_words: set[str] = set()
        self._phrases: dict[tuple[str, ...], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        self._index()
        self.matcher = PhraseMatcher(self.strings, attr="ORTH")
        for words, kinds in self._phrases.items():
            # One phrase may name several things (two rooms called "Lab 1" in different blocks); keep every target.
            kind, targets = self._choose_kind(words, kinds)
            key = " ".join(words)
            self._targets[key] = (kind, tuple(sorted(targets)))
            self.matcher.add(key, [Doc(self.strings, words=list(words))])
            self.words.update(w for w in words if w.isalpha())
        # Every token of every phrase: any other token can take no part in a match.
        self._phrase_tokens = frozenset(w for words in self._phrases for w in words)
        log.debug("gazetteer built", extra={"kv": {"phrases": len(self._targets), "rooms": len(self.rooms)}})

    @staticmethod
    def _choose_kind(words: tuple[str, ...], kinds: dict[str, set[str]]) -> tuple[str, set[str]]:
        # A room or building name beats a switch name that happens to read the same; fixed lexicon comes last.
        for kind in ("room", "rooms", "building", "switch", "type", "everywhere", "everything"):
            if kind in kinds:
                return kind, kinds[kind]
        raise AssertionError(words)

    def _add(self, words: tuple[str, ...], kind: str, target: str) -> None:
        self._phrases[words][kind].add(target)

    def _index(self) -> None:
        numbers: dict[str, set[str]] = defaultdict(set)
        for room in self.vocab.rooms:
            for name in (room.name, *room.aliases, room.id.replace("-", " ").replace("_", " ")):
                for words in _variants(name):
                    if words in _TYPE_SYNONYMS or all(w.isdigit() for w in words):
                        continue
                    self._add(words, "room", room.id)
                for tok in norm_tokens(name):
                    if tok.isdigit():
                        numbers[tok].add(room.id)
        self.rooms_by_number = {k: tuple(sorted(v)) for k, v in numbers.items()}
        for building in self.vocab.buildings:
            for name in (building.name, *building.aliases, building.id.replace("-", " ")):
                for words in _variants(name):
                    if words and not all(w.isdigit() for w in words):
                        self._add(words, "building", building.id)
        for switch in self.vocab.switches:
            for name in (switch.name, *switch.aliases):
                head = tuple(norm_tokens(name))
                # "Kettle socket" is also "the kettle", "Exhaust fan" "the exhaust": a distinctive first word alone.
                if len(head) == 2 and head[1] in _TYPE_SYNONYMS and len(head[0]) >= 4 and head[0].isalpha() \
                        and head[0] not in STOP_WORDS and head[0] not in lexicon.COMMON_WORDS and head[0] not in _TYPE_SYNONYMS:
                    self._add(head[:1], "switch", switch.id)
                    self.first_words.add(head[0])
                if set(head) & lexicon.COMPUTER_WORDS and head[-1] not in lexicon.COMPUTER_WORDS:
                    for word in lexicon.COMPUTER_WORDS:  # "Computer sockets": "the PCs", "the desktops"
                        self._add((word,), "switch", switch.id)
                        self._add((word, head[-1]), "switch", switch.id)  # "the PC sockets"
                for words in _variants(name) | _head_synonyms(head):
                    if " ".join(words) in _TYPE_SYNONYMS and len(words) >= 2:
                        self.named_as_type[words].add(switch.id)
                    if " ".join(words) in _TYPE_SYNONYMS or all(w.isdigit() for w in words) or len(words) == 1 and len(words[0]) < 3:
                        continue
                    self._add(words, "switch", switch.id)
        for phrase, kind in _TYPE_SYNONYMS.items():
            self._add(tuple(phrase.split()), "type", kind)
        for phrase in lexicon.EVERYTHING_PHRASES:
            self._add(tuple(phrase.split()), "everything", "*")
        for phrase in lexicon.EVERYWHERE_PHRASES:
            self._add(tuple(phrase.split()), "everywhere", "*")
        for word, plurals in lexicon.ROOM_GROUP_WORDS.items():
            members = [r.id for r in self.vocab.rooms if word in norm_tokens(r.name)
                       or (word == "lab" and "laboratory" in norm_tokens(r.name))]
            # "all classroom lights off": the singular after "all" too, said before what is switched there.
            said_as = {(lead, plural if lead.startswith("all") else word) for plural in plurals
                       for lead in ("all", "all the", "every", "each")} | {("all", word), ("all the", word)}
            # "every classroom's fans": the possessive comes out of the normaliser as the plural (part 20 asked which)
            said_as |= {(lead, plural) for plural in plurals for lead in ("every", "each")}
            for lead, said in said_as:
                for member in members or ["*"]:  # a campus without any: the whole campus, as before
                    self._add(tuple(f"{lead} {said}".split()), "rooms" if members else "everywhere", member)

        # "both computer labs", "all the computer labs", "in the computer labs": the rooms named "<stem> <number>"
        # (Computer Lab 1, Computer Lab 2) when two or more share the stem; the stem alone may be one room's alias
        # ("computer lab"), its plural never is.
        numbered: dict[tuple[str, ...], list[str]] = {}
        for room in self.vocab.rooms:
            words = tuple(norm_tokens(room.name))
            if len(words) >= 2 and words[-1].isdigit():
                numbered.setdefault(words[:-1], []).append(room.id)
        for stem, members in numbered.items():
            if len(members) < 2:
                continue
            plural = " ".join((*stem[:-1], stem[-1] + "s"))
            for lead in ("the", "both", "both the", "both of the", "all", "all the", "all of the", "the two", "two"):
                words = tuple(f"{lead} {plural}".split())
                self._phrases[words].pop("room", None)  # the plural of one room's alias ("computer lab"): all of them
                for member in members:
                    self._add(words, "rooms", member)

    def mentions(self, words: list[str]) -> list[Mention]:
        """Longest non-overlapping registry and lexicon phrases in the tokens, left to right."""
        # Tokens in no phrase are matched as one stand-in: a Doc adds each new word to the spaCy vocabulary for
        # good, and in a long-running process (the speech worker, the bot) every new word heard would stay there.
        doc = Doc(self.strings, words=[w if w in self._phrase_tokens else _OTHER for w in words])
        spans = [Span(doc, start, end, label=match_id) for match_id, start, end in self.matcher(doc)]
        out = []
        for span in filter_spans(spans):
            kind, targets = self._targets[self.strings.strings[span.label]]
            out.append(Mention(kind, targets, span.start, span.end))
        return out
