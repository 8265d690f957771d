"""`autovolt voice transcribe` and `autovolt nlu parse --audio`, as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from autovolt.cli import main
from tests.conftest import DEMO_CAMPUS, ROOT
from tests.speech.synth import Voice


def run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("AUTOVOLT_")} | env
    return subprocess.run([sys.executable, "-m", "autovolt", *args], cwd=ROOT, env=full_env, capture_output=True,
                          text=True, timeout=120)


@pytest.fixture(scope="module")
def fans_note(notes, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "fans.ogg"
    path.write_bytes(notes.get("turn off the fans in classroom one oh one"))
    return path


def test_transcribe_prints_one_json_object(fans_note):
    done = run(["voice", "transcribe", str(fans_note), "--campus", str(DEMO_CAMPUS)])
    assert done.returncode == 0, done.stderr
    [line] = done.stdout.splitlines()
    out = json.loads(line)
    assert set(out) == {"text", "engine", "audio_s", "decode_s", "confidence"}
    # Whisper runs first and is sure of this switch, so the grammar pass is not needed and Whisper's text is shown.
    assert out["text"] == "turn off the fans in classroom 101"
    assert out["engine"] == "whisper"
    assert out["audio_s"] > 2 and out["decode_s"] > 0 and 0.5 <= out["confidence"] <= 1


def test_nlu_parse_audio_gives_the_command(fans_note):
    done = run(["nlu", "parse", "--audio", str(fans_note), "--campus", str(DEMO_CAMPUS),
                "--now", "2026-11-26T10:00:00"])
    assert done.returncode == 0, done.stderr
    command = json.loads(done.stdout)
    assert command["text"] == "turn off the fans in classroom 101"
    assert (command["intent"], command["action"], command["rooms"], command["switches"]) == (
        "device_control", "off", ["cr-101"], ["cr-101-fans"])


def test_missing_file_is_one_line(tmp_path):
    done = run(["voice", "transcribe", str(tmp_path / "nope.ogg")])
    assert done.returncode == 2
    assert done.stderr.strip().endswith("nope.ogg: no such file")
    assert "Traceback" not in done.stderr and done.stdout == ""


@pytest.mark.parametrize(("content", "message"), [
    (b"", "the audio is empty"),
    (b"this is not audio\n" * 30, "could not be decoded"),
    (b"x" * (2 * 1024 * 1024 + 10), "too large"),
])
def test_bad_audio_is_one_line(tmp_path, capsys, content, message):
    path = tmp_path / "bad.ogg"
    path.write_bytes(content)
    assert main(["voice", "transcribe", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("autovolt: ") and message in err[-1]


def test_bad_vosk_model_is_one_line(fans_note, tmp_path, capsys):
    assert main(["voice", "transcribe", str(fans_note), "--vosk-model", str(tmp_path / "missing")]) == 2
    assert "Vosk model folder not found" in capsys.readouterr().err


def test_vosk_model_from_the_setting(notes, ko_model_dir, tmp_path, monkeypatch, capsys):
    path = tmp_path / "ko.ogg"
    path.write_bytes(notes.get("에어컨", Voice("ko+f2", 150, 50)))
    monkeypatch.setenv("AUTOVOLT_VOSK_MODEL", str(ko_model_dir))
    assert main(["voice", "transcribe", str(path)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["engine"] == "vosk"
    assert out["text"] == "에어컨"


def test_audio_parse_of_bad_file_is_one_line(tmp_path, capsys):
    path = tmp_path / "bad.m4a"
    path.write_bytes(b"\x00\x01" * 100)
    assert main(["nlu", "parse", "--audio", str(path), "--campus", str(DEMO_CAMPUS)]) == 2
    assert "could not be decoded" in capsys.readouterr().err
