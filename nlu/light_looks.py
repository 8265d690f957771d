"""An order said by how a place should look: "leave the stage dark" (its lights off), "keep lab 1 lit" (on).

"leave/keep/make <place> dark" asks for the place's lights off; "... lit", "bright", "lit up" for them on. The words
are put as the plain order ("leave the lights off in lab 1", "leave the stage lights off") before the rules read
them, so the place is resolved, or asked about, as in any order. Only an exact campus place (or the stage, a light
of its own) between the verb and the look: "keep the screen dark" (a projector), "the stage was dark" (no order)
and "don't leave lab 1 dark" (the opposite, said by a negation) keep their words.
"""

from __future__ import annotations

from typing import Callable

VERBS = frozenset({"leave", "keep", "make"})
LOOKS = {"dark": "off", "lit": "on", "bright": "on"}
_NEGATIONS = frozenset({"dont", "not", "never", "cant", "wont"})
_MAX_PLACE = 4  # words of a place: "the computer lab 2", "the seminar hall"


def as_light_order(toks: list[str], names_a_place: Callable[[list[str]], bool]) -> list[str]:
    """`toks` with the first "<verb> <place> <look>" made "<verb> the lights <on|off> in <place>" ("the stage":
    "<verb> the stage lights <on|off>", "the seminar hall stage": "... in the seminar hall"); unchanged when no such
    words. `names_a_place(words)`: whether the words are one campus room or building, and nothing more."""
    if not (VERBS.intersection(toks) and LOOKS.keys() & set(toks)):
        return toks  # the common case, first
    for verb, tok in enumerate(toks):
        if tok not in VERBS or _NEGATIONS.intersection(toks[max(0, verb - 2):verb]):
            continue
        for look in range(verb + 2, min(len(toks), verb + 2 + _MAX_PLACE)):
            if toks[look] not in LOOKS:
                continue
            place = toks[verb + 1:look]
            state = LOOKS[toks[look]]
            rest = toks[look + 1 + (toks[look + 1:look + 2] == ["up"]):]  # "lit up"
            where = place[:-1] if place[-1] == "stage" else place
            if where in ([], ["the"]):
                return [*toks[:verb], tok, "the", "stage", "lights", state, *rest]
            if names_a_place([w for w in where if w != "the"]):
                what = ["the", "stage", "lights"] if place[-1] == "stage" else ["the", "lights"]
                return [*toks[:verb], tok, *what, state, "in", *where, *rest]
            break  # the first look after the verb decides
    return toks
