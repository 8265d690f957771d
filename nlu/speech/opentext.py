"""An open pass's words (Whisper's, or a Wyoming server's text) as the parser's tokens, each with its confidence.

Open recognisers write what they hear as ordinary English: "A.C.", "fan's", "Room 101." and, after a room word,
numbers as their homophones ("lab to", "room for"). The homophones are turned back into digits only right after a
word that introduces a room number, where nothing else makes sense. "Two hundred and one" comes out as "200 and 1":
joined back into 201. "Two oh one" may come out as "2 oh 1": the "oh" between two digits is a zero (else the room
read is "room 2").

A decode that writes its last phrase twice ("... what can I use you for it what can I use you for it"), or loops over
the whole sentence from its start, keeps it once.

Whisper's commas (and question and exclamation marks inside a note) are kept as "," tokens: the parser splits a
message into clauses there, as it does typed text ("just checking, are the lights off in lab 2" is a question; with
the comma dropped, "checking are the lights off" began a switch).

Whisper's other regular misreadings of campus speech on the dev notes, each fixed only where the words around it
leave no other sense:
- "off in" run together as "often" ("is often room 102", "are the lights often lab 2", "often an hour"): before a
  room word, a number, "the", "a" or "an hour";
- a room number started twice ("one oh, one oh two" written "10102", "20202"): after a room word, a five-digit
  number whose first two digits start the last three is the last three;
- "AC" heard as "I see" after "the" or before "on"/"off" and a place or the end, and as "issue", "edge(s)" between "the" and "on"/"off"
  ("turn the issue off"); "the icon" after a switch verb is "the AC on"; "projector" as "connector", "heater" as "eager", "figure" or "tiger", "fans" as
  "hand", between "the" and "in", "on", "off", "still" or "is";
- "lab" heard as "lamb" or "lamp" before a number where a place starts ("in lamb 2") or after "physics", "computer" or "electronics"; "electronics
  lab" as "electronic slam" (the "s" on the next word);
- "lights off" heard as "light soft" (and "fans on" as "fan son"): the "s" went to the next word (any device noun:
  "plug point soft"; "plug point, soft" too, guessed);
- espeak-ng's "one" heard as "well", where a number is all that fits: after a room word, before "hour(s)"/"minute(s)";
- "an hour and 30 minutes" written "1 hour in 30 minutes": between an hour count and a minute count, "in" is "and";
- a short "on" written "un" before "please", a comma or the note's end ("the fans, room 101, un please"), or run
  together as "unplease";
- "switch" heard as "which" before "on" or "off" (as a question word "which" is not followed by "on"/"off":
  "which one", "which room");
- "in" heard as "and" before a delay ("... in room 102 and half an hour", "and 40 minutes turn off ...", "and about
  half an hour switch off ..."): "and"
  followed by nothing but an amount of time, where it cannot join two amounts (no amount of time before it, as in
  "an hour and 30 minutes"; no "a half" after a number, as in "one and a half hours");
- "one and a half hours" written "1.5 hours": a decimal half is said "and a half";
- a first "would you" written "what you" or "what do you" before "mind", "kindly" or "do me" (espeak-ng notes);
- British "nought" written "not" ("room two not one"): between two digits or digit words, a zero;
- "um" written "I'm" at the start of a note, before a word that starts a question or a request ("I'm are the fans
  off ...", "I'm how much power ..."), which "I am" never comes before; after opening fillers too ("so I'm are the
  fans on ...");
- a question's "is" written "as" at a clause start before "the ... on/off" ("um, is the AC on" heard "I'm as the AC
  on": the note switched the AC on);
- a self-correction's "uh no" written "I know" as a clause of its own after something was named ("turn off the
  projector, I know, the fans, in room 201"): between commas, before a new mention ("the", "in", a room);
- a clock time written as one number ("at 730 pm", "at 1130"): before "am"/"pm" a number of 3-4 digits whose last
  two are minutes is hours and minutes ("7:30 pm"); after "at", "by", "until" or "till" a 4-digit one, and a 3-digit
  one (minutes in fives) only before "tonight", "today", "tomorrow", "this ..." or "in the ...", or at the note's end
  after a place was named ("in lab 2 at 430"); elsewhere a 3-digit number there may be a room.
- espeak-ng's room number "oh" heard "go" ("room 2 go to" for "room two oh two", "room 2 go well"): right after a
  room word and one digit, before a digit or a word said as one;
- espeak-ng's "the AC" written "I see" or "did I see" at a clause start before "in" and a place ("I see in classroom
  201, off please"); its "AC" written "message" between "the" and "in"/"on"/"off"; "unit three" as "unit free";
  "lights on" as "light sun"/"light song" (the "s" moved, as in "light soft"); "the lab block" as "the lamp block";
- "on" written "un" before what follows an on/off word too ("un-plug" stays); "half past" written "half pass";
  "in about half an hour" written "and about half an hour";
- an hour's homophone after "quarter/half/ten ... past/to" ("at quarter past for" is 4:15), and "room 200 to" as room
  202 (Piper's "two oh two"), marked guessed; "unit to" before anything but a number as "unit 2" (guessed); "100, and 1"
  as 101 (a comma at the pause before "and"); "the two lights" / "the two blights" as "the tube lights" (guessed).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import jellyfish

from nlu.lexicon import DEVICE_SYNONYMS, NUMBER_ROOM_HEADS, OFF_WORDS, ON_WORDS
from nlu.phonetic import sound_key
from nlu.speech.base import HeardWord
from nlu.speech.leadword import LEAD_UNSURE, NAMED_FROM
from nlu.speech.soundalike_words import mended
from nlu.textnorm import base_tokens

_HOMOPHONES = {"to": "2", "too": "2", "for": "4", "won": "1", "ate": "8"}
# The confidence a deciding word put in for other words by sound gets at most (espeak-ng's "I see" as "the AC", "go"
# as a room number's "oh"): under the word check's 0.7 (nlu.speech.wordcheck.WORD_SURE), so a switch on it asks first.
GUESSED = 0.5


# Punctuation Whisper writes between clauses, kept for the parser as a comma token (a full stop is not: "A.C.").
COMMA = ","
_CLAUSE_ENDS = (",", ";", "?", "!")


def text_of(words: Iterable[HeardWord]) -> str:
    """The words as one message for the parser and the user: "just checking, are the lights off"."""
    return " ".join(w.text for w in words).replace(" ,", ",")


def heard_words(words: Iterable[tuple[str, float]]) -> tuple[HeardWord, ...]:
    """(word as written, confidence) pairs -> lower-case tokens, each with its word's confidence."""
    out: list[HeardWord] = []
    for written, confidence in words:
        for token in base_tokens(_halves_said(written)):
            if token in _HOMOPHONES and out and (out[-1].text in NUMBER_ROOM_HEADS or _room_digit_oh(out)):
                token = _HOMOPHONES[token]
            out.append(HeardWord(token, float(confidence)))
        if written.rstrip().endswith(_CLAUSE_ENDS) and out and out[-1].text != COMMA:
            # Where Whisper heard a clause end, the parser splits the message ("just checking, are the lights off"
            # is a question; without the comma, "checking are the lights off" reads as a switch).
            out.append(HeardWord(COMMA, float(confidence)))
    # No clause ends before a number: "room, 101" and "2, 0, 1" are one room said slowly.
    out = [w for i, w in enumerate(out) if not (w.text == COMMA and 0 < i < len(out) - 1 and out[i + 1].text.isdigit()
                                                 and (out[i - 1].text.isdigit() or out[i - 1].text in NUMBER_ROOM_HEADS))]
    while out and out[-1].text == COMMA:  # "..., thanks?" ends a clause, not the message
        out.pop()
    while out and out[0].text == COMMA:
        out.pop(0)
    return _begun_mid_sentence(_into_two_oh(_hundreds_joined(_restarted_numbers(_to_heard_2(_for_heard_4(_in_heard_an(_in_heard_and(_delays_with_in(_is_heard_as(_hesitation_first(_ac_heard_i_see(
        _misheard_words(_zeros_between_digits(_oh_heard_go(_clock_times(_piper_clock_words(_no_said_as_i_know(_past_homophones(
        mended(_not_heard_at(_said_once(out))))))))))))))))))))))


