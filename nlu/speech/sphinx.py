"""PocketSphinx: the English engine that needs no download (its PyPI wheel ships the en-us model).

Two passes over the same audio. The constrained pass searches the campus JSGF grammar (fast, and accurate on the
few hundred words a campus needs). A grammar always finds *some* path, so a phone-loop pass, which may hear any
sequence of English phones, transcribes the same audio as phones; the phone error rate between those phones and the
dictionary pronunciation of the constrained words measures how well the words fit the sound. Speech forced into
the grammar fits badly. Rejected speech gets a free (language-model) pass so the user sees what was heard, with a
low confidence.

Of the constrained pass's N best sentences, the best-scoring one that the registry makes sense of (a complete
command: the rooms named hold the devices named) is taken (`nlu.speech.nbest`); an accepted transcript's confidence
then says how far it leads the best sentence meaning a *different* command, so the bot can ask before switching.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from itertools import islice

import numpy as np
import pocketsphinx

from nlu.grammar import Grammar, build_grammar
from nlu.speech.base import ModelError, Transcript
from nlu.speech.denoise import spectral_subtract
from nlu.speech.nbest import (CHOICE_DEPTH, Hypothesis, Reader, choose, command_reader, confidence_from_margin,
                              distinct, margin)
from nlu.vocabulary import Vocabulary

log = logging.getLogger(__name__)

ENGINE = "pocketsphinx"
# Phone error rate (phone loop vs the pronunciation of the constrained words) at which the phone fit is 0.5, and the
# slope. With PER alone the midpoint had to be 0.76 (in-grammar notes 0.55-0.83, out-of-grammar 0.7-0.93), which
# refused many correct notes; with the score gap below and the registry's choice it is 0.84 (chosen on the
# even-numbered bench sentences, checked on the odd ones with bench/speech_calibrate.py: docs/benchmarks.md).
PER_MIDPOINT = 0.84
PER_SCALE = 0.04
# Constrained-pass score minus phone-loop score, per 10 ms frame (logmath units). Sentences of the grammar score
# close to the free phone loop (median ~ +5); speech forced into the grammar scores far below it (median ~ -8).
GAP_MIN = -3.0
# Below this confidence a constrained result is not trusted as a command.
ACCEPT_CONFIDENCE = 0.5
# Entries read from the decoder's N-best list (it lists most sentences twice): enough for the choice and to find
# the best rival command for the margin; reading them costs well under a millisecond.
NBEST_ENTRIES = 40
_TOKEN_FIXES = {"a.m.": "am", "p.m.": "pm"}


@dataclass(frozen=True)
class Rule:
    """When a constrained sentence is trusted (defaults: the values above; bench/speech_calibrate.py sweeps them)."""

    per_midpoint: float = PER_MIDPOINT
    gap_min: float = GAP_MIN
    depth: int = CHOICE_DEPTH


@dataclass(frozen=True)
class Evidence:
    """What both passes found in one note: the constrained 1-best, its distinct N best sentences, the phone loop's
    phones (no silences) and score, and the length in 10 ms frames."""

    best: Hypothesis
    candidates: tuple[Hypothesis, ...]
    phones: tuple[str, ...]
    loop_score: int
    frames: int


def decide(evidence: Evidence, grammar: Grammar, pronounce: Callable[[str], list[str]], rule: Rule = Rule(),
           campus: Reader | None = None) -> tuple[str, float] | None:
    """The trusted constrained sentence and its confidence, or None (out of grammar or forced into it).
    `campus` reads tidied text as a complete command (None: no registry to choose with); `pronounce(text)` gives
    the dictionary phones of the words."""
    picked, lead = chosen(evidence, grammar, rule, campus), None
    if campus is not None:
        lead = margin(picked, evidence.candidates, _grammar_reader(grammar, campus), evidence.frames)
    if not picked.text or not grammar.matches(picked.text):
        return None
    expected = pronounce(picked.text)
    per = _edit_distance(expected, list(evidence.phones)) / max(1, len(expected))
    fit = 1.0 / (1.0 + math.exp((per - rule.per_midpoint) / PER_SCALE))
    gap = (picked.score - evidence.loop_score) / evidence.frames
    if fit < ACCEPT_CONFIDENCE or gap <= rule.gap_min:
        return None
    # With a campus, confidence is the lead over the best rival command; a bare phrase grammar has no commands to
    # compare, so the phone fit stays the confidence.
    return picked.text, (fit if campus is None else confidence_from_margin(lead))


def chosen(evidence: Evidence, grammar: Grammar, rule: Rule = Rule(), campus: Reader | None = None) -> Hypothesis:
    """The constrained sentence `decide` judges: with a campus, the best-scoring of the first `rule.depth` that reads
    as a complete command; with none it makes sense of (or no campus), the 1-best. Needs no phone loop."""
    if campus is None:
        return evidence.best
    # The registry picks among the best few; with none it makes sense of, the 1-best goes on as before.
    return choose(evidence.candidates, _grammar_reader(grammar, campus), rule.depth) or evidence.best


def _grammar_reader(grammar: Grammar, campus: Reader) -> Reader:
    def read(raw: str):
        return campus(_tidy(raw)) if grammar.matches(raw) else None

    return read


class PocketSphinxEngine:
    """Loads the acoustic model, dictionary and language model once; `transcribe` is serialised by a lock
    because a PocketSphinx decoder holds per-utterance state."""

    name = ENGINE
    # `closed_pass` takes `wanted` (nlu.speech.twopass passes it only to engines that say so).
    skips_unwanted = True

    def __init__(self, model_dir: str | None = None) -> None:
        base = model_dir or os.path.join(pocketsphinx.get_model_path(), "en-us")
        paths = {"hmm": os.path.join(base, "en-us"), "lm": os.path.join(base, "en-us.lm.bin"),
                 "dict": os.path.join(base, "cmudict-en-us.dict")}
        missing = [p for p in paths.values() if not os.path.exists(p)]
        if missing:
            raise ModelError(f"PocketSphinx model file missing: {missing[0]}")
        common = {"loglevel": "FATAL", "wip": 0.2}
        started = time.perf_counter()
        try:
            self._decoder = pocketsphinx.Decoder(**common, **paths)
            self._phones = pocketsphinx.Decoder(**common, hmm=paths["hmm"], dict=paths["dict"], lm=None,
                                                allphone=os.path.join(base, "en-us-phone.lm.bin"))
        except (RuntimeError, ValueError) as exc:
            raise ModelError(f"PocketSphinx model could not be loaded from {base}: {exc}") from None
        # The model's feat.params switches on PocketSphinx's own noise removal, whose noise estimate carries over
        # from one utterance to the next: a note's result depended on the note decoded before it (another user's).
        # Off (set after loading: feat.params overrides the constructor); spectral_subtract denoises instead.
        for decoder in (self._decoder, self._phones):
            decoder.config["remove_noise"] = False
            decoder.reinit_feat()
        self._logmath = self._decoder.get_logmath()
        self._searches: set[str] = set()
        self._lock = threading.Lock()
        log.info("speech model loaded", extra={"kv": {"engine": ENGINE, "load_s": round(time.perf_counter() - started, 3)}})

    def known(self, word: str) -> bool:
        return self._decoder.lookup_word(word) is not None

    def grammar_for(self, vocabulary: Vocabulary) -> Grammar:
        command_reader(vocabulary)  # builds the campus parser now, not on the first voice note
        return build_grammar(vocabulary, self.known)

    def transcribe(self, pcm: bytes, grammar: Grammar | None = None) -> Transcript:
        audio_s = len(pcm) / 32000
        started = time.perf_counter()
        pcm = self.prepare(pcm)
        with self._lock:
            if grammar is None:
                text, _ = self._run(self._decoder, pcm, None)
                confidence, in_grammar = (0.5 if text else 0.0), False
            else:
                text, confidence, in_grammar = self._constrained(pcm, grammar)
        return Transcript(text=_tidy(text), engine=ENGINE, audio_s=audio_s,
                          decode_s=time.perf_counter() - started, confidence=confidence, in_grammar=in_grammar)

    def closed_pass(self, pcm: bytes, grammar: Grammar, wanted: Callable[[str], bool] | None = None) -> Transcript:
        """`transcribe` with the grammar, without the free pass on rejection (an empty, untrusted transcript then):
        the two-pass engine has a better open pass to run instead (saves a third of the time on such notes).
        `wanted(text)`: whether the grammar sentence the pass would judge (tidied) could change the caller's
        outcome; when it could not, the phone loop (a third to a half of the pass's CPU) is not run and the pass
        answers as for a rejected note (None: always judged)."""
        audio_s = len(pcm) / 32000
        started = time.perf_counter()
        pcm = self.prepare(pcm)
        campus = command_reader(grammar.vocabulary) if grammar.vocabulary is not None else None
        with self._lock:
            found = self._grammar_search(pcm, grammar)
            if wanted is not None and not wanted(_tidy(chosen(found, grammar, campus=campus).text)):
                accepted = None
            else:
                accepted = decide(self._with_phones(found, pcm), grammar, self.pronounce, campus=campus)
        text, confidence = accepted if accepted is not None else ("", 0.0)
        return Transcript(text=_tidy(text), engine=ENGINE, audio_s=audio_s, decode_s=time.perf_counter() - started,
                          confidence=confidence, in_grammar=accepted is not None)

    def evidence(self, pcm: bytes, grammar: Grammar) -> Evidence:
        """Both passes over `pcm` (16 kHz mono s16le, prepared here as `transcribe` does), for calibration."""
        pcm = self.prepare(pcm)
        with self._lock:
            return self._evidence(pcm, grammar)

    def pronounce(self, text: str) -> list[str]:
        return " ".join(self._decoder.lookup_word(w) or "" for w in text.split()).split()

    def prepare(self, pcm: bytes) -> bytes:
        # Denoise first: dithering last keeps the denoised near-silence from becoming digital zeros again.
        return dither(spectral_subtract(pcm))

    def _evidence(self, pcm: bytes, grammar: Grammar) -> Evidence:
        return self._with_phones(self._grammar_search(pcm, grammar), pcm)

    def _grammar_search(self, pcm: bytes, grammar: Grammar) -> Evidence:
        """The constrained pass alone: Evidence with no phones yet (under the lock)."""
        text, score = self._run(self._decoder, pcm, self._search(grammar))
        # With no hypothesis at all (a pure tone, noise) the N-best list is None or yields None entries.
        nbest = islice(self._decoder.nbest() or (), NBEST_ENTRIES) if text else ()
        found = (Hypothesis(h.hypstr, self._logmath.log(h.score)) for h in nbest if h is not None)
        return Evidence(best=Hypothesis(text, score), candidates=tuple(distinct(found)), phones=(), loop_score=0,
                        frames=max(1, len(pcm) // 320))

    def _with_phones(self, found: Evidence, pcm: bytes) -> Evidence:
        """`found` with the phone loop's phones (no silences) and score (under the lock)."""
        heard, loop_score = self._run(self._phones, pcm, None)
        return replace(found, phones=tuple(p for p in heard.split() if p != "SIL"), loop_score=loop_score)

    def _constrained(self, pcm: bytes, grammar: Grammar) -> tuple[str, float, bool]:
        campus = command_reader(grammar.vocabulary) if grammar.vocabulary is not None else None
        accepted = decide(self._evidence(pcm, grammar), grammar, self.pronounce, campus=campus)
        if accepted is not None:
            return accepted[0], accepted[1], True
        # Not a whole sentence of the grammar, or forced into it: say what a free pass heard, untrusted.
        free, _ = self._run(self._decoder, pcm, None)
        return free, 0.1 if free else 0.0, False

    def _search(self, grammar: Grammar) -> str:
        name = "g" + hashlib.sha1(grammar.jsgf.encode()).hexdigest()[:16]
        if name not in self._searches:
            self._decoder.add_jsgf_string(name, grammar.jsgf)
            self._searches.add(name)
        return name

    def _run(self, decoder: pocketsphinx.Decoder, pcm: bytes, search: str | None) -> tuple[str, int]:
        if decoder is self._decoder:
            decoder.activate_search(search)  # None = the language model
        decoder.reinit_feat()  # a fresh front end per utterance: nothing carries over between notes (0.1 ms)
        decoder.start_utt()
        decoder.process_raw(pcm, full_utt=True)
        decoder.end_utt()
        hyp = decoder.hyp()
        if hyp is None or not hyp.hypstr:
            return "", 0
        return hyp.hypstr, self._logmath.log(hyp.score)


def _edit_distance(a: list[str], b: list[str]) -> int:
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (x != y))
    return row[len(b)]


def dither(pcm: bytes) -> bytes:
    """Add +-1 LSB of noise. Synthetic or noise-gated audio has runs of digital zeros whose log energy derails
    the features; PocketSphinx's own dither draws from a process-wide generator, which would make a result
    depend on what was decoded before, so this one is seeded the same for every call."""
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.int32)
    noise = np.random.default_rng(20261126).integers(-1, 2, size=len(samples))
    return np.clip(samples + noise, -32768, 32767).astype("<i2").tobytes()


def _tidy(text: str) -> str:
    words = [_TOKEN_FIXES.get(w, w) for w in text.split() if not w.startswith(("<", "[", "+"))]
    return " ".join(w.split("(")[0] for w in words)
