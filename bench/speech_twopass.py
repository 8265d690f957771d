"""Speech bench for the two-pass pipeline: what each pass contributes, and the thresholds that join them.

    .venv/bin/python -m bench.speech_twopass [--part dev] [--limit N] [--snr 10] [--voices 2] [--whisper tiny]
                                             [--passes FILE] [--json]
    .venv/bin/python -m bench.speech_twopass --latency [--runs 3] [--whisper tiny]

Reads the spoken corpus (nlu/corpus/spoken/<part>.txt; tune on `dev` only, `test` is held out), speaks each
sentence with espeak-ng (voices rotated over the sentences), encodes it as Telegram does, clean and with white
noise at --snr dB, and runs the closed pass (PocketSphinx with the campus grammar) and the open pass (Whisper with
the campus prompt) on every note, timing each. The passes are saved (--passes) so the joining rule can be swept
offline: closed alone, open alone, and the two-pass engine for several `closed_sure` and word thresholds.

Scored as the bot acts: a note is right when the command the parser reads from the chosen transcript equals the
label (intent and every entity), or when the label is out of scope and nothing is acted on. "Wrong switch without
a question" counts switch commands that differ from the label and would run without the confirmation tap.
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

from autovolt.vocabulary import vocabulary_from_campus
from bot.conversation import ConversationConfig
from nlu.audio import decode_audio
from nlu.command import Command
from nlu.parser import parser_for
from nlu.scoring import CORPUS_DIR, CORPUS_NOW, ENTITIES, Example, _got, read_corpus
from nlu.speech.base import HeardWord, Transcript
from nlu.speech.nbest import command_reader
from nlu.speech.twopass import rank
from nlu.speech.wordcheck import unsure_words
from store.campus import load_campus_file
from tests.speech.synth import ENGLISH_VOICES, NoteCache

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "autovolt" / "demo" / "campus.yaml"
CONFIRM_BELOW = ConversationConfig().voice_confirm_below
ACT = 0.5


def _transcript(data: dict) -> Transcript:
    data = dict(data)
    data["words"] = tuple(HeardWord(**w) for w in data.get("words", ()))
    return Transcript(**data)


def run_passes(examples: list[Example], vocab, snrs: list[float | None], voices: int, whisper_model: str,
               cache: Path, saved: Path | None) -> list[dict]:
    """Both passes on every note: [{source, snr, closed, open, closed_s, open_s, audio_s, decode_s}], appended to
    `saved` (JSON lines) as they come, so a long run can be resumed."""
    from nlu.speech import load_engine
    from nlu.speech.engines import load_whisper
    from nlu.speech.whisper_models import resolve_model

    done = {}
    if saved is not None and saved.exists():
        for line in saved.read_text().splitlines():
            row = json.loads(line)
            done[(row["source"], row["snr"])] = row
    notes = NoteCache(cache)
    closed = load_engine()
    opener = load_whisper(resolve_model(whisper_model, ROOT / "data" / "speech"), ROOT / "data" / "speech")
    grammar = closed.grammar_for(vocab)
    out = []
    for i, ex in enumerate(examples):
        voice = ENGLISH_VOICES[i % voices]
        for snr in snrs:
            if (ex.source, snr) in done:
                out.append(done[(ex.source, snr)])
                continue
            pcm = decode_audio(notes.get(ex.text, voice, snr, seed=i))
            started = time.perf_counter()
            first = closed.closed_pass(pcm.samples, grammar)  # what the two-pass engine runs
            closed_s = time.perf_counter() - started
            started = time.perf_counter()
            heard = opener.transcribe(pcm.samples, grammar)
            open_s = time.perf_counter() - started
            row = {"source": ex.source, "snr": snr, "voice": voice.name, "audio_s": pcm.duration_s,
                   "decode_s": pcm.decode_s, "closed_s": closed_s, "open_s": open_s, "loadavg": os.getloadavg()[0],
                   "closed": asdict(first), "open": asdict(heard)}
            out.append(row)
            if saved is not None:
                with saved.open("a") as f:
                    f.write(json.dumps(row) + "\n")
    return out


def judge(ex: Example, transcript: Transcript, vocab, word_below: float) -> tuple[bool, bool, bool, bool]:
    """(right, wrong switch acted on without a question, out of scope acted on, right switch that asks first) for
    the bot's reading."""
    parser = parser_for(vocab)
    command = parser.parse(transcript.text, now=CORPUS_NOW)
    refused = transcript.confidence < ACT or command.intent == "unknown"
    if refused:
        command = Command(text=transcript.text, intent="unknown")
    got = _got(command)
    right = command.intent == ex.intent and (ex.intent == "unknown" or all(got[e] == ex.expected[e] for e in ENTITIES))
    asks = transcript.confidence < CONFIRM_BELOW or bool(unsure_words(transcript.words, vocab, word_below))
    switches = command.intent == "device_control" and bool(command.switches) and not command.clarification
    wrong_switch = switches and not right and not asks
    out_of_scope = ex.intent == "unknown" and command.intent != "unknown" and not refused
    return right, wrong_switch, out_of_scope, switches and right and asks


