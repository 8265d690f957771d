"""One pipeline over two passes, the way Home Assistant pairs speech-to-phrase with Whisper.

1. The closed pass (PocketSphinx or Vosk with the campus grammar) answers alone when it is sure: fast, and exact on
   the sentences the grammar generates.
2. Otherwise an open pass (local Whisper, or a Wyoming server) transcribes what was said, however it was said.
3. Both hypotheses are ranked by whether the text parser reads them as a complete command for this campus
   (`rank`): a sentence the registry makes sense of beats one it does not; two passes that agree make each other
   surer; two that disagree make the bot ask.

An open pass that fails (a Wyoming server down) falls through to the next one, and finally to the closed pass
alone, with a one-line note for the user.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import replace

from nlu.grammar import Grammar
from nlu.speech.base import SpeechEngine, SpeechError, Transcript
from nlu.speech.nbest import Reader, command_reader, same_command
from nlu.vocabulary import Vocabulary

log = logging.getLogger(__name__)

# A closed-pass sentence at least this confident is taken without running the open pass (chosen on the dev notes,
# bench/speech_twopass.py; docs/benchmarks.md "Speech: two passes").
CLOSED_SURE = 0.75
# The open pass's transcript confidence (geometric mean of word probabilities) maps to 0.5..1 when the parser reads
# it as a complete command: `OPEN_FLOOR + (1 - OPEN_FLOOR) * p`; text it cannot read keeps the raw mean.
OPEN_FLOOR = 0.5
# When the two passes read as different commands, the answer is capped here (under the bot's 0.75 default):
# a switch asks first.
DISAGREE_CAP = 0.6


def rank(closed: Transcript | None, heard: Transcript, read: Reader) -> Transcript:
    """The transcript to act on, given the closed pass's result (None when it had no sentence) and the open pass's,
    with a confidence that says how far both agree with each other and with the campus."""
    closed_command = read(closed.text) if closed is not None and closed.in_grammar else None
    open_command = read(heard.text) if heard.text else None
    if open_command is None:
        if closed_command is not None:
            return closed  # the grammar sentence makes sense of the campus; the open text did not
        return heard  # neither: what was heard goes on for the parser to question or refuse
    raw = heard.confidence
    opened = replace(heard, confidence=OPEN_FLOOR + (1 - OPEN_FLOOR) * raw)
    if closed_command is None:
        return opened
    if same_command(closed_command, open_command):
        # Two recognisers that hear the same command: unsure only if both are.
        joined = 1 - (1 - closed.confidence) * (1 - opened.confidence)
        return replace(opened, confidence=joined, words=())
    return replace(opened, confidence=min(opened.confidence, DISAGREE_CAP))


class TwoPassEngine:
    """The closed campus-grammar engine first, then the open passes in order until one answers.

    `closed`: PocketSphinx or Vosk; `open_passes`: e.g. (WyomingEngine, WhisperEngine), either may be absent;
    `closed_sure`: the closed confidence that skips the open pass."""

    name = "two-pass"

    def __init__(self, closed: SpeechEngine, open_passes: Sequence[SpeechEngine] = (),
                 closed_sure: float = CLOSED_SURE) -> None:
        self.closed = closed
        self.open_passes = tuple(open_passes)
        self.closed_sure = closed_sure

    def grammar_for(self, vocabulary: Vocabulary) -> Grammar:
        return self.closed.grammar_for(vocabulary)

    def transcribe(self, pcm: bytes, grammar: Grammar | None = None) -> Transcript:
        started = time.perf_counter()
        if grammar is None or grammar.vocabulary is None:
            # No campus: nothing to rank with; the open pass is the better transcriber.
            heard, note = self._open(pcm, grammar)
            result = heard or self.closed.transcribe(pcm, grammar)
            return replace(result, decode_s=time.perf_counter() - started, note=note)
        first = self.closed.transcribe(pcm, grammar)
        if first.in_grammar and first.confidence >= self.closed_sure or not self.open_passes:
            return first
        heard, note = self._open(pcm, grammar)
        if heard is None:
            return replace(first, note=note, decode_s=time.perf_counter() - started)
        # A reader per note: its memo and its `now` belong to this note.
        chosen = rank(first, heard, command_reader(grammar.vocabulary))
        return replace(chosen, decode_s=time.perf_counter() - started, note=note)

    def _open(self, pcm: bytes, grammar: Grammar | None) -> tuple[Transcript | None, str | None]:
        note = None
        for engine in self.open_passes:
            try:
                return engine.transcribe(pcm, grammar), note
            except SpeechError as exc:
                log.warning("open speech pass failed", extra={"kv": {"engine": engine.name, "error": str(exc)[:200]}})
                note = note or f"{exc}; used the built-in recogniser"
        return None, note
