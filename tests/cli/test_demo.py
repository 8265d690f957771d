"""`autovolt demo` from nothing: a fresh folder, the real command, the real HTTP port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_demo_comes_up_from_nothing_and_answers_health(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUTOVOLT_")} | {"AUTOVOLT_HTTP_PORT": str(port)}
    proc = subprocess.Popen([sys.executable, "-m", "autovolt", "demo", "--weeks", "2", "--for", "60"], cwd=tmp_path,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        health = ready = None
        deadline = time.monotonic() + 60
        # Ready once every check answers: the speech check loads both recognisers (grammar pass and Whisper) on its
        # first call, which takes longer than one probe's budget on a loaded machine; a later probe finds them.
        while time.monotonic() < deadline and (ready is None or ready.status_code != 200):
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
                ready = httpx.get(f"http://127.0.0.1:{port}/ready", timeout=10)
            except httpx.TransportError:
                assert proc.poll() is None, proc.stderr.read()
            time.sleep(0.3)
        assert health is not None and health.json() == {"status": "ok"}
        assert ready is not None and ready.status_code == 200 and "database" in ready.json()["checks"]
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=30)
    assert "demo campus ready: 13 rooms, 66 switches" in out
    assert (tmp_path / "data" / "autovolt.db").exists()
    assert "Traceback" not in err
