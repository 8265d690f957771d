"""Speech bench for the two-pass pipeline: what each pass contributes, and the rules that join them.

    .venv/bin/python -m bench.speech_twopass [--part dev] [--every N] [--limit N] [--snr 10] [--voices 2] [--neural]
                                             [--whisper tiny] [--passes FILE] [--closed-from FILE] [--denoise]
                                             [--decode JSON] [--noisy-only] [--rescore] [--passes-only | --offline]
                                             [--json]
    .venv/bin/python -m bench.speech_twopass --latency [--runs 3] [--whisper tiny] [--order open-first|beside]
                                             [--latency-snr 10]

Reads the spoken corpus (nlu/corpus/spoken/<part>.txt; tune on `dev` only, `test` is held out), speaks each
sentence with espeak-ng (voices rotated over the sentences; `--neural`: the Piper voice speaks every sentence too),
encodes it as Telegram does, clean and with white noise at --snr dB, and runs the closed pass (PocketSphinx with the
campus grammar) and the open pass (Whisper with the campus prompt; `--denoise`: after spectral subtraction) on
every note, timing each. The passes are saved (--passes, resumed when run again; `--closed-from` reuses another
run's grammar pass, which does not depend on the Whisper model) so the joining rules can be swept offline
(`--offline`): closed alone, open alone, and the two-pass engine for a grid of `JoinRules`.

Scored as bench/speech_natural.py scores the product, with its own decision (`nlu.speech.understand.decide`): a
note is right when the command equals the label; "wrong switch unasked" counts switches other than the labelled one
that would run without the confirmation tap; "out of scope accepted" counts out-of-scope notes read as any command.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import tempfile
import time
from dataclasses import asdict, replace
from pathlib import Path

from autovolt.vocabulary import vocabulary_from_campus
from nlu.audio import decode_audio
from nlu.command import Command
from nlu.parser import parser_for
from nlu.scoring import CORPUS_DIR, CORPUS_NOW, Example, differences, read_corpus
from nlu.speech.base import HeardWord, Transcript
from nlu.speech.denoise import spectral_subtract
from nlu.speech.nbest import command_reader
from nlu.speech.opentext import heard_words
from nlu.speech.rescore import Candidate, RescoreRules, Scored, unsure_slots
from nlu.speech.twopass import RULES, JoinRules, could_change, grammar_needed, rank
from nlu.speech.understand import ACT, decide, voice_verdict
from nlu.speech.whisper import campus_prompt, rescored_transcript
from nlu.speech.whisper_decode import DecodeOptions
from nlu.speech.wordcheck import unsure_words
from store.campus import load_campus_file
from tests.speech.synth import ENGLISH_VOICES, PIPER_JOE, NoteCache, Voice

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "autovolt" / "demo" / "campus.yaml"


def _transcript(data: dict) -> Transcript:
    data = dict(data)
    data["words"] = tuple(HeardWord(**w) for w in data.get("words", ()))
    return Transcript(**data)


def speakers(i: int, voices: int, neural: bool) -> list[Voice]:
    """Who speaks sentence `i`: espeak-ng voices in turn (the first `voices` of them), and with `neural` the Piper
    voice too (every sentence, as bench/speech_natural.py)."""
    return [*([PIPER_JOE] if neural else []), ENGLISH_VOICES[i % voices]]


def run_passes(examples: list[tuple[int, Example]], vocab, snrs: list[float | None], voices: int, whisper_model: str,
               cache: Path, saved: Path | None, neural: bool = False,
               closed_from: Path | None = None, denoise: bool = False,
               decode: DecodeOptions | None = None, rescore: bool = False) -> list[dict]:
    """Both passes on every note: [{source, snr, voice, closed, open, closed_s, open_s, open_cpu_s, audio_s,
    decode_s}], appended to `saved` (JSON lines) as they come, so a long run can be resumed. `examples` carry their
    index in the whole part: it picks the voice and the noise seed, so a subset's notes are the whole run's notes.
    `denoise`: the open pass hears the note after spectral subtraction (nlu/speech/denoise.py); `decode`: Whisper's
    decoding options (prompt, beam, front-end) when not the product's. `rescore`: Whisper's campus readings are
    scored too and saved under "rescore" (Whisper's own text stays the row's "open"), for `evaluate` to pick from
    with any RescoreRules."""
    from nlu.speech import load_engine
    from nlu.speech.engines import load_whisper
    from nlu.speech.whisper_models import resolve_model

    done = {}
    if saved is not None and saved.exists():
        for line in saved.read_text().splitlines():
            row = json.loads(line)
            done[(row["source"], row["snr"], row["voice"])] = row
    notes = NoteCache(cache)
    closed = load_engine()
    if decode is None and not rescore:
        opener = load_whisper(resolve_model(whisper_model, ROOT / "data" / "speech"), ROOT / "data" / "speech")
    else:  # rescore: scores every note's readings, keeps Whisper's text; the choice is made offline
        from nlu.speech.whisper import WhisperEngine

        opener = WhisperEngine(resolve_model(whisper_model, ROOT / "data" / "speech"), ROOT / "data" / "speech",
                               options=decode or DecodeOptions(),
                               rescore=RescoreRules(within=-math.inf, within_parsed=-math.inf,
                                                    max_scored=RESCORE_SAVED, max_scored_parsed=RESCORE_SAVED,
                                                    unsure_below=RESCORE_UNSURE_SAVED) if rescore else None)
    prompt = campus_prompt(vocab, (decode or DecodeOptions()).prompt)
    grammar = closed.grammar_for(vocab)
    reuse = {}
    if closed_from is not None:  # the grammar pass does not depend on the Whisper model: taken from an earlier run
        for line in closed_from.read_text().splitlines():
            row = json.loads(line)
            reuse[(row["source"], row["snr"], row["voice"])] = row
    out = []
    for i, ex in examples:
        for voice, snr in ((v, s) for v in speakers(i, voices, neural) for s in snrs):
            key = (ex.source, snr, voice.name)
            if key in done:
                out.append(done[key])
                continue
            pcm = decode_audio(notes.get(ex.text, voice, snr, seed=i))
            if key in reuse:
                first, closed_s = _transcript(reuse[key]["closed"]), reuse[key]["closed_s"]
            else:
                started = time.perf_counter()
                first = closed.closed_pass(pcm.samples, grammar)  # what the two-pass engine runs
                closed_s = time.perf_counter() - started
            started, cpu = time.perf_counter(), time.process_time()
            heard_pcm = spectral_subtract(pcm.samples) if denoise else pcm.samples
            heard, rescored = opener.transcribe_rescored(heard_pcm, grammar) if rescore else \
                (opener.transcribe(heard_pcm, grammar), None)
            open_s, open_cpu_s = time.perf_counter() - started, time.process_time() - cpu
            row = {"source": ex.source, "snr": snr, "voice": voice.name, "audio_s": pcm.duration_s,
                   "decode_s": pcm.decode_s, "closed_s": closed_s, "open_s": open_s, "open_cpu_s": open_cpu_s,
                   "loadavg": os.getloadavg()[0], "whisper": whisper_model, "prompt": prompt,
                   "closed": asdict(first), "open": asdict(heard)}
            if rescored is not None:
                row["rescore"] = {"cpu_s": rescored.cpu_s, "scored": [
                    {"words": s.candidate.words, "changed": s.candidate.changed,
                     "closeness": s.candidate.closeness, "parsed": s.candidate.parsed, "score": s.score}
                    for s in rescored.scored]}
            out.append(row)
            if saved is not None:
                with saved.open("a") as f:
                    f.write(json.dumps(row) + "\n")
    return out


def group_of(row: dict) -> str:
    """The figure a note counts in: the neural voice or espeak-ng, clean or noisy."""
    voice = "piper" if row["voice"] == PIPER_JOE.name else "espeak"
    noise = "clean" if row["snr"] is None else f"{row['snr']:g}dB"
    return f"{voice} {noise}"


def judge(ex: Example, transcript: Transcript, vocab) -> tuple[bool, bool, bool, bool]:
    """(right, wrong switch run without a question, out of scope acted on, right switch that asks first), scored as
    bench/speech_natural.py scores the product: the command `nlu.speech.understand.decide` makes of the transcript
    against the label."""
    parsed = _parse(vocab, transcript.text)
    command = decide(transcript, parsed, vocab)
    right = not differences(ex, command)
    switches = command.intent == "device_control" and command.action in ("on", "off") and not command.clarification
    # The bot's own rule: a switch it would not run unasked (an unsure note or word, a doubted parse) asks first.
    asks = voice_verdict(transcript.confidence, bool(unsure_words(transcript.words, vocab)), parsed).verdict != ACT
    wanted = (ex.expected.get("action"), ex.expected.get("switches"), ex.expected.get("when"))
    got = command.to_dict()
    wrong = switches and not asks and (ex.intent != "device_control"
                                       or (got["action"], tuple(sorted(got["switches"])), got["when"]) != wanted)
    out_of_scope = ex.intent == "unknown" and command.intent != "unknown"
    return right, wrong, out_of_scope, switches and right and asks


_PARSED: dict[str, Command] = {}


def _parse(vocab, text: str) -> Command:
    if text not in _PARSED:
        _PARSED[text] = parser_for(vocab).parse(text, now=CORPUS_NOW)
    return _PARSED[text]


def _scored(saved: dict) -> tuple[Scored, ...]:
    return tuple(Scored(Candidate(tuple((w, p) for w, p in s["words"]), tuple(s["changed"]), s["closeness"],
                                  s.get("parsed", False)), s["score"]) for s in saved["scored"])


def choose(p: dict, vocab, mode: str, rules: JoinRules, read, rescore: RescoreRules | None = None) -> Transcript:
    first, heard = _transcript(p["closed"]), _transcript(p["open"])
    if heard.words:  # saved words through today's open-text rules (they are idempotent on their own output)
        words = heard_words((w.text, w.confidence) for w in heard.words)
        heard = replace(heard, text=" ".join(w.text for w in words), words=words)
    scored = _scored(p["rescore"]) if rescore is not None and p.get("rescore", {}).get("scored") else ()
    # A text the parser reads was saved with readings when a deciding word was under RESCORE_UNSURE_SAVED: rescored
    # here only under `rescore.unsure_below`, as the engine would.
    if scored and (not scored[0].candidate.parsed or unsure_slots(scored[0].candidate, vocab, rescore.unsure_below)):
        # The saved readings are in the order the engine's cap keeps them: a smaller cap is their head.
        cap = rescore.max_scored_parsed if scored[0].candidate.parsed else rescore.max_scored
        heard = rescored_transcript(heard, scored[:cap], rescore)
    if mode == "closed":
        return first
    prompt = p.get("prompt", campus_prompt(vocab))  # the prompt Whisper was given: its words read back are refused
    if mode == "open":
        return rank(None, heard, read, rules, prompt)
    if mode == "first" and not grammar_needed(heard, read, vocab, rules, prompt):
        return rank(None, heard, read, rules, prompt)  # Whisper first: the grammar pass is not run
    return rank(first, heard, read, rules, prompt)


def _grammar_ran(p: dict, vocab, rules: JoinRules, read) -> bool:
    heard = _transcript(p["open"])
    if heard.words:
        words = heard_words((w.text, w.confidence) for w in heard.words)
        heard = replace(heard, text=" ".join(w.text for w in words), words=words)
    return grammar_needed(heard, read, vocab, rules, campus_prompt(vocab))


def evaluate(passes: list[dict], examples: dict[str, Example], vocab, mode: str, rules: JoinRules = RULES,
             detail: bool = False, rescore: RescoreRules | None = None) -> dict:
    """Figures per voice kind and noise for one way of joining the passes (`mode`: closed, open, two (both passes
    side by side) or first (Whisper first, the grammar pass only where `grammar_needed`)), with Whisper's campus
    readings picked by `rescore` when the passes were saved with them. `latency` per note is decoding plus the
    passes' wall times as the mode runs them (side by side: the slower; first: one after the other); `closed_runs`
    counts the notes the grammar pass ran on."""
    read = command_reader(vocab, CORPUS_NOW)  # one memo for the whole sweep: the same `now` for every note
    rows = []
    for p in passes:
        chosen = choose(p, vocab, mode, rules, read, rescore)
        right, wrong, oos, asked = judge(examples[p["source"]], chosen, vocab)
        ran_closed = mode in ("closed", "two") or (mode == "first" and _grammar_ran(p, vocab, rules, read))
        latency = p["decode_s"] + (p["closed_s"] if mode == "closed" else max(p["closed_s"], p["open_s"])
                                   if mode == "two" else p["open_s"] + (p["closed_s"] if ran_closed else 0.0))
        rows.append({"group": group_of(p), "right": right, "wrong": wrong, "oos": oos, "asked": asked,
                     "latency": latency, "used": chosen.engine, "ran_closed": ran_closed,
                     "cpu": p.get("open_cpu_s", 0.0),
                     "out_of_scope": examples[p["source"]].intent == "unknown", "source": p["source"],
                     "voice": p["voice"], "snr": p["snr"], "text": chosen.text, "confidence": chosen.confidence,
                     "rescore_cpu": p.get("rescore", {}).get("cpu_s", 0.0)})
    report = {}
    for group in sorted({r["group"] for r in rows}, key=lambda g: (g.startswith("espeak"), not g.endswith("clean"))):
        part = [r for r in rows if r["group"] == group]
        lat = sorted(r["latency"] for r in part)
        oos = [r for r in part if r["out_of_scope"]]
        report[group] = {
            "notes": len(part), "whole_command_pct": round(100 * sum(r["right"] for r in part) / len(part), 1),
            "wrong_switch_unasked_pct": round(100 * sum(r["wrong"] for r in part) / len(part), 1),
            "oos_accepted_pct": round(100 * sum(r["oos"] for r in oos) / max(1, len(oos)), 1),
            "right_switch_asked": sum(r["asked"] for r in part),
            "answered_by_open": sum(r["used"] != "pocketsphinx" for r in part),
            "closed_runs": sum(r["ran_closed"] for r in part),
            "open_cpu_p50_s": round(statistics.median(r["cpu"] for r in part), 3),
            "rescore_cpu_p50_s": round(statistics.median(r["rescore_cpu"] for r in part), 4),
            "rescore_cpu_p95_s": round(sorted(r["rescore_cpu"] for r in part)[int(0.95 * (len(part) - 1) + 0.5)], 4),
            "latency_p50_s": round(statistics.median(lat), 3)}
    if detail:
        report["rows"] = rows
    return report


def summary(report: dict) -> str:
    """One line: accuracy, wrong switches and out-of-scope accepts per group."""
    return " | ".join(f"{g}: {r['whole_command_pct']:.1f}% ws {r['wrong_switch_unasked_pct']:.1f} "
                      f"oos {r['oos_accepted_pct']:.1f}" for g, r in report.items() if g != "rows")


LATENCY_NOTES = (  # about 3 s each: grammar sentences and natural ones, as a day's notes mix them
    "turn off the fans in classroom one oh one", "is the ac on in room two zero two",
    "switch off the projector in the seminar hall", "turn on the lights in lab two",
    "could you switch the fans off in room one oh two", "the lights in the staff room, off please",
    "would you mind turning off the projector in the seminar hall", "um okay turn on the ac in lab one",
    "how much energy did block a use this week", "what's the weather like today",
)
LONG_NOTE = ("okay so um could you please turn off all of the lights and the fans in classroom one oh one, and then "
             "after that switch off the projector in the seminar hall in about ten minutes")


def cpu_unit_s() -> float:
    """CPU seconds of a fixed single-thread piece of work, the median of 3: this machine's own speed, so a slower
    VM (or a host that takes the vCPU away unseen, which the guest counts as CPU time) is told from slower code."""
    times = []
    for _ in range(3):
        c0 = time.process_time()
        sum(i * i for i in range(2_000_000))
        times.append(time.process_time() - c0)
    return statistics.median(times)


def latency(runs: int, whisper_model: str, cache: Path, order: str = "open-first", snr: float | None = None) -> dict:
    """Voice note -> parsed command through the service's engine, per note the median of `runs`; RSS after loading.

    The machine is shared, so wall time says little about an idle one: each stage's CPU time is measured on its own
    too (audio decoding, the grammar pass, Whisper, the parser), and the idle 2-core wall estimated from them as
    decode + max(grammar pass, (grammar pass + Whisper) / 2) + parse: the passes run side by side on two cores, the
    grammar pass on one thread. That is a floor (no cost for sharing the cores) and is reported as an estimate.
    With `order` "open-first" (the product's default) Whisper runs alone on both cores, then the grammar pass only on
    the notes `grammar_needed` picks: decode + Whisper / 2 + (grammar pass where needed) + parse. `snr`: the same
    notes with seeded white noise at this many dB (the wall and CPU figures then include the second look at a noisy
    note; the stage figures do not)."""
    import resource

    from autovolt.settings import load_settings
    from autovolt.speech_engines import speech_engine
    from nlu.speech.understand import understand_voice

    vocab = vocabulary_from_campus(load_campus_file(DEMO))
    started = time.perf_counter()
    from nlu.speech.twopass import TwoPassEngine

    built = speech_engine(load_settings(whisper_model=whisper_model))
    # The settings' rules (AUTOVOLT_SPEECH_SLOW_LOOK), so the bench times the service's second hearing too.
    engine = TwoPassEngine(built.closed, built.open_passes, rules=built.rules, order=order)
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
        out: dict[str, list[float]] = {"decode": [], "closed": [], "closed_as_run": [], "whisper": [], "parse": [],
                                       "closed_wall": [], "whisper_wall": []}
        needed = order == "beside"
        for _ in range(runs):
            c0 = time.process_time()
            pcm = decode_audio(data)
            out["decode"].append(time.process_time() - c0)
            c0, w0 = time.process_time(), time.perf_counter()
            engine.closed.closed_pass(pcm.samples, grammar)
            out["closed"].append(time.process_time() - c0)
            out["closed_wall"].append(time.perf_counter() - w0)
            heard = None
            if engine.open_passes:
                c0, w0 = time.process_time(), time.perf_counter()
                heard = engine.open_passes[-1].transcribe(pcm.samples, grammar)
                out["whisper"].append(time.process_time() - c0)
                out["whisper_wall"].append(time.perf_counter() - w0)
                read, prompt = command_reader(vocab), campus_prompt(vocab)
                needed = needed or grammar_needed(heard, read, vocab, prompt=prompt)
                if order == "open-first" and needed and getattr(engine.closed, "skips_unwanted", False):
                    # As the engine runs it after Whisper: the phone loop only for a sentence that could matter.
                    c0 = time.process_time()
                    engine.closed.closed_pass(pcm.samples, grammar, wanted=could_change(heard, read, prompt=prompt))
                    out["closed_as_run"].append(time.process_time() - c0)
            c0 = time.process_time()
            parser.parse(heard.text if heard else "turn off the fans", now=CORPUS_NOW)
            out["parse"].append(time.process_time() - c0)
        got = {k: statistics.median(v) if v else 0.0 for k, v in out.items()}
        as_run = got["closed_as_run"] if out["closed_as_run"] else got["closed"]
        passes = (max(got["closed"], (got["closed"] + got["whisper"]) / 2) if order == "beside"
                  else got["whisper"] / 2 + (as_run if needed else 0.0))
        got["idle_estimate"] = got["decode"] + passes + got["parse"]
        got["grammar_ran"] = float(needed)
        return got

    understand_voice(notes.get(LATENCY_NOTES[0]), engine, vocab, now=CORPUS_NOW)  # first-call costs out
    short_notes = [notes.get(text, ENGLISH_VOICES[i % 2], snr, i) if snr is not None else
                   notes.get(text, ENGLISH_VOICES[i % 2]) for i, text in enumerate(LATENCY_NOTES)]
    long_note = notes.get(LONG_NOTE, ENGLISH_VOICES[0], snr) if snr is not None else notes.get(LONG_NOTE)
    short = [timed(data) for data in short_notes]
    short_cpu = statistics.median(cpu)
    long_s, long_engine = timed(long_note)
    long_cpu = statistics.median(cpu[-runs:])
    short_stages = [stages(data) for data in short_notes]
    long_stages = stages(long_note)
    lat = sorted(t for t, _ in short)
    idle = sorted(s["idle_estimate"] for s in short_stages)
    return {"notes": len(short), "p50_s": round(statistics.median(lat), 3),
            "p95_s": round(lat[int(0.95 * (len(lat) - 1) + 0.5)], 3),
            "open_pass_notes": sum(e != "pocketsphinx" for _, e in short), "order": order,
            "grammar_pass_notes": int(sum(s["grammar_ran"] for s in short_stages)),
            "cpu_s_p50": round(short_cpu, 3),
            "stage_cpu_s_p50": {k: round(statistics.median(s[k] for s in short_stages), 4)
                                for k in ("decode", "closed", "whisper", "parse")},
            # The same stages' wall time (the machine's load shows here, not in the CPU figures).
            "stage_wall_s_p50": {k: round(statistics.median(s[f"{k}_wall"] for s in short_stages), 4)
                                 for k in ("closed", "whisper")},
            "whisper_wall_s_p95": round(sorted(s["whisper_wall"] for s in short_stages)[
                int(0.95 * (len(short_stages) - 1) + 0.5)], 4),
            # The grammar pass as the engine ran it, on the notes it ran on (the phone loop only where it mattered).
            "closed_as_run_cpu_s": [round(s["closed_as_run"], 4) for s in short_stages if s["closed_as_run"]],
            "idle_2core_estimate_p50_s": round(statistics.median(idle), 3),
            "idle_2core_estimate_p95_s": round(idle[int(0.95 * (len(idle) - 1) + 0.5)], 3),
            "long_note_s": round(long_s, 3), "long_note_engine": long_engine, "long_note_cpu_s": round(long_cpu, 3),
            "long_note_stage_cpu_s": {k: round(v, 3) for k, v in long_stages.items()},
            "load_s": round(load_s, 2), "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "loadavg": round(os.getloadavg()[0], 1), "runs": runs, "snr_db": snr,
            "whisper_threads": [getattr(p, "cpu_threads", None) for p in engine.open_passes],
            "cpu_unit_s": round(cpu_unit_s(), 3)}


# Readings scored and saved per note: more than the engine scores, so smaller caps are swept offline (the saved
# readings are in the order the engine's cap keeps them).
RESCORE_SAVED = 16
# How far below Whisper's own text (mean log-probability per token) a campus reading may score and still replace it.
RESCORE_WITHIN = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0, 1.5)
RESCORE_CAPS = (4, 8, 12, 16)
# A text the parser reads is saved with its readings when a deciding word's probability is under this (the engine's
# `unsure_below` is swept under it offline), and the thresholds and margins swept for such texts.
RESCORE_UNSURE_SAVED = 0.95
RESCORE_UNSURE = (0.0, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95)
RESCORE_WITHIN_PARSED = (-0.3, -0.2, -0.1, 0.0, 0.1, 0.2, 0.3, 0.5)


def sweep_grid() -> list[tuple[str, JoinRules]]:
    """The joining rules tried on the dev notes."""
    grid = []
    for cap in (0.45, 0.6):
        for open_act in (0.0, 0.2, 0.3, 0.4):
            for open_sure in (0.5, 0.6, 0.7, 0.8):
                for wins in (0.0, 0.5, 1.01):
                    rules = JoinRules(closed_alone_cap=cap, open_act=open_act, open_sure=open_sure,
                                      open_wins_from=wins)
                    grid.append((f"closed_alone_cap={cap} open_act={open_act} open_sure={open_sure} "
                                 f"open_wins_from={wins}", rules))
    return grid


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--part", default="dev", choices=("dev", "test"))
    ap.add_argument("--limit", type=int, default=0, help="first N sentences only (0: all)")
    ap.add_argument("--every", type=int, default=1, help="every Nth sentence (a smaller run over all kinds)")
    ap.add_argument("--snr", type=float, default=10.0)
    ap.add_argument("--voices", type=int, default=2, help="espeak-ng voices rotated over the sentences")
    ap.add_argument("--neural", action="store_true", help="the Piper voice speaks every sentence too")
    ap.add_argument("--closed-from", type=Path, help="saved passes whose grammar-pass results are reused")
    ap.add_argument("--passes-only", action="store_true", help="run and save the passes, skip the sweep")
    ap.add_argument("--denoise", action="store_true", help="spectral subtraction before the open pass")
    ap.add_argument("--decode", type=json.loads, help='Whisper decoding options as JSON, e.g. \'{"beam_size": 3}\' '
                    "(nlu/speech/whisper_decode.py DecodeOptions)")
    ap.add_argument("--noisy-only", action="store_true", help="the noisy notes only (no clean copies)")
    ap.add_argument("--offline", action="store_true", help="sweep the saved --passes only; run nothing")
    ap.add_argument("--rescore", action="store_true", help="score Whisper's campus readings too (saved; swept)")
    ap.add_argument("--parsed-sweep", action="store_true",
                    help="sweep only when a text the parser reads is rescored (RescoreRules.unsure_below)")
    ap.add_argument("--whisper", default="tiny", help="tiny (packaged), a folder, or a size name")
    ap.add_argument("--passes", type=Path, help="JSON-lines file of saved passes: resumed and extended")
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "autovolt-voice-notes")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--latency", action="store_true", help="time notes -> commands through the service's engine")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--order", default="open-first", choices=("open-first", "beside"),
                    help="--latency: Whisper first and the grammar pass where needed, or both side by side")
    ap.add_argument("--latency-snr", type=float, help="--latency: the notes with white noise at this many dB")
    args = ap.parse_args()
    if args.latency:
        print(json.dumps(latency(args.runs, args.whisper, args.cache, args.order, args.latency_snr)))
        return 0

    vocab = vocabulary_from_campus(load_campus_file(DEMO))
    examples = read_corpus(CORPUS_DIR / "spoken" / f"{args.part}.txt", vocab)
    indexed = list(enumerate(examples))[::args.every]
    if args.limit:
        indexed = indexed[:args.limit]
    by_source = {ex.source: ex for _, ex in indexed}
    started = time.perf_counter()
    if args.offline:  # the saved passes of these sentences only, nothing run
        wanted = set(by_source)
        passes = [row for row in map(json.loads, args.passes.read_text().splitlines()) if row["source"] in wanted]
    else:
        snrs = [args.snr] if args.noisy_only else [None, args.snr]
        passes = run_passes(indexed, vocab, snrs, args.voices, args.whisper, args.cache, args.passes,
                            args.neural, args.closed_from, args.denoise,
                            DecodeOptions(**args.decode) if args.decode else None, args.rescore)
    print(f"passes: {len(passes)} notes in {time.perf_counter() - started:.0f} s, load {os.getloadavg()[0]:.1f}")
    if args.passes_only:
        return 0
    results = {"closed alone": evaluate(passes, by_source, vocab, "closed"),
               "open alone": evaluate(passes, by_source, vocab, "open"),
               "two passes, today's rules": evaluate(passes, by_source, vocab, "two"),
               "whisper first, grammar pass where needed": evaluate(passes, by_source, vocab, "first")}
    if any("rescore" in p for p in passes) and args.parsed_sweep:
        for below in RESCORE_UNSURE:
            for within_parsed in RESCORE_WITHIN_PARSED if below else (0.0,):
                rescore = RescoreRules(unsure_below=below, within_parsed=within_parsed)
                results[f"whisper first, rescored, parsed texts under {below} within {within_parsed}"] = evaluate(
                    passes, by_source, vocab, "first", rescore=rescore)
    elif any("rescore" in p for p in passes):
        for within in RESCORE_WITHIN:
            for cap in RESCORE_CAPS:
                rescore = RescoreRules(within=within, max_scored=cap)
                results[f"two passes, today's rules, rescored within {within}, {cap} scored"] = evaluate(
                    passes, by_source, vocab, "two", rescore=rescore)
                results[f"whisper first, rescored within {within}, {cap} scored"] = evaluate(
                    passes, by_source, vocab, "first", rescore=rescore)
    else:
        for name, rules in sweep_grid():
            results[f"two passes {name}"] = evaluate(passes, by_source, vocab, "two", rules)
    if args.json:
        print(json.dumps(results, indent=1))
    else:
        for name, report in results.items():
            print(f"{name}\n  {summary(report)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
