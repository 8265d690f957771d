"""Choose the PocketSphinx out-of-grammar threshold: accuracy, wrong commands and out-of-scope false accepts for a
range of phone-error-rate thresholds, on the benchmark's notes.

    .venv/bin/python -m bench.speech_calibrate [--count 120] [--cache DIR]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from autovolt.vocabulary import vocabulary_from_campus
from bench.speech_bench import DEMO, NOW, norm, same_command
from bench.speech_corpus import OUT_OF_SCOPE, english_commands
from nlu.audio import decode_audio
from nlu.speech import load_engine
from store.campus import load_campus_file
from tests.speech.synth import ENGLISH_VOICES, NoteCache

THRESHOLDS = (0.72, 0.74, 0.76, 0.78, 0.80, 0.82, 0.85, 0.90)


def main() -> None:
    from nlu.parser import parser_for

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", type=int, default=120)
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "autovolt-speech-bench")
    args = ap.parse_args()
    cache = NoteCache(args.cache)
    vocab = vocabulary_from_campus(load_campus_file(DEMO))
    engine = load_engine()
    grammar = engine.grammar_for(vocab)
    parser = parser_for(vocab)

    def measure(note: bytes) -> tuple[str, float | None, bool]:
        text, per = engine.phone_error_rate(decode_audio(note).samples, grammar)
        return text, per, bool(text) and grammar.matches(text.replace(" pm", " p.m.").replace(" am", " a.m."))

    rows = []  # (kind, noise, per, in_grammar, correct)
    for noise in (None, 10.0):
        for i, sentence in enumerate(english_commands(vocab, args.count)):
            text, per, ok = measure(cache.get(sentence, ENGLISH_VOICES[i % len(ENGLISH_VOICES)], noise, seed=i))
            right = ok and same_command(parser.parse(text, now=NOW), parser.parse(norm(sentence), now=NOW))
            rows.append(("command", noise, per, ok, right))
        for i, sentence in enumerate(OUT_OF_SCOPE):
            for voice in ENGLISH_VOICES[:3]:
                text, per, ok = measure(cache.get(sentence, voice, noise, seed=i))
                rows.append(("other", noise, per, ok, False))
    print("threshold | clean: accuracy, wrong, out-of-scope accepted | 10 dB: the same")
    for threshold in THRESHOLDS:
        cells = []
        for noise in (None, 10.0):
            mine = [r for r in rows if r[1] == noise]
            commands = [r for r in mine if r[0] == "command"]
            others = [r for r in mine if r[0] == "other"]
            taken = [r for r in mine if r[3] and r[2] is not None and r[2] < threshold]
            cells.append(f"{100 * sum(r[4] for r in taken if r[0] == 'command') / len(commands):5.1f} "
                         f"{100 * sum(not r[4] for r in taken if r[0] == 'command') / len(commands):5.1f} "
                         f"{100 * sum(1 for r in taken if r[0] == 'other') / len(others):5.1f}")
        print(f"{threshold:.2f} | " + " | ".join(cells))


if __name__ == "__main__":
    main()
