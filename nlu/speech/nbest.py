"""Choosing among a constrained pass's N best sentences with what the campus registry knows.

The grammar accepts any device word with any room, so the acoustically best sentence may be "turn off the fans in
lab two" when Lab 2 has no fans, while "turn off the plugs in lab two", a close second, is a real command. The
parser already knows which rooms hold which switches (from the Vocabulary): a sentence it reads as a complete
command, with no question back, is consistent with the registry. Pure functions: hypotheses and a reader in, a
choice and a margin out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from nlu.command import Command
from nlu.vocabulary import Vocabulary

# How many distinct sentences, best first, may replace the 1-best. Chosen on the even-numbered bench sentences
# (0, 3, 5, 10 tried, bench/speech_calibrate.py): deeper finds more right commands at 10 dB; wrong commands did not
# rise from 5 to 10 on that half (docs/benchmarks.md).
CHOICE_DEPTH = 10
# Lead (per 10 ms frame, logmath units) over the best rival command at which confidence is 0.75, the midpoint of
# the trusted range 0.5..1 (see `confidence_from_margin`).
MARGIN_HALF = 1.0
# The fields that make two readings the same command (what the benchmark compares, too).
_SAME = ("intent", "action", "device_types", "rooms", "switches", "when", "period", "everything", "operation")

Reader = Callable[[str], "Command | None"]


@dataclass(frozen=True)
class Hypothesis:
    """One sentence of the constrained pass: `text` as the decoder spelled it, `score` its path score (logmath
    units, higher is better)."""

    text: str
    score: int


def distinct(hypotheses: Iterable[Hypothesis]) -> list[Hypothesis]:
    """Hypotheses in the order given, each text once (the decoder's N-best list repeats sentences that differ
    only in timing)."""
    seen: set[str] = set()
    out = []
    for hyp in hypotheses:
        if hyp.text and hyp.text not in seen:
            seen.add(hyp.text)
            out.append(hyp)
    return out


def choose(candidates: Sequence[Hypothesis], read: Reader, depth: int = CHOICE_DEPTH) -> Hypothesis | None:
    """The best-scoring of the first `depth` candidates that `read` accepts as a complete, registry-consistent
    command; None when none of them is."""
    return next((hyp for hyp in candidates[:depth] if read(hyp.text) is not None), None)


def margin(chosen: Hypothesis, candidates: Sequence[Hypothesis], read: Reader, frames: int) -> float | None:
    """How far (per frame) `chosen` scores above the best candidate that reads as a *different* complete command;
    None when no candidate does (nothing else the campus could mean fits the sound)."""
    mine = read(chosen.text)
    if mine is None:
        return None
    for hyp in candidates:
        if hyp.text == chosen.text:
            continue
        other = read(hyp.text)
        if other is not None and not same_command(other, mine):
            return (chosen.score - hyp.score) / max(1, frames)
    return None


def confidence_from_margin(lead: float | None) -> float:
    """A trusted transcript's confidence, 0.5..1: 0.5 + 0.5 * lead / (lead + MARGIN_HALF); 1.0 with no rival.
    A small lead means a different command sounded almost as likely: the bot asks before switching."""
    if lead is None:
        return 1.0
    lead = max(0.0, lead)
    return 0.5 + 0.5 * lead / (lead + MARGIN_HALF)


def same_command(a: Command, b: Command) -> bool:
    return all(getattr(a, name) == getattr(b, name) for name in _SAME)


def command_reader(vocabulary: Vocabulary, now: dt.datetime | None = None) -> Reader:
    """text -> its Command when the parser reads it as complete (a known intent and no question back, so every
    room named holds the devices named), else None. One `now` for all readings keeps "in ten minutes" equal
    between hypotheses. Results are memoised per reader (one voice note)."""
    from nlu.parser import parser_for  # spaCy loads here, not when only transcribing

    parser = parser_for(vocabulary)
    moment = now or dt.datetime.now(dt.timezone.utc)
    memo: dict[str, Command | None] = {}

    def read(text: str) -> Command | None:
        if text not in memo:
            command = parser.parse(text, now=moment)
            memo[text] = command if command.intent != "unknown" and not command.clarification else None
        return memo[text]

    return read
