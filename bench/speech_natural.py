"""Speech bench on natural speech: the spoken corpus (nlu/corpus/spoken) as voice notes, through the product's path.

    .venv/bin/python -m bench.speech_natural [--split test|dev] [--every-voice] [--snr 10] [--limit N] [--every N]
                                             [--lines A-B] [--json]

Each labelled sentence is spoken by a neural voice (Piper en_US-joe-medium, every sentence) and by espeak-ng (5
voices, each sentence by one of them in turn; `--every-voice`: by all five), encoded as a Telegram voice note (Opus
in OGG, 48 kHz mono), clean and with seeded white noise at `--snr` dB. Notes are rendered once into a cache under
data/ (in a child process, so the synthesisers do not count in the speech memory), then each goes through
`understand_voice` with the engine `autovolt nlu parse --audio` would load for the current settings (environment
variables such as AUTOVOLT_VOSK_MODEL choose the engine configuration). Per voice x noise it reports whole-command
accuracy against the label, wrong switches that would run without the confirmation question, out-of-scope speech
accepted as a command, latency of ~3 s and ~10 s notes, which engine answered, and the process memory.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from nlu.command import Command
from nlu.scoring import CORPUS_DIR, CORPUS_NOW, Example, read_corpus, score
from tests.speech.synth import ENGLISH_VOICES, PIPER_JOE, NoteCache, Voice

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "autovolt" / "demo" / "campus.yaml"
SPOKEN = CORPUS_DIR / "spoken"
CACHE = ROOT / "data" / "speech-natural"
ESPEAK_VOICES = ENGLISH_VOICES[:5]
# Note lengths for the latency figures: "about 3 s" and "about 10 s".
SHORT_S, LONG_S = (2.5, 3.5), (7.5, 12.5)
# The sentence itself given to the text parser, for the ceiling row.
TEXT_VOICE, TEXT_LABEL = Voice("text", synth="none"), "text (heard exactly)"


@dataclass(frozen=True)
class Note:
    """One voice note to score: the corpus `example`, who spoke it (`voice`) and the noise (`snr_db`, None = clean)."""

    example: Example
    voice: Voice
    snr_db: float | None
    seed: int


@dataclass(frozen=True)
class Outcome:
    """What the product made of a note: the `command`, the `engine` that answered, its `confidence`, the audio
    length, the wall and CPU time (this process, all threads) from OGG bytes to command, and the deciding words
    (device, room, on/off) the engine was unsure of (`unsure_words`: the bot asks before switching on them), and the
    voice rule's `verdict` (`nlu.speech.understand.voice_verdict`: act, confirm, ask, refuse), the bot's own."""

    note: Note
    command: Command
    heard: str
    engine: str
    confidence: float
    audio_s: float
    wall_s: float
    cpu_s: float
    unsure_words: tuple[str, ...] = ()
    verdict: str = "act"
    # The transcript's own words and whether one was guessed (a filled device slot), so a later rule on the words can
    # be replayed offline on the same readings.
    words: tuple[tuple[str, float], ...] = ()
    guessed: bool = False


def line_range(text: str) -> tuple[int, int]:
    """`--lines A-B`: the corpus file's lines A to B, both included (an argparse type)."""
    first, sep, last = text.partition("-")
    if not (sep and first.strip().isdigit() and last.strip().isdigit()) or int(first) > int(last):
        raise argparse.ArgumentTypeError(f"expected FIRST-LAST line numbers, FIRST <= LAST; got {text!r}")
    return int(first), int(last)


def within_lines(examples: list[Example], lines: tuple[int, int] | None) -> list[Example]:
    """The examples written on the file's lines `lines` (a spent part kept in dev.txt, scored alone). Each keeps its
    index in the selection for its voice and noise seed, so a part's lines scored from dev get the voices it had when
    it was scored as the held-out part."""
    if lines is None:
        return examples
    first, last = lines
    return [ex for ex in examples if first <= int(ex.source.rsplit(":", 1)[1]) <= last]


def chosen(split: str, vocab, limit: int | None, lines: tuple[int, int] | None) -> list[Example]:
    """The split's examples on `lines` (all when None), then the first `limit` of them."""
    return within_lines(read_corpus(SPOKEN / f"{split}.txt", vocab), lines)[:limit]


def voice_label(voice: Voice) -> str:
    return voice.name if voice.synth == "piper" else f"espeak {voice.name} {voice.speed}/{voice.pitch}"


