"""How stable the judge's decisions are between retrains, and what a change to its training costs, on dev only.

    .venv/bin/python -m bench.nlu_judge_stability cv|parts|flips [--bagged 0|1] [--tolerance N] [--drop 0.01]
        [--seeds 1 2]

`cv`: `bench.nlu_judge_cv dump`'s cross-validation (folds by a hash of each group's first sentence; `--fold K`
for some of them), the whole-command, out-of-scope and ECE figures summed.
`parts`: leave one fresh part out (PARTS 10-15 of `bench.nlu_fresh_reads`): the judge trained on dev without that
part's lines scores the part with today's rules. The rules were tuned on these parts, so the figure is optimistic
for the rules but fair for the judge (it never saw the part).
`flips`: two judges trained on all of dev less 1 % of its lines (each its own seeded draw, by a hash of the text)
parse every dev sentence; counts the sentences whose decision differs (accepted or refused, device command or not,
intent, whole command right). `--bagged` picks the text model's training (`nlu.training.BAGGED`), `--tolerance`
the veto thresholds' slack (`nlu.training.THRESHOLD_TOLERANCE`, in false accepts; 0: the least alone). The
held-out split is never read.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
from pathlib import Path

import nlu.training as training
from autovolt.vocabulary import vocabulary_from_campus
from bench.nlu_judge_cv import dump, ece
from bench.nlu_fresh_reads import PARTS
from nlu.command import Command, ParseContext
from nlu.fresh import FRESH_READS_FILE, parse_fresh_reads
from nlu.parser import Parser
from nlu.scoring import CORPUS_DIR, CORPUS_NOW, Example, differences, read_corpus, score
from store.campus import load_campus_file
from tests.conftest import DEMO_CAMPUS

HELD_PARTS = (10, 11, 12, 13, 14, 15)


def _figures(s) -> dict[str, object]:
    r = s.report()
    return {k: r[k] for k in ("sentences", "whole_command_accuracy", "false_accept_rate", "device_accept_rate", "ece")
            if k in r} | {"whole_ok": s.whole_ok, "false_accepts": s.false_accepts, "device_accepts": s.device_accepts}


def _part_of(examples: list[Example]) -> dict[int, int]:
    """Index of each example -> its fresh part (by its dev.txt line number, `source` is "dev.txt:N")."""
    out = {}
    for k, ex in enumerate(examples):
        line = int(ex.source.rsplit(":", 1)[1])
        for part in HELD_PARTS:
            _, _, first, last = PARTS[part]
            if first <= line <= last:
                out[k] = part
    return out


def cv(folds: list[int]) -> dict[str, object]:
    """`bench.nlu_judge_cv dump` on `folds` (each scored by a judge trained on the other folds), summed."""
    out = Path(tempfile.mkstemp(suffix=".json")[1])
    dump(out, 0, 0.0, 0, folds)
    records = json.loads(out.read_text(encoding="utf-8"))
    outside = [r for r in records if r["want"] == "unknown"]
    return {"folds": folds, "sentences": len(records), "whole_ok": sum(r["right"] for r in records),
            "out_of_scope": len(outside), "false_accepts": sum(r["got"] != "unknown" for r in outside),
            "device_accepts": sum(r["got"] == "device_control" for r in outside),
            "ece": round(ece([(r["confidence"], r["right"]) for r in records]), 4), "dump": str(out)}


def parts(vocab, rules, examples, reads, chosen: list[int]) -> dict[str, object]:
    part_of = _part_of(examples)
    result = {}
    for part in chosen:
        train = [ex for k, ex in enumerate(examples) if part_of.get(k) != part]
        held = [ex for k, ex in enumerate(examples) if part_of.get(k) == part]
        judge, _ = training.train_judge(rules, train, fresh_reads=[r for r in reads if r.part != part])
        s = score(Parser(vocab, judge), held)
        result[part] = _figures(s)
        print(f"part {part}: {result[part]}", file=sys.stderr, flush=True)
    keys = ("sentences", "whole_ok", "false_accepts", "device_accepts")
    result["sum"] = {k: sum(result[p][k] for p in chosen) for k in keys}
    return result


def _dropped(text: str, seed: int, share: float) -> bool:
    return int(hashlib.sha256(f"drop{seed}:{text}".encode("utf-8")).hexdigest()[:8], 16) % 10_000 < share * 10_000


def _decisions(parser: Parser, examples: list[Example]) -> list[tuple[Command, bool]]:
    out, previous = [], None
    for ex in examples:
        context = ParseContext(previous=previous) if ex.follow_up else None
        command = parser.parse(ex.text, context=context, now=CORPUS_NOW)
        previous = command
        out.append((command, not differences(ex, command)))
    return out


def flips(vocab, rules, examples, reads, share: float, seeds: list[int]) -> dict[str, object]:
    runs, vetoes = [], []
    for seed in seeds:
        kept = [ex for ex in examples if not _dropped(ex.text, seed, share)]
        judge, _ = training.train_judge(rules, kept, fresh_reads=reads)
        vetoes.append((judge.veto_below, judge.veto_device_below))
        runs.append(_decisions(Parser(vocab, judge), examples))
    (a, b) = runs[:2]
    count = lambda f: sum(f(x) != f(y) for x, y in zip(a, b))  # noqa: E731
    return {"sentences": len(examples), "vetoes": vetoes,
            "accept": count(lambda d: d[0].intent not in ("unknown",)),
            "device": count(lambda d: d[0].intent == "device_control"),
            "intent": count(lambda d: d[0].intent), "right": count(lambda d: d[1]),
            "right_a": sum(r for _, r in a), "right_b": sum(r for _, r in b)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("what", choices=("cv", "parts", "flips"))
    ap.add_argument("--bagged", type=int, choices=(0, 1), default=int(training.BAGGED))
    ap.add_argument("--tolerance", type=float, default=training.THRESHOLD_TOLERANCE)
    ap.add_argument("--drop", type=float, default=0.01)
    ap.add_argument("--seeds", type=int, nargs=2, default=[1, 2])
    ap.add_argument("--fold", type=int, action="append", help="cv: score only this fold (default: all five)")
    ap.add_argument("--part", type=int, action="append", help="parts: leave out only this part (default: 10-15)")
    args = ap.parse_args(argv)
    training.BAGGED = bool(args.bagged)
    training.THRESHOLD_TOLERANCE = args.tolerance
    started = time.monotonic()
    if args.what == "cv":
        result: dict[str, object] = cv(args.fold or [0, 1, 2, 3, 4])
    else:
        vocab = vocabulary_from_campus(load_campus_file(DEMO_CAMPUS))
        rules = Parser(vocab)
        examples = read_corpus(CORPUS_DIR / "dev.txt", vocab)
        reads = parse_fresh_reads(FRESH_READS_FILE.read_text(encoding="utf-8"))
        result = parts(vocab, rules, examples, reads, args.part or list(HELD_PARTS)) if args.what == "parts" else \
            flips(vocab, rules, examples, reads, args.drop, args.seeds)
    print(json.dumps({"what": args.what, "bagged": args.bagged, "tolerance": args.tolerance, **result,
                      "seconds": round(time.monotonic() - started)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
