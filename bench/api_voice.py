"""p50/p99 latency of POST /api/voice/process (text) with 100 concurrent keep-alive clients on loopback.

    .venv/bin/python bench/api_voice.py [--clients 100] [--seconds 10] [--rate 5] [--runs 3]

The service runs in its own process (uvicorn, as `autovolt serve` runs it) on a demo database; the load comes from
this process over raw asyncio sockets (HTTP/1.1 keep-alive, little client overhead). Each client sends a request,
waits for the answer, then waits until its next slot (`--rate` requests per second per client; 0 = back to back).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
KEY = "bench-key"
COMMANDS = ["turn off the lights in room 101", "is the fan on in lab 2", "how much energy did block a use this week",
            "switch on the ac in classroom 102 at 5 pm", "what is on in the library", "turn them back on"]

SERVER = """
import sys, uvicorn
from autovolt.http_api import create_app
from autovolt.settings import load_settings
app = create_app({}, load_settings(database_url=sys.argv[1], api_key=sys.argv[2]))
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[3]), log_level="warning", lifespan="off")
"""


def request_bytes(command: str) -> bytes:
    body = json.dumps({"command": command, "context": {"user_rooms": ["cr-101"]}}).encode()
    return (b"POST /api/voice/process HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + f"X-API-Key: {KEY}\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body)


async def read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    await reader.readexactly(length)
    return status


async def client(port: int, until: float, rate: float, latencies: list[float], errors: list[int]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    payloads = [request_bytes(c) for c in COMMANDS]
    await asyncio.sleep(random.random() / max(rate, 1))  # spread the clients' first requests
    try:
        while time.perf_counter() < until:
            started = time.perf_counter()
            writer.write(random.choice(payloads))
            status = await read_response(reader)
            latencies.append(time.perf_counter() - started)
            if status != 200:
                errors.append(status)
            if rate > 0:
                await asyncio.sleep(max(0.0, started + 1.0 / rate - time.perf_counter()))
    finally:
        writer.close()


async def load(port: int, clients: int, seconds: float, rate: float) -> tuple[list[float], list[int]]:
    latencies: list[float] = []
    errors: list[int] = []
    # Warm-up: parser compiled, campus loaded.
    await asyncio.gather(*(client(port, time.perf_counter() + 1.0, 2, [], []) for _ in range(4)))
    until = time.perf_counter() + seconds
    await asyncio.gather(*(client(port, until, rate, latencies, errors) for _ in range(clients)))
    return latencies, errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=5.0, help="requests per second per client; 0 = back to back")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from autovolt.commands.demo import prepare_demo
    from tests.api.support import free_port

    folder = Path(tempfile.mkdtemp(prefix="autovolt-bench-"))
    url = f"sqlite:///{folder / 'autovolt.db'}"
    prepare_demo(url, weeks=1, reset=True)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", SERVER, url, KEY, str(port)], cwd=ROOT,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                import urllib.request
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    print("bench: server did not start", file=sys.stderr)
                    return 1
                time.sleep(0.2)
        p50s, p99s, rps = [], [], []
        for run in range(args.runs):
            latencies, errors = asyncio.run(load(port, args.clients, args.seconds, args.rate))
            latencies.sort()
            p50 = latencies[len(latencies) // 2] * 1000
            p99 = latencies[int(len(latencies) * 0.99)] * 1000
            p50s.append(p50)
            p99s.append(p99)
            rps.append(len(latencies) / args.seconds)
            print(f"run {run + 1}: {len(latencies)} requests, {rps[-1]:.0f} req/s, p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
                  f"errors {len(errors)}", flush=True)
            if errors:
                print(f"bench: non-200 answers: {sorted(set(errors))}", file=sys.stderr)
                return 1
        print(f"median of {args.runs} runs: {statistics.median(rps):.0f} req/s, p50 {statistics.median(p50s):.1f} ms, "
              f"p99 {statistics.median(p99s):.1f} ms ({args.clients} clients, "
              f"{'back to back' if args.rate == 0 else f'{args.rate:g} req/s each'})")
    finally:
        server.terminate()
        server.wait(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
