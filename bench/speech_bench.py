"""Speech benchmark: accuracy and speed of voice notes -> commands on the demo campus.

    .venv/bin/python -m bench.speech_bench [--count 120] [--snr 10] [--cache DIR] [--json]

Synthesises `count` English commands across the demo campus with espeak-ng (several voices, speeds, pitches),
encodes them as Telegram does (Opus in OGG, 48 kHz mono), clean and with white noise at `--snr` dB, and runs each
through the bot's path (decode -> PocketSphinx with the campus grammar -> parser). Reports word error rate,
whole-command accuracy (the command parsed from the transcript equals the one parsed from the sentence itself),
commands wrongly accepted, out-of-scope false accepts, real-time factor, end-to-end latency, load time and memory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import statistics
import tempfile
import time
from pathlib import Path

from autovolt.vocabulary import vocabulary_from_campus
from bench.speech_corpus import OUT_OF_SCOPE, english_commands
from bot.conversation import ConversationConfig
from nlu.speech import load_engine
from nlu.speech.understand import understand_voice
from store.campus import load_campus_file
from tests.speech.synth import ENGLISH_VOICES, HARD_VOICES, NoteCache

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "autovolt" / "demo" / "campus.yaml"
NOW = dt.datetime(2026, 11, 26, 10, 0)
CONFIRM_BELOW = ConversationConfig().voice_confirm_below
FIELDS = ("intent", "action", "device_types", "rooms", "switches", "when", "period", "everything", "operation")


def word_errors(ref: str, hyp: str) -> int:
    r, h = ref.split(), hyp.split()
    row = list(range(len(h) + 1))
    for i, rw in enumerate(r, 1):
        prev, row[0] = row[0], i
        for j, hw in enumerate(h, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (rw != hw))
    return row[len(h)]


def norm(text: str) -> str:
    return text.replace("p.m.", "pm").replace("a.m.", "am")


def same_command(a, b) -> bool:
    return all(getattr(a, f) == getattr(b, f) for f in FIELDS)


def run(count: int, snr: float, cache: NoteCache, voices, label: str) -> dict:
    from nlu.parser import parser_for

    vocab = vocabulary_from_campus(load_campus_file(DEMO))
    engine = load_engine()
    parser = parser_for(vocab)
    sentences = english_commands(vocab, count)
    rows = []
    for noise in (None, snr):
        for i, text in enumerate(sentences):
            voice = voices[i % len(voices)]
            note = cache.get(text, voice, noise, seed=i)
            cpu = time.process_time()
            wall = time.perf_counter()
            result = understand_voice(note, engine, vocab, now=NOW)
            wall = time.perf_counter() - wall
            cpu = time.process_time() - cpu
            want = parser.parse(norm(text), now=NOW)
            got = result.command
            rows.append({"noise": noise, "text": text, "heard": result.transcript.text, "voice": voice.name,
                         "errors": word_errors(norm(text), result.transcript.text), "words": len(text.split()),
                         "correct": same_command(want, got),
                         "wrong_accept": got.intent != "unknown" and not same_command(want, got),
                         "asks": got.intent == "device_control" and result.transcript.confidence < CONFIRM_BELOW,
                         "audio_s": result.transcript.audio_s, "wall_s": wall, "cpu_s": cpu,
                         "rtf_cpu": cpu / result.transcript.audio_s})
    report = {"label": label, "voices": [v.name for v in voices], "sentences": count}
    for noise, key in ((None, "clean"), (snr, f"snr{snr:g}db")):
        part = [r for r in rows if r["noise"] == noise]
        report[key] = {
            "wer_pct": round(100 * sum(r["errors"] for r in part) / sum(r["words"] for r in part), 1),
            "command_accuracy_pct": round(100 * sum(r["correct"] for r in part) / len(part), 1),
            "wrong_command_pct": round(100 * sum(r["wrong_accept"] for r in part) / len(part), 1),
            # Spoken device commands the bot asks about before switching (ConversationConfig.voice_confirm_below).
            "wrong_commands_asked": f"{sum(r['asks'] for r in part if r['wrong_accept'])}/{sum(r['wrong_accept'] for r in part)}",
            "right_commands_asked": f"{sum(r['asks'] for r in part if r['correct'])}/{sum(r['correct'] for r in part)}",
            "rtf_cpu_median": round(statistics.median(r["rtf_cpu"] for r in part), 3),
            "note_to_command_ms_median": round(1000 * statistics.median(r["wall_s"] for r in part), 1),
            "note_to_command_cpu_ms_median": round(1000 * statistics.median(r["cpu_s"] for r in part), 1),
            "failures": [(r["voice"], r["text"], r["heard"]) for r in part if not r["correct"]],
        }
    three = [r for r in rows if r["noise"] is None and 2.5 <= r["audio_s"] <= 3.5]
    report["three_second_notes"] = {
        "count": len(three),
        "cpu_ms_median": round(1000 * statistics.median(r["cpu_s"] for r in three), 1) if three else None,
        "wall_ms_median": round(1000 * statistics.median(r["wall_s"] for r in three), 1) if three else None,
    }
    return report


def out_of_scope(cache: NoteCache, snr: float) -> dict:
    vocab = vocabulary_from_campus(load_campus_file(DEMO))
    engine = load_engine()
    accepted = []
    total = 0
    for noise in (None, snr):
        for i, text in enumerate(OUT_OF_SCOPE):
            for voice in ENGLISH_VOICES[:3]:
                total += 1
                got = understand_voice(cache.get(text, voice, noise, seed=i), engine, vocab, now=NOW).command
                if got.intent != "unknown":
                    accepted.append((voice.name, noise, text, got.text, got.intent))
    return {"notes": total, "false_accept_pct": round(100 * len(accepted) / total, 1), "accepted": accepted}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", type=int, default=120, help="commands per condition (default 120)")
    ap.add_argument("--snr", type=float, default=10.0, help="signal-to-noise ratio of the noisy copies, dB")
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "autovolt-speech-bench",
                    help="where generated voice notes are kept between runs")
    ap.add_argument("--hard", action="store_true", help="also run the accents the model handles poorly")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    cache = NoteCache(args.cache)

    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    load_engine()
    load_s = time.perf_counter() - started
    engine_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0) / 1024

    result = {"engine": "pocketsphinx", "load_s": round(load_s, 2), "engine_peak_rss_mb": round(engine_mb, 1),
              "main": run(args.count, args.snr, cache, ENGLISH_VOICES, "main voices"),
              "out_of_scope": out_of_scope(cache, args.snr)}
    if args.hard:
        result["hard"] = run(max(30, args.count // 4), args.snr, cache, HARD_VOICES, "hard accents")
    result["process_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"engine pocketsphinx: load {result['load_s']} s, +{result['engine_peak_rss_mb']} MB peak RSS "
          f"(process peak {result['process_peak_rss_mb']} MB)")
    for key in ("main", "hard"):
        if key not in result:
            continue
        r = result[key]
        print(f"{r['label']} ({', '.join(r['voices'])}), {r['sentences']} commands each:")
        for cond in [k for k in r if k == "clean" or k.startswith("snr")]:
            c = r[cond]
            print(f"  {cond:8s} WER {c['wer_pct']:5.1f} %  command accuracy {c['command_accuracy_pct']:5.1f} %  "
                  f"wrong commands {c['wrong_command_pct']:4.1f} %  RTF(cpu) {c['rtf_cpu_median']:.3f}  "
                  f"note->command {c['note_to_command_ms_median']:.0f} ms wall / {c['note_to_command_cpu_ms_median']:.0f} ms cpu")
            print(f"           asked before switching: wrong commands {c['wrong_commands_asked']}, "
                  f"right ones {c['right_commands_asked']}")
        t = r["three_second_notes"]
        print(f"  3 s notes ({t['count']}): note->command median {t['wall_ms_median']} ms wall, {t['cpu_ms_median']} ms cpu")
    o = result["out_of_scope"]
    print(f"out of scope: {o['notes']} notes, false accepts {o['false_accept_pct']} %")
    for item in o["accepted"]:
        print("   accepted:", item)


if __name__ == "__main__":
    main()
