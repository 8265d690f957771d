"""The confidence on fresh phrasings: how the judge's calibrated confidence must be read on text no rule was tuned on.

The judge's Platt scaling is fitted on dev.txt, whose sentences the rules were tuned on, so it learns how often
a parse is right on phrasings the rules already know. On a new writer's sentences the parser is right less often at
the same score: each fresh held-out part, scored once by the parser and judge of its day, had its top bin (mean
confidence 0.996) right 95.0-98.1 % of the time. `nlu/corpus/fresh_reads.tsv` keeps those first scores (written
by `bench.nlu_fresh_reads`), one line per sentence: the part, the main commit, the confidence then, whether the
whole command was right.

The correction is one number, a temperature: the confidence's log-odds times `scale` (< 1 shrinks toward 0.5),
fitted by maximum likelihood on those pairs. It has no offset on purpose: 0.5 stays 0.5 and the order of any two
confidences is kept, so every decision taken at 0.5 (the bot's `understood_below`, the voice rule) is unchanged;
only what the number says about the odds of being right moves.

Pure: the file's text comes in as a string; `fit_scale` is a bisection in plain Python (no scikit-learn).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

FRESH_READS_FILE = Path(__file__).with_name("corpus") / "fresh_reads.tsv"
_EDGE = math.log(1e6)  # the judge clips probabilities to [1e-6, 1 - 1e-6]; log-odds beyond this mean nothing


@dataclass(frozen=True)
class FreshRead:
    """One sentence of a fresh held-out part as first scored: `part` number, main `commit`, `confidence` the parser
    of that day gave, whether the whole command was `right`, the `intent` it got, the `text`."""

    part: int
    commit: str
    confidence: float
    right: bool
    intent: str
    text: str


def parse_fresh_reads(text: str) -> list[FreshRead]:
    """The lines of `fresh_reads.tsv` (tab-separated; `#` lines are comments); a bad line raises ValueError naming
    its number."""
    reads = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        try:
            part, commit, confidence, right, intent, sentence = cols
            reads.append(FreshRead(int(part), commit, float(confidence), {"1": True, "0": False}[right], intent,
                                   sentence))
        except (ValueError, KeyError):
            raise ValueError(f"fresh_reads.tsv line {number}: expected part, commit, confidence, 1/0, intent, text "
                             f"separated by tabs, got {line!r}") from None
    return reads


def log_odds(p: float) -> float:
    """log(p / (1 - p)), clipped to +-_EDGE (so 0 and 1 are finite)."""
    if not 0 < p < 1:
        return math.copysign(_EDGE, p - 0.5)
    return max(-_EDGE, min(_EDGE, math.log(p / (1 - p))))


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


def rescale(confidence: float, scale: float) -> float:
    """`confidence` read on fresh phrasings: its log-odds times `scale`."""
    return _sigmoid(scale * log_odds(confidence))


def fit_scale(reads: list[FreshRead], high: float = 10.0) -> float:
    """The `scale` of greatest likelihood of the reads' outcomes (logistic regression on log-odds, no offset), in
    [0, high]; 1.0 (no change) when there is nothing to fit on. The log-likelihood is concave in `scale`, so its
    slope falls as `scale` grows: bisection on the slope's sign finds the top (Newton from 1.0 overshoots, since
    most log-odds sit near the clip where the curvature vanishes)."""
    pairs = [(log_odds(r.confidence), r.right) for r in reads]
    if not pairs or all(z == 0 for z, _ in pairs):
        return 1.0
    slope = lambda s: sum((right - _sigmoid(s * z)) * z for z, right in pairs)  # noqa: E731
    low = 0.0
    if slope(high) > 0:
        return high
    for _ in range(60):
        middle = (low + high) / 2
        low, high = (middle, high) if slope(middle) > 0 else (low, middle)
    return (low + high) / 2


def leave_one_part_out(reads: list[FreshRead]) -> dict[int, tuple[float, list[tuple[float, bool]]]]:
    """For each part: the scale fitted on the other parts, and the part's (rescaled confidence, right) pairs. The
    honest measure of the correction: each part is scored by a map that never saw it."""
    out = {}
    for part in sorted({r.part for r in reads}):
        scale = fit_scale([r for r in reads if r.part != part])
        out[part] = (scale, [(rescale(r.confidence, scale), r.right) for r in reads if r.part == part])
    return out
