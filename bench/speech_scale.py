"""Speech on a large campus: the demo campus plus generated rooms up to `--rooms` (default 200), so the grammar
grows. Reports grammar build time, the engine's first-use cost of the grammar, and real-time factor and
whole-command accuracy on the benchmark's clean notes (they name demo rooms, which the large campus keeps).

    .venv/bin/python -m bench.speech_scale [--rooms 200] [--notes 40]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from autovolt.vocabulary import vocabulary_from_campus
from bench.speech_bench import DEMO, NOW, norm, same_command
from bench.speech_corpus import english_commands
from nlu.grammar import build_grammar
from nlu.speech import load_engine
from nlu.speech.understand import understand_voice
from nlu.vocabulary import BuildingEntry, RoomEntry, SwitchEntry, Vocabulary
from store.campus import load_campus_file
from tests.speech.synth import ENGLISH_VOICES, NoteCache

_BUILDINGS = ("north wing", "south wing", "science block", "library", "hostel one", "admin block")
_KINDS = ("classroom", "lab", "seminar room", "tutorial room", "staff room")


def large_campus(base: Vocabulary, rooms: int) -> Vocabulary:
    """`base` plus generated buildings and numbered rooms (lights, fans, AC in each) up to `rooms` rooms."""
    buildings = list(base.buildings)
    extra_rooms, switches = [], list(base.switches)
    for b, name in enumerate(_BUILDINGS):
        buildings.append(BuildingEntry(id=f"gen-b{b}", name=name.title()))
    n = 0
    while len(base.rooms) + len(extra_rooms) < rooms:
        b = n % len(_BUILDINGS)
        kind = _KINDS[n % len(_KINDS)]
        number = 300 + n  # distinct from the demo's numbers
        room = RoomEntry(id=f"gen-r{n}", name=f"{kind.title()} {number}", building_id=f"gen-b{b}")
        extra_rooms.append(room)
        for t in ("light", "fan", "ac"):
            switches.append(SwitchEntry(id=f"gen-r{n}-{t}", name=f"{room.name} {t}", type=t, room_id=room.id))
        n += 1
    return replace(base, buildings=tuple(buildings), rooms=(*base.rooms, *extra_rooms), switches=tuple(switches))


def measure(vocab: Vocabulary, notes: list[tuple[str, bytes]], engine) -> dict:
    from nlu.parser import parser_for

    started = time.perf_counter()
    grammar = build_grammar(vocab, engine.known)
    build_s = time.perf_counter() - started
    parser = parser_for(vocab)
    rtf, wall, correct = [], [], 0
    for i, (text, note) in enumerate(notes):
        cpu, w = time.process_time(), time.perf_counter()
        result = understand_voice(note, engine, vocab, now=NOW)
        w, cpu = time.perf_counter() - w, time.process_time() - cpu
        if i == 0:
            first_s = w  # includes adding the grammar to the decoder
            continue
        rtf.append(cpu / result.transcript.audio_s)
        wall.append(w)
        correct += same_command(parser.parse(norm(text), now=NOW), result.command)
    return {"rooms": len(vocab.rooms), "grammar_words": len(grammar.words), "jsgf_kb": round(len(grammar.jsgf) / 1024, 1),
            "grammar_build_s": round(build_s, 3), "first_note_s": round(first_s, 2),
            "rtf_cpu_median": round(statistics.median(rtf), 3), "note_ms_median": round(1000 * statistics.median(wall)),
            "command_accuracy_pct": round(100 * correct / len(rtf), 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rooms", type=int, default=200)
    ap.add_argument("--notes", type=int, default=40)
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "autovolt-speech-bench")
    args = ap.parse_args()
    demo = vocabulary_from_campus(load_campus_file(DEMO))
    cache = NoteCache(args.cache)
    texts = english_commands(demo, 120)[: args.notes + 1]
    notes = [(t, cache.get(t, ENGLISH_VOICES[i % len(ENGLISH_VOICES)], None, seed=i)) for i, t in enumerate(texts)]
    engine = load_engine()
    for vocab in (demo, large_campus(demo, args.rooms)):
        print(measure(vocab, notes, engine), flush=True)


if __name__ == "__main__":
    main()
