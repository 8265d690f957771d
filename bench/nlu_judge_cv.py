"""The judge under cross-validation on dev, sentence by sentence: where its confidence is off, and how much a retrain
moves its decisions.

    .venv/bin/python -m bench.nlu_judge_cv dump OUT.json [--fold K] [--train-seed S] [--drop 0.01 --drop-seed K]
                                                         [--text-c C]
    .venv/bin/python -m bench.nlu_judge_cv reliability OUT.json [--by got|want|kind|rules]
    .venv/bin/python -m bench.nlu_judge_cv flips A.json B.json

`dump`: each fold of dev (a sentence and its follow-ups stay together; a group's fold is a hash of its first
sentence, so dropping or adding lines moves no other group) is scored by a judge trained on the other folds, as
`bench.nlu_cv` does; per sentence it writes the final intent, whether the whole command is right, the confidence
(with the fresh-phrasing temperature) and its log-odds before it, the in-scope probability, and the kind of
sentence (a line of a fresh held-out part moved to dev, `nlu/corpus/fresh_reads.tsv`, or a line written while
tuning). `--fold K` scores fold K only (a fifth of the cost). `--train-seed` trains each fold's judge with another
seed (its inner fold splits); `--text-c` with another regularisation of the text model; `--drop` leaves out that
share of each fold's training sentences, chosen by a hash of the text and `--drop-seed` (a retrain after a small
corpus change). `flips`: how many decisions differ between two dumps of the same held sentences (accepted or
refused, the intent, right or wrong, the side of 0.5). The held-out split is never read.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
from collections import Counter, defaultdict
from pathlib import Path

from autovolt.vocabulary import vocabulary_from_campus
from bench.nlu_cv import _groups  # a follow-up stays in its context's fold
from nlu.command import ParseContext
from nlu.fresh import FRESH_READS_FILE, parse_fresh_reads
from nlu.parser import Parser
from nlu.scoring import CORPUS_DIR, CORPUS_NOW, Example, Score, differences, read_corpus
from nlu.training import train_judge
from store.campus import load_campus_file
from tests.conftest import DEMO_CAMPUS

FOLDS = 5


def _hash(text: str, seed: object) -> int:
    return int(hashlib.sha256(f"{seed}:{text}".encode("utf-8")).hexdigest()[:8], 16)


def group_folds(groups: list[list[Example]]) -> list[int]:
    """Each group's fold: a hash of its first sentence, so dropping or adding other lines moves none."""
    return [_hash(g[0].text, "outer") % FOLDS for g in groups]


def _log_odds(p: float) -> float:
    p = min(max(p, 1e-9), 1 - 1e-9)
    return math.log(p / (1 - p))


def dump(out: Path, train_seed: int, drop: float, drop_seed: int, folds: list[int], text_c: float = 4.0) -> None:
    vocab = vocabulary_from_campus(load_campus_file(DEMO_CAMPUS))
    rules = Parser(vocab)
    groups = _groups(read_corpus(CORPUS_DIR / "dev.txt", vocab))
    fold_of = group_folds(groups)
    reads = parse_fresh_reads(FRESH_READS_FILE.read_text(encoding="utf-8"))
    fresh = {r.text for r in reads}
    records = []
    for k in folds:
        train = [ex for g, group in zip(fold_of, groups) if g != k for ex in group
                 if not drop or _hash(ex.text, f"drop{drop_seed}") % 10_000 >= drop * 10_000]
        held = [ex for g, group in zip(fold_of, groups) if g == k for ex in group]
        judge, report = train_judge(rules, train, text_c=text_c, seed=train_seed, fresh_reads=reads)
        print(f"fold {k}: trained on {len(train)}: {report}", file=sys.stderr)
        parser = Parser(vocab, judge)
        previous = None
        for ex in held:
            context = ParseContext(previous=previous) if ex.follow_up else None
            command = parser.parse(ex.text, context=context, now=CORPUS_NOW)
            ruled, evidence = rules.evidence(ex.text, context, CORPUS_NOW)
            previous = command
            records.append({
                "source": ex.source, "text": ex.text, "fold": k, "want": ex.intent, "rules": ruled.intent,
                "got": command.intent, "right": not differences(ex, command), "confidence": command.confidence,
                "z": _log_odds(command.confidence) / judge.fresh_scale,  # the dev-calibrated log-odds
                "p_in": judge.in_scope(evidence) if evidence is not None else None,
                "kind": "fresh" if ex.text in fresh else "tuned"})
    out.write_text(json.dumps(records), encoding="utf-8")


