"""From the bytes of a voice message to a transcript: the one path the bot and the command line share."""

from __future__ import annotations

import logging
from dataclasses import replace

from nlu.audio import DEFAULT_LIMITS, AudioLimits, decode_audio
from nlu.speech.base import SpeechEngine, Transcript
from nlu.vocabulary import Vocabulary

log = logging.getLogger(__name__)


def transcribe_audio(data: bytes, engine: SpeechEngine, vocabulary: Vocabulary | None = None,
                     limits: AudioLimits = DEFAULT_LIMITS) -> Transcript:
    """Decode `data` (OGG/Opus, MP3, M4A, WAV...) and recognise it, constrained by the campus grammar of
    `vocabulary` when given. Raises nlu.audio.AudioError for audio outside the limits."""
    pcm = decode_audio(data, limits)
    grammar = engine.grammar_for(vocabulary) if vocabulary is not None else None
    heard = engine.transcribe(pcm.samples, grammar)
    transcript = replace(heard, audio_s=pcm.duration_s, decode_s=pcm.decode_s + heard.decode_s)
    log.info("voice transcribed", extra={"kv": {"engine": transcript.engine, "audio_s": round(transcript.audio_s, 2),
                                                "decode_s": round(transcript.decode_s, 3),
                                                "confidence": round(transcript.confidence, 2),
                                                "in_grammar": transcript.in_grammar}})
    return transcript
