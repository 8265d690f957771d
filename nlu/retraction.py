"""Whether a follow-up message takes back the message before it: "sorry, I meant room 102", "oops, lab 2", "wait,
make that room 202 instead", "make that 6 pm", as opposed to adding to it ("and the fans too", "actually, also
the fans").

The parser already reads such a message as the previous command corrected (its follow-up handling); this says
only that the words own a slip, so the bot knows the previous command is taken back rather than added to. Pure:
words in, a yes or no out.
"""

from __future__ import annotations

from nlu.textnorm import tokens

# Words anywhere in the message that say what came before was not what was meant.
_TAKING_BACK: tuple[tuple[str, ...], ...] = (
    ("i", "meant"), ("i", "mean"), ("meant",), ("instead",), ("rather",), ("make", "that"), ("make", "it"),
    ("scratch", "that"), ("strike", "that"), ("not", "that", "1"), ("wrong", "room"), ("wrong", "1"),
    ("my", "bad"), ("my", "mistake"), ("correction",),
    # "the projector, not the lights": what the command before named is excluded.
    ("not", "the"), ("not", "those"), ("not", "them"),
)
# Words that own a slip when they open the message ("sorry, 102", "wait, turn them back on").
_OPENING = frozenset({"sorry", "oops", "whoops", "wait", "actually", "correction"})
# Sounds that may come before the opening word ("no sorry", "oh wait", "hmm actually").
_BEFORE_OPENING = frozenset({"no", "oh", "hmm", "uh", "um", "umm", "ah", "er", "erm", "ok", "okay"})
# An addition, not a taking back: "oops, the fans too", "actually, also the fans", "and sorry, lab 2 as well".
_ADDING = frozenset({"too", "also", "plus", "additionally"})


def _has(toks: list[str], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(tuple(toks[i:i + n]) == phrase for i in range(len(toks) - n + 1))


def _adds(toks: list[str]) -> bool:
    return set(toks) & _ADDING or toks[:1] == ["and"] or _has(toks, ("as", "well"))


def adds_to(text: str) -> bool:
    """True when `text` says it adds to the command before ("and at 7 too", "the fans as well")."""
    return bool(_adds(tokens(text)))


def takes_back(text: str) -> bool:
    """True when `text`, sent right after a command, says that command was a slip and names what was meant."""
    toks = tokens(text)
    if not toks or _adds(toks):
        return False
    k = 0
    while k < len(toks) and toks[k] in _BEFORE_OPENING:
        k += 1
    if k < len(toks) and toks[k] in _OPENING:
        return True
    if toks[:1] == ["not"] and toks[1:2] not in (["just"], ["only"]) or toks[:1] == ["no"] and "not" in toks[1:]:
        return True  # "not the lights, the fans", "no, the projector, not the lights": the thing before is excluded
    return any(_has(toks, phrase) for phrase in _TAKING_BACK)
