"""A family member's room or place, said without "my": "mummy ke room ka AC band kar do", "switch off the fan in
mom's room", "papa ka kamra".

One's family's rooms are at home, no campus room: "mummy ke room ka AC band kar do" asked "Which room do you
mean?" (twenty-second pass), whose answer would switch some campus room's AC. "my dad's office" was already one's
own (`parser._at_home`); this is the kin word alone before a place, in English's possessive or Hindi's
"ke/ka/ki". Pure: tokens in, a verdict out.
"""

from __future__ import annotations

# Family words as typed in Hinglish and English chat (English possessives lose their apostrophe: "moms").
_KIN = frozenset("mummy mummys mumma mummas mom moms mum mums mother mothers maa papa papas pappa dad dads father "
                 "fathers bhai bhais bhaiya bhaiyas bhaiyya didi didis behen sister sisters brother brothers dadi "
                 "dadis nani nanis chacha chachi mausi bua grandma grandmas grandpa grandpas".split())
_OF = frozenset({"ke", "ka", "ki"})
# The places of a home: a room, a bedroom, "kamra"; "ghar" (home) the Hindi reader already makes "at home".
_PLACES = frozenset("room rooms bedroom kamra kamre kamri office cabin house flat place".split())


def kin_place(toks: list[str]) -> bool:
    """Whether a family word stands right before a place of theirs ("moms room", "mummy ke room"); a number after
    the place makes it a campus room said to someone ("bhai room 101 ka fan on kar": "bhai" is "bro")."""
    for i, tok in enumerate(toks[:-1]):
        if tok not in _KIN:
            continue
        k = i + 2 if toks[i + 1] in _OF else i + 1
        numbered = k + 1 < len(toks) and toks[k + 1].isdigit()
        if k < len(toks) and toks[k] in _PLACES and not numbered:
            return True
    return False
