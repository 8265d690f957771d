"""Start-up as an operator meets it (issue 20, "Start-up and settings"): the real `autovolt` command in a process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx

from tests.api.support import free_port
from tests.service.processes import wait_until


def autovolt_env(data_dir: Path, port: int, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUTOVOLT_")}
    return env | {"AUTOVOLT_DATA_DIR": str(data_dir), "AUTOVOLT_HTTP_PORT": str(port)} | extra


def answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.TransportError:
        return False


def test_a_second_service_on_the_same_port_stops_at_once_with_one_line(tmp_path: Path) -> None:
    port = free_port()
    env = autovolt_env(tmp_path, port)
    prepared = subprocess.run([sys.executable, "-m", "autovolt", "demo", "--no-serve", "--weeks", "1"], cwd=tmp_path,
                              env=env, capture_output=True, text=True, timeout=300)
    assert prepared.returncode == 0, prepared.stderr
    first = subprocess.Popen([sys.executable, "-m", "autovolt", "serve"], cwd=tmp_path, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert wait_until(lambda: answers(f"http://127.0.0.1:{port}/health"), 120), "the first service never answered"
        second = subprocess.run([sys.executable, "-m", "autovolt", "serve"], cwd=tmp_path, env=env,
                                capture_output=True, text=True, timeout=120)
        assert second.returncode == 2, second.stderr
        errors = [line for line in second.stderr.splitlines() if line.strip()]
        assert errors == [f"autovolt: port {port} is already in use (is the service already running?): stop that "
                          f"process or set AUTOVOLT_HTTP_PORT to a free port"], second.stderr
        # Nothing was started: no devices, no schedulers, no "listening" claim.
        assert "listening" not in second.stdout and "component started" not in second.stderr
        assert answers(f"http://127.0.0.1:{port}/health") and first.poll() is None
    finally:
        first.terminate()
        first.wait(30)