# One-word device names (nlu.lexicon.DEVICE_SYNONYMS) for "not the lights" heard "at the lights".
_DEVICE_NOUNS = frozenset(w for names in DEVICE_SYNONYMS.values() for w in names if " " not in w)


def _not_heard_at(words: list[HeardWord]) -> list[HeardWord]:
    """", not the lights, just the fans" written ", at the lights, just the fans" (spoken part 15): the lights were
    switched off with the fans, unasked. A clause that is only "at the <device>" (no time, no place) is no English
    clause but the quiet "not" of an exclusion; put back as "not", it and the device guessed (a switch asks first)."""
    out = list(words)
    for k in range(1, len(out) - 2):
        if out[k - 1].text == COMMA and out[k].text == "at" and out[k + 1].text == "the" \
                and out[k + 2].text in _DEVICE_NOUNS and _text_at(out, k + 3) in ("", COMMA):
            out[k] = HeardWord("not", min(out[k].confidence, GUESSED))
            # The device now says what is left out: a deciding word, unsure, so the switch asks first.
            out[k + 2] = HeardWord(out[k + 2].text, min(out[k + 2].confidence, GUESSED))
    return out


_DIGIT_WORDS = {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8",
                "nine": "9"}


# What follows a room said at a message's end or before its next part ("... into o 2, can you check", "into a one or
# off"); "into a 2 hour meeting" is no room.
_AFTER_A_ROOM = frozenset({"", COMMA, "or", "on", "off", "is", "are", "please", "and", "now", "right", "use", "used",
                           "switch", "turn", "at", "tomorrow", "today", "this", "next", "for", "still"})


def _into_two_oh(words: list[HeardWord]) -> list[HeardWord]:
    """espeak-ng's "in two oh two" written "into o 2", "in two oh one" "into a one" (spoken part 13: the room lost,
    "show me everything that is on into o 2" answered for the campus): "into", then "o"/"oh"/"a" and one digit, is
    "in" and room 20N, guessed (a switch on it asks first). "into" before anything else is left alone."""
    out: list[HeardWord] = []
    i = 0
    while i < len(words):
        last = _text_at(words, i + 2)
        digit = last if len(last) == 1 and last.isdigit() else _DIGIT_WORDS.get(last)
        if words[i].text == "into" and _text_at(words, i + 1) in ("o", "oh", "a") and digit is not None \
                and _text_at(words, i + 3) in _AFTER_A_ROOM:
            sure = min(GUESSED, *(w.confidence for w in words[i:i + 3]))
            out += [HeardWord("in", words[i].confidence), HeardWord(f"20{digit}", sure)]
            i += 3
            continue
        out.append(words[i])
        i += 1
    return out


def _room_digit_oh(out: list[HeardWord]) -> bool:
    """The words so far end in a room word, one digit and "oh": "room 2 o" + "to" is room 202 (voice-kinds9: "how much
    did room 2 o to use" was room 2's energy, a number read as no room)."""
    return (len(out) >= 3 and out[-1].text in ("o", "oh") and len(out[-2].text) == 1 and out[-2].text.isdigit()
            and out[-3].text in NUMBER_ROOM_HEADS)


# A run of at least this many words said twice back to back at the end is a decoder repeat, not speech.
_REPEAT_WORDS = 3


