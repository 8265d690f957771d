"""Alert delivery: 500 alerts to 200 chats through the outbox and the loopback Bot API server, optionally with
429s and dropped connections, checking Telegram's limits, losses and duplicates.

    .venv/bin/python bench/alerts_delivery.py [--alerts 500] [--chats 200] [--runs 3] [--faults]

The alerts are real ones: 500 boards go silent in a campus of 500 rooms whose 200 faculty members each look after
2-3 rooms, and the offline scan opens them (grouping off), writing one outbox message per alert. The sender then
delivers with the service's limits (25 messages/s overall, 1/s per chat). Measured on the server side: total time,
the busiest one-second window, the shortest gap between two messages to one chat, lost and duplicated messages.
With --faults the server answers 429 (retry_after 1 s) to 20 sends and the link drops 10 connections.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import datetime as dt
import json
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import update  # noqa: E402

from alerts import outbox  # noqa: E402
from alerts.engine import AlertBook  # noqa: E402
from alerts.model import AlertConfig  # noqa: E402
from alerts.scanner import Scanner  # noqa: E402
from alerts.sender import OutboxSender  # noqa: E402
from alerts.telegram import BotApi  # noqa: E402
from devices.simulator import synthetic_campus  # noqa: E402
from store import models as m  # noqa: E402
from store.campus import User  # noqa: E402
from store.db import get_engine, session_scope, upgrade  # noqa: E402
from store.registry import sync_campus  # noqa: E402
from tests.alerts.netfault import DroppingRelay  # noqa: E402
from tests.bot.fake_bot_api import FakeBotApi  # noqa: E402

UTC = dt.timezone.utc


def prepare(alerts: int, chats: int) -> tuple[str, list[tuple[int, str]]]:
    url = f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    campus = synthetic_campus(alerts, relays=1, rooms_per_building=50)
    rooms = [r.id for r in campus.rooms]
    users = tuple(User(10_000 + i, f"Faculty {i}", "faculty", tuple(rooms[i::chats]), ()) for i in range(chats))
    campus = dataclasses.replace(campus, users=users)
    upgrade(url)
    with session_scope(url) as session:
        sync_campus(session, campus)
    now = dt.datetime.now(UTC)
    with session_scope(url) as session:
        session.execute(update(m.Board).values(last_seen=now - dt.timedelta(minutes=10)))
    config = AlertConfig(group_min_boards=10**6, group_wait_s=0)
    report = Scanner(AlertBook(get_engine(url), config)).run("offline", now)
    assert report.opened == alerts and report.enqueued == alerts, report
    with session_scope(url) as session:
        wanted = [(d.chat_id, d.dedupe_key) for d in session.query(m.Delivery)]
    return url, wanted


async def deliver(url: str, faults: bool) -> dict:
    fake = FakeBotApi()
    await fake.start()
    relay = DroppingRelay(fake.port)
    await relay.start()
    api = BotApi(fake.token, f"http://127.0.0.1:{relay.port}/bot", timeout_s=10)
    if faults:
        fake.fail_next("sendMessage", 20, retry_after=1)
        relay.drop(10)
    sender = OutboxSender(get_engine(url), api, poll_s=0.2)
    started = time.monotonic()
    await sender.start()
    try:
        while True:
            counts = await asyncio.to_thread(outbox.counts, get_engine(url))
            if counts["pending"] == 0 and counts["sending"] == 0:
                break
            if time.monotonic() - started > 600:
                raise RuntimeError("delivery did not finish in 10 minutes")
            await asyncio.sleep(0.1)
        elapsed = time.monotonic() - started
    finally:
        await sender.stop()
        await api.close()
        await relay.stop()
        await fake.stop()
    calls = fake.sent()
    stamps = sorted(c.at for c in calls)
    busiest = max((sum(1 for t in stamps[i:i + 200] if t < s + 1.0) for i, s in enumerate(stamps)), default=0)
    per_chat: dict[int, list[float]] = {}
    for c in calls:
        per_chat.setdefault(c.chat_id, []).append(c.at)
    gaps = [b - a for times in per_chat.values() for a, b in zip(sorted(times), sorted(times)[1:])]
    return {"seconds": round(elapsed, 2), "sent_calls": len(calls), "busiest_1s": busiest,
            "min_chat_gap_s": round(min(gaps), 3) if gaps else None, "counts": counts,
            "texts": Counter((c.chat_id, c.text) for c in calls), "rejected_429": fake.rejected_429.get("sendMessage", 0),
            "dropped": relay.dropped, "retried": sender.stats.retried, "rate_limited": sender.stats.rate_limited}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alerts", type=int, default=500)
    parser.add_argument("--chats", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--faults", action="store_true")
    args = parser.parse_args()
    results = []
    for _ in range(args.runs):
        url, wanted = prepare(args.alerts, args.chats)
        result = asyncio.run(deliver(url, args.faults))
        duplicates = sum(n - 1 for n in result["texts"].values() if n > 1)
        lost = args.alerts - len(result["texts"])
        chats = len({chat for chat, _ in wanted})
        results.append({**{k: v for k, v in result.items() if k != "texts"}, "lost": lost, "duplicates": duplicates,
                        "chats": chats})
        print(f"{args.alerts} alerts to {chats} chats: {result['seconds']} s, busiest second {result['busiest_1s']} "
              f"msgs, shortest same-chat gap {result['min_chat_gap_s']} s, lost {lost}, duplicates {duplicates}, "
              f"429s {result['rejected_429']}, dropped {result['dropped']}", flush=True)
    summary = {"bench": "alerts_delivery", "alerts": args.alerts, "faults": args.faults, "runs": args.runs,
               "median_seconds": statistics.median(r["seconds"] for r in results),
               "max_busiest_1s": max(r["busiest_1s"] for r in results),
               "min_chat_gap_s": min(r["min_chat_gap_s"] for r in results),
               "lost": sum(r["lost"] for r in results), "duplicates": sum(r["duplicates"] for r in results)}
    print(json.dumps(summary))
    return 0 if summary["lost"] == 0 and summary["duplicates"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