def _noises(snr: float, clean_only: bool = False, noisy_only: bool = False) -> tuple[float | None, ...]:
    """The noise conditions of a run: clean (None) and `snr` dB, or only one of them."""
    if clean_only and noisy_only:
        raise ValueError("--clean-only and --noisy-only together leave no note")
    return (None,) if clean_only else (snr,) if noisy_only else (None, snr)


def plan(examples: list[Example], snr: float, every_voice: bool, every: int = 1, offset: int = 0,
         espeak_only: bool = False, clean_only: bool = False, noisy_only: bool = False) -> list[Note]:
    """Piper speaks every sentence; espeak-ng voices take turns (or all speak every sentence). With `every` only each
    Nth sentence from `offset` on, spoken by the voice and noise seed it has in the whole run (its index in the
    part), so the subsets of one `every` are disjoint and together make the whole run. `espeak_only` leaves Piper
    out (a pass on the espeak-ng voices at a fifth of the cost); `clean_only` the noisy copies (for a change that
    only clean notes reach), `noisy_only` the clean ones (for a change only noisy notes reach: one gated on the
    note's estimated noise)."""
    notes = []
    for noise in _noises(snr, clean_only, noisy_only):
        for i, ex in list(enumerate(examples))[offset::every]:
            if not espeak_only:
                notes.append(Note(ex, PIPER_JOE, noise, i))
            for voice in ESPEAK_VOICES if every_voice else (ESPEAK_VOICES[i % len(ESPEAK_VOICES)],):
                notes.append(Note(ex, voice, noise, i))
    return notes


def _render(cache_dir: str, jobs: list[tuple[str, Voice, float | None, int]]) -> int:
    cache = NoteCache(Path(cache_dir))
    for text, voice, noise, seed in jobs:
        cache.get(text, voice, noise, seed)
    return len(jobs)


def render(notes: list[Note], cache: NoteCache) -> None:
    """Make every missing note in a child process (Piper's ONNX runtime must not count in this process's memory)."""
    jobs = [(n.example.text, n.voice, n.snr_db, n.seed) for n in notes]
    with ProcessPoolExecutor(max_workers=1) as pool:
        pool.submit(_render, str(cache.folder), jobs).result()


def rss_mb() -> tuple[float, float]:
    """(current, peak) resident memory of this process, MB."""
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


class _VoiceParser:
    """Stands in for the text parser in nlu.scoring.score: each sentence is answered from its voice note, so the
    scorer compares what the product understood from the audio with the label."""

    def __init__(self, notes: list[Note], cache: NoteCache, engine, vocabulary) -> None:
        self.pending = {n.example.text: n for n in notes}
        self.cache, self.engine, self.vocabulary = cache, engine, vocabulary
        self.outcomes: list[Outcome] = []

    def parse(self, text: str, context=None, now=None) -> Command:
        from nlu.speech.understand import understand_voice
        from nlu.speech.wordcheck import unsure_words

        note = self.pending[text]
        data = self.cache.get(text, note.voice, note.snr_db, note.seed)
        started, cpu = time.perf_counter(), time.process_time()
        result = understand_voice(data, self.engine, self.vocabulary, context=context, now=now)
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        t = result.transcript
        self.outcomes.append(Outcome(note, result.command, t.text, t.engine, t.confidence, t.audio_s, wall, cpu,
                                     unsure_words(t.words, self.vocabulary), result.verdict,
                                     tuple((w.text, round(w.confidence, 3)) for w in t.words), t.guessed))
        return result.command


class _TextParser(_VoiceParser):
    """The ceiling: what the product would do had the speech engine heard every word exactly (the sentence itself
    through the text parser, full speech confidence)."""

    def parse(self, text: str, context=None, now=None) -> Command:
        from nlu.parser import parser_for

        note = self.pending[text]
        started, cpu = time.perf_counter(), time.process_time()
        command = parser_for(self.vocabulary).parse(text, context=context, now=now)
        self.outcomes.append(Outcome(note, command, text, "text", 1.0, 0.0, time.perf_counter() - started,
                                     time.process_time() - cpu))
        return command


def runs_unasked(outcome: Outcome) -> bool:
    """Would the bot switch on this voice note without asking first? The voice rule the bot applies
    (`voice_verdict`) acts on it: a complete device command heard at or above the confirmation threshold, with no
    unsure deciding word, that the parser does not doubt, and that is not "everything" in a place (the bot asks
    before every such command, whoever sends it: `Conversation`'s "That is every device there."). Permission
    questions (bulk, other people's rooms) depend on the user and are not counted: the figure is the worst case."""
    command = outcome.command
    return (command.intent == "device_control" and command.action in ("on", "off") and command.clarification is None
            and not command.everything and outcome.verdict == "act")


