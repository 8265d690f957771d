"""Text messages handled per second by the Telegram bot: the real PTB Application long-polls the loopback Bot API
server, which runs in a process of its own (uvloop), as Telegram would be elsewhere.

    .venv/bin/python bench/bot_throughput.py [--messages 4000] [--chats 500] [--runs 3] [--overall-rate 0]

`--chats` registered faculty users (the demo campus plus synthetic ones, each with two demo rooms) each send
`--messages / --chats` status questions ("is anything on in classroom 101"), all queued at once. Measured on the
server's clock: messages / (last reply - first update handed out), and each message's time from being handed to the
bot to its reply. The per-user rate limit is off (it would throttle a user sending 8 messages at once).
`--overall-rate` is the AIORateLimiter's overall limit in messages/s: 0 = off (the loopback server is not
Telegram); 30 = Telegram's real limit, which caps replies at 30/s whatever the bot can do. PTB's limiter has no
per-private-chat limit; the per-chat spacing of 1 message/s applies to the alerts outbox, not to replies.
The device fleet is simulated in-process (status questions read the gateway's state; nothing is switched).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from bot.app import TelegramBot, TelegramOptions  # noqa: E402
from bot.callbacks import CallbackSigner, key_from_token  # noqa: E402
from bot.conversation import Conversation, ConversationConfig  # noqa: E402
from bot.ratelimit import RateLimit  # noqa: E402
from bot.records import AuditLog  # noqa: E402
from devices.gateway import Gateway  # noqa: E402
from devices.simulator import QUIET_TIMING, SimulatedFleet  # noqa: E402
from devices.transport import MemoryBus  # noqa: E402
from store.campus import User, load_campus_file  # noqa: E402
from store.db import session_scope, upgrade  # noqa: E402
from store.registry import sync_campus  # noqa: E402

ROOMS = ("classroom 101", "classroom 102")
FIRST_ID = 50_000_000


def campus_with_users(chats: int):
    campus = load_campus_file(ROOT / "autovolt" / "demo" / "campus.yaml")
    extra = tuple(User(FIRST_ID + i, f"Bench Faculty {i}", "faculty", ("cr-101", "cr-102"), ()) for i in range(chats))
    return dataclasses.replace(campus, users=campus.users + extra)


class ServerProcess:
    """The loopback Bot API server in a child process; closing its stdin stops it."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "tests.bot.fake_bot_api"], cwd=ROOT, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        hello = json.loads(self.proc.stdout.readline())
        self.port, self.token = hello["port"], hello["token"]
        self.base = f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        self.proc.stdin.close()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.terminate()
            self.proc.wait(5)


async def one_run(workdir: Path, args) -> dict:
    campus = campus_with_users(args.chats)
    url = f"sqlite:///{workdir / 'bench.db'}"
    upgrade(url)
    with session_scope(url) as session:
        sync_campus(session, campus)
    bus = MemoryBus()
    gateway = Gateway(campus, bus.transport())
    boards = SimulatedFleet(campus, bus.transport(), QUIET_TIMING)
    await gateway.start()
    await boards.start()
    server = await asyncio.to_thread(ServerProcess)
    audit = AuditLog(url)
    conversation = Conversation(campus, gateway, url, CallbackSigner(key_from_token(server.token)),
                                config=ConversationConfig(rate_limit=RateLimit(per_minute=0)), audit=audit)
    await conversation.load()
    options = TelegramOptions(base_url=f"{server.base}/bot", base_file_url=f"{server.base}/file/bot", poll_timeout_s=5,
                              overall_max_rate=args.overall_rate,
                              **({"concurrent_updates": args.concurrency} if args.concurrency else {}),
                              **({"connection_pool_size": args.pool} if args.pool else {}))
    bot = TelegramBot(server.token, conversation, options)
    await bot.start()
    client = httpx.AsyncClient(base_url=server.base, timeout=60)
    try:
        # Warm-up: every chat once (first parses, connections opened), not measured.
        await client.post("/control/texts", json={"messages": [[FIRST_ID + i, f"is anything on in {ROOMS[0]}"]
                                                               for i in range(args.chats)]})
        while (await client.get("/control/stats", params={"first": 1})).json()["result"]["replies"] < args.chats:
            await asyncio.sleep(0.1)
        messages = [[FIRST_ID + i % args.chats, f"is anything on in {ROOMS[i % 2]}"] for i in range(args.messages)]
        cpu0, wall0 = time.process_time(), time.monotonic()
        before = (await client.get("/control/stats", params={"first": 10**9})).json()["result"]
        first = (await client.post("/control/texts", json={"messages": messages})).json()["result"]["first"]
        while True:
            stats = (await client.get("/control/stats", params={"first": first})).json()["result"]
            if stats["replies"] >= args.messages:
                break
            await asyncio.sleep(0.05)
        cpu, wall = time.process_time() - cpu0, time.monotonic() - wall0
    finally:
        await client.aclose()
        await bot.stop()
        await asyncio.to_thread(server.close)
        await boards.stop()
        await gateway.stop()
        audit.close()
    span = stats["last_reply"] - stats["first_delivery"]
    lat = sorted(stats["latencies"])
    return {"rate": args.messages / span, "p50": statistics.median(lat), "p90": lat[int(len(lat) * 0.9)],
            "bot_cpu": cpu / wall, "server_cpu": (stats["cpu_s"] - before["cpu_s"]) / wall,
            "requests_per_msg": (stats["requests"] - before["requests"]) / args.messages, "audited": audit.written}


async def main_async(args) -> None:
    print(f"load average before: {os.getloadavg()[0]:.2f}", flush=True)
    rates = []
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.runs):
            workdir = Path(tmp) / f"run{run}"
            workdir.mkdir()
            r = await one_run(workdir, args)
            rates.append(r["rate"])
            print(f"run {run + 1}: {r['rate']:.0f} msg/s, latency p50 {r['p50'] * 1000:.0f} ms p90 "
                  f"{r['p90'] * 1000:.0f} ms, bot process {r['bot_cpu']:.2f} cores, server {r['server_cpu']:.2f} "
                  f"cores, {r['requests_per_msg']:.2f} HTTP requests/msg, load {os.getloadavg()[0]:.2f}", flush=True)
    print(f"median of {args.runs} runs: {statistics.median(rates):.0f} msg/s "
          f"({args.messages} messages from {args.chats} chats, overall limiter "
          f"{'off' if not args.overall_rate else f'{args.overall_rate:g}/s'})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=4000)
    parser.add_argument("--chats", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--overall-rate", type=float, default=0.0,
                        help="AIORateLimiter overall messages/s (0 = off; Telegram's limit is 30)")
    parser.add_argument("--concurrency", type=int, default=0, help="PTB concurrent_updates (0 = the bot's default)")
    parser.add_argument("--pool", type=int, default=0, help="Bot API connection pool size (0 = the bot's default)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
