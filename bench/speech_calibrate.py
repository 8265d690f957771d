"""Calibrate PocketSphinx's acceptance rule and the bot's voice-confirmation threshold on the benchmark's notes.

    .venv/bin/python -m bench.speech_calibrate [--count 120] [--cache DIR]

Both passes run once per note (`PocketSphinxEngine.evidence`); then `nlu.speech.sphinx.decide`, the function the
engine itself uses, is replayed for each rule: phone-error-rate midpoint x score-gap minimum x N-best choice depth
(depth 0: the decoder's 1-best alone, the rule before the N-best choice). Rules are meant to be chosen on the
even-numbered sentences and checked on the odd ones, so both halves are printed (accuracy / wrong commands /
out-of-scope accepted, %, clean then 10 dB). A second table shows, for the default rule,
what share of accepted *device commands* each `voice_confirm_below` would stop when wrong and make ask when right.
"""

from __future__ import annotations

import argparse
import itertools
import tempfile
from dataclasses import dataclass
from pathlib import Path

from autovolt.vocabulary import vocabulary_from_campus
from bench.speech_bench import DEMO, NOW, norm, same_command
from bench.speech_corpus import OUT_OF_SCOPE, english_commands
from nlu.audio import decode_audio
from nlu.speech import load_engine
from nlu.speech.nbest import command_reader
from nlu.speech.sphinx import Evidence, Rule, _tidy, decide
from store.campus import load_campus_file
from tests.speech.synth import ENGLISH_VOICES, NoteCache

PER_MIDPOINTS = (0.84, 0.88, 0.92)
GAP_MINS = (-4.0, -3.0, -2.0)
DEPTHS = (0, 3, 5, 10)  # 0: the 1-best only (no registry choice)
CONFIRM_BELOW = (0.6, 0.7, 0.75, 0.8, 0.9)


@dataclass(frozen=True)
class Note:
    """One benchmark note: `sentence` (None for out-of-scope speech), its index, noise, and the engine's evidence."""

    sentence: str | None
    index: int
    noise: float | None
    evidence: Evidence


def collect(count: int, cache: NoteCache) -> list[Note]:
    vocab = vocabulary_from_campus(load_campus_file(DEMO))
    engine = load_engine()
    grammar = engine.grammar_for(vocab)
    notes = []
    for noise in (None, 10.0):
        for i, sentence in enumerate(english_commands(vocab, count)):
            audio = cache.get(sentence, ENGLISH_VOICES[i % len(ENGLISH_VOICES)], noise, seed=i)
            notes.append(Note(sentence, i, noise, engine.evidence(decode_audio(audio).samples, grammar)))
        for i, sentence in enumerate(OUT_OF_SCOPE):
            for voice in ENGLISH_VOICES[:3]:
                audio = cache.get(sentence, voice, noise, seed=i)
                notes.append(Note(None, i, noise, engine.evidence(decode_audio(audio).samples, grammar)))
    return notes


def main() -> None:
    from nlu.parser import parser_for

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", type=int, default=120)
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "autovolt-speech-bench")
    args = ap.parse_args()
    vocab = vocabulary_from_campus(load_campus_file(DEMO))
    engine = load_engine()
    grammar = engine.grammar_for(vocab)
    parser = parser_for(vocab)
    campus = command_reader(vocab, NOW)
    notes = collect(args.count, NoteCache(args.cache))

    def outcome(note: Note, rule: Rule) -> tuple[str, float]:
        """("right" | "wrong" | "refused" | "accepted" (out of scope), confidence)."""
        accepted = decide(note.evidence, grammar, engine.pronounce, rule, campus)
        if accepted is None:
            return "refused", 0.0
        if note.sentence is None:
            return "accepted", accepted[1]
        got = parser.parse(_tidy(accepted[0]), now=NOW)
        return ("right" if same_command(got, parser.parse(norm(note.sentence), now=NOW)) else "wrong"), accepted[1]

    def cells(rule: Rule, half: int) -> str:
        out = []
        for noise in (None, 10.0):
            mine = [n for n in notes if n.noise == noise and n.index % 2 == half]
            commands = [outcome(n, rule)[0] for n in mine if n.sentence is not None]
            others = [outcome(n, rule)[0] for n in mine if n.sentence is None]
            out.append(f"{100 * commands.count('right') / len(commands):5.1f}/{100 * commands.count('wrong') / len(commands):4.1f}"
                       f"/{100 * others.count('accepted') / len(others):4.1f}")
        return "  ".join(out)

    print("rule (PER midpoint, gap min, depth) | even: clean acc/wrong/oos  10 dB | odd: clean  10 dB")
    for per, gap, depth in itertools.product(PER_MIDPOINTS, GAP_MINS, DEPTHS):
        rule = Rule(per, gap, depth)
        mark = " (default)" if rule == Rule() else ""
        print(f"PER {per:.2f} gap {gap:+.0f} depth {depth:2d}{mark:10s} | {cells(rule, 0)} | {cells(rule, 1)}")

    print("\nvoice_confirm_below (default rule; accepted device commands) | wrong ones stopped | right ones asked")
    control = []
    for note in notes:
        accepted = decide(note.evidence, grammar, engine.pronounce, Rule(), campus)
        if accepted is not None and parser.parse(_tidy(accepted[0]), now=NOW).intent == "device_control":
            control.append((outcome(note, Rule())[0] == "right", accepted[1], note.index % 2))
    for threshold in CONFIRM_BELOW:
        row = []
        for half in (0, 1):
            mine = [c for c in control if c[2] == half]
            wrong = [c for c in mine if not c[0]]
            right = [c for c in mine if c[0]]
            row.append(f"{sum(c[1] < threshold for c in wrong)}/{len(wrong)} stopped, "
                       f"{sum(c[1] < threshold for c in right)}/{len(right)} asked")
        print(f"{threshold:.2f} | even: {row[0]} | odd: {row[1]}")


if __name__ == "__main__":
    main()
