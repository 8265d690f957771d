"""The confidence on fresh phrasings: how the judge's calibrated confidence must be read on text no rule was tuned on.

The judge's Platt scaling is fitted on dev.txt, whose sentences the rules were tuned on, so it learns how often
a parse is right on phrasings the rules already know. On a new writer's sentences the parser is right less often at
the same score: each fresh held-out part, scored once by the parser and judge of its day, had its top bin (mean
confidence 0.996) right 95.0-98.1 % of the time. `nlu/corpus/fresh_reads.tsv` keeps those first scores (written
by `bench.nlu_fresh_reads`), one line per sentence: the part, the main commit, the confidence then, whether the
whole command was right.

The correction is one number, a shift: a confidence c reads `shift + (1 - 2 * shift) * c`, fitted by maximum
likelihood on those pairs. It says that a share of the parses (about 2 in 100) go wrong on new phrasings in ways the
judge cannot see (its evidence is the same whether the rules then read the room right or not), whatever the judge
thought of them. It replaced a temperature on the log-odds (2026-12-07), which depended on how far out the day's
judge put its log-odds: as the corpus grew the judge's log-odds drew in (median 7.8-9.7 on the parts scored by
the judges of parts 1 to 10, 6.3 on part 13, 5.8 today), so a temperature fitted on the old ones shrank today's too
much (part 13 left out: ECE 0.042 with it, 0.013 with the shift; docs/benchmarks.md). Like the temperature it keeps
0.5 at 0.5 and the order of any two confidences, so every decision taken at 0.5 (the bot's `understood_below`, the
voice rule) is unchanged; only what the number says about the odds of being right moves.

Pure: the file's text comes in as a string; `fit_shift` is a bisection in plain Python (no scikit-learn).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

FRESH_READS_FILE = Path(__file__).with_name("corpus") / "fresh_reads.tsv"


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


def reshift(confidence: float, shift: float) -> float:
    """`confidence` read on fresh phrasings: `shift` of the way toward 0.5 from either end."""
    return shift + (1.0 - 2.0 * shift) * confidence


_MOST = 0.5 - 1e-9  # a shift of 0.5 would make every confidence 0.5


def fit_shift(reads: list[FreshRead]) -> float:
    """The `shift` of greatest likelihood of the reads' outcomes, in [0, 0.5); 0.0 (no change) when there is nothing
    to fit on, or when the reads are right at least as often as they claim (the shift only ever pulls toward 0.5).
    Each outcome's likelihood is linear in `shift`, so the log-likelihood is concave: bisection on its slope's sign
    finds the top."""
    pairs = [(min(max(r.confidence, 0.0), 1.0), r.right) for r in reads]

    def slope(e: float) -> float:
        total = 0.0
        for c, right in pairs:
            p = e + (1.0 - 2.0 * e) * c
            total += (1.0 - 2.0 * c) / p if right else (2.0 * c - 1.0) / (1.0 - p)
        return total

    if not pairs or slope(0.0) <= 0:
        return 0.0
    low, high = 0.0, _MOST
    for _ in range(60):
        middle = (low + high) / 2
        low, high = (middle, high) if slope(middle) > 0 else (low, middle)
    return (low + high) / 2


def leave_one_part_out(reads: list[FreshRead]) -> dict[int, tuple[float, list[tuple[float, bool]]]]:
    """For each part: the shift fitted on the other parts, and the part's (shifted confidence, right) pairs. The
    honest measure of the correction: each part is scored by a map that never saw it."""
    out = {}
    for part in sorted({r.part for r in reads}):
        shift = fit_shift([r for r in reads if r.part != part])
        out[part] = (shift, [(reshift(r.confidence, shift), r.right) for r in reads if r.part == part])
    return out
