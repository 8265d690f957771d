"""Which dev follow-ups the bot's take-back (`bot/undo.py`) reads as taking the command before back, and what the
word test costs.

    .venv/bin/python -m bench.take_back_dev

For each follow-up in `nlu/corpus/dev.txt` parsed as a device command right after a device command: W = its words
take the first back (`nlu.retraction.takes_back`), M = the same switches the same way at another time, naming no
place (the bot's `_moves_time`, here on the parsed switch ids). In the bot a first command that only asked a question
("At what time?") left nothing to take back, whatever the follow-up says. Dev only: the held-out parts are not read.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from autovolt.vocabulary import vocabulary_from_campus
from nlu.command import ParseContext
from nlu.parser import parser_for
from nlu.retraction import adds_to, takes_back
from nlu.scoring import CORPUS_NOW, read_corpus
from store.campus import load_campus_file

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    vocab = vocabulary_from_campus(load_campus_file(ROOT / "autovolt" / "demo" / "campus.yaml"))
    parser = parser_for(vocab)
    examples = read_corpus(ROOT / "nlu" / "corpus" / "dev.txt", vocab)
    previous, rows = None, []
    for ex in examples:
        command = parser.parse(ex.text, context=ParseContext(previous=previous) if ex.follow_up else None,
                               now=CORPUS_NOW)
        if ex.follow_up and previous is not None and previous.intent == command.intent == "device_control":
            alone = parser.parse(ex.text, context=None, now=CORPUS_NOW)
            named = bool(alone.rooms or alone.buildings or alone.switches)
            words = takes_back(ex.text)
            moved = (command.action == previous.action and command.when != previous.when and not adds_to(ex.text)
                     and set(command.switches) == set(previous.switches) and not named)
            rows.append((previous.text, ex.text, words, moved))
        previous = command
    print(f"device follow-ups after a device command: {len(rows)}; taken back by words: "
          f"{sum(w for *_, w, _ in rows)}, by the time moved only: {sum(m and not w for *_, w, m in rows)}")
    for first, text, words, moved in rows:
        if words or moved:
            print(f"  {'W' if words else ' '}{'M' if moved else ' '} {first!r} -> {text!r}")
    texts = [ex.text for ex in examples if ex.follow_up]
    per_call = []
    for _ in range(30):
        started = time.perf_counter()
        for text in texts:
            takes_back(text)
        per_call.append((time.perf_counter() - started) / len(texts) * 1e6)
    print(f"takes_back on {len(texts)} follow-up lines: median of 30 runs {statistics.median(per_call):.1f} us a call")


if __name__ == "__main__":
    main()
