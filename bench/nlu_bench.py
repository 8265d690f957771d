"""Speed of the text parser on a generated 200-room campus: per-sentence latency and start-up.

    .venv/bin/python -m bench.nlu_bench [--rooms 200] [--runs 5] [--sentences 4000]

Prints the median over runs of: parse latency median and 99th percentile (microseconds per sentence, with the
shipped judge: out-of-scope veto and calibrated confidence); start-up in a fresh interpreter (import the parser,
read the judge's weights, build it from a vocabulary, first parse), with the campus-file load (the
store's YAML reading and validation) shown apart; and the wall time of `autovolt nlu parse` on one line, which also
pays for Python itself and for importing the whole `autovolt` command tree.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
_KINDS = (("Classroom", "room", ("light", "fan", "projector", "ac", "outlet")),
          ("Lab", "lab", ("light", "fan", "ac", "outlet", "projector")),
          ("Seminar Hall", "hall", ("light", "light", "ac", "ac", "projector", "outlet")),
          ("Office", "office", ("light", "fan", "ac", "outlet")))
_SWITCH_NAMES = {"light": "Lights", "fan": "Fans", "projector": "Projector", "ac": "AC", "outlet": "Sockets"}


def make_campus(rooms: int) -> dict:
    """A campus of `rooms` rooms over 8 buildings, with aliases, numbered names and named switches."""
    buildings = []
    per = -(-rooms // 8)
    made = 0
    for b in range(8):
        letter = "ABCDEFGH"[b]
        entries = []
        for i in range(per):
            if made == rooms:
                break
            made += 1
            kind, short, types = _KINDS[i % len(_KINDS)]
            number = (i // len(_KINDS) + 1) + 100 * (b + 1)
            rid = f"{letter.lower()}-{short}-{number}"
            name = f"{kind} {letter}{number}" if kind != "Office" else f"Office {letter}{number}"
            switches = []
            for k, t in enumerate(types):
                sname = _SWITCH_NAMES[t] if types.count(t) == 1 else f"{_SWITCH_NAMES[t]} {types[:k + 1].count(t)}"
                switches.append({"id": f"{rid}-{t}-{k}", "name": sname, "type": t,
                                 **({"aliases": ["tube lights"]} if t == "light" else {})})
            entries.append({"id": rid, "name": name, "aliases": [f"{short} {letter.lower()} {number}"], "switches": switches})
        buildings.append({"id": f"block-{letter.lower()}", "name": f"Block {letter}", "aliases": [f"{letter.lower()} block"],
                          "rooms": entries})
    return {"campus": {"name": "Bench Campus", "timezone": "Asia/Kolkata"}, "buildings": buildings}


def sentences(campus: dict, count: int, seed: int = 7) -> list[str]:
    """Messages about the generated campus in the corpus's voices, plus the corpus's own sentences."""
    rng = random.Random(seed)
    rooms = [(r["name"], r["aliases"][0]) for b in campus["buildings"] for r in b["rooms"]]
    templates = (
        "turn off the lights in {room}", "could you please switch on the fans in {room}", "{room} ac off",
        "switch off everything in {room} at 5 pm", "turn on the projector in {alias} in 20 minutes",
        "how much energy did {room} use last week", "is the ac on in {room}", "forecast for {room} tomorrow",
        "cancel the 6 pm schedule for {room}", "any alerts for {room} today", "turn of the lihgts in {room}",
        "switch off all lights in block {block}", "what's the weather like today", "play some music in {room}",
        "tunr on the projecter in {room} at half past four", "lights off in {number}",
    )
    corpus = []
    for name in ("dev.txt", "test.txt"):
        for line in (ROOT / "nlu" / "corpus" / name).read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                corpus.append(line.split("|")[0].strip().removeprefix("+ "))
    out = []
    for _ in range(count):
        if rng.random() < 0.2:
            out.append(rng.choice(corpus))
            continue
        name, alias = rng.choice(rooms)
        out.append(rng.choice(templates).format(room=name.lower(), alias=alias, block=rng.choice("abcdefgh"),
                                                number=name.split()[-1][1:]))
    return out


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rooms", type=int, default=200)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--sentences", type=int, default=4000)
    args = ap.parse_args()

    import datetime as dt

    from autovolt.vocabulary import vocabulary_from_campus
    from nlu.parser import Parser
    from nlu.judge import load_judge
    from store.campus import parse_campus_text

    campus = make_campus(args.rooms)
    text = yaml.safe_dump(campus, sort_keys=False)
    vocab = vocabulary_from_campus(parse_campus_text(text, "bench.yaml"))
    msgs = sentences(campus, args.sentences)
    now = dt.datetime(2026, 11, 26, 10, 0)

    medians, p99s, cpu_medians, cpu_p99s, builds, judge_loads = [], [], [], [], [], []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        judge = load_judge()
        judge_loads.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        parser = Parser(vocab, judge)  # a fresh parser each run: the spelling cache starts cold
        builds.append(time.perf_counter() - t0)
        for m in msgs[:50]:
            parser.parse(m, now=now)  # warm the interpreter, not the sentences
        times, cpu = [], []
        for m in msgs:
            c = time.thread_time_ns()
            t = time.perf_counter_ns()
            parser.parse(m, now=now)
            times.append((time.perf_counter_ns() - t) / 1000)
            cpu.append((time.thread_time_ns() - c) / 1000)
        medians.append(statistics.median(times))
        p99s.append(_percentile(times, 0.99))
        # CPU time of this thread: what parsing costs, without the waits of a machine shared with other work.
        cpu_medians.append(statistics.median(cpu))
        cpu_p99s.append(_percentile(cpu, 0.99))

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "campus.yaml"
        path.write_text(text, encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        # In a fresh interpreter: import the parser, read the campus file (the store's job), build, parse once.
        probe = ("import json, time, datetime as dt; t0=time.perf_counter(); from nlu.parser import Parser; "
                 "t1=time.perf_counter(); from store.campus import load_campus_file; "
                 "from autovolt.vocabulary import vocabulary_from_campus; "
                 f"v=vocabulary_from_campus(load_campus_file({str(path)!r})); t2=time.perf_counter(); "
                 "from nlu.judge import load_judge; p=Parser(v, load_judge()); "
                 "t3=time.perf_counter(); p.parse('turn off the lights in room 101', now=dt.datetime(2026,11,26,10)); "
                 "t4=time.perf_counter(); print(json.dumps([t1-t0, t2-t1, t3-t2, t4-t3]))")
        fresh, cli = [], []
        for _ in range(args.runs):
            fresh.append(json.loads(subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env,
                                                   cwd=ROOT, check=True).stdout))
            t = time.perf_counter()
            subprocess.run([sys.executable, "-m", "autovolt", "nlu", "parse", "--campus", str(path)], input=b"lights off\n",
                           capture_output=True, env=env, cwd=ROOT, check=True)
            cli.append(time.perf_counter() - t)

    result = {
        "rooms": len(vocab.rooms), "switches": len(vocab.switches), "sentences_per_run": len(msgs), "runs": args.runs,
        "latency_median_us": round(statistics.median(medians), 1),
        "latency_p99_us": round(statistics.median(p99s), 1),
        "cpu_latency_median_us": round(statistics.median(cpu_medians), 1),
        "cpu_latency_p99_us": round(statistics.median(cpu_p99s), 1),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "parser_build_ms": round(1000 * statistics.median(builds), 1),
        "judge_load_ms": round(1000 * statistics.median(judge_loads), 1),
        "startup_import_parser_s": round(statistics.median(f[0] for f in fresh), 3),
        "startup_build_parser_s": round(statistics.median(f[2] for f in fresh), 3),
        "startup_first_parse_ms": round(1000 * statistics.median(f[3] for f in fresh), 2),
        "startup_parser_total_s": round(statistics.median(f[0] + f[2] + f[3] for f in fresh), 3),
        "campus_file_load_s": round(statistics.median(f[1] for f in fresh), 3),
        "cli_one_line_wall_s": round(statistics.median(cli), 3),
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