def evaluate(passes: list[dict], examples: dict[str, Example], vocab, mode: str, closed_sure: float,
             word_below: float, alone_cap: float = 1.0, open_wins_from: float = 0.0) -> dict:
    rows = []
    for p in passes:
        first, heard = _transcript(p["closed"]), _transcript(p["open"])
        ran_open = True
        if mode == "closed":
            chosen, ran_open = first, False
        elif mode == "open":
            chosen = rank(None, heard, command_reader(vocab, CORPUS_NOW))
        elif first.in_grammar and first.confidence >= closed_sure:
            chosen, ran_open = first, False
        else:
            chosen = rank(first, heard, command_reader(vocab, CORPUS_NOW), alone_cap, open_wins_from)
        right, wrong, oos, asked = judge(examples[p["source"]], chosen, vocab, word_below)
        if mode == "two" and closed_sure > 1:  # never skipping: the engine runs both passes side by side
            latency = p["decode_s"] + max(p["closed_s"], p["open_s"])
        else:
            latency = p["decode_s"] + (p["closed_s"] if mode != "open" else 0) + (p["open_s"] if ran_open else 0)
        rows.append({"snr": p["snr"], "right": right, "wrong": wrong, "oos": oos, "asked": asked, "latency": latency,
                     "open": ran_open, "audio_s": p["audio_s"], "used": chosen.engine})
    report = {}
    for snr in sorted({r["snr"] for r in rows}, key=lambda s: -1 if s is None else s):
        part = [r for r in rows if r["snr"] == snr]
        lat = sorted(r["latency"] for r in part)
        report["clean" if snr is None else f"{snr:g}dB"] = {
            "notes": len(part), "whole_command": round(sum(r["right"] for r in part) / len(part), 3),
            "wrong_switch_no_question": sum(r["wrong"] for r in part),
            "out_of_scope_accepted": sum(r["oos"] for r in part),
            "right_switch_asked": sum(r["asked"] for r in part),
            "open_pass_run": round(sum(r["open"] for r in part) / len(part), 3),
            "answered_by_open": sum(r["used"] != "pocketsphinx" for r in part),
            "latency_p50_s": round(statistics.median(lat), 3), "latency_p95_s": round(lat[int(0.95 * (len(lat) - 1))], 3)}
    return report


LATENCY_NOTES = (  # about 3 s each: grammar sentences and natural ones, as a day's notes mix them
    "turn off the fans in classroom one oh one", "is the ac on in room two zero two",
    "switch off the projector in the seminar hall", "turn on the lights in lab two",
    "could you switch the fans off in room one oh two", "the lights in the staff room, off please",
    "would you mind turning off the projector in the seminar hall", "um okay turn on the ac in lab one",
    "how much energy did block a use this week", "what's the weather like today",
)
LONG_NOTE = ("okay so um could you please turn off all of the lights and the fans in classroom one oh one, and then "
             "after that switch off the projector in the seminar hall in about ten minutes")


