"""The speaker's own comings and goings, said with "off" or "on": no switch.

"I'll be off campus tomorrow" switched the whole campus off (asking only the time): "off" was the order and
"campus" every room. "I'm switching off for the long weekend, bye all" asked which room to switch off. Both tell
where the speaker will be, as "we are on campus till 6" does (twentieth pass). Pure: tokens in, a verdict out.
"""

from __future__ import annotations

from nlu.timeexpr import WEEKDAYS

# Forms of being, staying and going before "off/on campus": a place one is at, not a switch's state.
_BEING = frozenset("be am is are was were been being stay stays staying stayed live lives living lived go goes "
                   "going went gone head heading headed work working worked eat eating ate".split())
_PLACES = frozenset({"campus", "site", "duty"})
# "I'm on leave on Friday" asked what to switch on: being on leave is where the speaker is not (twenty-first pass).
_AWAY = frozenset({"leave", "holiday", "holidays", "vacation"})
# The speaker leaving the chat or work: "I'm switching off for the weekend", "we're logging off now".
_SIGN_OFF = frozenset({"switching", "logging", "signing", "clocking", "checking", "heading"})
_SPEAKERS = frozenset({"i", "we"})
# What may follow a sign-off: a time or a farewell, never a thing ("I'm switching off everything" is an order).
_AFTER_SIGN_OFF = frozenset("for now early till until at today tonight tomorrow bye goodbye from here soon "
                            "this".split())
_ON_WHAT = frozenset({"time", "leave", "duty", "holiday", "vacation", "weekends"})
# The day a speaker is away on: "I'll be off tomorrow", "we are off on friday".
_AWAY_WHEN = frozenset({"today", "tomorrow", "tonight", "on", "next", "this", "for", "till", "until", "from"})
_OTHER_VERBS = frozenset("turn turned switch shut kill cut power put keep leave start stop".split())


def off_somewhere(toks: list[str]) -> bool:
    """Whether the message says where the speaker is or goes with "off/on campus" ("I will be off campus
    tomorrow", "staying on campus tonight"), or signs the speaker off ("I am switching off for the long weekend"),
    and holds no other switch word: "I'll be off campus, switch off my fan" keeps its order (the caller also
    requires that no device or room is named)."""
    spans: list[tuple[int, int]] = []
    for i, t in enumerate(toks[:-1]):
        if (t in ("off", "on") and toks[i + 1] in _PLACES or t == "on" and toks[i + 1] in _AWAY) \
                and i and toks[i - 1] in _BEING:
            spans.append((i, i + 2))
        elif t == "off" and toks[i - 1:i] == ["be"] and set(toks[max(0, i - 3):i - 1]) & _SPEAKERS \
                and toks[i + 1] in _AWAY_WHEN:
            spans.append((i, i + 2))  # "I'll be off tomorrow, on leave": away that day (part 20 asked what to switch)
        elif t in _SIGN_OFF and toks[i + 1] == "off" and _said_by_speaker(toks, i) \
                and toks[i + 2:i + 3] in ([], *([w] for w in _AFTER_SIGN_OFF)) \
                and toks[i + 2:i + 4] not in (["this", "room"], ["this", "place"]):
            spans.append((i, i + 2))
    if not spans:
        return False
    inside = {k for start, end in spans for k in range(start, end)}
    return not any(t in _OTHER_VERBS and toks[k - 1:k] != ["on"] or (t in ("on", "off") and not _on_a_day(toks, k))
                   for k, t in enumerate(toks) if k not in inside)


def _on_a_day(toks: list[str], k: int) -> bool:
    """"on saturday", "on time", "on leave": "on" before a day or such a word is no switch's state."""
    return toks[k] == "on" and toks[k + 1:k + 2] != [] and (toks[k + 1] in WEEKDAYS or toks[k + 1] in _ON_WHAT)


def _said_by_speaker(toks: list[str], verb: int) -> bool:
    """"i am switching off", "we are logging off": the verb's subject is the speaker, one "am/are" between."""
    before = toks[max(0, verb - 2):verb]
    return bool(before) and before[0] in _SPEAKERS and (len(before) == 1 or before[1] in ("am", "are", "will"))


# "I'm coming over", "we'll come round": the speaker visits the one addressed, a person with a kettle of their own.
_VISITS = frozenset({"over", "round", "around"})
_COMING = frozenset({"coming", "come", "dropping", "popping"})


def visits_you(toks: list[str]) -> bool:
    """Whether the speaker says they are coming over to the one addressed ("put the kettle on, I'm coming over"
    switched the staff room's kettle on: a message for a friend; the caller requires that no place is named)."""
    return any(t in _COMING and toks[i + 1] in _VISITS and _said_by_speaker(toks, i)
               for i, t in enumerate(toks[:-1]))
