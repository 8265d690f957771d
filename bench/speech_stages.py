"""Where the CPU of a voice note goes: each stage of the product path timed inside the engine, per note.

    .venv/bin/python -m bench.speech_stages [--runs 3] [--cache DIR] [--json]

The latency bench's notes (`bench.speech_twopass.LATENCY_NOTES`: 10 of about 3 s, and the 10 s note) go through
`understand_voice` with the default engines (PocketSphinx grammar pass, packaged Whisper tiny with rescoring), as
`bench.speech_twopass --latency` runs them. The engines' stages are wrapped in timers in this process only (nothing in
the product changes): audio decoding, Whisper's features, encoder, beam decode and alignment passes (word
probabilities and the readings scored), rescoring's readings, the second-look check, and the grammar pass's denoising,
JSGF search and phone loop. CPU seconds of all threads (`time.process_time`), so a loaded shared machine inflates them
less than wall time; timers are inclusive (a stage's figure holds the stages inside it). Per note the median of
`--runs`; then per stage the median over the notes it ran on.
"""

from __future__ import annotations

import argparse
import collections
import functools
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

from bench.speech_twopass import DEMO, LATENCY_NOTES, LONG_NOTE

# Stages reported, in the order a note passes them ("whisper.align" holds both alignment passes; "wordprob_align" is
# it less the readings' scoring).
STAGES = ("all", "decode", "whisper.features", "whisper.encode", "whisper.generate", "wordprob_align",
          "whisper.rescoring.candidates", "whisper.rescoring.score", "second_look_check", "closed.prepare",
          "closed.grammar_search", "closed.phone_loop", "closed(total)")


def _timed(spent: dict[str, float], name: str, fn):
    @functools.wraps(fn)
    def inner(*args, **kwargs):
        started = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[name] += time.process_time() - started
    return inner


def instrument(engine, spent: dict[str, float]) -> None:
    """Wrap the stages of a loaded two-pass engine (PocketSphinx + Whisper) so their CPU adds up in `spent`."""
    import nlu.speech.pipeline as pipeline
    import nlu.speech.rescore as rescore
    import nlu.speech.whisper as whisper

    pipeline.decode_audio = _timed(spent, "decode", pipeline.decode_audio)
    closed, opened = engine.closed, engine.open_passes[-1]
    closed.prepare = _timed(spent, "closed.prepare", closed.prepare)
    run = closed._run

    def run_timed(decoder, pcm, search):
        started = time.process_time()
        try:
            return run(decoder, pcm, search)
        finally:
            key = "closed.grammar_search" if decoder is closed._decoder else "closed.phone_loop"
            spent[key] += time.process_time() - started

    closed._run = run_timed
    closed.closed_pass = _timed(spent, "closed(total)", closed.closed_pass)
    opened._features = _timed(spent, "whisper.features", opened._features)
    model = opened._decoder.model

    class Timed:
        """The CTranslate2 model with its three calls timed."""

        def __getattr__(self, name):
            return getattr(model, name)

        encode = staticmethod(_timed(spent, "whisper.encode", model.encode))
        generate = staticmethod(_timed(spent, "whisper.generate", model.generate))
        align = staticmethod(_timed(spent, "whisper.align", model.align))

    opened._decoder.model = Timed()
    whisper.score = _timed(spent, "whisper.rescoring.score", rescore.score)
    whisper.candidates = _timed(spent, "whisper.rescoring.candidates", rescore.candidates)
    engine._second_look = _timed(spent, "second_look_check", engine._second_look)


def measure(runs: int, cache: Path) -> dict:
    from autovolt.settings import load_settings
    from autovolt.speech_engines import speech_engine
    from autovolt.vocabulary import vocabulary_from_campus
    from nlu.scoring import CORPUS_NOW
    from nlu.speech.understand import understand_voice
    from store.campus import load_campus_file
    from tests.speech.synth import ENGLISH_VOICES, NoteCache

    vocab = vocabulary_from_campus(load_campus_file(DEMO))
    engine = speech_engine(load_settings(whisper_model="tiny"))
    spent: dict[str, float] = collections.defaultdict(float)
    instrument(engine, spent)
    notes = NoteCache(cache)
    short = [notes.get(text, ENGLISH_VOICES[i % 2]) for i, text in enumerate(LATENCY_NOTES)]
    understand_voice(short[0], engine, vocab, now=CORPUS_NOW)  # first-call costs out
    per_note = []
    for text, data in zip([*LATENCY_NOTES, LONG_NOTE], [*short, notes.get(LONG_NOTE)]):
        rows = []
        for _ in range(runs):
            spent.clear()
            started = time.process_time()
            understand_voice(data, engine, vocab, now=CORPUS_NOW)
            spent["all"] = time.process_time() - started
            spent["wordprob_align"] = spent["whisper.align"] - spent["whisper.rescoring.score"]
            rows.append(dict(spent))
        per_note.append({"note": text, **{k: round(statistics.median(r.get(k, 0.0) for r in rows), 4)
                                          for k in STAGES}})
    by_stage = {}
    for stage in STAGES:
        ran = [n[stage] for n in per_note[:-1] if n[stage] > 0]
        by_stage[stage] = {"p50_s": round(statistics.median(ran), 4) if ran else 0.0, "notes": len(ran)}
    return {"short_notes_by_stage": by_stage, "notes": per_note, "runs": runs,
            "loadavg": round(os.getloadavg()[0], 1)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "autovolt-voice-notes")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    report = measure(args.runs, args.cache)
    if args.json:
        print(json.dumps(report, indent=1))
        return 0
    print(f"CPU seconds per stage, median over the ~3 s notes it ran on (load {report['loadavg']}):")
    for stage, got in report["short_notes_by_stage"].items():
        print(f"  {stage:30s} {got['p50_s']:.4f}  ({got['notes']} of {len(LATENCY_NOTES)} notes)")
    print("per note (all stages, CPU s):")
    for n in report["notes"]:
        print(f"  {n['all']:.3f}  grammar pass {n['closed(total)']:.3f}  {n['note']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
