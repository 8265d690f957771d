"""Where the device slot (nlu/speech/deviceslot.py) could turn a sentence into a command, read on the dev texts alone.

    .venv/bin/python -m bench.slot_reach [--list N]

Each dev sentence of the text corpus (nlu/corpus/dev.txt) and of the spoken corpus (nlu/corpus/spoken/dev.txt) is
given to the slot as if Whisper had written it word for word; the slot's fills that the parser reads are counted.
No audio: a fill listed here is only tried on a note, and taken when it scores within the margin of Whisper's own
text. So the out-of-scope rows are the upper bound of what the slot could accept there, and the device commands
among them the switches it could ask about (a filled slot always asks first). Held-out files are never read.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from nlu.scoring import CORPUS_DIR, CORPUS_NOW, read_corpus
from nlu.speech.nbest import command_reader
from nlu.speech.rescore import Candidate, RescoreRules, parser_text, slot_readings

DEV_FILES = {"text": CORPUS_DIR / "dev.txt", "spoken": CORPUS_DIR / "spoken" / "dev.txt"}


def _demo_vocabulary():
    from autovolt.vocabulary import vocabulary_from_campus
    from store.campus import load_campus_file

    return vocabulary_from_campus(load_campus_file(Path(__file__).resolve().parent.parent / "autovolt" / "demo"
                                                   / "campus.yaml"))


def reach(path: Path, vocabulary, rules: RescoreRules) -> dict[str, object]:
    """Per corpus file: sentences, how many get any slot reading that parses, and of the out-of-scope ones how many
    get one and how many get one the parser reads as a device command (with the first readings)."""
    read = command_reader(vocabulary, now=CORPUS_NOW)
    examples = [e for e in read_corpus(path, vocabulary) if not e.follow_up]
    filled = oos = oos_filled = oos_device = 0
    shown: list[dict[str, str]] = []
    for example in examples:
        words = tuple((" " + w, 0.9) for w in example.text.split())
        own = parser_text(Candidate(words))
        readings = slot_readings(words, vocabulary, read, rules, read(own), {own})
        filled += bool(readings)
        if example.intent != "unknown":
            continue
        oos += 1
        oos_filled += bool(readings)
        devices = [parser_text(c) for c in readings if read(parser_text(c)).intent == "device_control"]
        oos_device += bool(devices)
        if readings:
            shown.append({"text": example.text, "readings": [parser_text(c) for c in readings][:3],
                          "device": bool(devices)})
    return {"sentences": len(examples), "with_slot_readings": filled, "out_of_scope": oos,
            "out_of_scope_with_slot_readings": oos_filled, "out_of_scope_device_readings": oos_device,
            "out_of_scope_shown": shown}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--list", type=int, default=0, metavar="N", help="also list N out-of-scope sentences with readings")
    args = ap.parse_args(argv)
    vocabulary = _demo_vocabulary()
    rules = RescoreRules(device_slot=True)
    for name, path in DEV_FILES.items():
        report = reach(path, vocabulary, rules)
        shown = report.pop("out_of_scope_shown")
        print(name, json.dumps(report))
        for item in shown[: args.list]:
            print("  ", json.dumps(item))


if __name__ == "__main__":
    main()
