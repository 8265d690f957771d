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
# A command whose device, room or on/off word was unsure gets at most this confidence: under the bot's default
# confirmation threshold (0.75), so a switch asks first.
UNSURE_WORD_CAP = 0.6


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

    from nlu.speech.wordcheck import unsure_words

    transcript = transcribe_audio(data, engine, vocabulary, limits)
    parsed = parser_for(vocabulary).parse(transcript.text, context=context, now=now)
    # A sentence that does not parse to a complete command (unknown, or the parser has to ask) is what speech
    # forced into the grammar mostly becomes, and what an open pass makes of speech that is no command: refused
    # (measured in docs/benchmarks.md: this and the engine's score gap let the phone-error threshold rise).
    if transcript.confidence < ACT_CONFIDENCE or parsed.intent == "unknown" or parsed.clarification:
        # What was heard is shown to the user but never acted on.
        command = Command(text=transcript.text, intent="unknown", confidence=transcript.confidence,
                          clarification=NOT_UNDERSTOOD if transcript.text else None)
    else:
        confidence = min(parsed.confidence, transcript.confidence)
        if unsure_words(transcript.words, vocabulary):
            confidence = min(confidence, UNSURE_WORD_CAP)
        command = _with_confidence(parsed, confidence)
    return VoiceResult(transcript=transcript, command=command)


def _with_confidence(command: Command, confidence: float) -> Command:
    from dataclasses import replace

    return replace(command, confidence=confidence)
