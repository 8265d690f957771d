"""One Whisper decode per note (beam 3), on an encoder window fitted to the note, with per-word probabilities.

faster-whisper's `transcribe` always encodes a 30 s window (a 3 s note is 90 % padding: the encoder's cost is the
window's, not the note's) and gets per-word probabilities from a second decoder pass (`align`, about 40 % of its
time). Here the CTranslate2 model is called directly:

- the log-Mel features of the note are padded to the note's length plus a margin, not to 30 s (CTranslate2 takes
  any even number of frames up to 3000); a note longer than one window is cut at its quietest frames;
- greedy decoding returns its per-step scores over the vocabulary (`return_logits_vocab`), so each token's
  probability comes from the same pass that chose it; a beam's tokens (the default, beam 3) are scored by the
  alignment pass after the same campus prompt. A word's probability is the mean over its tokens, as faster-whisper
  computes it.

Whisper was trained on 30 s windows: on a short one it sometimes does not stop and says the sentence again and
again. A decode is given a token budget for its window's length; one that ends in a loop keeps its first time round
(measured: the first round is the sentence said, and trimming costs far less than decoding again), and one that
runs out of budget without a loop is decoded again on the full 30 s window.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass, field, replace

import numpy as np

# Whisper's encoder window: 30 s of 10 ms frames; the encoder halves the frame count.
FULL_FRAMES = 3000
FRAMES_PER_S = 100
# A decode is allowed this many tokens per second of window plus a few: fast English speech is about 3 words (4-5
# tokens) a second; a decode that needs more is repeating itself.
TOKENS_PER_S = 8
TOKENS_SLACK = 12
# Whisper reads at most 448 tokens, half of them prompt.
MAX_LENGTH = 448
# A long note is cut where it is quietest within the last part of each window (mean log-Mel level over 100 ms).
CUT_SEARCH_FRAMES = 800
QUIET_SPAN = 10
# faster-whisper's checks for a failed decode (its temperature fallback thresholds).
FALLBACK_LOGPROB = -1.0
FALLBACK_COMPRESSION = 2.4


@dataclass(frozen=True)
class DecodeOptions:
    """How a note is decoded.

    `fit_window`: encode the note plus `margin_s` of padding (False: Whisper's full 30 s window, as faster-whisper);
    `margin_s`: seconds of padding after the note in a fitted window; `word_probs`: "decode" (from the greedy pass
    itself; for a beam, the alignment pass after the same prompt) or "align" (faster-whisper's teacher-forced
    second pass without the prompt, kept for measurement); `loops`: what to do when a fitted window's decode
    repeats itself: "trim" (keep the first time round) or "refit" (decode again on 30 s); `beam_size`: 1 greedy,
    more a beam search (3, measured on the dev notes; its word probabilities come from the alignment pass, the
    beam's own scores being of several hypotheses); `length_penalty`, `repetition_penalty`, `no_repeat_ngram`,
    `suppress_blank`: CTranslate2's generation options of those names; `fallback_beam`: when a greedy decode fails
    faster-whisper's checks (mean log probability under `FALLBACK_LOGPROB`, or text compressing more than
    `FALLBACK_COMPRESSION`), the window is decoded again with this beam and the surer reading kept (0: never;
    deterministic, unlike faster-whisper's sampling fallback); `prompt`: the campus prompt's style ("list", the
    product's; the others measured: `nlu.speech.whisper.campus_prompt`); `level_dbfs`: the note's
    speech scaled to this RMS level before Whisper (None: as recorded); `highpass_hz`: frequencies under this cut
    before Whisper (0: none); `hypotheses`: how many of the beam's finished hypotheses come back (at most
    `beam_size`): the best is the decode, the others are kept as readings for rescoring (`Decoded.others`); asking
    for them does not change the best one."""

    fit_window: bool = True
    margin_s: float = 5.0
    word_probs: str = "decode"
    loops: str = "trim"
    beam_size: int = 3
    length_penalty: float = 1.0
    repetition_penalty: float = 1.0
    no_repeat_ngram: int = 0
    suppress_blank: bool = True
    fallback_beam: int = 0
    prompt: str = "list"
    level_dbfs: float | None = None
    highpass_hz: float = 0.0
    hypotheses: int = 3


@dataclass(frozen=True)
class Decoded:
    """One window's result: `words` as Whisper wrote them (leading space, punctuation separate) with their
    probabilities 0..1; `no_speech_prob` Whisper's own estimate that the window holds no speech; `avg_logprob` the
    mean log probability per token (end token included, as faster-whisper); `refit` whether the fitted window's
    decode was rejected and the full 30 s window used; `encoded` the window's encoder output (a ctranslate2
    StorageView, kept to score other readings of the same audio: nlu/speech/rescore.py); `frames` its note frames;
    `others` the beam's other finished hypotheses, best first, as written words (no probabilities: only the best is
    scored word by word), those that loop or ran out of budget left out."""

    words: tuple[tuple[str, float], ...]
    no_speech_prob: float
    avg_logprob: float
    refit: bool = False
    encoded: object = field(default=None, compare=False, repr=False)
    frames: int = 0
    others: tuple[tuple[str, ...], ...] = ()


def fitted_length(content: int, margin: int) -> int:
    """The window length for `content` frames: content plus margin, even (the encoder's stride), at most 3000."""
    length = min(FULL_FRAMES, content + margin)
    return length + (length % 2)


def cut_points(features: np.ndarray, margin: int) -> list[tuple[int, int]]:
    """[start, end) frame spans of the note, each short enough for one window with `margin`: a note that fits is one
    span; a longer one is cut at the quietest `QUIET_SPAN` frames among the last `CUT_SEARCH_FRAMES` of each window
    (between words, not inside one)."""
    total = features.shape[-1]
    longest = FULL_FRAMES - margin
    spans = []
    start = 0
    level = features.mean(axis=0)
    while total - start > longest:
        low = start + longest - CUT_SEARCH_FRAMES
        search = level[low:start + longest]
        smooth = np.convolve(search, np.ones(QUIET_SPAN) / QUIET_SPAN, mode="same")
        cut = low + int(np.argmin(smooth))
        spans.append((start, cut))
        start = cut
    spans.append((start, total))
    return spans


class WindowDecoder:
    """Decodes notes with one loaded model. `model`: a ctranslate2.models.Whisper; `tokenizer`: faster-whisper's
    Tokenizer for English transcription; `suppress`: token ids never generated (faster-whisper's default set).
    `refits`, `trims` and `fallbacks` count the windows decoded again on 30 s, the loops trimmed and the fallback
    beams run since loading (figures for the bench)."""

    def __init__(self, model, tokenizer, suppress: tuple[int, ...], options: DecodeOptions = DecodeOptions()) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.suppress = list(suppress)
        self.options = options
        self.refits = 0
        self.trims = 0
        self.fallbacks = 0

    def prompt(self, campus: str) -> list[int]:
        """The decoder's start: the campus prompt as previous text, then English, transcribe, no timestamps."""
        t = self.tokenizer
        previous = t.encode(" " + campus.strip())[-(MAX_LENGTH // 2 - 1):] if campus else []
        head = [t.sot_prev, *previous] if previous else []
        return [*head, *t.sot_sequence, t.no_timestamps]

    def decode(self, features: np.ndarray, prompt: list[int]) -> list[Decoded]:
        """Every window of `features` (80 x frames log-Mel of the note, faster-whisper's FeatureExtractor)."""
        margin = min(round(self.options.margin_s * FRAMES_PER_S), FULL_FRAMES // 2) if self.options.fit_window else 0
        out = []
        for start, end in cut_points(features, margin):
            span = features[:, start:end]
            if self.options.fit_window:
                decoded = self._window(span, fitted_length(end - start, margin), prompt, check=True)
                if decoded is None:  # ran away on the short window, not in a loop: the window Whisper was trained on
                    decoded = self._window(span, FULL_FRAMES, prompt, check=False)
                    decoded = replace(decoded, refit=True)
                    self.refits += 1
            else:
                decoded = self._window(span, FULL_FRAMES, prompt, check=False)
            out.append(decoded)
        return out

    def _window(self, span: np.ndarray, length: int, prompt: list[int], check: bool) -> Decoded | None:
        import ctranslate2

        content = span.shape[-1]
        # Padded with zeros as faster-whisper pads its 30 s window (padding with the note's own silence level was
        # measured no better on the dev notes).
        padded = np.zeros((1, span.shape[0], length), dtype=np.float32)
        padded[0, :, :min(content, length)] = span[:, :length]
        encoded = self.model.encode(ctranslate2.StorageView.from_array(padded))
        o = self.options
        decoded = self._generate(encoded, min(content, length), length, prompt, check, o.beam_size)
        if decoded is not None and o.fallback_beam > 1 and o.beam_size == 1 and self._failed(decoded):
            again = self._generate(encoded, min(content, length), length, prompt, check, o.fallback_beam)
            self.fallbacks += 1
            if again is not None and again.avg_logprob > decoded.avg_logprob:
                decoded = again
        return decoded

    def _failed(self, decoded: Decoded) -> bool:
        """faster-whisper's test of a decode to try again: unlikely tokens, or text that compresses like a loop."""
        text = "".join(w for w, _ in decoded.words).encode()
        ratio = len(text) / len(zlib.compress(text)) if text else 0.0
        return decoded.avg_logprob < FALLBACK_LOGPROB or ratio > FALLBACK_COMPRESSION

    def _generate(self, encoded, frames: int, length: int, prompt: list[int], check: bool,
                  beam: int) -> Decoded | None:
        o = self.options
        budget = math.ceil(TOKENS_PER_S * length / FRAMES_PER_S) + TOKENS_SLACK
        # Beam 3 by default: on 976 dev notes 36 read better than greedy and 18 worse, for about 0.06 s more CPU on a
        # 3 s note (docs/benchmarks.md, "Whisper's prompt, decoding, front-end"). No sampling fallback at higher
        # temperatures: sampling would read the same note differently twice.
        own_probs = o.word_probs == "decode" and beam == 1  # CTranslate2 returns step scores for greedy only
        result = self.model.generate(
            encoded, [prompt], beam_size=beam, num_hypotheses=max(1, min(o.hypotheses, beam)),
            max_length=min(MAX_LENGTH, len(prompt) + budget) if check else MAX_LENGTH,
            length_penalty=o.length_penalty, repetition_penalty=o.repetition_penalty,
            no_repeat_ngram_size=o.no_repeat_ngram, return_scores=True, return_no_speech_prob=True,
            return_logits_vocab=own_probs, suppress_blank=o.suppress_blank, suppress_tokens=self.suppress)[0]
        tokens = [t for t in result.sequences_ids[0] if t < self.tokenizer.eot]
        if check and (len(tokens) >= budget or _repeats(tokens)):
            end = _first_round(tokens) if o.loops == "trim" else None
            if end is None:
                return None
            tokens = tokens[:end]
            self.trims += 1
        # faster-whisper's average: cumulative log probability / (tokens + the end token), length penalty 1.
        ended = len(result.sequences_ids[0])
        avg = result.scores[0] * ended / (ended + 1)
        if not tokens:
            return Decoded((), result.no_speech_prob, avg, encoded=encoded, frames=frames)
        if own_probs:
            probs = _chosen_probabilities(result.logits[0], tokens)
        else:
            # A beam's words are scored after the same prompt it was decoded with ("align" keeps faster-whisper's
            # prompt-free scoring, for measurement).
            start = prompt if o.word_probs == "decode" else list(self.tokenizer.sot_sequence)
            aligned = self.model.align(encoded, start, [tokens], frames)[0]
            probs = list(aligned.text_token_probs)
        words, word_tokens = self.tokenizer.split_to_word_tokens(tokens + [self.tokenizer.eot])
        heard = []
        i = 0
        for word, pieces in zip(words, word_tokens[:-1]):
            n = len(pieces)
            heard.append((word, float(np.mean(probs[i:i + n]))))
            i += n
        others = self._others(result.sequences_ids[1:], budget, check)
        return Decoded(tuple(heard), result.no_speech_prob, avg, encoded=encoded, frames=frames, others=others)

    def hypotheses(self, decoded: Decoded, prompt: list[int], beam: int) -> tuple[tuple[str, ...], ...]:
        """A wider beam's finished hypotheses on `decoded`'s window (its encoder output, encoded once), best first, as
        written words: more readings of a note whose text made no sense, without scoring them word by word."""
        if decoded.encoded is None:
            return ()
        margin = min(round(self.options.margin_s * FRAMES_PER_S), FULL_FRAMES // 2)
        length = FULL_FRAMES if decoded.refit else fitted_length(decoded.frames, margin)
        budget = math.ceil(TOKENS_PER_S * length / FRAMES_PER_S) + TOKENS_SLACK
        result = self.model.generate(
            decoded.encoded, [prompt], beam_size=beam, num_hypotheses=beam,
            max_length=min(MAX_LENGTH, len(prompt) + budget), length_penalty=self.options.length_penalty,
            suppress_blank=self.options.suppress_blank, suppress_tokens=self.suppress)[0]
        return self._others(result.sequences_ids, budget, True)

    def _others(self, sequences: list[list[int]], budget: int, check: bool) -> tuple[tuple[str, ...], ...]:
        """The beam's other hypotheses as written words; a looping or runaway one is no reading of the note."""
        out = []
        for sequence in sequences:
            tokens = [t for t in sequence if t < self.tokenizer.eot]
            if not tokens or _repeats(tokens) or (check and len(tokens) >= budget):
                continue
            words, _ = self.tokenizer.split_to_word_tokens(tokens + [self.tokenizer.eot])
            out.append(tuple(words[:-1]) if words and words[-1] == "<|endoftext|>" else tuple(words))
        return tuple(out)


def _chosen_probabilities(steps, tokens: list[int]) -> list[float]:
    """The softmax probability of each chosen token among the step's scores (suppressed tokens score -inf)."""
    probs = []
    for step, token in zip(steps, tokens):
        scores = np.asarray(step, dtype=np.float32).ravel()
        top = scores.max()
        probs.append(float(np.exp(scores[token] - top) / np.exp(scores - top).sum()))
    return probs


def _first_round(tokens: list[int]) -> int | None:
    """Where the first time round ends when `tokens` end in a loop (the same run of tokens at least twice over, back
    to back, up to the end), else None. "A B C . A B C . A B" -> 4."""
    n = len(tokens)
    for size in range(2, n // 2 + 1):
        if tokens[n - 2 * size:n - size] != tokens[n - size:]:
            continue
        start = n - 2 * size
        while start > 0 and tokens[start - 1] == tokens[start - 1 + size]:
            start -= 1
        return start + size
    return None


def _repeats(tokens: list[int], least: int = 3) -> bool:
    """Whether the decode ends in the same run of tokens at least `least` times over (a runaway loop)."""
    n = len(tokens)
    for size in range(2, n // least + 1):
        tail = tokens[n - size:]
        if all(tokens[n - size * k:n - size * (k - 1)] == tail for k in range(2, least + 1)):
            return True
    return False
