"""A question passed on for someone: "Prof Nair wants to know if the lab 1 AC is running", "the HOD asked whether
the seminar hall fans are off".

Read from its "running" / "off", "Prof Nair wants to know if the lab 1 AC is running" switched the AC on
(twenty-second pass). A wish to know, or an asking, before "if" / "whether" makes what follows a yes-no question,
whoever asks it ("tell me if" and "let me know whether" were already questions). Pure: tokens in, the index of
"if" / "whether" out.
"""

from __future__ import annotations

# The word right before "if/whether" that asks: "know", "asked", "wondering", "checking".
_ASKED = frozenset("know asked asks asking ask wondering wonders wondered checking enquiring inquiring".split())
# Words that would make "if" a condition of an order said before it ("switch it off if ...").
_ORDERS = frozenset("turn switch shut power put flip kill cut start stop keep leave please pls kindly".split())


# "wondering if you could ..." asks for something to be done, not whether (voice-kinds15: "I was wondering if you
# could get the AC going in classroom 102" answered the AC's state); "wants to know if you can ..." is left as it was.
_WONDERING = frozenset({"wondering", "wonder", "wondered"})
_POLITE_ASKS = (("you", "could"), ("you", "can"), ("you", "would"), ("you", "will"), ("you", "might"))


def reported_question(toks: list[str]) -> int | None:
    """The index of the "if" / "whether" that opens a question asked on someone's behalf, or None."""
    for i, tok in enumerate(toks[1:], start=1):
        if (tok in ("if", "whether") and toks[i - 1] in _ASKED and not set(toks[:i]) & _ORDERS
                and not (toks[i - 1] in _WONDERING and tuple(toks[i + 1:i + 3]) in _POLITE_ASKS)):
            return i
    return None
