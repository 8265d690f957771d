"""Cross-validated figures of the rules + judge on the tuning split only (`nlu/corpus/dev.txt`).

    .venv/bin/python -m bench.nlu_cv [--folds 5] [--failures N] [--seed 0] [--no-fresh]

The judge is trained on dev.txt, so scoring dev.txt with the shipped judge measures sentences it has seen. Here
each fold is scored by a judge trained on the other folds: the figure to tune the judge on without touching the
held-out part. A sentence and the follow-ups after it stay in one fold (a follow-up is parsed with its
predecessor's command as context). The held-out split is never read. Each fold's judge gets the confidence's
fresh-phrasing temperature as `autovolt nlu train` does (`--no-fresh`: without it, the confidence as fitted on dev).
"""

from __future__ import annotations

import argparse
import json
import random
import sys

from autovolt.vocabulary import vocabulary_from_campus
from nlu.fresh import FRESH_READS_FILE, parse_fresh_reads
from nlu.parser import Parser
from nlu.scoring import CORPUS_DIR, Example, Score, differences, read_corpus, score
from nlu.training import train_judge
from store.campus import load_campus_file
from tests.conftest import DEMO_CAMPUS


def _groups(examples: list[Example]) -> list[list[Example]]:
    groups: list[list[Example]] = []
    for ex in examples:
        if ex.follow_up and groups:
            groups[-1].append(ex)
        else:
            groups.append([ex])
    return groups


def cross_validate(folds: int, seed: int, fresh: bool = True) -> tuple[Score, list]:
    vocab = vocabulary_from_campus(load_campus_file(DEMO_CAMPUS))
    rules = Parser(vocab)
    groups = _groups(read_corpus(CORPUS_DIR / "dev.txt", vocab))
    order = list(range(len(groups)))
    random.Random(seed).shuffle(order)
    fold_of = {g: k % folds for k, g in enumerate(order)}
    reads = parse_fresh_reads(FRESH_READS_FILE.read_text(encoding="utf-8")) if fresh else None
    total, failures = Score(), []
    for k in range(folds):
        train = [ex for g, group in enumerate(groups) if fold_of[g] != k for ex in group]
        held = [ex for g, group in enumerate(groups) if fold_of[g] == k for ex in group]
        judge, _ = train_judge(rules, train, fresh_reads=reads)
        part = score(Parser(vocab, judge), held)
        for name in ("total", "intent_ok", "whole_ok", "in_scope", "out_of_scope", "false_accepts", "device_accepts",
                     "doubted_right", "doubted_wrong"):
            setattr(total, name, getattr(total, name) + getattr(part, name))
        for entity, n in part.entity_ok.items():
            total.entity_ok[entity] += n
        total.outcomes.extend(part.outcomes)
        failures.extend(part.failures)
    return total, failures


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--failures", type=int, default=0, metavar="N", help="list the first N mistakes")
    ap.add_argument("--no-fresh", action="store_true", help="no fresh-phrasing temperature (the confidence as on dev)")
    args = ap.parse_args(argv)
    total, failures = cross_validate(args.folds, args.seed, fresh=not args.no_fresh)
    report = total.report()
    counts = {"whole_ok": total.whole_ok, "false_accepts": total.false_accepts, "device_accepts": total.device_accepts}
    print(json.dumps({k: v for k, v in report.items() if k != "entity_exact_match"} | counts, indent=None))
    for ex, diffs in failures[: args.failures]:
        print(f"{ex.source}: {ex.text!r} " + "; ".join(f"{k}: want {w!r} got {g!r}" for k, (w, g) in diffs.items()),
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
