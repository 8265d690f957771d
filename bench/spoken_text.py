"""The spoken corpus (nlu/corpus/spoken) typed: each sentence straight through the text parser, i.e. what the
product would do had the recogniser heard every word exactly (the ceiling of the speech bench, without audio).

    .venv/bin/python -m bench.spoken_text [--split dev|test] [--failures N] [--json]

Reports whole-command accuracy, switches the bot would run without a question that are not the labelled ones
(over all sentences), and out-of-scope sentences accepted as any command and as a device command. Scored as
`bench.speech_natural` scores its "text (heard exactly)" row, in a second rather than an hour.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from nlu.command import Command
from nlu.scoring import CORPUS_DIR, CORPUS_NOW, Example, differences, read_corpus

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "autovolt" / "demo" / "campus.yaml"
SPOKEN = CORPUS_DIR / "spoken"


def wrong_switch(ex: Example, command: Command) -> bool:
    """A complete switch command (no question back) other than the labelled one: devices, on/off or time."""
    if command.intent != "device_control" or command.action not in ("on", "off") or command.clarification is not None:
        return False
    if ex.intent != "device_control":
        return True
    got = command.to_dict()
    return (got["action"], tuple(sorted(got["switches"])), got["when"]) != (
        ex.expected["action"], ex.expected["switches"], ex.expected["when"])


def measure(split: str) -> dict[str, object]:
    from autovolt.vocabulary import vocabulary_from_campus
    from nlu.parser import parser_for
    from store.campus import load_campus_file

    vocab = vocabulary_from_campus(load_campus_file(DEMO))
    parser = parser_for(vocab)
    examples = read_corpus(SPOKEN / f"{split}.txt", vocab)
    right = wrong = oos = oos_any = oos_device = 0
    failures = []
    for ex in examples:
        command = parser.parse(ex.text, now=CORPUS_NOW)
        diffs = differences(ex, command)
        right += not diffs
        wrong += wrong_switch(ex, command)
        if ex.intent == "unknown":
            oos += 1
            oos_any += command.intent != "unknown"
            oos_device += command.intent == "device_control"
        if diffs:
            failures.append({"source": ex.source, "text": ex.text,
                             "diffs": {k: [str(v) for v in pair] for k, pair in diffs.items()}})
    pct = lambda a, b: round(100.0 * a / b, 1) if b else None  # noqa: E731
    return {"split": split, "sentences": len(examples), "out_of_scope_sentences": oos,
            "whole_command_pct": pct(right, len(examples)), "wrong_switch_unasked_pct": pct(wrong, len(examples)),
            "out_of_scope_accepted_pct": pct(oos_any, oos), "out_of_scope_as_device_pct": pct(oos_device, oos),
            "counts": {"right": right, "wrong_switch": wrong, "oos_accepted": oos_any, "oos_as_device": oos_device},
            "failures": failures}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", choices=("dev", "test"), default="dev", help="which part (test: held out, score once)")
    ap.add_argument("--failures", type=int, default=0, metavar="N", help="also list the first N mistakes")
    ap.add_argument("--json", action="store_true", help="print the whole report, every failure included, as JSON")
    args = ap.parse_args(argv)
    report = measure(args.split)
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    c = report["counts"]
    print(f"spoken corpus typed, {report['split']} part: {report['sentences']} sentences, "
          f"{report['out_of_scope_sentences']} out of scope")
    print(f"  whole command          {report['whole_command_pct']:5.1f} %  ({c['right']})")
    print(f"  wrong switch unasked   {report['wrong_switch_unasked_pct']:5.1f} %  ({c['wrong_switch']}, of all)")
    print(f"  out of scope accepted  {report['out_of_scope_accepted_pct']:5.1f} %  ({c['oos_accepted']})")
    print(f"  ... as a device command{report['out_of_scope_as_device_pct']:6.1f} %  ({c['oos_as_device']})")
    for f in report["failures"][: args.failures]:
        print(f"{f['source']}: {f['text']!r}", file=sys.stderr)
        for key, (want, got) in f["diffs"].items():
            print(f"    {key}: want {want} got {got}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