def wrong_switch(outcome: Outcome) -> bool:
    """A switch the bot would run without a question that is not the labelled one (other devices, action or time)."""
    if not runs_unasked(outcome):
        return False
    want = outcome.note.example
    if want.intent != "device_control":
        return True
    got = outcome.command.to_dict()
    return (got["action"], tuple(sorted(got["switches"])), got["when"]) != (
        want.expected["action"], want.expected["switches"], want.expected["when"])


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _latency(outcomes: list[Outcome], bounds: tuple[float, float]) -> dict[str, float | int | None]:
    """Wall p50/p95 of notes whose length lies in `bounds` seconds, and CPU p50/p95 (the shared machine's load
    inflates wall time; CPU time shows the work itself)."""
    part = [o for o in outcomes if bounds[0] <= o.audio_s <= bounds[1]]
    if not part:
        return {"notes": 0, "p50_ms": None, "p95_ms": None, "cpu_p50_ms": None, "cpu_p95_ms": None}
    wall, cpu = [o.wall_s for o in part], [o.cpu_s for o in part]
    return {"notes": len(part), "p50_ms": round(1000 * statistics.median(wall)), "p95_ms": round(1000 * _p95(wall)),
            "cpu_p50_ms": round(1000 * statistics.median(cpu)), "cpu_p95_ms": round(1000 * _p95(cpu))}


def summarise(outcomes: list[Outcome], correct: set[int]) -> dict[str, object]:
    """Figures for one group of notes; `correct` holds the ids of outcomes whose command equals the label."""
    oos = [o for o in outcomes if o.note.example.intent == "unknown"]
    engines: dict[str, int] = {}
    for o in outcomes:
        engines[o.engine] = engines.get(o.engine, 0) + 1
    return {
        "notes": len(outcomes),
        "command_accuracy_pct": _pct(sum(id(o) in correct for o in outcomes), len(outcomes)),
        "wrong_switch_unasked_pct": _pct(sum(wrong_switch(o) for o in outcomes), len(outcomes)),
        "out_of_scope_accepted_pct": _pct(sum(o.command.intent != "unknown" for o in oos), len(oos)),
        "out_of_scope_notes": len(oos),
        "answered_by": engines,
        "latency_3s": _latency(outcomes, SHORT_S),
        "latency_10s": _latency(outcomes, LONG_S),
    }


def _demo_vocabulary():
    from autovolt.vocabulary import vocabulary_from_campus
    from store.campus import load_campus_file

    return vocabulary_from_campus(load_campus_file(DEMO))


