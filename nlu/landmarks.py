"""A campus room said only as a landmark of another place: "the store room next to the principal's office",
"principal office ke bagal wale store room mein".

The device is in the place described (a store room), not in the room named beside it; read as the room, the order
switched the principal's office AC on (twenty-second pass). A room mention is a landmark when a relation word
("next to", "beside", "near", "opposite", "behind", "in front of") stands before it with a place noun before that
("the room beside lab 1", "the one opposite lab 2"), or, in Hindi, when "ke bagal / ke paas / ke saamne /
ke peeche" after it leads to a place noun ("lab 1 ke paas wala room"). The caller asks which place is meant when no
other campus room is named ("lab 2, the room next to lab 1" keeps lab 2). Pure: tokens in, spans out.
"""

from __future__ import annotations

from collections.abc import Collection

from spacy.lang.en.stop_words import STOP_WORDS

# English relations, longest first: "right next to" before "next to".
_RELATIONS = (("right", "next", "to"), ("next", "door", "to"), ("in", "front", "of"), ("adjacent", "to"),
              ("next", "to"), ("close", "to"), ("near", "to"), ("opposite", "to"), ("across", "from"),
              ("beside",), ("besides",), ("near",), ("opposite",), ("behind",))
# Hindi relations after "ke" (and its spellings), and the words that may join them to the place ("wala", "mein";
# the spelling fixer makes "wale" "wall").
_HINDI_RELATIONS = frozenset("bagal baju bazu paas pass saamne samne peeche piche pichhe upar neeche niche".split())
_HINDI_OF = frozenset({"ke", "ki", "ka"})
# Nouns of a place the device may be in ("the store room", "the one", "the cabin", "kamra").
PLACE_NOUNS = frozenset("room rooms storeroom store office cabin hall lab class classroom corridor washroom toilet "
                        "pantry one kamra kamre kamri godown".split())
# Place nouns that may stand before a device as its owner ("the washroom lights"); not "room", "lab" or "class",
# which are parts of the campus's own names.
_OWNING_PLACES = frozenset("washroom washrooms toilet toilets restroom bathroom corridor corridors pantry storeroom "
                           "store cabin lobby staircase stairs verandah balcony passage".split())
_THING_WORDS = 2  # "the washroom tube lights": up to two words of the thing between the place noun and the relation
_HINDI_WINDOW = 4  # "ke bagal mein jo store room": the place noun within four words of the relation
_NAME_WORDS = 2  # "the store room", "the HOD cabin": up to two words of the described place's own name


def landmark_span(toks: list[str], start: int, end: int, rooms_at: Collection[int]) -> tuple[int, int] | None:
    """The span of the place described around the room mention `toks[start:end]` when that room is only its
    landmark (from the place's own words to the room's end, or the reverse in Hindi); None when the room is the
    place meant. `rooms_at`: token indices of other room mentions ("lab 2 next to lab 1": lab 2 is a place too)."""
    at = start - 1 if start and toks[start - 1] == "the" else start
    for relation in _RELATIONS:
        rel = at - len(relation)
        if rel > 0 and tuple(toks[rel:at]) == relation:
            noun = rel - 1
            pronoun = toks[noun] == "1" and toks[noun - 1:noun] == ["the"]  # "the one": the numbers made it "1"
            if toks[noun] in PLACE_NOUNS or pronoun or noun in rooms_at:
                first = noun
                while first > 0 and noun - first < _NAME_WORDS and toks[first - 1].isalpha() \
                        and toks[first - 1] not in STOP_WORDS and first - 1 not in rooms_at:
                    first -= 1
                return first, end
            owner = _place_before_thing(toks, noun, rooms_at)
            return (owner, end) if owner is not None else None
    if toks[end:end + 1] and toks[end] in _HINDI_OF and toks[end + 1:end + 2] and toks[end + 1] in _HINDI_RELATIONS:
        for k in range(end + 2, min(len(toks), end + 2 + _HINDI_WINDOW)):
            if toks[k] in PLACE_NOUNS:
                last = k + 1 if toks[k] == "store" and toks[k + 1:k + 2] == ["room"] else k
                return start, last + 1
    return None


def _place_before_thing(toks: list[str], noun: int, rooms_at: Collection[int]) -> int | None:
    """The index of a place noun said as the thing's own place just before it ("the washroom lights near lab 2",
    "the corridor tube lights next to room 101"): the lights are the washroom's, lab 2 only says where it is
    (twenty-fourth pass: read as lab 2's, they were switched off). Without such a noun ("the lights next to lab 2")
    the room is the place, as dev labels it."""
    for k in range(noun - 1, max(-1, noun - 1 - _THING_WORDS), -1):
        word = toks[k]
        if k in rooms_at or not word.isalpha() or word in STOP_WORDS:
            return None
        if word in _OWNING_PLACES:
            return k
    return None


def after_relation(toks: list[str], start: int) -> bool:
    """Whether an English relation ("near", "next to the") stands right before `toks[start]`: a thing said there
    is a landmark ("the lights in the staff room near the kettle": not the kettle) when another is named before."""
    at = start - 1 if start and toks[start - 1] == "the" else start
    return any(at - len(r) >= 0 and tuple(toks[at - len(r):at]) == r for r in _RELATIONS)


# Every word a relation starts or is made of: a message holding none of them has no landmark (the common case).
CUE_WORDS = frozenset(w for r in _RELATIONS for w in r if w not in ("to", "of", "from", "in", "right")) \
    | _HINDI_RELATIONS
