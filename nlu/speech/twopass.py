"""One pipeline over two passes, the way Home Assistant pairs speech-to-phrase with Whisper.

1. The closed pass (PocketSphinx or Vosk with the campus grammar): fast, and exact on the sentences the grammar
   generates. It can answer alone when it is sure (`closed_sure`), but measured on natural speech it is as sure of
   sentences it forced into the grammar, so by default it never skips the open pass; both run at once.
2. An open pass (a Wyoming server, local Whisper) transcribes what was said, however it was said.
3. Both hypotheses are ranked by whether the text parser reads them as a complete command for this campus
   (`rank`): a sentence the registry makes sense of beats one it does not; two passes that agree make each other
   surer; two that disagree make the bot ask.

An open pass that fails (a Wyoming server down) falls through to the next one, and finally to the closed pass
alone, with a one-line note for the user.
"""

from __future__ import annotations

import concurrent.futures
import logging
import time
from collections.abc import Sequence
from dataclasses import replace

from nlu.grammar import Grammar
from nlu.speech.base import SpeechEngine, SpeechError, Transcript
from nlu.speech.nbest import Reader, command_reader, same_command
from nlu.vocabulary import Vocabulary

log = logging.getLogger(__name__)

# A closed-pass sentence at least this confident would be taken without the open pass. None: never; both passes
# run at once (two cores) and are ranked. On the dev notes the grammar pass was as confident (1.0) about natural
# speech forced into the grammar as about its own sentences, so skipping cost accuracy and wrong switches
# (bench/speech_twopass.py; docs/benchmarks.md "Speech: two passes").
CLOSED_SURE: float | None = None
# A grammar sentence the open pass did not confirm (its text read as no command) keeps at most this confidence:
# under 0.5, so it is shown but not acted on. On the dev notes 0.6 (asks before switching) was 3-5 points more
# accurate but let twice as much out-of-scope speech through as questions (6 of 218 notes against 3).
CLOSED_ALONE_CAP = 0.45
# When the passes read different commands, the open text is taken from this raw confidence on, the grammar
# sentence below it (dev notes: +2 points clean, -1 at 10 dB against always the open text; 0.7 and never worse).
OPEN_WINS_FROM = 0.5
# The open pass's transcript confidence (geometric mean of word probabilities) maps to 0.5..1 when the parser reads
# it as a complete command: `OPEN_FLOOR + (1 - OPEN_FLOOR) * p`; text it cannot read keeps the raw mean.
OPEN_FLOOR = 0.5
# When the two passes read as different commands, the answer is capped here (under the bot's 0.75 default):
# a switch asks first.
DISAGREE_CAP = 0.6


def rank(closed: Transcript | None, heard: Transcript, read: Reader, closed_alone_cap: float = 1.0,
         open_wins_from: float = 0.0) -> Transcript:
    """The transcript to act on, given the closed pass's result (None when it had no sentence) and the open pass's,
    with a confidence that says how far both agree with each other and with the campus. `closed_alone_cap`: the
    most a grammar sentence the open pass did not confirm may keep; `open_wins_from`: when the passes read
    different commands, the open text is shown from this raw confidence on, the grammar sentence below it."""
    closed_command = read(closed.text) if closed is not None and closed.in_grammar else None
    open_command = read(heard.text) if heard.text else None
    if open_command is None:
        if closed_command is not None:
            # The grammar sentence makes sense of the campus; the open text did not.
            return replace(closed, confidence=min(closed.confidence, closed_alone_cap))
        return heard  # neither: what was heard goes on for the parser to question or refuse
    raw = heard.confidence
    opened = replace(heard, confidence=OPEN_FLOOR + (1 - OPEN_FLOOR) * raw)
    if closed_command is None:
        return opened
    if same_command(closed_command, open_command):
        # Two recognisers that hear the same command: unsure only if both are. The grammar sentence is shown: the
        # open text may carry words Whisper made up around it ("... one oh one well done").
        joined = 1 - (1 - closed.confidence) * (1 - opened.confidence)
        return replace(closed, confidence=joined, words=())
    if raw < open_wins_from:
        return replace(closed, confidence=min(closed.confidence, DISAGREE_CAP))
    return replace(opened, confidence=min(opened.confidence, DISAGREE_CAP))


class TwoPassEngine:
    """The closed campus-grammar engine first, then the open passes in order until one answers.

    `closed`: PocketSphinx or Vosk; `open_passes`: e.g. (WyomingEngine, WhisperEngine), either may be absent;
    `closed_sure`: the closed confidence that skips the open pass (None: both passes always run, side by side)."""

    name = "two-pass"

    def __init__(self, closed: SpeechEngine, open_passes: Sequence[SpeechEngine] = (),
                 closed_sure: float | None = CLOSED_SURE) -> None:
        self.closed = closed
        self.open_passes = tuple(open_passes)
        self.closed_sure = closed_sure
        # The open pass runs beside the closed one: CTranslate2 and a Wyoming wait leave the GIL to PocketSphinx.
        self._beside = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="open-pass") \
            if self.open_passes and closed_sure is None else None

    def grammar_for(self, vocabulary: Vocabulary) -> Grammar:
        return self.closed.grammar_for(vocabulary)

    def transcribe(self, pcm: bytes, grammar: Grammar | None = None) -> Transcript:
        started = time.perf_counter()
        if grammar is None or grammar.vocabulary is None:
            # No campus: nothing to rank with; the open pass is the better transcriber.
            heard, note = self._open(pcm, grammar)
            result = heard or self.closed.transcribe(pcm, grammar)
            return replace(result, decode_s=time.perf_counter() - started, note=note)
        if not self.open_passes:
            return self.closed.transcribe(pcm, grammar)
        # PocketSphinx can skip its own free pass (what it heard outside the grammar): the open pass does better.
        closed_pass = getattr(self.closed, "closed_pass", self.closed.transcribe)
        beside = self._beside.submit(self._open, pcm, grammar) if self._beside is not None else None
        first = closed_pass(pcm, grammar)
        if beside is not None:
            heard, note = beside.result()
        elif self.closed_sure is not None and first.in_grammar and first.confidence >= self.closed_sure:
            return first
        else:
            heard, note = self._open(pcm, grammar)
        if heard is None:
            if not first.in_grammar:  # say what the grammar engine's free pass heard, untrusted
                first = self.closed.transcribe(pcm, grammar)
            return replace(first, note=note, decode_s=time.perf_counter() - started)
        # A reader per note: its memo and its `now` belong to this note.
        chosen = rank(first, heard, command_reader(grammar.vocabulary), CLOSED_ALONE_CAP, OPEN_WINS_FROM)
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
