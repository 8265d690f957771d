"""How the parser of the day did on each fresh held-out part when it was first scored: per sentence, the
confidence it gave and whether the whole command was right. Writes `nlu/corpus/fresh_reads.tsv`, which
`autovolt nlu train` fits the fresh-phrasing calibration on (`nlu.training.fit_fresh_map`).

    .venv/bin/python -m bench.nlu_fresh_reads [--scratch /work/wt] [--keep]

Each part is parsed by the code and judge of the main commit it was scored at (docs/benchmarks.md, "A ... fresh
held-out part, scored once"), checked out in a scratch worktree and run there (`--worker`, with that tree first on
the path), with the judge's confidence before any fresh-phrasing temperature of its day (the one being fitted).
The sentences and labels are the part's lines as they are now in `dev.txt`: labels relabelled to the
corpus conventions after a score are the truth, not the writer's slips.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "nlu" / "corpus" / "fresh_reads.tsv"
# part -> (main commit it was first scored at, file, first and last line of the part in that file).
PARTS = {
    1: ("b54a337", "dev.txt", 2725, 3341),
    2: ("fef393f", "dev.txt", 3344, 3834),
    3: ("ef15e03", "dev.txt", 4025, 4606),
    4: ("894b8dc", "dev.txt", 4664, 5208),
    5: ("5bf4818", "dev.txt", 5285, 5833),
    6: ("8d99b25", "dev.txt", 5922, 6534),
    7: ("c41974c", "dev.txt", 6627, 7199),
    8: ("5ce2de5", "dev.txt", 7313, 7885),
    9: ("61f6f24", "dev.txt", 7971, 8567),
    10: ("e9c9cdf", "dev.txt", 8728, 9335),
    11: ("694311a", "dev.txt", 9485, 10058),
    12: ("6b33970", "dev.txt", 10131, 10749),
    13: ("4eb3416", "dev.txt", 10759, 11373),
    14: ("dd36357", "dev.txt", 11596, 12167),
    15: ("a79a9cf", "dev.txt", 12347, 12914),
    16: ("4a13049", "dev.txt", 13471, 14060),
    17: ("3abac65", "dev.txt", 14219, 14784),
    18: ("bb29474", "dev.txt", 14936, 15546),
    19: ("c133dd8", "dev.txt", 15668, 16251),
    20: ("e75873f", "dev.txt", 16374, 16930),
}


def worker(corpus: Path) -> int:
    """Run with the old tree first on `sys.path`: parse `corpus` as that day's parser and judge did."""
    from autovolt.vocabulary import vocabulary_from_campus
    from nlu.command import ParseContext
    from nlu.parser import Parser, default_judge
    from nlu.scoring import CORPUS_NOW, differences, read_corpus
    from store.campus import load_campus_file

    import nlu
    tree = Path(nlu.__file__).resolve().parent.parent
    print(f"parsing with the code in {tree}", file=sys.stderr)
    campus = tree / "autovolt" / "demo" / "campus.yaml"
    vocab = vocabulary_from_campus(load_campus_file(campus))
    judge = default_judge()
    if getattr(judge, "fresh_scale", 1.0) != 1.0:
        # A judge that already reads its confidence for fresh phrasings (the eighth part's on): record the
        # dev-calibrated confidence, as the parts scored before that had, or the temperature would be fitted on
        # confidences it had shrunk once already (part 8 left out: ECE 0.018 as scored, 0.106 shrunk twice).
        import dataclasses
        judge = dataclasses.replace(judge, fresh_scale=1.0)
    parser = Parser(vocab, judge)
    previous = None
    for ex in read_corpus(corpus, vocab):
        context = ParseContext(previous=previous) if ex.follow_up else None
        command = parser.parse(ex.text, context=context, now=CORPUS_NOW)
        previous = command
        print(json.dumps({"text": ("+ " if ex.follow_up else "") + ex.text, "want": ex.intent, "got": command.intent,
                          "confidence": command.confidence, "right": not differences(ex, command)}))
    return 0


def _lines(commit: str, name: str, first: int, last: int) -> str:
    path = ROOT / "nlu" / "corpus" / name
    lines = path.read_text(encoding="utf-8").splitlines()[first - 1:last]
    return "\n".join(line for line in lines if line.strip() and not line.startswith("#")) + "\n"


def harvest(scratch: Path, keep: bool) -> list[dict]:
    rows = []
    for part, (commit, name, first, last) in PARTS.items():
        tree = scratch / f"scratch-{part}"
        if not tree.exists():
            subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "-q", "--detach", str(tree), commit], check=True)
        with tempfile.NamedTemporaryFile("w", suffix=".txt", encoding="utf-8", delete=False) as tmp:
            tmp.write(_lines(commit, name, first, last))
        proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--worker", tmp.name], check=True,
                             capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(tree)},
                             cwd=tree)
        out = proc.stdout
        print(next((x for x in proc.stderr.splitlines() if x.startswith("parsing with")), ""), file=sys.stderr)
        Path(tmp.name).unlink()
        got = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
        rows += [{"part": part, "commit": commit, **r} for r in got]
        wrong = sum(not r["right"] for r in got)
        print(f"part {part} at {commit}: {len(got)} sentences, {wrong} wrong", file=sys.stderr)
        if not keep:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--scratch", type=Path, default=Path("/work/wt"), help="where the scratch worktrees go")
    ap.add_argument("--keep", action="store_true", help="keep the scratch worktrees")
    args = ap.parse_args(argv)
    if args.worker:
        return worker(args.worker)
    rows = harvest(args.scratch, args.keep)
    header = ("# Fresh held-out parts as first scored: part, main commit, confidence, whole command right (1/0), "
              "intent got, sentence.\n# Written by `python -m bench.nlu_fresh_reads`; read by `autovolt nlu train`.\n")
    OUT.write_text(header + "".join(
        f"{r['part']}\t{r['commit']}\t{r['confidence']:.6f}\t{int(r['right'])}\t{r['got']}\t{r['text']}\n"
        for r in rows), encoding="utf-8")
    print(f"wrote {OUT} ({len(rows)} sentences)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
