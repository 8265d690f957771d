"""A voice message to a command: transcribe, parse the transcript, and never act on speech the grammar did not
explain. This is the path the bot takes for a voice note and `autovolt nlu parse --audio` shows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from nlu.audio import DEFAULT_LIMITS, AudioLimits
from nlu.command import Command, ParseContext
from nlu.speech.base import SpeechEngine, Transcript
from nlu.speech.pipeline import transcribe_audio
from nlu.vocabulary import Vocabulary

NOT_UNDERSTOOD = "I could not make out a campus command in that voice note. Please say it again or type it."
# Below this a transcript is shown but never acted on (the bot's TRUST_CONFIDENCE).
ACT_CONFIDENCE = 0.5
# A parse whose calibrated confidence (nlu.judge) is under this is not acted on unless it is a device command (which
# asks first): the bot's `understood_below`.
UNDERSTOOD_BELOW = 0.5
# A command whose device, room or on/off word was unsure gets at most this confidence: under the bot's default
# confirmation threshold (0.75), so a switch asks first.
UNSURE_WORD_CAP = 0.6
# A note heard at least this surely (the bot's voice_confirm_below default), with no unsure device, room or on/off
# word, whose parse only lacks the room, is asked "Which room?" as typed text is: the answer names the room, and
# what was heard of the rest is trusted as much as a switch that runs unasked.
ASK_ROOM_FROM = 0.75
# The parses whose room question a sure note may ask (a switch, or whether something is on).
ASK_ROOM_INTENTS = ("device_control", "status_query")


@dataclass(frozen=True)
class VoiceResult:
    """`transcript`: what the engine heard; `command`: what the parser made of it, `unknown` with a
    clarification when the speech was outside the campus grammar (or not confidently in it)."""

    transcript: Transcript
    command: Command


def understand_voice(data: bytes, engine: SpeechEngine, vocabulary: Vocabulary,
                     context: ParseContext | None = None, now: dt.datetime | None = None,
                     limits: AudioLimits = DEFAULT_LIMITS) -> VoiceResult:
    """Transcribe `data` with the campus grammar and parse the transcript. Raises nlu.audio.AudioError for
    audio outside the limits and nlu.speech.SpeechError when the engine fails."""
    from nlu.parser import parser_for  # spaCy loads here, not when only transcribing

    transcript = transcribe_audio(data, engine, vocabulary, limits)
    parsed = parser_for(vocabulary).parse(transcript.text, context=context, now=now)
    return VoiceResult(transcript=transcript, command=decide(transcript, parsed, vocabulary))


def decide(transcript: Transcript, parsed: Command, vocabulary: Vocabulary) -> Command:
    """What the product acts on, given what was heard and what the parser read from it (pure; the speech benches
    score with it too)."""
    from nlu.speech.wordcheck import unsure_words

    # A sentence that does not parse to a complete command (unknown, or the parser has to ask) is what speech
    # forced into the grammar mostly becomes, and what an open pass makes of speech that is no command: refused
    # (measured in docs/benchmarks.md: this and the engine's score gap let the phone-error threshold rise).
    # The one question let through: a sure note ("turn off the lights") whose only gap is the room.
    unsure = bool(unsure_words(transcript.words, vocabulary))
    refused_question = parsed.clarification is not None and not may_ask_room(transcript.confidence, unsure, parsed)
    doubted = parsed.confidence < UNDERSTOOD_BELOW and parsed.intent not in ("device_control", "help")
    if transcript.confidence < ACT_CONFIDENCE or parsed.intent == "unknown" or refused_question or doubted:
        # What was heard is shown to the user but never acted on.
        return Command(text=transcript.text, intent="unknown", confidence=transcript.confidence,
                       clarification=NOT_UNDERSTOOD if transcript.text else None)
    confidence = min(parsed.confidence, transcript.confidence)
    if unsure:
        confidence = min(confidence, UNSURE_WORD_CAP)
    return _with_confidence(parsed, confidence)


def may_ask_room(heard_confidence: float, unsure: bool, parsed: Command) -> bool:
    """Whether a voice note's `parsed` command, which asks a question, may be asked as typed text would be: the note
    was heard surely (`heard_confidence` >= ASK_ROOM_FROM, no `unsure` device, room or on/off word), the parser is
    sure enough of its reading (judge >= UNDERSTOOD_BELOW), and the question is only which room."""
    from nlu.parser import asks_only_for_room

    return (heard_confidence >= ASK_ROOM_FROM and not unsure and parsed.intent in ASK_ROOM_INTENTS
            and parsed.confidence >= UNDERSTOOD_BELOW and asks_only_for_room(parsed))


def _with_confidence(command: Command, confidence: float) -> Command:
    from dataclasses import replace

    return replace(command, confidence=confidence)