def latency(runs: int, whisper_model: str, cache: Path) -> dict:
    """Voice note -> parsed command through the service's engine, per note the median of `runs`; RSS after loading.

    The machine is shared, so wall time says little about an idle one: each stage's CPU time is measured on its own
    too (audio decoding, the grammar pass, Whisper, the parser), and the idle 2-core wall estimated from them as
    decode + max(grammar pass, (grammar pass + Whisper) / 2) + parse: the passes run side by side on two cores, the
    grammar pass on one thread. That is a floor (no cost for sharing the cores) and is reported as an estimate."""
    import resource

    from autovolt.settings import load_settings
    from autovolt.speech_engines import speech_engine
    from nlu.speech.understand import understand_voice

    vocab = vocabulary_from_campus(load_campus_file(DEMO))
    started = time.perf_counter()
    engine = speech_engine(load_settings(whisper_model=whisper_model))
    grammar = engine.grammar_for(vocab)
    load_s = time.perf_counter() - started
    notes = NoteCache(cache)
    parser = parser_for(vocab)

    cpu: list[float] = []

    def timed(data: bytes) -> tuple[float, str]:
        times, engine_used = [], ""
        for _ in range(runs):
            t0, c0 = time.perf_counter(), time.process_time()
            result = understand_voice(data, engine, vocab, now=CORPUS_NOW)
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)  # all threads: what an idle machine would spend, over 2 cores
            engine_used = result.transcript.engine
        return statistics.median(times), engine_used

    def stages(data: bytes) -> dict[str, float]:
        """CPU seconds of each stage alone, the median of `runs`."""
        out: dict[str, list[float]] = {"decode": [], "closed": [], "whisper": [], "parse": []}
        for _ in range(runs):
            c0 = time.process_time()
            pcm = decode_audio(data)
            out["decode"].append(time.process_time() - c0)
            c0 = time.process_time()
            engine.closed.closed_pass(pcm.samples, grammar)
            out["closed"].append(time.process_time() - c0)
            heard = None
            if engine.open_passes:
                c0 = time.process_time()
                heard = engine.open_passes[-1].transcribe(pcm.samples, grammar)
                out["whisper"].append(time.process_time() - c0)
            c0 = time.process_time()
            parser.parse(heard.text if heard else "turn off the fans", now=CORPUS_NOW)
            out["parse"].append(time.process_time() - c0)
        got = {k: statistics.median(v) if v else 0.0 for k, v in out.items()}
        got["idle_estimate"] = (got["decode"] + max(got["closed"], (got["closed"] + got["whisper"]) / 2)
                                + got["parse"])
        return got

    understand_voice(notes.get(LATENCY_NOTES[0]), engine, vocab, now=CORPUS_NOW)  # first-call costs out
    short_notes = [notes.get(text, ENGLISH_VOICES[i % 2]) for i, text in enumerate(LATENCY_NOTES)]
    short = [timed(data) for data in short_notes]
    short_cpu = statistics.median(cpu)
    long_s, long_engine = timed(notes.get(LONG_NOTE))
    long_cpu = statistics.median(cpu[-runs:])
    short_stages = [stages(data) for data in short_notes]
    long_stages = stages(notes.get(LONG_NOTE))
    lat = sorted(t for t, _ in short)
    idle = sorted(s["idle_estimate"] for s in short_stages)
    return {"notes": len(short), "p50_s": round(statistics.median(lat), 3),
            "p95_s": round(lat[int(0.95 * (len(lat) - 1) + 0.5)], 3),
            "open_pass_notes": sum(e != "pocketsphinx" for _, e in short),
            "cpu_s_p50": round(short_cpu, 3),
            "stage_cpu_s_p50": {k: round(statistics.median(s[k] for s in short_stages), 4)
                                for k in ("decode", "closed", "whisper", "parse")},
            "idle_2core_estimate_p50_s": round(statistics.median(idle), 3),
            "idle_2core_estimate_p95_s": round(idle[int(0.95 * (len(idle) - 1) + 0.5)], 3),
            "long_note_s": round(long_s, 3), "long_note_engine": long_engine, "long_note_cpu_s": round(long_cpu, 3),
            "long_note_stage_cpu_s": {k: round(v, 3) for k, v in long_stages.items()},
            "load_s": round(load_s, 2), "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "loadavg": round(os.getloadavg()[0], 1), "runs": runs}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--part", default="dev", choices=("dev", "test"))
    ap.add_argument("--limit", type=int, default=0, help="first N sentences only (0: all)")
    ap.add_argument("--every", type=int, default=1, help="every Nth sentence (a smaller run over all kinds)")
    ap.add_argument("--snr", type=float, default=10.0)
    ap.add_argument("--voices", type=int, default=2, help="espeak-ng voices rotated over the sentences")
    ap.add_argument("--whisper", default="tiny", help="tiny (packaged), a folder, or a size name")
    ap.add_argument("--passes", type=Path, help="JSON-lines file of saved passes: resumed and extended")
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "autovolt-voice-notes")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--latency", action="store_true", help="time notes -> commands through the service's engine")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    if args.latency:
        print(json.dumps(latency(args.runs, args.whisper, args.cache)))
        return 0

    vocab = vocabulary_from_campus(load_campus_file(DEMO))
    examples = read_corpus(CORPUS_DIR / "spoken" / f"{args.part}.txt", vocab)
    examples = examples[::args.every]
    if args.limit:
        examples = examples[:args.limit]
    by_source = {ex.source: ex for ex in examples}
    started = time.perf_counter()
    passes = run_passes(examples, vocab, [None, args.snr], args.voices, args.whisper, args.cache, args.passes)
    print(f"passes: {len(passes)} notes in {time.perf_counter() - started:.0f} s, load {os.getloadavg()[0]:.1f}")
    results = {"closed alone": evaluate(passes, by_source, vocab, "closed", 0, 0),
               "open alone": evaluate(passes, by_source, vocab, "open", 0, 0.5)}
    for sure in (0.75, 1.01):
        for word in (0.2, 0.35, 0.5, 0.7):
            for cap in (1.0, 0.6):
                for wins in (0.0, 0.5, 0.7, 1.01):
                    results[f"two-pass closed_sure={sure} word<{word} closed_alone_cap={cap} open_wins_from={wins}"] = \
                        evaluate(passes, by_source, vocab, "two", sure, word, cap, wins)
    if args.json:
        print(json.dumps(results, indent=1))
    else:
        for name, report in results.items():
            print(name)
            for cond, r in report.items():
                print(f"  {cond:6s} " + " ".join(f"{k}={v}" for k, v in r.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
