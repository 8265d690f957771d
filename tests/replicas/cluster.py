"""N replicas of `autovolt serve` as subprocesses on loopback, against one PostgreSQL schema and one broker, with
Telegram in webhook mode: the test (or bench) plays the load balancer and posts each update to a replica."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from autovolt.api.telegram import SECRET_HEADER, WEBHOOK_PATH
from tests.conftest import ROOT
from tests.service.test_whole_service import free_port

WEBHOOK_SECRET = "replicas-webhook-secret-0123"
API_KEY = "replicas-api-key-0123456789"


@dataclass
class Replica:
    """One `autovolt serve` process."""

    name: str
    port: int
    process: subprocess.Popen
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """kill -9: no goodbye to the broker, the database or Telegram."""
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(30)

    def ready(self) -> dict | None:
        try:
            answer = httpx.get(f"{self.url}/ready", timeout=10)
        except httpx.TransportError:
            return None
        return answer.json() if answer.status_code == 200 else None

    def post_update(self, update: dict) -> int:
        answer = httpx.post(f"{self.url}{WEBHOOK_PATH}", json=update, headers={SECRET_HEADER: WEBHOOK_SECRET},
                            timeout=30)
        return answer.status_code


@dataclass
class Cluster:
    database_url: str
    mqtt_url: str
    telegram_base_url: str
    telegram_token: str
    workdir: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    replicas: list[Replica] = field(default_factory=list)

    def env(self, name: str, port: int) -> dict[str, str]:
        data_dir = self.workdir / name
        data_dir.mkdir(parents=True, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith("AUTOVOLT_")}
        env.update({
            "AUTOVOLT_DATABASE_URL": self.database_url, "AUTOVOLT_MQTT_URL": self.mqtt_url,
            "AUTOVOLT_MQTT_SHARE_GROUP": "autovolt", "AUTOVOLT_REPLICA_ID": name, "AUTOVOLT_ENERGY_PARTITIONS": "true",
            "AUTOVOLT_HTTP_PORT": str(port), "AUTOVOLT_DATA_DIR": str(data_dir), "AUTOVOLT_API_KEY": API_KEY,
            "AUTOVOLT_TELEGRAM_TOKEN": self.telegram_token, "AUTOVOLT_TELEGRAM_BASE_URL": self.telegram_base_url,
            "AUTOVOLT_TELEGRAM_WEBHOOK_URL": "https://lb.campus.example/telegram/webhook",
            "AUTOVOLT_TELEGRAM_WEBHOOK_VIA_API": "1", "AUTOVOLT_TELEGRAM_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "AUTOVOLT_WEATHER_ENABLED": "false", "AUTOVOLT_LOG_LEVEL": "INFO",
        })
        env.update(self.extra_env)
        return env

    def start(self, name: str) -> Replica:
        port = free_port()
        log = self.workdir / f"{name}.log"
        process = subprocess.Popen([sys.executable, "-m", "autovolt", "serve"], cwd=ROOT, env=self.env(name, port),
                                   stdout=log.open("w"), stderr=subprocess.STDOUT)
        replica = Replica(name, port, process, log)
        self.replicas.append(replica)
        return replica

    def wait_ready(self, replicas: list[Replica], timeout: float = 180.0) -> None:
        deadline = time.monotonic() + timeout
        for replica in replicas:
            while replica.ready() is None:
                assert replica.alive(), f"{replica.name} exited: {replica.log.read_text()[-3000:]}"
                assert time.monotonic() < deadline, f"{replica.name} never ready: {replica.log.read_text()[-3000:]}"
                time.sleep(0.5)

    def leaders(self) -> list[str]:
        return [r.name for r in self.replicas if r.alive() and (r.ready() or {}).get("leading")]

    def stop(self) -> None:
        for replica in self.replicas:
            if replica.alive():
                replica.process.terminate()
        for replica in self.replicas:
            try:
                replica.process.wait(30)
            except subprocess.TimeoutExpired:
                replica.kill()
