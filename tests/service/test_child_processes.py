"""kill -9 of the service ends every process it started: the speech worker, multiprocessing's helper, refit workers.

The real `autovolt demo` runs as a subprocess with the loopback Bot API (so the bot starts its speech worker); the
test SIGKILLs it and polls until every child it had is gone.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.api.support import free_port
from tests.service.processes import alive, children_of, wait_until

ROOT = Path(__file__).resolve().parents[2]
AUTOVOLT = Path(sys.executable).parent / "autovolt"

pytestmark = pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process table from /proc")


def _kill_leftovers(pids: set[int]) -> None:
    for pid in pids:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)


def _kill_and_expect_children_gone(parent: subprocess.Popen, children: set[int]) -> None:
    """SIGKILL `parent`, then poll (bounded) until none of `children` runs."""
    parent.kill()
    parent.wait(10)
    assert wait_until(lambda: not any(alive(pid) for pid in children), 30), \
        f"still running after their parent was killed: {[pid for pid in children if alive(pid)]}"


def _clean_up(parent: subprocess.Popen, children: set[int]) -> None:
    if parent.poll() is None:
        parent.kill()
        parent.wait(10)
    _kill_leftovers(children)  # what a failed test leaves must not outlive it


def _start_bot_api() -> tuple[subprocess.Popen, dict]:
    proc = subprocess.Popen([sys.executable, "-m", "tests.bot.fake_bot_api"], cwd=ROOT, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    return proc, json.loads(proc.stdout.readline())


def test_kill_9_of_the_service_ends_its_speech_worker_and_helper(tmp_path: Path) -> None:
    bot_api, info = _start_bot_api()
    env = {**os.environ, "AUTOVOLT_DATA_DIR": str(tmp_path), "AUTOVOLT_HTTP_PORT": str(free_port()),
           "AUTOVOLT_TELEGRAM_TOKEN": info["token"],
           "AUTOVOLT_TELEGRAM_BASE_URL": f"http://127.0.0.1:{info['port']}/bot"}
    env.pop("AUTOVOLT_MQTT_URL", None)
    service = subprocess.Popen([str(AUTOVOLT), "demo", "--weeks", "1"], cwd=tmp_path, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seen: set[int] = set()
    try:
        # The bot starts its speech worker (and with it multiprocessing's resource tracker) at start-up.
        def speech_worker_running() -> bool:
            seen.update(children_of(service.pid))
            return any("spawn_main" in cmd for cmd in children_of(service.pid).values())

        assert wait_until(speech_worker_running, 120), "the service never started its speech worker"
        seen.update(children_of(service.pid))
        assert len(seen) >= 2, seen  # the worker and the resource tracker
        _kill_and_expect_children_gone(service, set(seen))
    finally:
        _clean_up(service, seen)
        bot_api.stdin.close()
        bot_api.wait(10)


REFIT_POOL_SCRIPT = """
import os, sys, time
from autovolt.model_refit import _WorkerPools
with _WorkerPools() as pools:
    pool = pools.pool(2)
    for _ in range(8):
        pool.submit(os.getpid).result()
    print(" ".join(str(p) for p in sorted({p.pid for p in pool._processes.values()})), flush=True)
    time.sleep(600)
"""


def test_kill_9_of_a_refit_ends_its_pool_workers(tmp_path: Path) -> None:
    parent = subprocess.Popen([sys.executable, "-c", REFIT_POOL_SCRIPT], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    workers: set[int] = set()
    try:
        workers = {int(pid) for pid in parent.stdout.readline().split()}
        assert workers and all(alive(pid) for pid in workers)
        workers |= set(children_of(parent.pid))  # and multiprocessing's resource tracker
        _kill_and_expect_children_gone(parent, workers)
    finally:
        _clean_up(parent, workers)
