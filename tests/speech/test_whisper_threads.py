"""AUTOVOLT_WHISPER_THREADS reaches CTranslate2: the packaged Whisper tiny, loaded from the settings in a fresh process
each, decodes a note with a thread pool that grows with the setting (the process's threads, counted from /proc)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from autovolt.settings import SettingsError, load_settings
from nlu.speech.engines import machine_cores

ROOT = Path(__file__).resolve().parents[2]


def pool_after_decode() -> dict:
    """Run in the child: Whisper as the settings build it decodes a 3 s note twice; the threads the process has."""
    from autovolt.speech_engines import whisper_engine

    engine = whisper_engine(load_settings(whisper_model="tiny", whisper_rescore=False))
    pcm = np.random.default_rng(0).normal(0, 3000, 3 * 16_000).astype("<i2").tobytes()
    for _ in range(2):
        engine.transcribe(pcm)
    return {"cpu_threads": engine.cpu_threads, "threads": len(os.listdir("/proc/self/task"))}


def _in_child(threads: str) -> dict:
    env = {**os.environ, "AUTOVOLT_WHISPER_THREADS": threads}
    code = ("import json; from tests.speech.test_whisper_threads import pool_after_decode; "
            "print(json.dumps(pool_after_decode()))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="threads are counted from Linux /proc")
def test_the_setting_is_the_size_of_the_pool_that_decodes():
    # Each thread the setting adds adds threads to the process (CTranslate2's workers), whatever else the process
    # runs. How many differs by machine (3, 5, 7 on one VM, 3, 5, 6 on a later 2-core one), so the test asks only
    # that the count grows with the setting. Counting busy threads by
    # their CPU time was tried first and was not steady under load: a pool thread of the engine sometimes carried as
    # much CPU as the decoding thread.
    got = {n: _in_child(str(n)) for n in (1, 2, 3)}
    assert [got[n]["cpu_threads"] for n in (1, 2, 3)] == [1, 2, 3]
    counts = [got[n]["threads"] for n in (1, 2, 3)]
    assert counts[0] < counts[1] < counts[2], got


def test_zero_means_the_cores_this_process_may_use():
    from autovolt.speech_engines import whisper_engine

    engine = whisper_engine(load_settings(whisper_model="tiny", whisper_rescore=False, whisper_threads=0))
    assert engine.cpu_threads == machine_cores() == len(os.sched_getaffinity(0))


def test_a_negative_count_names_the_variable(monkeypatch):
    monkeypatch.setenv("AUTOVOLT_WHISPER_THREADS", "-1")
    with pytest.raises(SettingsError, match="AUTOVOLT_WHISPER_THREADS"):
        load_settings()
