"""A room or device heard clearly that the campus lacks: told as unknown, never heard again into a near one.

The second hearings (`TwoPassEngine._second_look`: slowed, or denoised) are for a first reading that reads as no
command. "Switch on the lights in room 103" on a campus without room 103 reads as no command too (the parser asks
"I don't know room 103 on this campus. Did you mean ...?"), as does "turn on the heater in room 101" where room 101
has no heater ("I found no heater in Classroom 101. Which device do you mean?"). A second hearing of such a note may
well turn "103" into a room the campus has ("room 1 no free" read as Lab 1) or "heater" into a word the parser
passes over ("the fever in room 101": a switch of the room), and the bot then asks about the wrong thing (spoken dev,
docs/benchmarks.md "espeak-cheap", "voice-sound7"). When the first hearing was sure of every deciding word, those
words are what was said, and the parser's question about them is the right reply.
"""

from __future__ import annotations

from nlu.command import AskReason, Command
from nlu.speech.base import Transcript
from nlu.speech.wordcheck import WORD_SURE, unsure_words
from nlu.vocabulary import Vocabulary


def asks_what_campus_lacks(parsed: Command) -> bool:
    """Whether the parser asks because the place named is not on this campus (`AskReason.UNKNOWN_PLACE`: "I don't know
    room 103 on this campus. ...") or the room named holds no such device (`AskReason.ROOM_LACKS`: "I found no heater
    in Classroom 101. Which device ...")."""
    return parsed.ask_reason in (AskReason.UNKNOWN_PLACE, AskReason.ROOM_LACKS)


def heard_lacking(heard: Transcript, parsed: Command, vocabulary: Vocabulary, sure_from: float = WORD_SURE) -> bool:
    """Whether `parsed` (the parser's reading of `heard.text`) asks about a place or device the campus lacks and the
    open pass heard every deciding word (device, room, number, on/off: `nlu.speech.wordcheck`) at least `sure_from`.
    An engine without per-word confidences gives no such certainty: False."""
    return bool(heard.words) and asks_what_campus_lacks(parsed) \
        and not unsure_words(heard.words, vocabulary, sure_from)
