"""Switch verbs used as nouns: "the cutoff", "a cut-off", "the shut off": a limit or a valve, no order.

"what is the cutoff for the library fine" switched every switch of the library block off (twenty-second pass):
the spelling fixer split "cutoff" into "cut off", an order with a place and no device. After a word that opens a
noun ("the", "a", "any", "your"...), "cut off" / "shut off" / "cutoff" is one noun, said as "limit" (a word
the fixer leaves alone: "cutoff" it splits again), so no order is read from it. Pure: tokens in, tokens out; called before the spelling fixer.
"""

from __future__ import annotations

# Words after which a noun follows, never a verb: "the cut off", "a shutoff", "your cutoff" ("that"/"this"/"what"
# may be a subject: "the timer that cut off the fans", "what shut off the lights").
_NOUN_OPENERS = frozenset("the a an any your our my its their".split())
_GLUED = frozenset({"cutoff", "cutoffs", "shutoff", "shutoffs"})
_VERBS = frozenset({"cut", "shut"})
_NOUN = "limit"


def as_nouns(toks: list[str]) -> list[str]:
    """The tokens with "cut off" / "shut off" / "cutoff" after a noun opener said as the one noun "limit"."""
    if not (_GLUED & set(toks) or _VERBS & set(toks)):
        return toks  # the common case, first
    out: list[str] = []
    i = 0
    while i < len(toks):
        tok = toks[i]
        opened = bool(out) and out[-1] in _NOUN_OPENERS
        if opened and tok in _GLUED:
            out.append(_NOUN)
            i += 1
        elif opened and tok in _VERBS and toks[i + 1:i + 2] == ["off"]:
            out.append(_NOUN)
            i += 2
        else:
            out.append(tok)
            i += 1
    return out
