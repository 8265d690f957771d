"""A Wyoming speech-to-text client: AUTOVOLT_STT_URL=tcp://host:10300 sends voice notes to any Wyoming server
(Home Assistant's faster-whisper, speech-to-phrase or Vosk servers), so a campus can run recognition on a bigger
machine. It is an open pass like local Whisper (`nlu.speech.twopass`): the text comes back without scores, and the
campus parser decides what it means.

An outside service, so it lives here and not in `nlu`. A server that is down or too slow raises SpeechError with one
line; the two-pass engine then falls back to the local recognisers and tells the user.
"""

from __future__ import annotations

import asyncio
import logging
import time
from urllib.parse import urlsplit

from nlu.grammar import Grammar, build_grammar
from nlu.speech.base import SpeechError, Transcript
from nlu.speech.opentext import heard_words, text_of
from nlu.vocabulary import Vocabulary

log = logging.getLogger(__name__)

ENGINE = "wyoming"
SAMPLE_RATE, WIDTH, CHANNELS = 16_000, 2, 1
CHUNK_BYTES = 32_000  # one second of audio per AudioChunk event
# A server gives no confidence; its text is trusted like an open pass the parser reads (0.5 + 0.5 * this), which
# stays under the bot's 0.75 default so a switch from it asks first unless the grammar pass heard the same command.
REMOTE_CONFIDENCE = 0.4


def check_url(url: str) -> tuple[str, int]:
    """(host, port) of a tcp://host:port URL, or ValueError saying what is expected."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    if parts.scheme != "tcp" or not parts.hostname or port is None:
        raise ValueError("expected tcp://host:port, such as tcp://10.0.0.5:10300")
    return parts.hostname, port


class WyomingEngine:
    """Sends each note to the Wyoming server at `url`; `connect_s` and `answer_s` bound the wait for a connection
    and for the transcript."""

    name = ENGINE

    def __init__(self, url: str, connect_s: float = 2.0, answer_s: float = 20.0) -> None:
        self.host, self.port = check_url(url)
        self.url = url
        self.connect_s = connect_s
        self.answer_s = answer_s

    def grammar_for(self, vocabulary: Vocabulary) -> Grammar:
        return build_grammar(vocabulary)  # carries the vocabulary whose names bias the server

    def transcribe(self, pcm: bytes, grammar: Grammar | None = None) -> Transcript:
        started = time.perf_counter()
        names = _names(grammar.vocabulary) if grammar is not None and grammar.vocabulary is not None else None
        try:
            text = asyncio.run(asyncio.wait_for(self._exchange(pcm, names), self.connect_s + self.answer_s))
        except (OSError, asyncio.TimeoutError) as exc:
            reason = "did not answer in time" if isinstance(exc, asyncio.TimeoutError) else "is unreachable"
            raise SpeechError(f"the speech server at {self.url} {reason}") from None
        except ConnectionError:
            raise SpeechError(f"the speech server at {self.url} closed the connection") from None
        tokens = heard_words((word, REMOTE_CONFIDENCE) for word in text.split())
        return Transcript(text=text_of(tokens), engine=ENGINE, audio_s=len(pcm) / (SAMPLE_RATE * WIDTH),
                          decode_s=time.perf_counter() - started, confidence=REMOTE_CONFIDENCE if tokens else 0.0)

    async def _exchange(self, pcm: bytes, names: list[str] | None) -> str:
        from wyoming.asr import Transcribe
        from wyoming.asr import Transcript as WyomingTranscript
        from wyoming.audio import AudioChunk, AudioStart, AudioStop
        from wyoming.client import AsyncTcpClient

        client = AsyncTcpClient(self.host, self.port, connect_timeout=self.connect_s, read_timeout=self.answer_s)
        async with client:
            fmt = {"rate": SAMPLE_RATE, "width": WIDTH, "channels": CHANNELS}
            await client.write_event(Transcribe(language="en", transcript_names=names).event())
            await client.write_event(AudioStart(**fmt).event())
            for start in range(0, len(pcm), CHUNK_BYTES):
                await client.write_event(AudioChunk(audio=pcm[start:start + CHUNK_BYTES], **fmt).event())
            await client.write_event(AudioStop().event())
            while True:
                event = await client.read_event()
                if event is None:
                    raise ConnectionError("closed")
                if WyomingTranscript.is_type(event.type):
                    return WyomingTranscript.from_event(event).text or ""


def _names(vocabulary: Vocabulary) -> list[str]:
    return [*(r.name for r in vocabulary.rooms), *(b.name for b in vocabulary.buildings)]
