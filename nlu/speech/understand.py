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
    # A grammar sentence that does not parse to a complete command (unknown, or the parser has to ask) is what
    # speech forced into the grammar mostly becomes: refused like out-of-grammar speech (measured in
    # docs/benchmarks.md: this and the engine's score gap let the phone-error threshold rise from 0.76 to 0.88).
    if not transcript.in_grammar or parsed.intent == "unknown" or parsed.clarification:
        # What the free pass heard is shown to the user but never acted on.
        command = Command(text=transcript.text, intent="unknown", confidence=transcript.confidence,
                          clarification=NOT_UNDERSTOOD if transcript.text else None)
    else:
        command = _with_confidence(parsed, min(parsed.confidence, transcript.confidence))
    return VoiceResult(transcript=transcript, command=command)


def _with_confidence(command: Command, confidence: float) -> Command:
    from dataclasses import replace

    return replace(command, confidence=confidence)
