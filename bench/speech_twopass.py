"""Speech bench for the two-pass pipeline: what each pass contributes, and the thresholds that join them.

    .venv/bin/python -m bench.speech_twopass [--part dev] [--limit N] [--snr 10] [--voices 2] [--whisper tiny]
                                             [--passes FILE] [--json]

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
               cache: Path) -> list[dict]:
    """Both passes on every note: [{source, snr, closed, open, closed_s, open_s, audio_s, decode_s}]."""
    from nlu.speech import load_engine
    from nlu.speech.engines import load_whisper
    from nlu.speech.whisper_models import packaged_tiny

    notes = NoteCache(cache)
    closed = load_engine()
    model = str(packaged_tiny()) if whisper_model == "tiny" else whisper_model
    opener = load_whisper(model, ROOT / "data" / "speech")
    grammar = closed.grammar_for(vocab)
    out = []
    for i, ex in enumerate(examples):
        voice = ENGLISH_VOICES[i % voices]
        for snr in snrs:
            pcm = decode_audio(notes.get(ex.text, voice, snr, seed=i))
            started = time.perf_counter()
            first = closed.transcribe(pcm.samples, grammar)
            closed_s = time.perf_counter() - started
            started = time.perf_counter()
            heard = opener.transcribe(pcm.samples, grammar)
            open_s = time.perf_counter() - started
            out.append({"source": ex.source, "snr": snr, "voice": voice.name, "audio_s": pcm.duration_s,
                        "decode_s": pcm.decode_s, "closed_s": closed_s, "open_s": open_s,
                        "closed": asdict(first), "open": asdict(heard)})
    return out


def judge(ex: Example, transcript: Transcript, vocab, word_below: float) -> tuple[bool, bool, bool]:
    """(right, wrong switch acted on without a question, out of scope acted on) for the bot's reading."""
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
    return right, wrong_switch, out_of_scope


def evaluate(passes: list[dict], examples: dict[str, Example], vocab, mode: str, closed_sure: float,
             word_below: float) -> dict:
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
            chosen = rank(first, heard, command_reader(vocab, CORPUS_NOW))
        right, wrong, oos = judge(examples[p["source"]], chosen, vocab, word_below)
        latency = p["decode_s"] + (p["closed_s"] if mode != "open" else 0) + (p["open_s"] if ran_open else 0)
        rows.append({"snr": p["snr"], "right": right, "wrong": wrong, "oos": oos, "latency": latency,
                     "open": ran_open, "audio_s": p["audio_s"], "used": chosen.engine})
    report = {}
    for snr in sorted({r["snr"] for r in rows}, key=lambda s: -1 if s is None else s):
        part = [r for r in rows if r["snr"] == snr]
        lat = sorted(r["latency"] for r in part)
        report["clean" if snr is None else f"{snr:g}dB"] = {
            "notes": len(part), "whole_command": round(sum(r["right"] for r in part) / len(part), 3),
            "wrong_switch_no_question": sum(r["wrong"] for r in part),
            "out_of_scope_accepted": sum(r["oos"] for r in part),
            "open_pass_run": round(sum(r["open"] for r in part) / len(part), 3),
            "answered_by_open": sum(r["used"] != "pocketsphinx" for r in part),
            "latency_p50_s": round(statistics.median(lat), 3), "latency_p95_s": round(lat[int(0.95 * (len(lat) - 1))], 3)}
    return report


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--part", default="dev", choices=("dev", "test"))
    ap.add_argument("--limit", type=int, default=0, help="first N sentences only (0: all)")
    ap.add_argument("--snr", type=float, default=10.0)
    ap.add_argument("--voices", type=int, default=2, help="espeak-ng voices rotated over the sentences")
    ap.add_argument("--whisper", default="tiny", help="tiny (packaged), a folder, or a size name")
    ap.add_argument("--passes", type=Path, help="JSON file of saved passes: read if present, else written")
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "autovolt-voice-notes")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    vocab = vocabulary_from_campus(load_campus_file(DEMO))
    examples = read_corpus(CORPUS_DIR / "spoken" / f"{args.part}.txt", vocab)
    if args.limit:
        examples = examples[:args.limit]
    by_source = {ex.source: ex for ex in examples}
    if args.passes and args.passes.exists():
        passes = [p for p in json.loads(args.passes.read_text()) if p["source"] in by_source]
    else:
        started = time.perf_counter()
        passes = run_passes(examples, vocab, [None, args.snr], args.voices, args.whisper, args.cache)
        print(f"passes: {len(passes)} notes in {time.perf_counter() - started:.0f} s, load {os.getloadavg()[0]:.1f}")
        if args.passes:
            args.passes.write_text(json.dumps(passes))
    results = {"closed alone": evaluate(passes, by_source, vocab, "closed", 0, 0),
               "open alone": evaluate(passes, by_source, vocab, "open", 0, 0.5)}
    for sure in (0.75, 0.9, 0.99, 1.01):
        for word in (0.3, 0.5, 0.7):
            results[f"two-pass closed_sure={sure} word<{word}"] = evaluate(passes, by_source, vocab, "two", sure, word)
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
