"""What a campus user may say, as a grammar for the speech engines: JSGF for PocketSphinx, a phrase list for Vosk.

The sentence patterns are fixed English; the names (rooms, buildings, switches and their aliases) come from the
`Vocabulary`, spoken the way people say them ("classroom one oh one" for "Classroom 101"). One grammar is built per
vocabulary and word filter and cached, so a changed registry (a new Vocabulary) gets a new grammar.

The patterns are written in a small JSGF subset (rules `<name> = ...;`, `|`, `( )`, `[ ]`, lower-case words) so the
same source gives the JSGF text, the word list and a matcher that tells whether a transcript is a whole sentence.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from nlu.vocabulary import Vocabulary

log = logging.getLogger(__name__)

_DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_TEENS = ("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")

# Spoken forms of the switch types of the registry (what the parser's lexicon calls them, in words an ASR knows).
DEVICE_WORDS: dict[str, tuple[str, ...]] = {
    "light": ("light", "lights", "lamps", "tube lights", "bulbs"),
    "fan": ("fan", "fans", "ceiling fans"),
    "ac": ("ac", "air conditioner", "air conditioners", "air conditioning", "cooler"),
    "projector": ("projector", "projectors", "screen"),
    "outlet": ("sockets", "plugs", "plug points", "wall sockets", "outlets"),
    "heater": ("heater", "heaters"),
}

# The command patterns. <device>, <place>, <room>, <building> are filled from the vocabulary.
_PATTERNS = """
<polite> = please | kindly | could you [please] | can you [please];
<verb> = turn | switch;
<action> = on | off;
<devices> = [all] the <device> | <device> | everything;
<target> = (in | of | for) [the] <place>;
<count> = five | ten | fifteen | twenty | thirty | forty five;
<hour> = one | two | three | four | five | six | seven | eight | nine | ten | eleven | twelve;
<minute> = fifteen | thirty | forty five;
<tail> = at <hour> [<minute>] [a.m. | p.m.] | in <count> minutes | in an hour
       | today | yesterday | tomorrow | this week | last week | next week | this month | last month;