def measure(split: str, snr: float, every_voice: bool, limit: int | None, cache: NoteCache,
            every: int = 1, offset: int = 0, espeak_only: bool = False,
            clean_only: bool = False, noisy_only: bool = False,
            lines: tuple[int, int] | None = None) -> dict[str, object]:
    from autovolt.commands.voice import speech_engine
    from autovolt.vocabulary import vocabulary_from_campus
    from nlu.parser import parser_for
    from store.campus import load_campus_file

    vocab = vocabulary_from_campus(load_campus_file(DEMO))
    examples = chosen(split, vocab, limit, lines)
    notes = plan(examples, snr, every_voice, every, offset, espeak_only, clean_only, noisy_only)
    examples = examples[offset::every]
    started = time.perf_counter()
    render(notes, cache)
    render_s = time.perf_counter() - started

    parser_for(vocab).parse("turn off the lights in room 101", now=CORPUS_NOW)  # spaCy in memory before the baseline
    base_rss, _ = rss_mb()
    started = time.perf_counter()
    engine = speech_engine()
    load_s = time.perf_counter() - started

    groups: dict[tuple[str, float | None], list[Note]] = {}
    for n in notes:
        groups.setdefault((voice_label(n.voice), n.snr_db), []).append(n)
    outcomes: list[Outcome] = []
    failures: list[dict[str, object]] = []
    notes_out: list[dict[str, object]] = []
    correct: set[int] = set()
    groups[(TEXT_LABEL, None)] = [Note(ex, TEXT_VOICE, None, i) for i, ex in enumerate(examples)]
    # The neural voice first, then espeak-ng, clean before noisy; each group's figures go to stderr as it ends, so a
    # long run (an open pass on a loaded machine) can be read while it runs.
    order = sorted(groups, key=lambda key: (key[0] != TEXT_LABEL, key[0] != voice_label(PIPER_JOE), key[1] is not None))
    for label, noise in order:
        group = groups[(label, noise)]
        # One scorer pass per voice and noise: each text appears once in a group.
        voice_parser = (_TextParser if label == TEXT_LABEL else _VoiceParser)(group, cache, engine, vocab)
        result = score(voice_parser, [n.example for n in group], keep_failures=len(group))
        failed = {id(ex) for ex, _ in result.failures}
        heard = {id(o.note.example): o for o in voice_parser.outcomes}
        for ex, diffs in result.failures:
            o = heard[id(ex)]
            failures.append({"voice": label, "snr_db": noise, "text": ex.text, "source": ex.source, "heard": o.heard,
                             "engine": o.engine, "confidence": round(o.confidence, 2),
                             "diffs": {k: [str(v) for v in pair] for k, pair in diffs.items()}})
        for o in voice_parser.outcomes:
            if id(o.note.example) not in failed:
                correct.add(id(o))
            if label != TEXT_LABEL:  # every note, right or not, so rules can be swept offline on the same readings
                notes_out.append({"voice": label, "snr_db": noise, "text": o.note.example.text,
                                  "want": o.note.example.intent, "right": id(o.note.example) not in failed,
                                  "heard": o.heard, "confidence": round(o.confidence, 3), "verdict": o.verdict,
                                  "intent": o.command.intent, "wrong_switch": wrong_switch(o),
                                  "audio_s": round(o.audio_s, 2), "cpu_s": round(o.cpu_s, 3),
                                  "unsure": list(o.unsure_words), "engine": o.engine,
                                  "words": [list(w) for w in o.words], "guessed": o.guessed,
                                  "got": o.command.to_dict(), "clarification": o.command.clarification})
        outcomes += voice_parser.outcomes
        progress = summarise(voice_parser.outcomes, correct)
        print(json.dumps({"voice": label, "snr_db": noise, **progress}), file=sys.stderr, flush=True)
    now_rss, peak_rss = rss_mb()

    ceiling = summarise([o for o in outcomes if o.note.voice == TEXT_VOICE], correct)
    outcomes = [o for o in outcomes if o.note.voice != TEXT_VOICE]

    def pick(synth: str | None = None, label: str | None = None, noise: float | None = None) -> list[Outcome]:
        return [o for o in outcomes if o.note.snr_db == noise and (synth is None or o.note.voice.synth == synth)
                and (label is None or voice_label(o.note.voice) == label)]

    conditions = {}
    for noise in _noises(snr, clean_only, noisy_only):
        key = "clean" if noise is None else f"snr{snr:g}db"
        piper = {} if espeak_only else {"piper": summarise(pick("piper", noise=noise), correct)}
        conditions[key] = {**piper, "espeak_all": summarise(pick("espeak-ng", noise=noise), correct),
                           **{voice_label(v): summarise(pick(label=voice_label(v), noise=noise), correct)
                              for v in ESPEAK_VOICES}}
    return {
        "split": split, "lines": list(lines) if lines else None, "sentences": len(examples), "notes": len(outcomes),
        "engine": getattr(engine, "name", "?"),
        "engine_load_s": round(load_s, 2), "render_s": round(render_s, 1),
        "rss_mb_before_engine": round(base_rss, 1), "rss_mb_after_run": round(now_rss, 1),
        "peak_rss_mb": round(peak_rss, 1), "speech_rss_mb": round(now_rss - base_rss, 1),
        "all_notes": {"latency_3s": summarise(outcomes, correct)["latency_3s"],
                      "latency_10s": summarise(outcomes, correct)["latency_10s"]},
        "text_ceiling": {k: ceiling[k] for k in ("notes", "command_accuracy_pct", "wrong_switch_unasked_pct",
                                                  "out_of_scope_accepted_pct")},
        "conditions": conditions, "failures": failures, "outcomes": notes_out,
    }


