"""A Hindi state question said without its "kya" up front, or with a request to check it after it.

"102 mein fan on hai?" switched the fans of room 102 on, and "canteen AC on hai kya check karo" was read as the order
"AC on" (twenty-third pass): "X on hai" (X is on) states or asks a state, never orders one, and "check karo" /
"bata do" after a question asks that question to be answered. Both are said as the question the Hinglish reader
already knows ("kya X on hai"). A tag question ("light band hai na": it is off, isn't it?) asks it too (text-left6:
it was out of scope), and "dekh lo" (take a look) is a request to check. A state said before an order of its own
("fan on hai, band kar do": the fan is on, switch it off) is dropped: it switched the fans on. Pure: tokens in, tokens
out; called before `nlu.hinglish.as_english`.
"""

from __future__ import annotations

# States a "hai/hain" may close: "on hai", "band hain", "chalu hai".
_STATES = frozenset({"on", "off", "chalu", "band", "bandh"})
_IS = frozenset({"hai", "hain"})  # not "he": "turn the AC off he said, put the fans on" is English
# What closes a yes-no question: "hai kya", "hai ya nahi", "hai ya off".
_OR = frozenset({"ya", "yaa"})
_ASKED = frozenset({"kya", "na"})
_ANSWERS = frozenset({"nahi", "nahin", "nai", "nhi", "on", "off", "band", "chalu"})
# Words of a request to answer it: "check karo", "zara dekh ke batao", "bata do please", "confirm kar do".
_TELL = frozenset({"check", "dekho", "dekh", "dekhke", "bata", "batao", "batana", "bataiye", "bolo", "confirm",
                   "karo", "kar", "kro", "kardo", "krdo", "do", "dena", "ke", "kar", "zara", "please", "pls", "plz",
                   "mujhe", "jaldi", "yaar", "bhai", "sir", "lo", "lena", "lijiye", "lijie"})  # "dekh lo": take a look
_TELLS = frozenset({"check", "dekho", "dekh", "dekhke", "bata", "batao", "batana", "bataiye", "bolo", "confirm"})
# Words that make the message an order of its own ("band kar do" after "on hai"): no question is read then.
_ORDERS = frozenset({"karo", "kar", "kro", "kardo", "krdo", "karde", "kijiye", "karein", "karna", "dena", "dijiye",
                     "do", "chalao", "jalao", "bujhao", "bujha", "turn", "switch", "put"})


def as_asked(toks: list[str]) -> list[str]:
    """The tokens with a Hindi state question said as "kya ... hai" (a request to check it dropped after it)."""
    if not _IS & set(toks):
        return toks  # the common case, first
    for i in range(len(toks) - 2, 0, -1):  # the last "<state> hai" closing a question, with a tail after it
        if toks[i] in _IS and toks[i - 1] in _STATES:
            end = i + 1
            if toks[end:end + 1] and toks[end] in _ASKED:
                end += 1
            elif toks[end:end + 1] and toks[end] in _OR and toks[end + 1:end + 2] and toks[end + 1] in _ANSWERS:
                end += 2
            tail = toks[end:]
            if not tail and toks[end - 1] == "na" and "kya" not in toks and not _ORDERS & set(toks):
                return ["kya", *toks[:i + 1]]  # "light band hai na" (it is off, isn't it): asked as "kya ... hai"
            if tail and set(tail) <= _TELL and _TELLS & set(tail) and not _ORDERS & set(toks[:i]):
                return toks[:end]  # "... on hai kya check karo": the question
            if _STATES & set(tail) and _ORDERS & set(tail):
                return toks[:i - 1] + tail  # "fan on hai (kya), band kar do": the order after the state it found
            break
    if len(toks) > 2 and toks[-1] in _IS and toks[-2] in _STATES and "kya" not in toks \
            and not _ORDERS & set(toks):
        return ["kya", *toks]  # "102 mein fan on hai": asked (or told) as "kya 102 mein fan on hai" is
    return toks
