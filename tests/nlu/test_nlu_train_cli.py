"""`autovolt nlu train` rebuilds the shipped judge exactly, and `autovolt nlu parse` uses it."""

from __future__ import annotations

import json
import math

from nlu.judge import JUDGE_FILE
from tests.conftest import DEMO_CAMPUS
from tests.nlu.test_nlu_corpus_cli import _cli


def _same(a: object, b: object, where: str = "judge") -> None:
    """Equal structure and values; floats equal to 1e-9 relative (BLAS may sum in another order on another CPU or
    thread count: the unrounded biases then differ in their last bits, never more)."""
    if isinstance(a, float) or isinstance(b, float):
        assert isinstance(a, (int, float)) and isinstance(b, (int, float)), where
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12), f"{where}: {a} != {b}"
    elif isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), f"{where}: keys differ"
        for key in a:
            _same(a[key], b[key], f"{where}.{key}")
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), f"{where}: lengths differ"
        for i, (x, y) in enumerate(zip(a, b)):
            _same(x, y, f"{where}[{i}]")
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


def test_training_reproduces_the_shipped_weights(tmp_path) -> None:
    out = tmp_path / "judge.json"
    # Training takes about 70 s of CPU; on a machine shared with the rest of the suite that can be 3 minutes of wall.
    done = _cli("train", "--out", str(out), timeout=600)
    assert done.returncode == 0, done.stderr
    _same(json.loads(out.read_text()), json.loads(JUDGE_FILE.read_text()))


def test_the_comparison_sees_a_changed_weight() -> None:
    shipped = json.loads(JUDGE_FILE.read_text())
    changed = json.loads(JUDGE_FILE.read_text())
    term = next(iter(changed["text"]["words"]))
    changed["text"]["words"][term][1] += 1  # one thousandth: weights are stored as integer thousandths (format 4)
    _same(shipped, json.loads(JUDGE_FILE.read_text()))
    try:
        _same(shipped, changed)
    except AssertionError:
        return
    raise AssertionError("a weight changed by 0.001 passed as equal")


def test_parse_vetoes_out_of_scope_and_reports_a_calibrated_confidence() -> None:
    lines = ["switch my phone to dark mode", "turn off the lights in room 101 for 20 minutes"]
    done = _cli("parse", "--campus", str(DEMO_CAMPUS), "--now", "2026-11-26T10:00:00",
                stdin="\n".join(lines).encode() + b"\n")
    assert done.returncode == 0, done.stderr
    phone, lights = (json.loads(line) for line in done.stdout.decode().splitlines())
    assert phone["intent"] == "unknown"
    assert lights["intent"] == "device_control" and lights["until"] == "2026-11-26T10:20:00+05:30"
    assert 0.9 <= lights["confidence"] <= 1.0
