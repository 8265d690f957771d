"""`autovolt nlu`: the text parser from the command line.

- `autovolt nlu parse --campus FILE [--now ISO] [TEXT ...]`: one JSON command per message (each argument, or else
  each stdin line), same order, no database.
- `autovolt nlu score [--campus FILE] [--split dev|test|all]`: accuracy and calibration on the labelled corpus.
- `autovolt nlu train [--out FILE]`: train the judge (out-of-scope veto, calibrated confidence) on the tuning split
  and the fresh held-out parts' first scores (`nlu/corpus/fresh_reads.tsv`), and write its weights (by default the
  file shipped in the package, `nlu/models/judge.json`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import sys
from pathlib import Path

DEMO_CAMPUS = Path(__file__).resolve().parent.parent / "demo" / "campus.yaml"


def register(subparsers: argparse._SubParsersAction) -> None:
    group = subparsers.add_parser("nlu", help="understand text: parse messages, score the parser")
    sub = group.add_subparsers(dest="nlu_command", metavar="ACTION")
    parse = sub.add_parser("parse", help="parse messages (arguments, or stdin lines), write one JSON command per line")
    parse.add_argument("text", nargs="*", help="messages to parse, one per argument; without any, each stdin line")
    parse.add_argument("--campus", required=True, type=Path, help="campus registry YAML")
    parse.add_argument("--now", help="reference time, ISO 8601 (naive = campus time zone); default: now")
    parse.add_argument("--audio", type=Path, help="parse this voice note / audio file instead of stdin")
    parse.set_defaults(func=_parse)
    score = sub.add_parser("score", help="score the parser on the labelled corpus in nlu/corpus")
    score.add_argument("--campus", type=Path, default=DEMO_CAMPUS, help="campus the corpus is labelled for (default: demo)")
    score.add_argument("--split", choices=("dev", "test", "all"), default="all", help="which part of the corpus")
    score.add_argument("--failures", type=int, default=0, metavar="N", help="also list the first N mistakes")
    score.add_argument("--json", action="store_true", help="print the report as JSON")
    score.set_defaults(func=_score)
    score.add_argument("--no-judge", action="store_true", help="score the rules alone (no out-of-scope model)")
    train = sub.add_parser("train", help="train the out-of-scope and confidence model on the tuning corpus")
    train.add_argument("--out", type=Path, help="where to write the weights (default: the packaged judge.json)")
    train.set_defaults(func=_train)
    group.set_defaults(func=lambda args: (group.print_help(), 2)[1])


def _vocabulary(path: Path):
    from autovolt.cli import UserError
    from autovolt.vocabulary import vocabulary_from_campus
    from store.campus import CampusFileError, load_campus_file

    try:
        return vocabulary_from_campus(load_campus_file(path))
    except CampusFileError as exc:
        raise UserError(str(exc)) from None


def _now(text: str | None) -> dt.datetime | None:
    from autovolt.cli import UserError

    if text is None:
        return None
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise UserError(f"--now: expected an ISO 8601 time such as 2026-11-26T10:00:00, got {text!r}") from None


def _parse(args: argparse.Namespace) -> int:
    from nlu.parser import Parser, default_judge

    vocab = _vocabulary(args.campus)
    now = _now(args.now)
    if args.text and args.audio is not None:
        from autovolt.cli import UserError

        raise UserError("give either --audio or messages to parse, not both")
    if args.audio is not None:
        from autovolt.commands.voice import parse_audio

        print(parse_audio(args.audio, vocab, now))
        return 0
    parser = Parser(vocab, default_judge())
    # Undecodable bytes must not stop the stream: they become U+FFFD and the line parses as `unknown`.
    stdin = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace", newline=None)
    out = sys.stdout
    for line in args.text or stdin:
        command = parser.parse(line.rstrip("\r\n"), now=now)
        out.write(json.dumps(command.to_dict(), ensure_ascii=False) + "\n")
    out.flush()
    return 0


def _score(args: argparse.Namespace) -> int:
    from nlu.parser import Parser, default_judge
    from nlu.scoring import CORPUS_DIR, read_corpus, score

    vocab = _vocabulary(args.campus)
    parser = Parser(vocab, None if args.no_judge else default_judge())
    splits = ("dev", "test") if args.split == "all" else (args.split,)
    reports, failures = {}, []
    for split in splits:
        result = score(parser, read_corpus(CORPUS_DIR / f"{split}.txt", vocab))
        reports[split] = result.report()
        failures += result.failures
    if args.json:
        print(json.dumps({"splits": reports}, indent=2))
    else:
        for split, report in reports.items():
            label = "tuning" if split == "dev" else "held out"
            print(f"{split} ({label}): {report['sentences']} sentences, {report['out_of_scope_sentences']} out of scope")
            if not report["sentences"]:
                continue  # test.txt between held-out parts: nothing to score, no rates to print
            print(f"  intent accuracy         {report['intent_accuracy']:5.1f} %   (target >= 97)")
            print(f"  whole-command accuracy  {report['whole_command_accuracy']:5.1f} %   (target >= 97)")
            print(f"  false accepts           {report['false_accept_rate']:5.1f} %   (target <= 2, out-of-scope sentences)")
            print(f"  ... as a device command {report['device_accept_rate']:5.1f} %   (target <= 0.5)")
            print(f"  calibration error (ECE) {report['ece']:6.3f}   (target <= 0.05); confidence bins: " + ", ".join(
                f"{row['bin']} n={row['n']} conf {row['confidence']:.2f} right {row['right']:.2f}"
                for row in report["reliability"]))
            print("  entity exact match, in-scope sentences: " + ", ".join(
                f"{entity} {value:.1f} %" for entity, value in report["entity_exact_match"].items()))
    for ex, diffs in failures[: args.failures]:
        print(f"{ex.source}: {ex.text!r}", file=sys.stderr)
        for key, (want, got) in diffs.items():
            print(f"    {key}: want {want!r} got {got!r}", file=sys.stderr)
    return 0


def _train(args: argparse.Namespace) -> int:
    import json

    from nlu.fresh import FRESH_READS_FILE, parse_fresh_reads
    from nlu.judge import JUDGE_FILE
    from nlu.parser import Parser
    from nlu.scoring import CORPUS_DIR, read_corpus
    from nlu.training import train_judge

    vocab = _vocabulary(DEMO_CAMPUS)  # the corpus is labelled against the demo campus
    path = CORPUS_DIR / "dev.txt"
    fresh = parse_fresh_reads(FRESH_READS_FILE.read_text(encoding="utf-8"))  # shipped with the package
    judge, report = train_judge(Parser(vocab), read_corpus(path, vocab), path.read_text(encoding="utf-8"),
                                fresh_reads=fresh)
    out = args.out or JUDGE_FILE
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(judge.to_dict(), separators=(",", ":"), sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {out} ({out.stat().st_size // 1024} KiB); " + ", ".join(f"{k} {v}" for k, v in report.items()))
    return 0
