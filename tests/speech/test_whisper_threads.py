"""AUTOVOLT_WHISPER_THREADS reaches CTranslate2: the packaged Whisper tiny, loaded from the settings, decodes a note on
as many busy threads as the setting says (counted from the kernel's per-thread CPU time, in a fresh process each)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from autovolt.settings import SettingsError, load_settings
from nlu.speech.engines import machine_cores

ROOT = Path(__file__).resolve().parents[2]
DECODES = 6


def _thread_ticks() -> dict[str, int]:
    """CPU clock ticks (user + system) of each thread of this process."""
    ticks = {}
    for tid in os.listdir("/proc/self/task"):
        try:
            fields = Path(f"/proc/self/task/{tid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:  # the thread ended meanwhile
            continue
        ticks[tid] = int(fields[11]) + int(fields[12])
    return ticks


def busy_threads() -> dict:
    """Run in the child: Whisper as the settings build it decodes a 3 s note `DECODES` times; the CPU ticks each
    thread other than the caller's gained, busiest first."""
    from autovolt.speech_engines import whisper_engine

    engine = whisper_engine(load_settings(whisper_model="tiny", whisper_rescore=False))
    pcm = np.random.default_rng(0).normal(0, 3000, 3 * 16_000).astype("<i2").tobytes()
    engine.transcribe(pcm)  # the thread pool is up before counting
    before = _thread_ticks()
    for _ in range(DECODES):
        engine.transcribe(pcm)
    after = _thread_ticks()
    caller = str(threading.get_native_id())
    gained = sorted((after[t] - before.get(t, 0) for t in after if t != caller), reverse=True)
    return {"cpu_threads": engine.cpu_threads, "gained": gained}


def _in_child(threads: str) -> dict:
    env = {**os.environ, "AUTOVOLT_WHISPER_THREADS": threads}
    code = "import json; from tests.speech.test_whisper_threads import busy_threads; print(json.dumps(busy_threads()))"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="per-thread CPU time is read from Linux /proc")
@pytest.mark.parametrize("threads", [1, 2])
def test_the_setting_is_the_number_of_threads_that_decode(threads):
    got = _in_child(str(threads))
    assert got["cpu_threads"] == threads
    busiest = got["gained"][0]
    assert busiest >= 5, got  # the decodes did run on a thread other than the caller's
    # The threads CTranslate2 splits a decode over each carry about the same share. With one thread no other thread
    # comes near it; with two, at least two do (under load a third, the pool's own thread, was seen near them too).
    near_busiest = sum(g >= 0.6 * busiest for g in got["gained"])
    assert near_busiest == 1 if threads == 1 else near_busiest >= threads, got


def test_zero_means_the_cores_this_process_may_use():
    from autovolt.speech_engines import whisper_engine

    engine = whisper_engine(load_settings(whisper_model="tiny", whisper_rescore=False, whisper_threads=0))
    assert engine.cpu_threads == machine_cores() == len(os.sched_getaffinity(0))


def test_a_negative_count_names_the_variable(monkeypatch):
    monkeypatch.setenv("AUTOVOLT_WHISPER_THREADS", "-1")
    with pytest.raises(SettingsError, match="AUTOVOLT_WHISPER_THREADS"):
        load_settings()
