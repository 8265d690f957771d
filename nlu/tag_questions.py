"""A statement asked back for confirmation with a tag ("lights out at 10 in the hostel, right"): no order.

"lights out at 10 in the hostel, right" asks whether a rule holds (when the hostel's lights go out); read as the
verbless order "lights out at 10" it asked which hostel was meant (twenty-second pass), inviting a switch. A
message that ends in a tag ("right", "correct", "isn't it") and has no switching verb or please states a
fact and asks to have it confirmed. Pure: tokens in, a verdict out.
"""

from __future__ import annotations

# Hindi's "na" is no tag: it softens an order ("computer sockets off na", "band kar do na").
_TAGS = (("right",), ("correct",), ("is", "not", "it"), ("isnt", "it"), ("innit",))
# Words before "right" that make it no tag: "all right", "turn right", "on the right".
_NOT_BEFORE_RIGHT = frozenset({"all", "the", "to", "turn", "on", "at", "is", "that", "thats", "you", "are"})
# Words of asking for something to be done: with one of them the tag checks an order ("switch it off, right?").
_ASKING = frozenset("turn switch shut power put flip kill cut start stop keep leave please pls plz kindly can could "
                    "would will do make".split())

# A state told ("the fans are off in lab 1, right?"): a status question confirmed, read as such elsewhere.
_BEING = frozenset({"is", "are", "was", "were", "am", "be", "been"})


def confirms_a_fact(toks: list[str]) -> bool:
    """Whether the message ends in a confirmation tag after a statement with no asking or switching word."""
    for tag in _TAGS:
        n = len(tag)
        if len(toks) > n + 1 and tuple(toks[-n:]) == tag:
            body = toks[:-n]
            if tag == ("right",) and body[-1] in _NOT_BEFORE_RIGHT:
                return False
            return not set(body) & (_ASKING | _BEING)
    return False
