"""Campus words Whisper tiny writes as other words by their sound, found on a spoken dev slice (branch voice-sound7,
docs/benchmarks.md), each fixed only where the words around it leave no other sense, and marked guessed (a switch on
it asks first):

- "heater" written "fever" or "peter" between "the" and "in"/"on"/"off" ("turn on the fever in room 101");
- "AC" written "missy" or "message" between "and" and "in"/"on"/"off" ("the lights, and missy in the staff room":
  `opentext` already mends "the message in"), and "she" after "the" where a device ends ("turn on the she");
- "the AC" written "I see you", "may I see you", "when I see you" at a clause's start before "in" and a place
  ("may I see you in the staff room, turn it off at 6:15"): `opentext._ac_heard_i_see` mends "(did) I see in";
- "now" written "house" after "hours/minutes from" ("two hours from house, switch off ...").

Pure: tokens in, tokens out (nlu.speech.opentext.heard_words calls it first).
"""

from __future__ import annotations

from nlu.lexicon import NUMBER_ROOM_HEADS
from nlu.speech.base import HeardWord

# The confidence of a word put in by sound: opentext's GUESSED (under the word check's 0.7, so a switch asks first).
GUESSED = 0.5
COMMA = ","
# Device words by sound: the written word, the device, and the words it may stand after.
_DEVICES = {"fever": ("heater", frozenset({"the"})), "peter": ("heater", frozenset({"the"})),
            "missy": ("ac", frozenset({"the", "and"})), "message": ("ac", frozenset({"and"}))}
_AFTER_DEVICE = frozenset({"in", "on", "off"})
# "the she": no English; where a device word ends a command ("turn on the she", "the she in lab 2").
_AFTER_SHE = frozenset({"", "in", "on", "off", "please", COMMA})
# Words before "I see you" that Whisper wrote for a clause's opening ("may I see you ...", "when I see you ...").
_LEADS = frozenset({"may", "when", "did", "do"})
_OPENERS = frozenset("so okay ok uh um and well right yeah oh".split())
_PLACE_STARTS = NUMBER_ROOM_HEADS | {"the"}
_UNITS = frozenset({"hour", "hours", "minute", "minutes"})
_NOW_HEARD = frozenset({"house", "hows", "how"})


def _at(words: list[HeardWord], i: int) -> str:
    return words[i].text if 0 <= i < len(words) else ""


def _guessed(text: str, *heard: HeardWord) -> HeardWord:
    return HeardWord(text, min(GUESSED, *(w.confidence for w in heard)))


def mended(words: list[HeardWord]) -> list[HeardWord]:
    """`words` with the sound-alikes above put back."""
    out: list[HeardWord] = []
    i = 0
    while i < len(words):
        word, before, after = words[i], out[-1].text if out else "", _at(words, i + 1)
        lead = word.text in _LEADS
        if (_at(words, i + lead) == "i" and _at(words, i + lead + 1) == "see" and _at(words, i + lead + 2) == "you"
                and _at(words, i + lead + 3) == "in" and (_at(words, i + lead + 4) in _PLACE_STARTS
                                                           or _at(words, i + lead + 4)[:1].isdigit())
                and (not out or before == COMMA or all(w.text in _OPENERS for w in out))):
            said = words[i:i + lead + 3]
            out += [_guessed("the", *said), _guessed("ac", *said)]
            i += lead + 3
            continue
        if word.text in _DEVICES and before in _DEVICES[word.text][1] and after in _AFTER_DEVICE:
            out.append(_guessed(_DEVICES[word.text][0], word))
        elif word.text == "she" and before == "the" and after in _AFTER_SHE:
            out.append(_guessed("ac", word))
        elif word.text in _NOW_HEARD and before == "from" and len(out) > 1 and out[-2].text in _UNITS:
            out.append(HeardWord("now", word.confidence))
        else:
            out.append(word)
        i += 1
    return out