def _said_once(words: list[HeardWord]) -> list[HeardWord]:
    """"what can i use you for what can i use you for" -> the first time round: a decoder (beam search especially)
    on a short window may write the sentence again; people do not say a whole phrase twice in one breath. A note
    whose opening words come again in full straight after them, then again, more or less ("turn off the fans in lab
    2 turn off the fans in lab 2 turn off the fans and ..."), is that loop from its start: its first round."""
    said = [w for w in words if w.text != COMMA]  # a round may end with a comma, the next without one
    n = len(said)
    texts = [w.text for w in said]
    for size in range(_REPEAT_WORDS, n // 2 + 1):
        if texts[size:2 * size] == texts[:size]:
            return said[:size]
    for size in range(n // 2, _REPEAT_WORDS - 1, -1):
        if texts[n - 2 * size:n - size] == texts[n - size:]:
            return said[:n - size]
    return words


# "often" before these is "off in": a room word, a number, or the start of a room's name (or "an hour": "often an
# hour and a half" for "off in an hour and a half").
_PLACE_STARTS = NUMBER_ROOM_HEADS | {"the", "a"}
# Device words Whisper writes as other words, taken as the device between "the" and a word that follows a device in
# a command ("turn on the connector in ...", "is the figure still on"), where no other sense fits.
_DEVICE_SOUNDALIKES = {"connector": "projector", "eager": "heater", "figure": "heater", "tiger": "heater",
                       "hand": "fans", "message": "ac"}
_AFTER_DEVICE = frozenset("in on off still is".split())
# "AC" as Whisper writes espeak-ng's "ay see" between "the" and "on"/"off" ("turn the issue off", "the edges on"),
# where those words make no sense; "switch the icon" is "the AC on" run together.
_AC_SOUNDALIKES = frozenset({"issue", "edge", "edges"})
_SWITCH_VERBS = frozenset("turn switch put get keep leave".split())
# "lab" as Whisper writes espeak-ng's: before a number, where a place starts ("in lamb 2"), or after the word that names the lab ("physics
# lamp"); and "electronics lab" with the "s" moved ("the electronic slam").
_LAB_SOUNDALIKES = frozenset({"lamb", "lamp"})
_LAB_NAMES = frozenset({"physics", "computer", "electronics"})
# Where "the lamp block" names the lab block ("in the lamp block"; not "a lamp block").
_BLOCK_BEFORE = frozenset({"", COMMA, "the", "in"})
_S_LAB = frozenset({"slam", "slab", "slabs", "slop", "slops", "lab"})
# What follows "AC on/off" in an order ("i see off in the principal office"), not "i see on the list".
_AFTER_ON_OFF = frozenset({"", "in", "please", "now", ",", "for", "at"})
# "light soft" -> "lights off": a device word whose plural "s" Whisper joined to the on/off word after it.
_SPLIT_S = {"soft": "off", "son": "on", "sun": "on", "song": "on"}
_PLURALS = {"light": "lights", "fan": "fans", "point": "points", "socket": "sockets", "plug": "plugs",
            "projector": "projectors", "heater": "heaters", "lamp": "lamps", "station": "stations"}
# The first two, found before what follows the on/off word was looked at ("light soft" anywhere); the others need an
# order's end after it ("plug point soft in ...", not "the plug point soft music").
_FIRST_PLURALS = frozenset({"light", "fan"})
_TIME_UNITS = frozenset("hour hours minute minutes".split())
# What comes before "past" in a clock time said aloud ("half past 5", Whisper's "half pass 5" or "half, pass 5").
_CLOCK_PARTS = frozenset({"half", "quarter"})


# "tube" as Whisper writes it before "lights" (and "lights" after it, the "b" moved: "two blights").
_TUBE_HEARD = frozenset({"two", "to", "too", "2"})
_LIGHTS_HEARD = frozenset({"lights", "blights"})


def _misheard_words(words: list[HeardWord]) -> list[HeardWord]:
    """Campus words Whisper writes as other words, fixed where the next (or previous) word leaves one sense."""
    out: list[HeardWord] = []
    i = 0
    while i < len(words):
        word = words[i]
        after = words[i + 1].text if i + 1 < len(words) else ""
        before = out[-1].text if out else ""
        if word.text in _TUBE_HEARD and before == "the" and after in _LIGHTS_HEARD:
            # "the tube lights" written "the two lights" / "the two blights" (ninth and tenth spoken parts): every
            # room's lights are also called its tube lights, so the reading hall's lamps or the seminar hall's stage
            # lights are not switched with them; guessed, so a switch on it asks first.
            guessed = min(word.confidence, words[i + 1].confidence, GUESSED)
            out += [HeardWord("tube", guessed), HeardWord("lights", guessed)]
            i += 1
        elif word.text == "often" and (after in _PLACE_STARTS or after[:1].isdigit()
                                     or (after == "an" and _text_at(words, i + 2) == "hour")):
            out += [HeardWord("off", word.confidence), HeardWord("in", word.confidence)]
        elif word.text == "un" and (after in ("please", COMMA, "") or after.startswith("pleas")) and before:
            out.append(HeardWord("on", word.confidence))  # "the fans, room 101, un please": a short "on"
        elif word.text == "unplease":
            out += [HeardWord("on", word.confidence), HeardWord("please", word.confidence)]
        elif word.text == "which" and after in ("on", "off"):
            out.append(HeardWord("switch", word.confidence))
        elif word.text == "i" and after == "see" and (before == "the" or (
                _text_at(words, i + 2) in ("on", "off") and _text_at(words, i + 3) in _AFTER_ON_OFF)):
            out.append(HeardWord("ac", min(word.confidence, words[i + 1].confidence)))
            i += 1
        elif word.text in _LAB_SOUNDALIKES and (
                before in _LAB_NAMES or (after == "block" and before in _BLOCK_BEFORE) or (
                (after[:1].isdigit() or after in _UNIT_WORDS) and before in ("", COMMA, "in", "at", "for", "to"))):
            out.append(HeardWord("lab", word.confidence))
        elif ((word.text in _LAB_HEARD or _sounds_like_lab(word.text)) and before in _BEFORE_LAB_HEARD
              and _lab_number(words, i + 1)):
            # "what have i got lined up in love too", "the consumption of live to this week" (voice-kinds12: Piper's
            # "lab two"): a lab's number said after it, at a clause end; guessed, so a switch on it asks first.
            k = i + 1 + (after == COMMA)
            number = _HOMOPHONES.get(words[k].text, _NUMBER_WORDS.get(words[k].text, words[k].text))
            out += [HeardWord("lab", min(word.confidence, GUESSED)), HeardWord(number, min(words[k].confidence, GUESSED))]
            i = k
        elif before == "electronic" and word.text in _S_LAB:
            out[-1] = HeardWord("electronics", out[-1].confidence)
            out.append(HeardWord("lab", word.confidence))
        elif word.text in _AC_SOUNDALIKES and before == "the" and after in ("on", "off"):
            out.append(HeardWord("ac", word.confidence))
        elif word.text == "icon" and before == "the" and len(out) > 1 and out[-2].text in _SWITCH_VERBS:
            out += [HeardWord("ac", word.confidence), HeardWord("on", word.confidence)]
        elif (word.text in _DEVICE_SOUNDALIKES and before == "the" and after in _AFTER_DEVICE
              and (word.text != "message" or after in ("in", "on", "off"))):  # "the message is ..." is a message
            guessed = min(word.confidence, GUESSED) if word.text == "message" else word.confidence
            out.append(HeardWord(_DEVICE_SOUNDALIKES[word.text], guessed))
        elif word.text in _PLURALS and after in _SPLIT_S and (word.text in _FIRST_PLURALS
                                                             or _text_at(words, i + 2) in _AFTER_ON_OFF):
            least = min(word.confidence, words[i + 1].confidence, GUESSED if after in ("sun", "song") else 1.0)
            out += [HeardWord(_PLURALS[word.text], least), HeardWord(_SPLIT_S[after], least)]
            i += 1
        elif (word.text in _PLURALS and after == COMMA and _text_at(words, i + 2) == "soft"
              and _text_at(words, i + 3) in _AFTER_ON_OFF):
            # espeak-ng's "plug points off" written "plug point, soft" (voice-kinds15): the pause Whisper heard fell
            # after the "s"; "soft" ends no device's order. Guessed, so a switch on it asks first.
            least = min(word.confidence, words[i + 2].confidence, GUESSED)
            out += [HeardWord(_PLURALS[word.text], least), HeardWord("off", least)]
            i += 2
        elif word.text == "well" and (before in NUMBER_ROOM_HEADS or after in _TIME_UNITS):
            out.append(HeardWord("1", word.confidence))
        elif word.text == "un" and after in _AFTER_ON_OFF:  # "room 101, un please"; not "un-plug"
            out.append(HeardWord("on", word.confidence))
        elif word.text in _HOMOPHONES and before == "unit" and not after[:1].isdigit():
            # "AC unit two" written "ac unit to in the auditorium" (voice-kinds11): both units were read; "set the
            # unit to 24" stays.
            out.append(HeardWord(_HOMOPHONES[word.text], min(word.confidence, GUESSED)))
        elif word.text == "free" and (before == "unit" or (
                before == COMMA and len(out) > 1 and out[-2].text == "unit")):
            if before == COMMA:
                out.pop()
            out.append(HeardWord("3", min(word.confidence, GUESSED)))
        elif word.text == "pass" and (after[:1].isdigit() or after in _UNIT_WORDS) and (
                before in _CLOCK_PARTS or (before == COMMA and len(out) > 1 and out[-2].text in _CLOCK_PARTS)):
            if before == COMMA:
                out.pop()
            out.append(HeardWord("past", word.confidence))
        elif (word.text == "in" and before in ("hour", "hours") and after[:1].isdigit() and i + 2 < len(words)
              and words[i + 2].text in ("minute", "minutes")):
            out.append(HeardWord("and", word.confidence))
        else:
            out.append(word)
        i += 1
    return out


# "lab" as Whisper writes it before a lab's number ("in love too", "of live to"), and the numbers said after it.
_LAB_HEARD = frozenset({"love", "live"})
# Where such a lab is named: after these words ("in lob 2", "as well as lamp 2", "trip or overload and lob 2").
_BEFORE_LAB_HEARD = frozenset({"in", "of", "for", "the", "on", "as", "and"})
# Words of a lab's sound that are words of their own before a number ("like 2 minutes" has no clause end there, but
# "for like 2" may).
_NOT_LAB = frozenset({"lab", "like", "look", "lot", "let", "lift", "left", "leap"})
_LAB_KEY = sound_key("lab")


def _sounds_like_lab(text: str) -> bool:
    """Whether `text` sounds like "lab" (voice-kinds15, the fourteenth spoken part: Piper's "lob 2", "mob 2",
    espeak-ng's "lamp 2", "lamb 2"): a sound key (`nlu.phonetic`) of two or three sounds, starting with an "l" or an
    "m", one edit from "lab"'s."""
    key = sound_key(text)
    return (text not in _NOT_LAB and 2 <= len(key) <= 3 and key[0] in "LM"
            and jellyfish.levenshtein_distance(key, _LAB_KEY) <= 1)
_NUMBER_WORDS = {"one": "1", "two": "2", "three": "3"}
_LAB_NUMBERS = frozenset({"1", "2", "3", "one", "two", "three", "to", "too", "won"})
# What may follow the lab's number: the note's or clause's end, or when.
_AFTER_LAB_NUMBER = frozenset({"", COMMA, "this", "today", "yesterday", "tomorrow", "last", "next", "now", "please",
                               "right", "on", "off"})


def _lab_number(words: list[HeardWord], k: int) -> bool:
    """Whether a lab's number (a comma may come first) starts at `k` and ends a clause or comes before a when."""
    k += _text_at(words, k) == COMMA
    return _text_at(words, k) in _LAB_NUMBERS and _text_at(words, k + 1) in _AFTER_LAB_NUMBER


def _text_at(words: list[HeardWord], i: int) -> str:
    return words[i].text if 0 <= i < len(words) else ""


def _restarted_numbers(words: list[HeardWord]) -> list[HeardWord]:
    """"room 10102" -> "room 102": a room number begun twice ("one oh ... one oh two"), after a room word."""
    out = list(words)
    for i in range(1, len(out)):
        here = out[i].text
        if (out[i - 1].text in NUMBER_ROOM_HEADS and len(here) == 5 and here.isdigit()
                and here[2:].startswith(here[:2])):
            out[i] = HeardWord(here[2:], out[i].confidence)
        elif (out[i - 1].text in NUMBER_ROOM_HEADS and len(here) == 1 and here.isdigit() and i + 1 < len(out)
              and len(out[i + 1].text) == 2 and out[i + 1].text.isdigit() and out[i + 1].text[0] == "0"):
            # "classroom 2 02" (voice-kinds12: Piper's "number two oh two", read as lab 2) is room 202.
            out[i] = HeardWord(here + out[i + 1].text, min(out[i].confidence, out[i + 1].confidence))
            out[i + 1] = HeardWord("", 1.0)
    return [w for w in out if w.text]


# What a correction's new mention starts with ("..., uh no, the fans", "..., uh no, in lab 2", "..., uh no, 102").
_CORRECTED_STARTS = frozenset({"the", "in", "at", "make"})


def _no_said_as_i_know(words: list[HeardWord]) -> list[HeardWord]:
    """"..., i know, the fans ..." -> "..., uh no, the fans ...": Whisper writes a correction's "uh no" as "I know". Only
    as a clause of its own inside the message (commas both sides) before what starts a new mention ("the", "in", a
    room word or number), where "I know" says nothing; left as it was, both the taken-back and the corrected thing
    were switched ("..., I know, it is late" stays)."""
    out = list(words)
    for i in range(1, len(words) - 1):
        # ", know the hall lights", "actually know, the AC" (voice-kinds9): a correction's "no" written "know" after a
        # clause end or "actually", before a new mention; both the taken-back and the corrected thing were read.
        after = next((w.text for w in words[i + 1:i + 3] if w.text != COMMA), "")
        if (words[i].text == "know" and words[i - 1].text in (COMMA, "actually")
                and (after in _CORRECTED_STARTS or after in NUMBER_ROOM_HEADS or after[:1].isdigit())):
            out[i] = HeardWord("no", words[i].confidence)
    for i in range(1, len(words) - 3):
        after = words[i + 3].text if i + 3 < len(words) else ""
        if ([w.text for w in words[i - 1:i + 3]] == [COMMA, "i", "know", COMMA]
                and (after in _CORRECTED_STARTS or after in NUMBER_ROOM_HEADS or after[:1].isdigit())):
            out[i] = HeardWord("uh", words[i].confidence)
            out[i + 1] = HeardWord("no", words[i + 1].confidence)
    return out


# Words after which a 4-digit number is a clock time ("at 1130"); before "am"/"pm" a 3-digit one is too ("730 pm").
_TIME_BEFORE = frozenset({"at", "by", "until", "till"})
_MERIDIEMS = frozenset({"am", "pm"})


def _clock_times(words: list[HeardWord]) -> list[HeardWord]:
    """"730 pm" -> "7:30 pm", "at 1130" -> "at 11:30": Whisper writes a time said "seven thirty" as one number, which
    the parser would take for a room or nothing, and a timed switch would run at once."""
    out = list(words)
    for i, word in enumerate(words):
        text = word.text
        if not (text.isdigit() and len(text) in (3, 4)):
            continue
        hours, minutes = int(text[:-2]), int(text[-2:])
        after = words[i + 1].text if i + 1 < len(words) else ""
        before = words[i - 1].text if i else ""
        if minutes >= 60 or before in NUMBER_ROOM_HEADS:  # "room 1130 pm": the room, then a time cut short
            continue
        three = before in _TIME_BEFORE and len(text) == 3 and minutes % 5 == 0 and (after in _DAY_PARTS or (
            not after and any(w.text in ("in", "at") for w in words[:i - 1]) and any(
                w.text in NUMBER_ROOM_HEADS or w.text == "the" for w in words[:i - 1])))
        if (after in _MERIDIEMS and 1 <= hours <= 12) or (before in _TIME_BEFORE and len(text) == 4 and hours <= 23) \
                or three:
            out[i] = HeardWord(f"{hours}:{text[-2:]}", word.confidence)
    return out


# Piper's clock times as Whisper wrote them on the spoken dev notes (branch voice-sound6): "pm" after a time heard as
# "tm", "tms", "p n" or "p damn" ("at 615 tms", "office 545, tm", "at 6 p, n", "at 4 p damn"); "six pm" run together
# as "60 m"; "at noon" as "add new" or "at new"; "from nine am to one pm" as "from 9 into 1 pm"; "from four to six
# pm" as "from 4 6 pm". Each only where the words around it leave the time as the one sense.
_PM_HEARD = (("tms",), ("tm",), ("p", "n"), ("p", COMMA, "n"), ("p", "damn"), ("p", "m"))
_TIME_WORDS = _TIME_BEFORE | {"from", "to"}
_NOON_HEARD = frozenset({"add", "at"})
# What may follow "at noon" in a command ("at noon, switch on ...", "at noon and ...", "... at noon please"); "add new
# users" and "look at new rooms" stay.
_AFTER_NOON = frozenset({"", COMMA, "and", "then", "please", "turn", "switch", "put", "can", "could", "would",
                         "i", "today", "tomorrow"})


# What may follow a clock time said first, after its hour: an order's opening.
_ADD_CLOCK_NEXT = frozenset({COMMA, "please", "turn", "switch", "put", "can", "could", "would", "today", "tomorrow",
                             "tonight", "o'clock", "oclock"})


def _minutes(text: str) -> bool:
    return text.isdigit() and len(text) == 2 and int(text) < 60


def _clock_number(text: str) -> bool:
    """An hour (1-12) or a time written as one number whose last two digits are minutes ("615")."""
    if not text.isdigit():
        return False
    if len(text) <= 2:
        return 1 <= int(text) <= 12
    return len(text) in (3, 4) and int(text[-2:]) < 60 and 1 <= int(text[:-2]) <= 12


def _piper_clock_words(words: list[HeardWord]) -> list[HeardWord]:
    """Piper's spoken clock times as Whisper misheard them (see `_PM_HEARD` above) back to the time said: a "pm" heard
    as other letters right after a clock number that follows a time word or is written as hours and minutes; "N0 m"
    (N 3-9) after "at", "by", "until" or "till" at a clause end as "N pm"; "add/at new" before what may follow a time
    as "at noon"; and "from N into M" or "from N M am/pm" as "from N to M"."""
    out: list[HeardWord] = []
    i = 0
    while i < len(words):
        word, text = words[i], words[i].text
        before = out[-1].text if out else ""
        after = words[i + 1].text if i + 1 < len(words) else ""
        if _clock_number(text) and (before in _TIME_WORDS or len(text) >= 3):
            j = i + 1 + (after == COMMA)
            heard = next((p for p in _PM_HEARD if tuple(w.text for w in words[j:j + len(p)]) == p), None)
            if heard is not None and (j + len(heard) == len(words) or not words[j + len(heard)].text.isalpha()
                                      or words[j + len(heard)].text in _AFTER_NOON):
                out += [word, HeardWord("pm", min(w.confidence for w in words[j:j + len(heard)]))]
                i = j + len(heard)
                continue
        if (before in _TIME_BEFORE and text.isdigit() and len(text) == 2 and text[1] == "0" and "3" <= text[0] <= "9"
                and after == "m" and (i + 2 == len(words) or words[i + 2].text in (COMMA, "please", "and"))):
            out += [HeardWord(text[0], word.confidence), HeardWord("pm", words[i + 1].confidence)]
            i += 2
            continue
        if (text == "add" and (not out or before == COMMA or all(w.text in _OPENERS for w in out))
                and _clock_number(after) and len(after) <= 2
                and (_text_at(words, i + 2) in _MERIDIEMS | _ADD_CLOCK_NEXT or _minutes(_text_at(words, i + 2)))):
            # "at" said first heard "add" ("add 11 30 switch on the projector ...", "add 7 am switch on ...";
            # voice-kinds15, the fourteenth spoken part): the time is at a clause's start, before minutes, am/pm or an
            # order; "add 2 and 2" stays. The hour is guessed, so a switch at it asks first.
            out += [HeardWord("at", word.confidence), HeardWord(after, min(words[i + 1].confidence, GUESSED))]
            i += 2
            continue
        if text in _NOON_HEARD and after == "new" and (words[i + 2].text if i + 2 < len(words) else "") in _AFTER_NOON:
            out += [HeardWord("at", word.confidence), HeardWord("noon", words[i + 1].confidence)]
            i += 2
            continue
        if before.isdigit() and len(out) >= 2 and out[-2].text == "from" and _clock_number(before):
            if text == "into" and _clock_number(after):
                out.append(HeardWord("to", word.confidence))
                i += 1
                continue
            nxt = words[i + 1].text if i + 1 < len(words) else ""
            if _clock_number(text) and len(text) <= 2 and text != before and nxt in _MERIDIEMS:
                out += [HeardWord("to", word.confidence), word]
                i += 1
                continue
        out.append(word)
        i += 1
    return out


# After "at 930" these make it a time of day ("at 930 tonight"), as does the note's end when a place was named before
# ("... in lab 2 at 430"): a room there would be a second place.
_DAY_PARTS = frozenset({"tonight", "today", "tomorrow", "this", "in"})


_UNIT_WORDS = frozenset("zero one two three four five six seven eight nine".split())
# British "nought" as Whisper writes it ("two not one", "two knot one").
_NOUGHTS = frozenset({"not", "knot", "nought", "naught"})


def _zeros_between_digits(words: list[HeardWord]) -> list[HeardWord]:
    """"2 oh 1" -> "2 0 1": "oh"/"o" is a zero only between two single digits. "Nought" heard "not" between two
    digits or digit words ("two not one", never a negation with no comma between) is a zero too."""
    out = list(words)
    for i in range(1, len(out) - 1):
        before, word, after = out[i - 1].text, out[i].text, out[i + 1].text
        digit_before = len(before) == 1 and before.isdigit()
        if word in ("oh", "o") and digit_before and after[:1].isdigit():
            out[i] = HeardWord("0", out[i].confidence)
        elif word in _NOUGHTS and (digit_before or before in _UNIT_WORDS) and (
                (len(after) == 1 and after.isdigit()) or after in _UNIT_WORDS):
            out[i] = HeardWord("0" if digit_before else "nought", out[i].confidence)
    return out


# Amounts of a clock time said before "past" or "to" ("quarter past for", "half past ate"): the hour after them is a
# number, so a homophone there is one.
_HOUR_PARTS = frozenset({"quarter", "half", "five", "ten", "twenty", "5", "10", "20", "25"})


def _past_homophones(words: list[HeardWord]) -> list[HeardWord]:
    """"at quarter past for this afternoon" -> "at quarter past 4" (voice-kinds11: Piper's "four" written "for"; the
    time was read as "quarter past" with no hour and asked): a number's homophone right after "past" or "to" that
    follows a part of an hour. "quarter to five", "half past four" said as words stay words."""
    out = list(words)
    for i in range(2, len(out)):
        if out[i].text in _HOMOPHONES and out[i - 1].text in ("past", "to") and out[i - 2].text in _HOUR_PARTS:
            out[i] = HeardWord(_HOMOPHONES[out[i].text], out[i].confidence)
    return out


def _hundreds_joined(words: list[HeardWord]) -> tuple[HeardWord, ...]:
    """"200 and 1" -> "201" (the least sure of the three words' confidences). After a room word, "200 to" -> "202"
    (voice-kinds11: "room two oh two" written "room 200 to use", read as room 200), marked guessed (a switch on it asks
    first): "to" then anything but a number ("room 200 to 300" is a range, left)."""
    out: list[HeardWord] = []
    i = 0
    while i < len(words):
        here = words[i].text
        if (here.isdigit() and len(here) == 3 and here.endswith("00") and i and i + 1 < len(words)
                and words[i - 1].text in NUMBER_ROOM_HEADS and words[i + 1].text in _HOMOPHONES
                and not (i + 2 < len(words) and words[i + 2].text.isdigit())):
            joined = str(int(here) + int(_HOMOPHONES[words[i + 1].text]))
            out.append(HeardWord(joined, min(GUESSED, *(w.confidence for w in words[i:i + 2]))))
            i += 2
            continue
        # "100, and 1": a comma Whisper put at the pause before "and" (voice-kinds11, espeak-ng's "one hundred and one").
        k = i + 1 + (i + 1 < len(words) and words[i + 1].text == COMMA)
        if (here.isdigit() and len(here) == 3 and here.endswith("00") and k + 1 < len(words)
                and words[k].text == "and" and words[k + 1].text.isdigit() and len(words[k + 1].text) <= 2):
            joined = str(int(here) + int(words[k + 1].text))
            out.append(HeardWord(joined, min(w.confidence for w in words[i:k + 2])))
            i = k + 2
            continue
        out.append(words[i])
        i += 1
    return tuple(out)


_HALF = re.compile(r"\b(\d+)\.5\b")


def _halves_said(written: str) -> str:
    """"1.5" -> "1 and a half": the parser reads the words; the tokens of "1.5" are "1 5" (fifteen)."""
    return _HALF.sub(r"\1 and a half", written)


# Words that start a question or a request: after a note's first "i am" they show it was a hesitation ("um").
_REQUEST_STARTS = frozenset("are is was were do does did can could would will how what which who where when turn "
                            "switch please kindly".split())


# What follows a first "would you" of a polite request and never a "what (do) you" question: "mind", "kindly", "do me".
_POLITE_AFTER = (["mind"], ["kindly"], ["do", "me"])


# A question's verb at its start ("is the AC on", "did the fans go off").
_ASKING_VERBS = frozenset("is are was were do does did".split())
# After a first "I" that was a hesitation: "i did the lights ...", "i is the AC ..." (never "I do the ...": an order).
_I_ASKS = frozenset("is are was were did".split())


# Words said before a hesitation at the start of a note ("so um are the fans on").
_OPENERS = frozenset("so okay ok uh and well right yeah oh".split())


def _hesitation_first(words: list[HeardWord]) -> list[HeardWord]:
    """"i am are the fans off" -> "um are the fans off": Whisper writes a first "um" as "I'm", also after opening
    fillers ("so i am are the fans on"). And a first "would you" written "what you" or "what do you" before "mind",
    "kindly" or "do me" ("what do you mind turning on ...", "what you do me a favour and ..."): a request, not a
    question. A first word Whisper barely heard (under LEAD_UNSURE) before "is"/"are"/"did"... and a determiner or
    device word is a hesitation: "earth is the projector off" -> "um is the projector off" ("uh is ...")."""
    k = 0
    while k < len(words) and (words[k].text in _OPENERS or words[k].text == COMMA):
        k += 1
    if (len(words) > k + 2 and words[k].text == "i" and words[k + 1].text == "am"
            and words[k + 2].text in _REQUEST_STARTS):
        return [*words[:k], HeardWord("um", min(words[k].confidence, words[k + 1].confidence)), *words[k + 2:]]
    if (len(words) > k + 2 and words[k].text == "i" and words[k + 1].text in _I_ASKS
            and words[k + 2].text in ("the", "any", "anything", "all")):
        # "i did the lights and the physics lab get switched off" (voice-kinds12: Piper's "uh did the lights ...",
        # read as an order to switch them off): "I" never comes before a question's "did"/"is"/"are" and what it asks
        # about; it is the hesitation said there. It only ever makes a question of it (which switches nothing).
        return [*words[:k], HeardWord("um", words[k].confidence), *words[k + 1:]]
    if (len(words) > k + 2 and words[k].confidence < LEAD_UNSURE and words[k].text not in _REQUEST_STARTS
            and words[k + 1].text in _ASKING_VERBS and words[k + 2].text in NAMED_FROM):
        # "earth is the projector off ..." ("earth" at 0.07) -> "um is the projector off ...": a barely heard first
        # word before a question's verb and what it asks about is the hesitation said there ("uh is ...").
        return [*words[:k], HeardWord("um", words[k].confidence), *words[k + 1:]]
    texts = [w.text for w in words]
    for said in (["what", "you"], ["what", "do", "you"]):
        rest = texts[len(said):]
        if texts[:len(said)] == said and any(rest[:len(after)] == after for after in _POLITE_AFTER):
            sure = min(w.confidence for w in words[:len(said)])
            return [HeardWord("would", sure), HeardWord("you", sure), *words[len(said):]]
    return words


# Words that end a clause's "is the <device> on" before the state: a verb there makes "as the ..." a clause of reason.
_VERBS_BETWEEN = frozenset("is are was were be been has have had gets got goes went comes came".split())


def _is_heard_as(words: list[HeardWord]) -> list[HeardWord]:
    """"so um, the staff room, as the heater on" -> "..., is the heater on": Whisper writes a question's "is" as "as"
    after a hesitation. Only at a clause start (the note's first word after openers and "um", or after a comma),
    before "the" and with "on" or "off" within five words and no verb between ("as the lights were off, ..." stays)."""
    out = list(words)
    for i, word in enumerate(words):
        if word.text != "as" or _text_at(words, i + 1) != "the":
            continue
        before = [w.text for w in words[:i]]
        um = before[-2:] == ["i", "am"]  # "um" written "I'm" too: "i am as the ac on ..."
        opening = before[:-2] if um else before
        starts = not before or before[-1] == COMMA or all(t in _OPENERS or t in ("um", COMMA) for t in opening)
        ahead = [w.text for w in words[i + 2:i + 7]]
        state = next((j for j, t in enumerate(ahead) if t in ("on", "off")), None)
        if starts and state is not None and not set(ahead[:state]) & (_VERBS_BETWEEN | {COMMA}):
            out[i] = HeardWord("is", word.confidence)
            if um and not (before and before[-1] == COMMA):
                out[i - 2:i] = [HeardWord("um", min(w.confidence for w in words[i - 2:i])), HeardWord("", 1.0)]
    return [w for w in out if w.text]


# Words of an amount of time ("half an hour", "a couple of minutes", "1 and a half hours", "40 minutes"), said
# roughly too ("about half an hour").
_AMOUNT_WORDS = frozenset("a an half couple of few quarter and one two three four five ten twenty thirty forty "
                          "fifty about around roughly".split())
_UNITS = frozenset("hour hours minute minutes min mins".split())
_ABOUT = frozenset({"about", "around"})


def _delays_with_in(words: list[HeardWord]) -> list[HeardWord]:
    """"... in room 102 and half an hour" -> "... in half an hour": an "and" before nothing but an amount of time, not
    joining it to an amount before ("an hour and 30 minutes", "1 and a half hours"), is the "in" of a delay."""
    out = list(words)
    for i, word in enumerate(words):
        if word.text != "and":
            continue
        before = words[i - 1].text if i else ""
        fraction = [w.text for w in words[i + 1:i + 3]] in (["a", "half"], ["a", "quarter"])
        joins = any(w.text in _UNITS for w in words[:i])  # "one hour in paris and 30 minutes": one amount
        if joins or (fraction and (before in _AMOUNT_WORDS or before.isdigit())):
            continue
        about = int(_text_at(words, i + 1) in _ABOUT)  # "and about half an hour": "in about ..."
        j = i + 1 + about
        while j < len(words) and (words[j].text in _AMOUNT_WORDS or words[j].text.isdigit()) and j - i <= 5 + about:
            j += 1
        after = words[j].text if j < len(words) else ""
        if j > i + 1 + about and after in _UNITS and (
                j + 1 >= len(words) or words[j + 1].text not in ("later", "after")):
            out[i] = HeardWord("in", word.confidence)
        elif j > i + 1 + about and _text_at(words, (m := j + (after == COMMA))) == "make" \
                and _text_at(words, m + 1) in ("it", "that") and _said_again_with_unit(words, m + 2):
            # "in room 102 and 10 make it 20 minutes" (voice-kinds8, Piper's "in ten, make it twenty minutes"): the
            # amount said again has the unit, so the first was a delay too. Its amounts were put in by sound: unsure,
            # so the switch asks first.
            out[i] = HeardWord("in", word.confidence)
            out[i + 1:j] = [HeardWord(w.text, min(w.confidence, GUESSED)) for w in words[i + 1:j]]
    return out


# Device words said right before a place: "the ac in room 201".
_DEVICE_BEFORE_PLACE = frozenset("ac acs fan fans light lights projector projectors heater heaters".split())


def _in_heard_and(words: list[HeardWord]) -> list[HeardWord]:
    """"switch off the ac and room 201 and the projector in 202" -> "the ac in room 201 ...": "and" between a device
    word and a room said by its number is the place's "in" (voice-kinds10, Piper clean: both rooms' AC and projector
    were switched off unasked). The room number is then unsure (at most GUESSED), so the switch asks first: "the
    fans and room 201's lights" may be two things."""
    out = list(words)
    for i in range(1, len(words) - 2):
        if words[i].text == "and" and words[i - 1].text in _DEVICE_BEFORE_PLACE and words[i + 1].text in NUMBER_ROOM_HEADS \
                and words[i + 2].text.isdigit():
            out[i] = HeardWord("in", words[i].confidence)
            out[i + 2] = HeardWord(words[i + 2].text, min(words[i + 2].confidence, GUESSED))
    return out


def _said_again_with_unit(words: list[HeardWord], k: int) -> bool:
    """An amount and a unit of time at `k` ("20 minutes", "half an hour")."""
    j = k
    while j < len(words) and (words[j].text in _AMOUNT_WORDS or words[j].text.isdigit()) and j - k <= 4:
        j += 1
    return j > k and j < len(words) and words[j].text in _UNITS


# Words before which a lone "4" is a number of its own: a clock time, a delay, a room ("at 4 30", "room 4 ...").
_NOT_FOR_AFTER = frozenset({"at", "by", "until", "till", "in", "from", "to", "and", "past"}) | NUMBER_ROOM_HEADS


def _for_heard_4(words: list[HeardWord]) -> list[HeardWord]:
    """"... the staff room 4 30 minutes" -> "... for 30 minutes": Piper's "for" written "4" right before an amount and
    a unit of time (the "4" was dropped as no time at all). Not after a word that makes it a number of its own
    ("room 4 30 minutes", "at 4 30"), nor after another number ("lab 1 4 30 minutes")."""
    out = list(words)
    for i, word in enumerate(words):
        before = words[i - 1].text if i else ""
        named = before in ("room", "hall", "block") and i > 1 \
            and words[i - 2].text not in _PLACE_AFTER_IN | {"in", "a", COMMA}
        if word.text != "4" or (before in _NOT_FOR_AFTER and not named) or before.isdigit() or before in _AMOUNT_WORDS:
            continue  # "the staff room 4 30 minutes" ends a named room; "room 4 30 minutes" may be room 430
        # "4 the next two hours" (voice-kinds7): "for the next ..." before the amount.
        start = i + 1 + 2 * ([w.text for w in words[i + 1:i + 3]] == ["the", "next"])
        j = start
        while j < len(words) and (words[j].text in _AMOUNT_WORDS or words[j].text.isdigit()) and j - start <= 2:
            j += 1
        if (j > start or start > i + 1) and j < len(words) and words[j].text in _UNITS:  # "4 the next hour" too
            # A duration put in by sound: its amount is unsure (a digit or number word is a deciding word), so a
            # switch with it asks first, as the other rules' guessed words do.
            out[i] = HeardWord("for", word.confidence)
            out[start:j] = [HeardWord(w.text, min(w.confidence, GUESSED)) for w in words[start:j]]
        elif i + 1 < len(words) and words[i + 1].text in _FOR_WHOM and (
                i + 2 < len(words) or words[i + 1].text in _FOR_WHOM_LAST):
            # "check the lights in the main hall 4 me" (voice-kinds12) ends the note with "for me": read as hall 4,
            # the physics lab's lights were added to the auditorium's.
            # "... in the main hall 4 the guest lecture" (voice-kinds8): a lone 4 before "the"/"a"/"my" is no room
            # number (a room head or a clock lead before it was left out above); read as a room it added a second
            # place ("hall 4") and switched there unasked. "for" decides nothing, so it stays as sure as heard.
            out[i] = HeardWord("for", word.confidence)
        elif named and words[i - 2].text not in _NUMBERED_AFTER and _names_a_day(words, i + 1):
            # "a forecast for the library block 4 next week", "the staff room 4 next monday" (voice-kinds13): a
            # named place's "room"/"hall"/"block" and then a day is the period's "for"; read as block 4 or room 4, it
            # asked back a place the campus lacks. "for" decides nothing, so it stays as sure as heard.
            out[i] = HeardWord("for", word.confidence)
    return out


# Words before "room"/"hall"/"block" that leave a number after it the place's: "what about block 4 tomorrow".
_NUMBERED_AFTER = frozenset({"about", "of", "on", "with", "and", "near", "by", "to", "for", "at", "from", "into",
                             "my", "our", "this", "that"})
# Words after "next"/"this" that make a period: "4 next week", "4 this weekend".
_PERIOD_UNITS = frozenset({"week", "weekend", "month", "year", "monday", "tuesday", "wednesday", "thursday", "friday",
                           "saturday", "sunday", "morning", "afternoon", "evening", "semester", "term"})


def _names_a_day(words: list[HeardWord], k: int) -> bool:
    """Words from `k` on open a day or period: "tomorrow", "today", "tonight", "next week", "this monday"."""
    said = [w.text for w in words[k:k + 2]]
    return bool(said) and (said[0] in ("tomorrow", "today", "tonight")
                           or (said[0] in ("next", "this", "coming") and said[1:] != [] and said[1] in _PERIOD_UNITS))


# Words that follow Piper's "for" (written "4") and never a number: "4 the meeting", "4 a class", "4 my lecture".
_FOR_WHOM = frozenset({"the", "a", "an", "my", "our", "your", "his", "her", "their", "this", "that", "tonight's",
                       "today's", "tomorrow's", "everyone", "us", "me", "them",
                       # "4 another hour", "4 some time" (voice-kinds9: read as hall 4, the physics lab's lights too)
                       "another", "some"})


# Of `_FOR_WHOM`, the words that may end the note after "for" ("... 4 me"): never a number's unit.
_FOR_WHOM_LAST = frozenset({"me", "us", "them", "everyone"})
# Verbs said after "to" when a named place is what will use or draw something ("expect the reading hall to draw").
_AFTER_TO = frozenset("draw use consume cost burn spend run stay be need take pull".split())
# Words before "room"/"hall" that name no place ("go to room 2 ...", "a room 2 ...").
_NOT_NAMING = frozenset({"in", "a", "to", "into", "from", "at", "for", "my", "our", "this", "that", COMMA})


def _to_heard_2(words: list[HeardWord]) -> list[HeardWord]:
    """"expect the reading hall 2 draw tomorrow" -> "... hall to draw ...": Whisper's "to" after a named place's
    "hall"/"room" (made a number as "room to" is, room 2) before a verb that follows "to" (voice-kinds12: read as the
    reading hall and lab 2). "lab 2 use", "room 2 use" (a numbered place) stay rooms."""
    out = list(words)
    for i in range(2, len(words) - 1):
        named = words[i - 1].text in ("room", "hall") and words[i - 2].text not in _PLACE_AFTER_IN | _NOT_NAMING
        if words[i].text == "2" and named and words[i + 1].text in _AFTER_TO:
            out[i] = HeardWord("to", words[i].confidence)
    return out


def _in_heard_an(words: list[HeardWord]) -> list[HeardWord]:
    """"i am an an hour can you turn the fans off" -> "... in 1 hour ...": "an" right before "an/a hour/minute" is
    no English but the delay's "in" (Piper's "um in an hour" heard so switched at once). The amount put in is unsure
    (at most GUESSED), so the switch asks first."""
    out = list(words)
    for i in range(len(words) - 2):
        if words[i].text == "an" and words[i + 1].text in ("an", "a") and words[i + 2].text in _UNITS:
            out[i] = HeardWord("in", words[i].confidence)
            out[i + 1] = HeardWord("1", min(words[i + 1].confidence, GUESSED))
    opening = next((k for k, w in enumerate(words) if w.text not in _OPENERS and w.text != COMMA), len(words))
    said = [w.text for w in words]
    k = opening
    if said[k:k + 2] == ["i", "am"] and k + 4 < len(said) and said[k + 2] in ("an", "a") and said[k + 3] in _UNITS \
            and said[k + 4] in _SWITCH_VERBS:
        # "i am an hour switch off the AC ..." (voice-kinds9, Piper at 10 dB): "um, in an hour", the "in" lost.
        out[k] = HeardWord("um", words[k].confidence)
        out[k + 1] = HeardWord("in", words[k + 1].confidence)
        out[k + 2] = HeardWord("1", min(words[k + 2].confidence, GUESSED))
    elif said[k:k + 2] == ["i", "am"] and (unit := _counted_unit(said, k + 2)) is not None \
            and _text_at(words, unit + 1) in _SWITCH_VERBS:
        # "i am 5 minutes switch off the stage lights ..." (voice-safety14, Piper clean: switched at once, the delay
        # lost): "uh, in five minutes". The amount is put in by sound, so the switch asks first.
        out[k] = HeardWord("um", words[k].confidence)
        out[k + 1] = HeardWord("in", words[k + 1].confidence)
        out[k + 2:unit] = [HeardWord(w.text, min(w.confidence, GUESSED)) for w in words[k + 2:unit]]
    for i in range(len(words) - 2):
        if said[i:i + 2] == ["in", "our"] and said[i + 2] in _SWITCH_VERBS and i <= opening + 2:
            # "i am in our switch off the AC ..." (Piper clean): "in an hour" with "an hour" heard "our", said first;
            # "in our room" keeps its owner. The amount is put in by sound, so the switch asks.
            out[i + 1] = HeardWord("1", min(words[i + 1].confidence, GUESSED))
            out.insert(i + 2, HeardWord("hour", min(words[i + 1].confidence, GUESSED)))
            break
    return out


def _counted_unit(said: list[str], k: int) -> int | None:
    """The index of a unit of time after a count said from `k` ("5 minutes", "ten minutes", "20 mins"); None when
    the words at `k` are no count (at most two number words) before a unit."""
    j = k
    while j < len(said) and j - k < 2 and (said[j].isdigit() or said[j] in _UNIT_WORDS or said[j] in _TENS_WORDS):
        j += 1
    return j if j > k and j < len(said) and said[j] in _UNITS else None


_TENS_WORDS = frozenset("ten fifteen twenty thirty forty fifty".split())


# Words a note opens with when its first clause was lost: "and then please switch on the fans ..." (Piper's "at noon
# please switch on ...", voice-safety14), "then turn off ...".
_MID_SENTENCE_STARTS = (["and", "then"], ["then"])


def _begun_mid_sentence(words: list[HeardWord]) -> list[HeardWord]:
    """A note heard opening with "and then" or "then" goes on from something unheard (a time, a condition: "at noon
    please switch on the fans" heard "and then please switch on ..." switched at once, unasked): its on/off words are
    at most GUESSED, so a switch asks first. The words are kept as heard."""
    said = [w.text for w in words]
    start = next((s for s in _MID_SENTENCE_STARTS if said[:len(s)] == s and said[len(s):len(s) + 1] != [COMMA]), None)
    if start is None:
        return words
    return [HeardWord(w.text, min(w.confidence, GUESSED)) if k >= len(start) and w.text in ON_WORDS | OFF_WORDS
            else w for k, w in enumerate(words)]


# Room-number digits as Whisper writes espeak-ng's after "go", the "oh" it heard ("room 2 go to" for "room two oh two").
_GO_DIGITS = {"to": "2", "too": "2", "two": "2", "one": "1", "won": "1", "well": "1", "for": "4", "four": "4"}


def _oh_heard_go(words: list[HeardWord]) -> list[HeardWord]:
    """"room 2 go to" -> "room 2 0 2": a room number's "oh" heard "go", only right after a room word and one digit
    and before a digit or a word said as one ("to", "well"), where "go" cannot be the verb."""
    out = list(words)
    for i in range(2, len(out) - 1):
        before, after = out[i - 1].text, out[i + 1].text
        if (out[i].text == "go" and out[i - 2].text in NUMBER_ROOM_HEADS and len(before) == 1 and before.isdigit()
                and ((len(after) == 1 and after.isdigit()) or after in _GO_DIGITS)):
            out[i] = HeardWord("0", min(out[i].confidence, GUESSED))
            out[i + 1] = HeardWord(_GO_DIGITS.get(after, after), min(out[i + 1].confidence, GUESSED))
    return out


# What follows "in" where a place is named ("in lab 2", "in the principal office", "in room 101").
_PLACE_AFTER_IN = NUMBER_ROOM_HEADS | {"the"}


# A question's word right before its subject: "how much did ...", "what will ...", "how many ...".
_ASKED_OF = frozenset({"did", "does", "will", "many"})
# What such a question asks of an AC: its use or cost, or whether it is on ("what did they see in lab 2" is not).
_AC_ASKED = frozenset({"cost", "costs", "consume", "consumed", "use", "used", "draw", "units", "on", "off", "running"})


def _ac_heard_i_see(words: list[HeardWord]) -> list[HeardWord]:
    """espeak-ng's "the AC" written "I see" or "did I see" (Whisper's "do they see") at a clause start before "in" and a place ("I see in
    classroom 201, off please", "so did I see in lab 2, could you switch it off"): "the AC in ...". Not in a clause's
    middle ("now I see in the news ..."), nor before anything but a place."""
    out: list[HeardWord] = []
    i = 0
    while i < len(words):
        did = words[i].text in ("did", "do")
        at = i + did
        # Whisper's "do they see" too (voice-kinds9, Piper clean: "do they see in room 101 and the fans in room 102,
        # switch them off" switched the fans in both rooms and left the AC on).
        if (_text_at(words, at) in ("i", "they") and _text_at(words, at + 1) == "see" and _text_at(words, at + 2) == "in"
                and (_text_at(words, at + 3) in _PLACE_AFTER_IN or _text_at(words, at + 3)[:1].isdigit())
                and all(w.text in _OPENERS or w.text == COMMA for w in words[:i][-3:])
                and (i == 0 or words[i - 1].text in _OPENERS or words[i - 1].text == COMMA)):
            sure = min(GUESSED, *(w.confidence for w in words[i:at + 2]))
            out += [HeardWord("the", sure), HeardWord("ac", sure)]
            i = at + 2
            continue
        if words[i].text in _ASKED_OF and _text_at(words, i + 1) == "they" and _text_at(words, i + 2) in ("see", "seem") \
                and (_text_at(words, i + 3) in ("in", "are", "is") or _text_at(words, i + 3)[:1].isdigit()) \
                and any(w.text in _AC_ASKED for w in words[i + 3:]):
            # espeak-ng's "the AC(s)" after a question's verb (spoken part 13): "how much did they seem in the
            # auditorium consume", "what did they see in the principal office cost", "how many they seem are on".
            # "they see(m)" is no subject these questions have; the AC, guessed (a switch on it asks first).
            sure = min(GUESSED, words[i + 1].confidence, words[i + 2].confidence)
            plural = words[i + 2].text == "seem"
            the = [] if words[i].text == "many" else [HeardWord("the", sure)]
            out += [words[i], *the, HeardWord("acs" if plural else "ac", sure)]
            i += 3
            continue
        if words[i].text == "the" and _text_at(words, i + 1) == "they" and _text_at(words, i + 2) == "see":
            # "is the they see in the reading hall on" (voice-kinds13, Piper clean): "the they" is no English; the AC,
            # guessed (a switch on it asks first).
            out += [words[i], HeardWord("ac", min(GUESSED, words[i + 1].confidence, words[i + 2].confidence))]
            i += 3
            continue
        out.append(words[i])
        i += 1
    return out