<head> = <verb> <action> <devices>
       | <verb> <devices> <action>
       | <devices> <action>
       | (is | are) <devices> (on | off | running)
       | (what is | what's) (on | running)
       | [show] [the] status
       | how much (energy | power | electricity) (did we use | was used)
       | [show] [the] (energy | power) (usage | consumption | forecast)
       | (show | any | are there any) (alerts | anomalies);
<fixed> = (show | list) [the] (schedules | scheduled actions | timers)
        | cancel [the] (schedule | schedules | timer | timers)
        | (which | what) devices are offline
        | help | what can you do;
public <command> = [<polite>] (<head> [<target>] [<tail>] | <fixed>);
"""


@dataclass(frozen=True)
class Grammar:
    """A campus grammar. `jsgf` is the JSGF text (public rule `<command>`), `words` every word it can produce,
    `phrases` the Vosk phrase list (names and command words), `dropped` names left out because the engine
    does not know one of their words, `vocabulary` the campus it was built from (None for a phrase grammar): an
    engine checks its N best sentences against that registry."""

    jsgf: str
    words: frozenset[str]
    phrases: tuple[str, ...]
    dropped: tuple[str, ...]
    _regex: re.Pattern[str] = field(repr=False, compare=False)
    vocabulary: Vocabulary | None = field(default=None, repr=False, compare=False)

    def matches(self, text: str) -> bool:
        """True when `text` (lower-case words) is one whole sentence of the grammar."""
        words = text.split()
        return bool(words) and self._regex.fullmatch(" ".join(words) + " ") is not None


def spoken_forms(name: str) -> list[str]:
    """Ways to say a registry name: lower case, hyphens and punctuation as spaces, numbers as words
    ("Classroom 101" -> "classroom one oh one", "classroom one zero one"; "Room 220" also "room two twenty")."""
    text = re.sub(r"[^a-z0-9' ]+", " ", name.lower().replace("-", " "))
    forms = [""]
    for token in text.split():
        options = _number_words(token) if token.isdigit() else [token]
        forms = [f"{prefix} {option}".strip() for prefix in forms for option in options]
    return list(dict.fromkeys(forms))


def _number_words(digits: str) -> list[str]:
    value = int(digits)
    if len(digits) == 1:
        return [_DIGIT_WORDS[value]]
    if len(digits) == 2 and digits[0] != "0":
        return [_two_digits(value)]
    spelled = []
    if "0" in digits:
        spelled.append(" ".join("oh" if d == "0" else _DIGIT_WORDS[int(d)] for d in digits))
    spelled.append(" ".join(_DIGIT_WORDS[int(d)] for d in digits))
    if len(digits) == 3 and digits[0] != "0" and int(digits[1:]) >= 10:
        spelled.append(f"{_DIGIT_WORDS[int(digits[0])]} {_two_digits(int(digits[1:]))}")  # "two twenty" for 220
    if len(digits) == 3 and digits[0] != "0":
        # "one hundred and one" (and the American "one hundred one"): how espeak-ng, and many people, say 101.
        hundreds, rest = f"{_DIGIT_WORDS[int(digits[0])]} hundred", int(digits[1:])
        spelled += [hundreds] if rest == 0 else [f"{hundreds} and {_two_digits(rest)}", f"{hundreds} {_two_digits(rest)}"]
    return spelled


def _two_digits(value: int) -> str:
    if value < 10:
        return _DIGIT_WORDS[value]
    if value < 20:
        return _TEENS[value - 10]
    tens, units = divmod(value, 10)
    return _TENS[tens] + (f" {_DIGIT_WORDS[units]}" if units else "")


def build_grammar(vocabulary: Vocabulary, known: Callable[[str], bool] | None = None) -> Grammar:
    """The grammar for `vocabulary`; `known(word)` says whether the engine can recognise a word (names with
    unknown words are left out, listed in `Grammar.dropped`). Cached per (vocabulary, known)."""
    return _build(vocabulary, known)


@lru_cache(maxsize=16)
def _build(vocabulary: Vocabulary, known: Callable[[str], bool] | None) -> Grammar:
    dropped: list[str] = []

    def usable(phrases: Iterable[str]) -> list[str]:
        kept = []
        for phrase in dict.fromkeys(phrases):
            if known is None or all(known(word) for word in phrase.split()):
                kept.append(phrase)
            else:
                dropped.append(phrase)
        return kept

    room_names = [name for room in vocabulary.rooms for name in (room.name, *room.aliases)]
    rooms, kinds = _numbered_rooms(room_names, usable)
    buildings = usable(form for b in vocabulary.buildings for name in (b.name, *b.aliases) for form in spoken_forms(name))
    types = sorted({s.type for s in vocabulary.switches} | {"light", "fan"})
    room_of = {room.id: [spoken_forms(n) for n in (room.name, *room.aliases)] for room in vocabulary.rooms}
    devices = usable([*(w for t in types for w in DEVICE_WORDS.get(t, ())),
                      *(form for s in vocabulary.switches for name in (s.name, *s.aliases)
                        for form in _switch_forms(name, room_of.get(s.room_id, [])))])
    fills = {
        "room": rooms or ["room"],  # plus "<kind> <number>" below when a kind has many numbered rooms
        "building": buildings or ["building"],
        "device": devices or ["lights"],
    }
    # Names share their first words ("classroom three ..."), so they go in as a word tree: a flat list of a
    # 200-room campus puts ~600 parallel alternatives in the search at every name, the tree only the words that
    # can come next (the same sentences, so the parser maps them to registry ids as before).
    source = _PATTERNS + "".join(f"<{name}> = {factored(values)};\n" for name, values in fills.items())
    source += "<place> = <room> | <building>;\n"
    if kinds:
        source = source.replace("<room> = ", "<room> = <kind> <number> | ", 1)
        source += f"<kind> = {factored(kinds)};\n" + _NUMBER_RULES
    rules, public = _parse_rules(source)
    if known is not None:
        missing = sorted({w for w in _words(rules) if not known(w)})
        if missing:
            raise ValueError(f"the speech engine lacks pattern words: {', '.join(missing)}")
    words = frozenset(_words(rules))
    jsgf = "#JSGF V1.0;\ngrammar autovolt;\n" + "".join(
        f"{'public ' if name == public else ''}<{name}> = {_to_jsgf(tree)};\n" for name, tree in rules.items()
    )
    regex = re.compile(_to_regex(rules[public], rules))
    phrases = tuple(sorted(words | set(rooms) | set(kinds) | set(buildings) | set(devices)))
    if dropped:
        log.warning("grammar left out names with unknown words", extra={"kv": {"count": len(dropped),
                                                                               "names": ", ".join(dropped[:10])}})
    return Grammar(jsgf=jsgf, words=words, phrases=phrases, dropped=tuple(dropped), _regex=regex,
                   vocabulary=vocabulary)


# A room kind with more numbered rooms than this is spoken as "<kind> <number>" with any number: the parser maps
# the number to a registry id (or asks which room). Fewer keep their exact numbers (a tighter grammar).
NUMBERED_KIND_MIN = 12
_NUMBER_RULES = """
<digit> = oh | zero | one | two | three | four | five | six | seven | eight | nine;
<two_digits> = ten | eleven | twelve | thirteen | fourteen | fifteen | sixteen | seventeen | eighteen | nineteen
             | (twenty | thirty | forty | fifty | sixty | seventy | eighty | ninety) [one | two | three | four
               | five | six | seven | eight | nine];
<unit> = one | two | three | four | five | six | seven | eight | nine;
<number> = <digit> [<digit> [<digit>]] | [<digit>] <two_digits> | <unit> hundred [[and] (<unit> | <two_digits>)];
"""


def _numbered_rooms(names: list[str], usable: Callable[[Iterable[str]], list[str]]) -> tuple[list[str], list[str]]:
    """Spoken room names, and the spoken kinds with many numbered rooms ("Classroom 301", "Classroom 302"...):
    those are said "<kind> <number>", so a 200-room campus adds a few dozen words to the search instead of ~600
    names (one shared <number>, not one per kind: each rule reference is a copy in the decoder's graph)."""
    kinds: dict[str, list[str]] = {}
    for name in names:
        found = re.fullmatch(r"(.*?[a-z].*?)[\s-]*(\d+)", name.lower().strip())
        if found:
            kinds.setdefault(found[1], []).append(name)
    many = {kind for kind, members in kinds.items() if len(members) > NUMBERED_KIND_MIN}
    exact = [n for n in names if not any(n in kinds[k] for k in many)]
    forms = usable(form for name in exact for form in spoken_forms(name))
    kind_forms = usable(f for kind in sorted(many) for f in spoken_forms(kind))
    return forms, kind_forms


def _switch_forms(name: str, room_forms: list[list[str]]) -> list[str]:
    """Spoken switch names; one that starts with its room's name ("Classroom 301 light") is said as the rest
    ("light"): "the light in classroom three oh one" carries the room, and repeating every room inside the device
    names would multiply the grammar by the number of rooms."""
    out = []
    for form in spoken_forms(name):
        for room_form in (f for forms in room_forms for f in forms):
            if form.startswith(room_form + " "):
                form = form.removeprefix(room_form + " ")
                break
        out.append(form)
    return out


def factored(phrases: Iterable[str]) -> str:
    """JSGF alternatives for `phrases` with common leading words shared: ["lab one", "lab two", "library"] ->
    "lab (one | two) | library". Accepts exactly the same phrases as "a | b | ...", with far fewer parallel arcs."""
    tree: dict = {}
    for phrase in phrases:
        node = tree
        for word in phrase.split():
            node = node.setdefault(word, {})
        node[""] = {}  # a phrase may end here
    return _tree_jsgf(tree)


def _tree_jsgf(node: dict) -> str:
    options = []
    for word, child in node.items():
        if not word:
            continue
        rest = _tree_jsgf(child)
        if not rest:
            options.append(word)
        elif "" in child:
            options.append(f"{word} [{rest}]")
        elif len([w for w in child if w]) > 1:
            options.append(f"{word} ({rest})")
        else:
            options.append(f"{word} {rest}")
    return " | ".join(options)


# --- the JSGF subset: parse to a tree of ("seq"|"alt"|"opt", [...]) / ("word", w) / ("ref", name) ---

_TOKEN = re.compile(r"\s*(<[a-z_]+>|[|()\[\]]|[a-z0-9.']+)")


def _parse_rules(source: str) -> tuple[dict[str, tuple], str]:
    rules: dict[str, tuple] = {}
    public = ""
    for statement in source.split(";"):
        statement = statement.strip()
        if not statement:
            continue
        head, _, body = statement.partition("=")
        head = head.strip()
        if head.startswith("public "):
            head = head.removeprefix("public ").strip()
            public = head[1:-1]
        rules[head[1:-1]] = _parse_body(body)
    return rules, public


def _parse_body(body: str) -> tuple:
    tokens = _TOKEN.findall(body)
    pos = 0

    def alternatives(closer: str | None) -> tuple:
        nonlocal pos
        options = [[]]
        while pos < len(tokens):
            tok = tokens[pos]
            pos += 1
            if tok == closer:
                break
            if tok == "|":
                options.append([])
            elif tok == "(":
                options[-1].append(alternatives(")"))
            elif tok == "[":
                options[-1].append(("opt", [alternatives("]")]))
            elif tok.startswith("<"):
                options[-1].append(("ref", tok[1:-1]))
            else:
                options[-1].append(("word", tok))
        seqs = [("seq", option) for option in options]
        return seqs[0] if len(seqs) == 1 else ("alt", seqs)

    return alternatives(None)


def _words(rules: dict[str, tuple]) -> set[str]:
    found: set[str] = set()

    def walk(node: tuple) -> None:
        if node[0] == "word":
            found.add(node[1])
        elif node[0] in ("seq", "alt", "opt"):
            for child in node[1]:
                walk(child)

    for tree in rules.values():
        walk(tree)
    return found


def _to_jsgf(node: tuple) -> str:
    kind = node[0]
    if kind == "word":
        return node[1]
    if kind == "ref":
        return f"<{node[1]}>"
    if kind == "opt":
        return "[" + " ".join(_to_jsgf(c) for c in node[1]) + "]"
    if kind == "alt":
        return "(" + " | ".join(_to_jsgf(c) for c in node[1]) + ")"
    return " ".join(_to_jsgf(c) for c in node[1])


def _to_regex(node: tuple, rules: dict[str, tuple]) -> str:
    kind = node[0]
    if kind == "word":
        return re.escape(node[1]) + " "
    if kind == "ref":
        return _to_regex(rules[node[1]], rules)
    if kind == "opt":
        return "(?:" + "".join(_to_regex(c, rules) for c in node[1]) + ")?"
    if kind == "alt":
        return "(?:" + "|".join(_to_regex(c, rules) for c in node[1]) + ")"
    return "".join(_to_regex(c, rules) for c in node[1])


def phrase_grammar(phrases: Iterable[str], known: Callable[[str], bool] | None = None) -> Grammar:
    """A grammar accepting any sequence of the given `phrases` (any language, words separated by spaces):
    for engines or languages without the English command patterns, and for tests."""
    kept, dropped = [], []
    for phrase in dict.fromkeys(" ".join(p.lower().split()) for p in phrases):
        if phrase and (known is None or all(known(word) for word in phrase.split())):
            kept.append(phrase)
        elif phrase:
            dropped.append(phrase)
    if not kept:
        raise ValueError("none of the phrases can be recognised by this engine")
    alternatives = " | ".join(kept)
    jsgf = f"#JSGF V1.0;\ngrammar phrases;\npublic <command> = ({alternatives})+;\n"
    regex = re.compile("(?:" + "|".join(re.escape(p + " ") for p in sorted(kept, key=len, reverse=True)) + ")+")
    words = frozenset(w for p in kept for w in p.split())
    return Grammar(jsgf=jsgf, words=words, phrases=tuple(kept), dropped=tuple(dropped), _regex=regex)