def _print(report: dict[str, object]) -> None:
    print(f"spoken corpus, {report['split']} part: {report['sentences']} sentences, {report['notes']} notes; engine "
          f"{report['engine']} loaded in {report['engine_load_s']} s; notes rendered in {report['render_s']} s")
    print(f"memory: {report['rss_mb_before_engine']} MB before the engine, {report['rss_mb_after_run']} MB after the "
          f"run (speech +{report['speech_rss_mb']} MB), peak {report['peak_rss_mb']} MB")
    print(f"{'voice':28s} {'noise':8s} {'notes':>5s} {'accuracy':>9s} {'wrong sw':>9s} {'oos acc':>8s} "
          f"{'3s p50/p95 ms':>14s} {'10s p50/p95 ms':>15s}  answered by")
    for cond, groups in report["conditions"].items():
        for label, g in groups.items():
            s, l10 = g["latency_3s"], g["latency_10s"]
            print(f"{label:28s} {cond:8s} {g['notes']:5d} {g['command_accuracy_pct']:8.1f}% "
                  f"{g['wrong_switch_unasked_pct']:8.1f}% {g['out_of_scope_accepted_pct']!s:>7s}% "
                  f"{s['p50_ms']!s:>6s}/{s['p95_ms']!s:<6s}({s['notes']}) {l10['p50_ms']!s:>6s}/{l10['p95_ms']!s:<6s}"
                  f"({l10['notes']})  {g['answered_by']}")
    t = report["text_ceiling"]
    print(f"{TEXT_LABEL:28s} {'-':8s} {t['notes']:5d} {t['command_accuracy_pct']:8.1f}% "
          f"{t['wrong_switch_unasked_pct']:8.1f}% {t['out_of_scope_accepted_pct']!s:>7s}%   (the parser's ceiling)")
    a = report["all_notes"]
    for key, name in (("latency_3s", "~3 s"), ("latency_10s", "~10 s")):
        q = a[key]
        print(f"all {name} notes ({q['notes']}): wall p50/p95 {q['p50_ms']}/{q['p95_ms']} ms, "
              f"CPU p50/p95 {q['cpu_p50_ms']}/{q['cpu_p95_ms']} ms")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", choices=("test", "dev"), default="test",
                    help="test: the held-out part (default; never tune on it); dev: the tuning part")
    ap.add_argument("--snr", type=float, default=10.0, help="signal-to-noise ratio of the noisy copies, dB")
    ap.add_argument("--every-voice", action="store_true", help="every espeak-ng voice speaks every sentence")
    ap.add_argument("--limit", type=int, help="only the first N sentences (quick checks)")
    ap.add_argument("--every", type=int, default=1, help="only every Nth sentence (a subset over all kinds)")
    ap.add_argument("--offset", type=int, default=0,
                    help="with --every N: start at this sentence (0..N-1), for a subset not scored before")
    ap.add_argument("--lines", type=line_range, metavar="A-B",
                    help="only the sentences on these lines of the split's file (e.g. a spent part in dev.txt)")
    ap.add_argument("--espeak-only", action="store_true", help="leave the Piper voice out (espeak-ng voices only)")
    ap.add_argument("--clean-only", action="store_true", help="leave the noisy copies out")
    ap.add_argument("--noisy-only", action="store_true", help="leave the clean notes out")
    ap.add_argument("--render-only", action="store_true", help="make the voice notes and stop (nothing scored)")
    ap.add_argument("--cache", type=Path, default=CACHE, help=f"rendered voice notes (default {CACHE})")
    ap.add_argument("--failures", type=int, default=0, metavar="N", help="also list the first N mistakes")
    ap.add_argument("--json", action="store_true",
                    help="print the whole report as JSON: every failure, and every note's outcome (`outcomes`)")
    args = ap.parse_args(argv)
    if not read_corpus(SPOKEN / f"{args.split}.txt", _demo_vocabulary()):
        # Between held-out parts test.txt holds only its header: say so rather than divide by nothing.
        print(f"spoken corpus, {args.split} part: empty (no sentences yet), nothing to score")
        return
    if args.render_only:
        vocab = _demo_vocabulary()
        examples = chosen(args.split, vocab, args.limit, args.lines)
        render(plan(examples, args.snr, args.every_voice, args.every, args.offset, args.espeak_only, args.clean_only,
                    args.noisy_only), NoteCache(args.cache))
        return
    report = measure(args.split, args.snr, args.every_voice, args.limit, NoteCache(args.cache), args.every,
                     args.offset, args.espeak_only, args.clean_only, args.noisy_only, args.lines)
    if args.json:
        print(json.dumps(report, indent=2))
        return
    _print(report)
    for f in report["failures"][: args.failures]:
        print(f"  {f['voice']} {f['snr_db']}: {f['text']!r} heard {f['heard']!r} ({f['engine']}) {f['diffs']}")


if __name__ == "__main__":
    main()
