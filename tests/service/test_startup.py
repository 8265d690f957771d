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


def test_telegram_out_of_reach_at_start_keeps_the_service_up_and_connects_later(tmp_path: Path) -> None:
    import json

    from tests.api.support import API_KEY

    port, bot_port = free_port(), free_port()  # nothing listens on bot_port yet: Telegram is out of reach
    token = "123456:TEST-token-for-the-loopback-server-000"
    env = autovolt_env(tmp_path, port, AUTOVOLT_TELEGRAM_TOKEN=token, AUTOVOLT_API_KEY=API_KEY,
                       AUTOVOLT_TELEGRAM_BASE_URL=f"http://127.0.0.1:{bot_port}/bot")
    service = subprocess.Popen([sys.executable, "-m", "autovolt", "demo", "--weeks", "1"], cwd=tmp_path, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    bot_api = None
    base = f"http://127.0.0.1:{port}"
    try:
        assert wait_until(lambda: answers(f"{base}/health") or service.poll() is not None, 180)
        assert service.poll() is None, "the service exited because Telegram was out of reach"
        # Relays (the simulated fleet), the HTTP API and readiness all run; /ready names Telegram.
        ready = httpx.get(f"{base}/ready", timeout=10)
        assert ready.status_code == 503
        assert set(ready.json()["failing"]) == {"telegram"}, ready.json()
        assert "Telegram not reachable" in ready.json()["failing"]["telegram"]
        parsed = httpx.post(f"{base}/api/voice/process", json={"command": "turn off the fans in classroom 101"},
                            headers={"X-API-Key": API_KEY}, timeout=10)
        assert parsed.status_code == 200 and parsed.json()["command"]["intent"] == "device_control"

        # Telegram comes back: the bot connects by itself and answers a user.
        bot_api = subprocess.Popen([sys.executable, "-m", "tests.bot.fake_bot_api", "--port", str(bot_port),
                                    "--token", token], cwd=Path(__file__).resolve().parents[2],
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert json.loads(bot_api.stdout.readline())["port"] == bot_port

        def telegram_ready() -> bool:
            answer = httpx.get(f"{base}/ready", timeout=10)
            return answer.status_code == 200

        assert wait_until(telegram_ready, 120, every_s=1.0), httpx.get(f"{base}/ready", timeout=10).text
        control = f"http://127.0.0.1:{bot_port}/control"
        httpx.post(f"{control}/texts", json={"messages": [[2001, "/start"]]}, timeout=10)
        assert wait_until(lambda: httpx.get(f"{control}/stats", timeout=10).json()["result"]["replies"] >= 1, 60)
    finally:
        service.terminate()
        _, err = service.communicate(timeout=60)
        if bot_api is not None:
            bot_api.stdin.close()
            bot_api.wait(30)
    assert "Traceback" not in err, err[-3000:]
    # A polling bot has no webhook: nothing may be logged about one (it used to log an error at every start).
    assert "webhook not served" not in err and not [line for line in err.splitlines() if " error " in line], err[-3000:]
