"""The words that open a note, before the first thing it names: whether a request or a question was said.

"Turn off the projector ...", "is the projector off ...", "uh, is the projector off ...", "could you please turn off
the projector ...": what comes before the first determiner or device word is the verb, the question word or a
hesitation, and it alone says whether the note asks or orders. Whisper writes a hesitation or a question's "is"/"are"
it barely heard as some word ("uh is" as "earth is", "um are" as "i am art", "hmm are" as "turn"), and the parser may
then read a switch. The campus grammar cannot tell either: every one of its sentences may open with "please" or
"kindly", so it fills that slot with one and reads the same switch. Pure: heard words in, a yes or no out.
"""

from __future__ import annotations

from collections.abc import Sequence

from nlu.lexicon import DEVICE_SYNONYMS
from nlu.speech.base import HeardWord

# A word of the opening heard under this is a guess. On the spoken dev notes that were switched unasked, the opening
# words were at 0.01, 0.07 and 0.08 (docs/benchmarks.md "voice-hes"); 0.2 leaves room for the same kind of guess.
LEAD_UNSURE = 0.2
# At most this many words are read as the opening ("could you please turn off" is five).
_MOST = 6

# Words said before the message proper: discourse words and hesitations.
OPENERS = frozenset("so okay ok uh um umm hmm er erm ah and well right yeah oh".split())
# Where what the note is about starts: a determiner, a pronoun for a device, or a device word (the first word of a
# device's name: "air" of "air conditioner"; not "room" of "room heater" nor "power" of "power point").
NAMED_FROM = frozenset("the a an this that these those my our your all every each any anything everything it "
                       "them".split()) | (frozenset(name.split()[0] for names in DEVICE_SYNONYMS.values()
                                                    for name in names) - {"room", "power", "wall", "charging"})
_COMMA = ","


def _openers_end(words: Sequence[HeardWord]) -> int:
    k = 0
    while k < len(words) and (words[k].text in OPENERS or words[k].text == _COMMA):
        k += 1
    return k


def opening(words: Sequence[HeardWord]) -> list[HeardWord]:
    """The words after the first openers and commas and before the first determiner, device word or comma (at
    most `_MOST`): "earth is" of "earth is the projector off ...", "turn off" of "so, turn off the fans"."""
    k = _openers_end(words)
    out: list[HeardWord] = []
    for word in words[k:k + _MOST]:
        if word.text in NAMED_FROM or word.text == _COMMA:
            return out
        out.append(word)
    return out


def unsure_opening(words: Sequence[HeardWord], below: float = LEAD_UNSURE) -> bool:
    """Whether a word of the note's opening, or an opener before it, was barely heard (under `below`): whether the
    note ordered or asked, Whisper did not hear ("hmm are the lights ..." heard "and mark the lights ...", "and" at
    0.12). False when the engine gave no per-word confidences."""
    before = [w for w in words[:_openers_end(words)] if w.text != _COMMA]
    return any(word.confidence < below for word in (*before, *opening(words)))
