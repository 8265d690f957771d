"""Whisper's cost against its accuracy: decoding variants of the open pass on the same dev notes.

    .venv/bin/python -m bench.whisper_speed [--every 3] [--snr 10] [--variants legacy,fit2] [--threads 2]

For each variant the open pass (Whisper tiny, campus prompt) runs on every note, timed in CPU seconds (all threads)
and wall; the closed pass (PocketSphinx with the campus grammar) runs once per note and is shared. Each variant is
then scored as bench/speech_twopass.py scores the chosen two-pass rule (whole command, wrong switches without a
question, out of scope acted on), and its Whisper text is compared with faster-whisper's own `transcribe` (the
`legacy` variant: 30 s window, word timestamps for the per-word probabilities).

Dev notes only (nlu/corpus/spoken/dev.txt); the held-out part is not readable from here.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np

from autovolt.vocabulary import vocabulary_from_campus
from bench.speech_twopass import DEMO, evaluate
from nlu.audio import decode_audio
from nlu.scoring import CORPUS_DIR, read_corpus
from nlu.speech.base import Transcript
from nlu.speech.twopass import CLOSED_ALONE_CAP, OPEN_WINS_FROM
from nlu.speech.whisper_decode import DecodeOptions
from nlu.speech.wordcheck import WORD_SURE
from store.campus import load_campus_file
from tests.speech.synth import ENGLISH_VOICES, NoteCache

VARIANTS = {
    "legacy": None,  # faster-whisper's transcribe, as the engine called it before
    "full-align": DecodeOptions(fit_window=False, word_probs="align"),
    "full-decode": DecodeOptions(fit_window=False, word_probs="decode"),
    "fit1-decode": DecodeOptions(margin_s=1.0),
    "fit2-decode": DecodeOptions(margin_s=2.0),
    "fit5-decode": DecodeOptions(margin_s=5.0),
    "fit10-decode": DecodeOptions(margin_s=10.0),
    "fit5-align": DecodeOptions(margin_s=5.0, word_probs="align"),
    "fit2-refit": DecodeOptions(margin_s=2.0, loops="refit"),
    "fit5-refit": DecodeOptions(margin_s=5.0, loops="refit"),
}


class LegacyWhisper:
    """The engine's decode before this bench: faster-whisper's transcribe with word timestamps."""

    def __init__(self, cpu_threads: int) -> None:
        from faster_whisper import WhisperModel

        from nlu.speech.whisper_models import packaged_tiny

        self._model = WhisperModel(str(packaged_tiny()), device="cpu", compute_type="int8", cpu_threads=cpu_threads)

    def transcribe(self, pcm: bytes, grammar) -> Transcript:
        from nlu.speech import whisper as w
        from nlu.speech.opentext import heard_words

        started = time.perf_counter()
        audio = np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0
        segments, _ = self._model.transcribe(
            audio, language="en", beam_size=1, without_timestamps=True, word_timestamps=True,
            condition_on_previous_text=False, initial_prompt=w.campus_prompt(grammar.vocabulary), vad_filter=False,
            temperature=0.0)
        segments = [s for s in segments if not (s.no_speech_prob > w.NO_SPEECH and s.avg_logprob < w.NO_SPEECH_LOGPROB)]
        words = heard_words((x.word, x.probability) for s in segments for x in s.words or ())
        return Transcript(text=" ".join(x.text for x in words), engine="whisper", audio_s=len(pcm) / 32000,
                          decode_s=time.perf_counter() - started, confidence=w._mean_log_confidence(words),
                          words=words)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--every", type=int, default=3, help="every Nth dev sentence")
    ap.add_argument("--snr", type=float, default=10.0, help="also with white noise at this SNR (0: clean only)")
    ap.add_argument("--variants", default=",".join(VARIANTS))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", type=Path, help="JSON lines: every variant's transcript of every note")
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "autovolt-voice-notes")
    args = ap.parse_args()

    from nlu.speech import load_engine
    from nlu.speech.whisper import WhisperEngine
    from nlu.speech.whisper_models import packaged_tiny

    vocab = vocabulary_from_campus(load_campus_file(DEMO))
    examples = read_corpus(CORPUS_DIR / "spoken" / "dev.txt", vocab)[::args.every]
    by_source = {ex.source: ex for ex in examples}
    snrs = [None, args.snr] if args.snr else [None]
    notes = NoteCache(args.cache)
    closed = load_engine()
    grammar = closed.grammar_for(vocab)
    pcms, rows = [], []
    for i, ex in enumerate(examples):  # the same voices and noise seeds as bench/speech_twopass.py
        for snr in snrs:
            pcm = decode_audio(notes.get(ex.text, ENGLISH_VOICES[i % 2], snr, seed=i))
            first = closed.closed_pass(pcm.samples, grammar)
            pcms.append(pcm)
            rows.append({"source": ex.source, "snr": snr, "audio_s": pcm.duration_s, "decode_s": pcm.decode_s,
                         "closed_s": 0.0, "closed": asdict(first)})
    print(f"{len(rows)} notes ({len(examples)} dev sentences x {len(snrs)}), audio median "
          f"{statistics.median(p.duration_s for p in pcms):.2f} s, load {os.getloadavg()[0]:.1f}", flush=True)
    texts: dict[str, list[str]] = {}
    for name in args.variants.split(","):
        options = VARIANTS[name]
        if options is None:
            engine = LegacyWhisper(args.threads)
            engine.transcribe(np.zeros(16000, dtype="<i2").tobytes(), grammar)  # warm, as the new engine is
        else:
            engine = WhisperEngine(str(packaged_tiny()), cpu_threads=args.threads, options=options)
        cpu, wall, passes = [], [], []
        load = os.getloadavg()[0]
        for row, pcm in zip(rows, pcms):
            t0, c0 = time.perf_counter(), time.process_time()
            heard = engine.transcribe(pcm.samples, grammar)
            wall.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
            passes.append({**row, "open_s": wall[-1], "open": asdict(heard)})
        texts[name] = [p["open"]["text"] for p in passes]
        if args.out is not None:
            with args.out.open("a") as f:
                for p, c, w in zip(passes, cpu, wall):
                    f.write(json.dumps({"variant": name, "source": p["source"], "snr": p["snr"], "cpu_s": c,
                                        "wall_s": w, "open": p["open"], "closed": p["closed"]}) + "\n")
        report = evaluate(passes, by_source, vocab, "two", 1.01, WORD_SURE, CLOSED_ALONE_CAP, OPEN_WINS_FROM)
        same = (f" | text = legacy {sum(a == b for a, b in zip(texts[name], texts['legacy']))}/{len(rows)}"
                if "legacy" in texts else "")
        print(f"{name:13s} cpu/note p50 {statistics.median(cpu):.3f} s mean {statistics.mean(cpu):.3f} "
              f"max {max(cpu):.2f} | wall p50 {statistics.median(wall):.3f} p95 "
              f"{sorted(wall)[int(0.95 * (len(wall) - 1))]:.3f} | load {load:.1f}-{os.getloadavg()[0]:.1f}{same}",
              flush=True)
        for cond, r in report.items():
            print(f"    {cond:6s} whole {r['whole_command']:.3f} wrong_switch {r['wrong_switch_no_question']} "
                  f"oos {r['out_of_scope_accepted']} asked {r['right_switch_asked']}")
        decoder = getattr(engine, "_decoder", None)
        if decoder is not None:
            print(f"    windows decoded again on 30 s {decoder.refits}, loops trimmed {decoder.trims}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
