"""`autovolt nlu parse` with the messages as arguments, as a new user first types it."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEMO_CAMPUS = ROOT / "autovolt" / "demo" / "campus.yaml"


def _parse(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "autovolt", "nlu", "parse", "--campus", str(DEMO_CAMPUS),
                           "--now", "2026-11-26T10:00:00", *args], input=stdin, capture_output=True, cwd=ROOT,
                          env=env, timeout=120)


def test_each_argument_is_one_message_and_stdin_is_not_read() -> None:
    done = _parse("switch off the projector in classroom 101 at 5 pm", "is the AC in lab 2 on?",
                  stdin=b"turn on the fans in room 201\n")
    assert done.returncode == 0, done.stderr
    out = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert [c["intent"] for c in out] == ["device_control", "status_query"]
    assert out[0]["switches"] == ["cr-101-projector"] and out[0]["when"] == "2026-11-26T17:00:00+05:30"


def test_audio_and_messages_together_is_a_one_line_error(tmp_path: Path) -> None:
    note = tmp_path / "note.ogg"
    note.write_bytes(b"OggS not really")
    done = _parse("--audio", str(note), "lights off in 101")
    assert done.returncode == 2 and done.stdout == b""
    err = done.stderr.decode().strip()
    assert len(err.splitlines()) == 1 and "--audio" in err and "Traceback" not in err
