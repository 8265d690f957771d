"""The speech engines in a long-running process keep what they cache bounded (bench/speech_soak.py measures the
worker's memory; these check the bounds are in place, in fresh processes as the worker starts)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

LOAD_WHISPER = """
import os
from nlu.speech.engines import load_whisper
from nlu.speech.whisper_models import packaged_tiny
load_whisper(str(packaged_tiny()))
print(os.environ.get("ONEDNN_PRIMITIVE_CACHE_CAPACITY"))
"""


def _run(code: str, **env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k != "ONEDNN_PRIMITIVE_CACHE_CAPACITY"}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**clean, **env}, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def test_loading_whisper_caps_onednn_kernel_cache():
    """oneDNN keeps a kernel per input shape (1024 by default) and Whisper's window differs with every note."""
    from nlu.speech.whisper import KERNEL_CACHE

    assert _run(LOAD_WHISPER) == str(KERNEL_CACHE) and KERNEL_CACHE <= 64


def test_an_operators_kernel_cache_setting_is_kept():
    assert _run(LOAD_WHISPER, ONEDNN_PRIMITIVE_CACHE_CAPACITY="3") == "3"


def test_the_worker_heap_bounds_apply_here():
    """glibc here: the arena cap is accepted and handing memory back runs (a no-op elsewhere)."""
    code = "from autovolt.heap import bound_arenas, give_back\nprint(bound_arenas())\ngive_back()\nprint('ok')"
    assert _run(code) == "ok"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["True", "ok"], out.stdout + out.stderr
