"""Soak of the service's speech worker: many distinct voice notes through the real worker path, its memory sampled.

    nice -n 5 .venv/bin/python -m bench.speech_soak [--notes 488] [--every-n 25] [--cache DIR] [--noisy-only] [--json]

The notes are the dev part of the spoken corpus (`bench.speech_natural`'s plan with `--every 4`: Piper and an
espeak-ng voice, clean and at 10 dB; never the held-out part), each sent once, as the bot sends a voice note, to
`bot.speech.SpeechPipeline(worker_process=True)` with the engines the settings load (the campus-grammar pass and the
packaged Whisper tiny by default). Every N notes the worker's resident memory (VmRSS, /proc) is recorded with the
sizes of the caches that could grow with new sentences (spaCy's string store, the spelling and sound-key caches),
read inside the worker. The growth that matters is after the first ~50 notes: the first notes warm allocator pools
and CTranslate2's buffers for longer windows.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from bench.speech_natural import CACHE, DEMO, SPOKEN, plan, render
from nlu.scoring import read_corpus
from tests.speech.synth import NoteCache


def worker_caches() -> dict[str, int]:
    """Run inside the speech worker: sizes of the caches that may grow with each new sentence heard."""
    from nlu.parser import _PARSERS
    from nlu.phonetic import sound_key

    sizes: dict[str, int] = {"sound_key_lru": sound_key.cache_info().currsize}
    for _, parser in _PARSERS.values():
        sizes["spacy_strings"] = len(parser.gaz.strings.strings)
        sizes["spacy_lexemes"] = len(parser.gaz.strings)
        sizes["spell_cache"] = len(parser.spell._cache)
    return sizes


def worker_trim() -> dict[str, float]:
    """Run inside the speech worker: hand freed heap back to the system (glibc malloc_trim) and say how much of the
    resident memory that was (freed memory malloc kept, rather than memory still in use)."""
    import ctypes
    import os

    before, _ = _rss_mb(os.getpid())
    started = time.perf_counter()
    ctypes.CDLL("libc.so.6").malloc_trim(0)
    trim_ms = 1000 * (time.perf_counter() - started)
    after, _ = _rss_mb(os.getpid())
    threads = int(dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines()
                       if ":" in line)["Threads"])
    return {"rss_mb_before_trim": round(before, 1), "rss_mb_after_trim": round(after, 1), "threads": threads,
            "trim_ms": round(trim_ms, 2)}


def worker_heap(arenas: int) -> bool:
    """Run inside the speech worker before its engines load: at most `arenas` glibc malloc arenas (an experiment)."""
    import ctypes

    M_ARENA_MAX = -8  # from <malloc.h>
    return bool(ctypes.CDLL("libc.so.6").mallopt(M_ARENA_MAX, arenas))


def worker_trace(start: bool) -> list[str]:
    """Run inside the speech worker: start Python's allocation tracing, or list what grew most since the snapshot
    taken at the start (an experiment: Python and numpy allocations only, not native libraries')."""
    import gc
    import tracemalloc

    global _TRACE_BASE
    gc.collect()
    if start:
        tracemalloc.start(8)
        _TRACE_BASE = tracemalloc.take_snapshot()
        return []
    now = tracemalloc.get_traced_memory()[0]
    grown = tracemalloc.take_snapshot().compare_to(_TRACE_BASE, "traceback")[:8]
    return [f"python heap traced {now / 2**20:.1f} MB"] + [
        f"{g.size_diff / 2**20:+.2f} MB {g.count_diff:+d} blocks: " + " < ".join(
            f"{f.filename.split('site-packages/')[-1]}:{f.lineno}" for f in list(g.traceback)[-3:]) for g in grown]


_TRACE_BASE = None


def worker_keep_heap() -> bool:
    """Run inside the speech worker: stop handing freed pages back after each note (an experiment)."""
    import autovolt.heap

    autovolt.heap.give_back = lambda: None
    return True


def _rss_mb(pid: int) -> tuple[float, float]:
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def soak(notes: int, every_n: int, cache: NoteCache, arenas: int = 0, trim_each: bool = False,
         trace_from: int = 0, keep_heap: bool = False, noisy_only: bool = False) -> dict[str, object]:
    from autovolt.vocabulary import vocabulary_from_campus
    from bot.speech import SpeechPipeline
    from store.campus import load_campus_file

    vocab = vocabulary_from_campus(load_campus_file(DEMO))
    planned = plan(read_corpus(SPOKEN / "dev.txt", vocab), 10.0, False, every=4)
    # The plan puts the clean notes first; --noisy-only sends the 10 dB ones, where Whisper takes a second look.
    planned = [n for n in planned if n.snr_db is not None or not noisy_only][:notes]
    render(planned, cache)
    pipeline = SpeechPipeline(vocab, worker_process=True)
    started = time.perf_counter()
    if arenas:
        pipeline._worker().submit(worker_heap, arenas).result()
    if keep_heap:
        pipeline._worker().submit(worker_keep_heap).result()
    pipeline.warm_up()
    load_s = time.perf_counter() - started
    pool = pipeline._worker()
    (pid,) = list(pool._processes)  # one worker
    samples = []

    def sample(done: int) -> None:
        rss, peak = _rss_mb(pid)
        row = {"notes": done, "rss_mb": round(rss, 1), "peak_mb": round(peak, 1),
               **pool.submit(worker_caches).result()}
        samples.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)

    sample(0)
    started = time.perf_counter()
    for done, note in enumerate(planned, start=1):
        data = cache.get(note.example.text, note.voice, note.snr_db, note.seed)
        try:
            pipeline.transcribe(data)
        except Exception as exc:  # a bad note is a reply in the bot; here it is counted and the soak goes on
            print(json.dumps({"note": done, "error": type(exc).__name__}), file=sys.stderr)
        if trim_each:
            pool.submit(worker_trim).result()
        if trace_from and done == trace_from:
            pool.submit(worker_trace, True).result()
        if done % every_n == 0 or done == len(planned):
            sample(done)
    run_s = time.perf_counter() - started
    if trace_from:
        for line in pool.submit(worker_trace, False).result():
            print("traced: " + line, file=sys.stderr)
    trimmed = pool.submit(worker_trim).result()
    pipeline.close()
    after_warm = next((s for s in samples if s["notes"] >= 50), samples[0])
    return {"notes": len(planned), "engine_load_s": round(load_s, 1), "run_s": round(run_s, 1),
            "rss_mb_start": samples[0]["rss_mb"], "rss_mb_at_50": after_warm["rss_mb"],
            "rss_mb_end": samples[-1]["rss_mb"], "peak_mb": samples[-1]["peak_mb"],
            "growth_after_50_mb": round(samples[-1]["rss_mb"] - after_warm["rss_mb"], 1), **trimmed,
            "samples": samples}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--notes", type=int, default=488, help="distinct voice notes to send (at most 488)")
    ap.add_argument("--every-n", type=int, default=25, help="sample the worker's memory every N notes")
    ap.add_argument("--cache", type=Path, default=CACHE, help=f"rendered voice notes (default {CACHE})")
    ap.add_argument("--json", action="store_true", help="print the whole report as JSON")
    ap.add_argument("--arenas", type=int, default=0, help="experiment: at most N malloc arenas in the worker")
    ap.add_argument("--trim-each", action="store_true", help="experiment: malloc_trim in the worker after each note")
    ap.add_argument("--trace-from", type=int, default=0, metavar="N",
                    help="experiment: trace Python allocations in the worker from note N on, list what grew")
    ap.add_argument("--keep-heap", action="store_true",
                    help="experiment: the worker does not hand freed pages back after each note")
    ap.add_argument("--noisy-only", action="store_true", help="only the notes with 10 dB white noise")
    args = ap.parse_args(argv)
    report = soak(args.notes, args.every_n, NoteCache(args.cache), args.arenas, args.trim_each, args.trace_from,
                  args.keep_heap, args.noisy_only)
    if args.json:
        print(json.dumps(report, indent=1))
        return
    print(f"{report['notes']} notes in {report['run_s']} s (engines loaded in {report['engine_load_s']} s); worker "
          f"RSS {report['rss_mb_start']} MB after warm-up, {report['rss_mb_at_50']} MB at 50 notes, "
          f"{report['rss_mb_end']} MB at the end (+{report['growth_after_50_mb']} MB after 50), peak "
          f"{report['peak_mb']} MB; malloc_trim at the end: {report['rss_mb_before_trim']} -> "
          f"{report['rss_mb_after_trim']} MB ({report['threads']} threads)")
    for s in report["samples"]:
        print("  " + " ".join(f"{k}={v}" for k, v in s.items()))


if __name__ == "__main__":
    main()
