"""A room number heard clearly that the campus lacks: told as unknown, never heard again into a near room.

The second hearings (`TwoPassEngine._second_look`: slowed, or denoised) are for a first reading that reads as no
command. "Switch on the lights in room 103" on a campus without room 103 reads as no command too (the parser asks
"I don't know room 103 on this campus. Did you mean ...?"), and a second hearing of it may well turn "103" into
a room the campus has ("room 1 no free" read as Lab 1; "classroom 101"): the bot then asks about the wrong room
(docs/benchmarks.md "espeak-cheap", "voice-sound7"). When the first hearing was sure of that number, the number
is what was said, and the parser's question about it is the right reply.
"""

from __future__ import annotations

import re

from nlu.command import Command
from nlu.speech.base import Transcript
from nlu.speech.wordcheck import WORD_SURE

# The parser's question about a place the campus lacks (nlu.parser `_unknown_place_question`, `_no_such_place`).
_UNKNOWN = re.compile(r"^I don't know (?P<named>.+?) on this campus\.")
_NUMBER = re.compile(r"\d+")


def lacking_numbers(parsed: Command) -> tuple[str, ...]:
    """The numbers of the places `parsed` asks about because the campus lacks them ("103" of "I don't know
    classroom 103 on this campus. ..."); empty for any other parse."""
    found = _UNKNOWN.match(parsed.clarification or "")
    return tuple(_NUMBER.findall(found.group("named"))) if found else ()


def heard_lacking_room(heard: Transcript, parsed: Command, sure_from: float = WORD_SURE) -> bool:
    """Whether `parsed` (the parser's reading of `heard.text`) asks about a numbered place the campus lacks and
    the open pass heard every such number at least `sure_from` (a deciding word's bar, `nlu.speech.wordcheck`).
    An engine without per-word confidences gives no such certainty: False."""
    numbers = lacking_numbers(parsed)
    if not numbers or not heard.words:
        return False
    for number in numbers:
        scores = [w.confidence for w in heard.words if number in _NUMBER.findall(w.text)]
        if not scores or max(scores) < sure_from:
            return False
    return True
