"""How much the judge's veto thresholds move between retrains: train on `dev.txt` as it is and with 2 % of its
sentences dropped at random (a stand-in for the unrelated corpus edits between two retrains), and print each pair.

    .venv/bin/python -m bench.nlu_thresholds [--variants 6] [--drop 0.02]

The held-out split is never read.
"""

from __future__ import annotations

import argparse
import random
import sys
import time

from autovolt.vocabulary import vocabulary_from_campus
from nlu.parser import Parser
from nlu.scoring import CORPUS_DIR, read_corpus
from nlu.training import train_judge
from store.campus import load_campus_file
from tests.conftest import DEMO_CAMPUS


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--variants", type=int, default=6)
    ap.add_argument("--drop", type=float, default=0.02)
    args = ap.parse_args(argv)
    vocab = vocabulary_from_campus(load_campus_file(DEMO_CAMPUS))
    rules = Parser(vocab)
    examples = read_corpus(CORPUS_DIR / "dev.txt", vocab)
    vetoes, devices = [], []
    for k in range(args.variants):
        rnd = random.Random(k)
        kept = [ex for ex in examples if k == 0 or rnd.random() > args.drop]  # variant 0: the corpus as it is
        cpu = time.process_time()
        judge, _ = train_judge(rules, kept)
        vetoes.append(judge.veto_below)
        devices.append(judge.veto_device_below)
        print(f"variant {k}: {len(kept)} sentences, veto_below {judge.veto_below}, veto_device_below "
              f"{judge.veto_device_below}, training {time.process_time() - cpu:.1f} s CPU", flush=True)
    print(f"veto_below {min(vetoes)}-{max(vetoes)}, veto_device_below {min(devices)}-{max(devices)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