def ece(pairs: list[tuple[float, bool]]) -> float:
    return Score(outcomes=pairs).ece()


def reliability(path: Path, by: str | None) -> None:
    records = json.loads(path.read_text(encoding="utf-8"))
    keyed: dict[str, list] = defaultdict(list)
    for r in records:
        keyed["all"].append(r)
        if by:
            keyed[f"{by}={r[by]}"].append(r)
    total = max(ece([(r["confidence"], r["right"]) for r in records]), 1e-9)
    for key, rs in keyed.items():
        pairs = [(r["confidence"], r["right"]) for r in rs]
        share = ece(pairs) * len(rs) / len(records) / total  # of the whole split's ECE, were the other bins exact
        print(f"{key}: {len(rs)} sentences, right {sum(r['right'] for r in rs) / len(rs):.4f}, "
              f"mean confidence {sum(c for c, _ in pairs) / len(pairs):.4f}, ECE {ece(pairs):.4f} (share {share:.2f})")
        for row in Score(outcomes=pairs).reliability():
            print(f"  {row['bin']}: {row['n']:6d}  conf {row['confidence']:.3f}  right {row['right']:.3f}")


def flip_counts(a: list[dict], b: list[dict]) -> dict[str, object]:
    """How many of the sentences in both dumps (by source line) got another decision in `b` than in `a`."""
    x, y = {r["source"]: r for r in a}, {r["source"]: r for r in b}
    common = sorted(x.keys() & y.keys())
    counts = Counter({"accept": 0, "device accept": 0, "intent": 0, "right": 0, "side of 0.5": 0})
    for s in common:
        p, q = x[s], y[s]
        counts["accept"] += (p["got"] != "unknown") != (q["got"] != "unknown")
        counts["device accept"] += (p["got"] == "device_control") != (q["got"] == "device_control")
        counts["intent"] += p["got"] != q["got"]
        counts["right"] += p["right"] != q["right"]
        counts["side of 0.5"] += (p["confidence"] >= 0.5) != (q["confidence"] >= 0.5)
    return {"sentences": len(common), **counts,
            "right a": sum(x[s]["right"] for s in common), "right b": sum(y[s]["right"] for s in common),
            "ece a": round(ece([(x[s]["confidence"], x[s]["right"]) for s in common]), 4),
            "ece b": round(ece([(y[s]["confidence"], y[s]["right"]) for s in common]), 4)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="what", required=True)
    d = sub.add_parser("dump")
    d.add_argument("out", type=Path)
    d.add_argument("--train-seed", type=int, default=0)
    d.add_argument("--drop", type=float, default=0.0)
    d.add_argument("--drop-seed", type=int, default=0)
    d.add_argument("--text-c", type=float, default=4.0, help="the text model's inverse regularisation (as shipped: 4)")
    d.add_argument("--fold", type=int, action="append", help="score only this fold (repeatable; default: all)")
    r = sub.add_parser("reliability")
    r.add_argument("path", type=Path)
    r.add_argument("--by", choices=("got", "want", "kind", "rules"))
    f = sub.add_parser("flips")
    f.add_argument("a", type=Path)
    f.add_argument("b", type=Path)
    args = ap.parse_args(argv)
    if args.what == "dump":
        dump(args.out, args.train_seed, args.drop, args.drop_seed, args.fold or list(range(FOLDS)), args.text_c)
    elif args.what == "reliability":
        reliability(args.path, args.by)
    else:
        print(json.dumps(flip_counts(json.loads(args.a.read_text(encoding="utf-8")),
                                     json.loads(args.b.read_text(encoding="utf-8")))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
