"""`autovolt nlu train` rebuilds the shipped judge exactly, and `autovolt nlu parse` uses it."""

from __future__ import annotations

import json

from nlu.judge import JUDGE_FILE
from tests.conftest import DEMO_CAMPUS
from tests.nlu.test_nlu_corpus_cli import _cli


def test_training_reproduces_the_shipped_weights(tmp_path) -> None:
    out = tmp_path / "judge.json"
    done = _cli("train", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert json.loads(out.read_text()) == json.loads(JUDGE_FILE.read_text())


def test_parse_vetoes_out_of_scope_and_reports_a_calibrated_confidence() -> None:
    lines = ["switch my phone to dark mode", "turn off the lights in room 101 for 20 minutes"]
    done = _cli("parse", "--campus", str(DEMO_CAMPUS), "--now", "2026-11-26T10:00:00",
                stdin="\n".join(lines).encode() + b"\n")
    assert done.returncode == 0, done.stderr
    phone, lights = (json.loads(line) for line in done.stdout.decode().splitlines())
    assert phone["intent"] == "unknown"
    assert lights["intent"] == "device_control" and lights["until"] == "2026-11-26T10:20:00+05:30"
    assert 0.9 <= lights["confidence"] <= 1.0
