"""`autovolt chat` next to a running service: it talks to the service's engine and fleet (autovolt.chat_api), its
scheduled actions run in the service and are reported to that user's terminal; alone, it says it runs its own
fleet. Real processes: `autovolt serve` and `autovolt chat` as subprocesses on a demo campus in a temp folder."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, update

from store import models as m
from store.db import session_scope

AUTOVOLT = [sys.executable, "-m", "autovolt"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def demo_env(tmp_path_factory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("terminal-service")
    env = {"AUTOVOLT_DATA_DIR": str(folder / "data"), "PATH": "/usr/bin:/bin", "AUTOVOLT_WEATHER_ENABLED": "false",
           "AUTOVOLT_HTTP_PORT": str(free_port()), "HOME": str(folder)}
    prepared = subprocess.run([*AUTOVOLT, "demo", "--no-serve", "--weeks", "1"], cwd=folder, env=env,
                              capture_output=True, text=True, timeout=180)
    assert prepared.returncode == 0, prepared.stderr
    return env


def chat(env: dict[str, str], *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([*AUTOVOLT, "chat", *args], env=env, capture_output=True, text=True, timeout=timeout)


def database(env: dict[str, str]) -> str:
    return f"sqlite:///{Path(env['AUTOVOLT_DATA_DIR']) / 'autovolt.db'}"


@pytest.fixture
def service(demo_env):
    process = subprocess.Popen([*AUTOVOLT, "serve"], env=demo_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True)
    url = f"http://127.0.0.1:{demo_env['AUTOVOLT_HTTP_PORT']}/health"
    key = Path(demo_env["AUTOVOLT_DATA_DIR"]) / "chat.key"
    for _ in range(600):
        try:
            if key.exists() and httpx.get(url, timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        assert process.poll() is None, process.stdout.read()
        time.sleep(0.2)
    yield process
    process.send_signal(signal.SIGINT)
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
    key.unlink(missing_ok=True)


def test_the_terminal_chat_switches_the_service_fleet_and_gets_its_schedule_report(demo_env, service):
    on = chat(demo_env, "--as", "2001", "--once", "turn on the lights in classroom 101")
    assert on.returncode == 0, on.stderr
    assert "Connected to the running AutoVolt service" in on.stderr
    assert "bot> Classroom 101: lights on (1/1 confirmed)" in on.stdout
    # Another chat process sees the same fleet: the state lives in the service, not in each chat.
    status = chat(demo_env, "--as", "1001", "--once", "/status classroom 101")
    assert "lights on" in status.stdout, status.stdout
    later = chat(demo_env, "--as", "2001", "--once", "turn off the lights in classroom 101 in 20 minutes")
    assert "bot> Scheduled: lights in Classroom 101 off" in later.stdout, later.stdout + later.stderr
    # Time passes (moved in the store); the service's runner looks again within its longest sleep (30 s).
    with session_scope(database(demo_env)) as session:
        session.execute(update(m.ScheduledAction).values(run_at=dt.datetime.now(dt.timezone.utc)))
    for _ in range(300):
        with session_scope(database(demo_env)) as session:
            if session.scalar(select(m.ScheduledAction.status)) == "done":
                break
        time.sleep(0.2)
    other = chat(demo_env, "--as", "1001", "--once", "/help")
    assert "Scheduled action" not in other.stdout  # never shown in another user's terminal
    mine = chat(demo_env, "--as", "2001", "--once", "/status classroom 101")
    assert "Scheduled action (" in mine.stdout and "Classroom 101: lights off (1/1 confirmed)" in mine.stdout
    assert "lights off" in mine.stdout.split("Classroom 101: lights off (1/1 confirmed)")[1], mine.stdout
    again = chat(demo_env, "--as", "2001", "--once", "/help")
    assert "Scheduled action" not in again.stdout  # shown once


def test_alone_the_chat_says_it_runs_its_own_fleet(demo_env):
    alone = chat(demo_env, "--as", "2001", "--once", "/help")
    assert alone.returncode == 0, alone.stderr
    assert "runs its own engine on a simulated fleet of its own" in alone.stderr


def test_a_voice_note_that_schedules_prints_the_answer_and_exits(demo_env, tmp_path):
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    from tests.speech.synth import voice_note

    note = tmp_path / "note.ogg"
    note.write_bytes(voice_note("turn off the lights in classroom one oh one at eleven pm"))
    done = chat(demo_env, "--as", "2001", "--voice", str(note), timeout=180)
    assert done.returncode == 0, done.stderr
    assert "Scheduled: lights in Classroom 101 off" in done.stdout, done.stdout


def test_the_alert_flow_in_the_terminal_chat(demo_env):
    from tests.bot.test_alerts_in_chat import open_alerts

    ids = open_alerts(database(demo_env))
    # Only the two alerts opened here: the service of an earlier test ran the scans on the demo's injected faults
    # (on a weekend the anomaly scan adds "AC in Classroom 102: left on over the weekend", another AC alert).
    with session_scope(database(demo_env)) as session:
        session.execute(update(m.Alert).where(m.Alert.key.not_in(["high_consumption:cr-102-ac", "after_hours:lab-1"]))
                        .values(status="resolved"))
    listed = chat(demo_env, "--as", "1001", "--alone", "--once", "any alerts?")
    assert f"#{ids['high_consumption:cr-102-ac']} AC in Classroom 102: stuck on" in listed.stdout, listed.stdout
    assert "Classroom 102: AC in Classroom 102" not in listed.stdout
    acked = chat(demo_env, "--as", "1001", "--alone", "--once", "ack the AC alert")
    assert "bot> Acknowledged: AC in Classroom 102" in acked.stdout, acked.stdout + acked.stderr
    snoozed = chat(demo_env, "--as", "1001", "--alone", "--once", f"snooze alert {ids['after_hours:lab-1']} for an hour")
    assert "bot> Snoozed until " in snoozed.stdout, snoozed.stdout
