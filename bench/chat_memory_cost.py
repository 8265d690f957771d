"""What keeping a chat's follow-up memory in the store (bot.chat_memory, for replicas) adds to each message.

    .venv/bin/python bench/chat_memory_cost.py [--messages 200] [--runs 3] [--postgres URL]

The conversation engine on the demo campus, its fleet simulated on an in-memory bus (no broker, no Telegram: only
the engine's own time is measured, as `Conversation.on_text` sees it). The same messages are given with the memory
in the store (`shared_memory=True`, the service) and in the process (`False`, a one-off terminal chat), runs
interleaved so both see the same machine load: a status question, then a switch and its follow-up ("and the fans
too") in turn. Reported: per kind of message, p50/p95 of both and the p50 difference; and the memory's own read and write
(`recall` + `keep` of a switch command's memory) timed alone; on PostgreSQL also the kept statements against those
tried first (two reads, a write waiting for the WAL flush), interleaved. On SQLite (a file) and PostgreSQL (a schema of its
own in the `test` database, dropped afterwards).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402

from bot.callbacks import CallbackSigner, random_key  # noqa: E402
from bot.chat_memory import Remembered, StoredChatMemory  # noqa: E402
from bot.conversation import Conversation, ConversationConfig, Sender  # noqa: E402
from bot.ratelimit import RateLimit  # noqa: E402
from bot.undo import Left  # noqa: E402
from devices.gateway import Gateway  # noqa: E402
from devices.simulator import QUIET_TIMING, SimulatedFleet  # noqa: E402
from devices.transport import MemoryBus  # noqa: E402
from store.campus import load_campus_file  # noqa: E402
from store.db import session_scope, upgrade  # noqa: E402
from store.registry import sync_campus  # noqa: E402

ADMIN = 1001
ROOMS = ("classroom 101", "classroom 102", "classroom 201", "lab 1", "lab 2", "lab 3")


def script(n: int) -> list[str]:
    """`n` messages: a question, a switch, its follow-up, in turn over the rooms (each relay moves every other
    time it is named, so no board is asked to switch twice within its firmware gap)."""
    out: list[str] = []
    for i in range(n):
        room = ROOMS[(i // 3) % len(ROOMS)]
        on = (i // (3 * len(ROOMS))) % 2 == 0
        out.append([f"is anything on in {room}", f"turn {'on' if on else 'off'} the lights in {room}",
                    "and the fans too"][i % 3])
    return out


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def one_run(campus, url: str, shared: bool, messages: list[str]) -> list[float]:
    bus = MemoryBus()
    gateway = Gateway(campus, bus.transport())
    boards = SimulatedFleet(campus, bus.transport(), QUIET_TIMING)
    await gateway.start()
    await boards.start()
    await asyncio.sleep(0.2)
    engine = Conversation(campus, gateway, url, CallbackSigner(random_key()), shared_memory=shared,
                          config=ConversationConfig(rate_limit=RateLimit(per_minute=0)))
    await engine.load()
    who = Sender(ADMIN, ADMIN + (0 if shared else 1))  # each memory its own chat: nothing carried between runs
    out = []
    try:
        for words in messages:
            start = time.perf_counter()
            reply = await engine.on_text(who, words)
            out.append(time.perf_counter() - start)
            assert reply.outcome not in ("error", "clarify", "not_understood"), (words, reply.text)
    finally:
        await boards.stop()
        await gateway.stop()
    return out


async def memory_alone(url: str, n: int) -> list[float]:
    """`recall` + `keep` of a switch command's memory (context and Left), as one message does them."""
    from nlu.command import Command

    memory = StoredChatMemory(url, 900.0)
    command = Command("turn off the lights in classroom 101", "device_control", "off", ("light",), ("cr-101",),
                      switches=("cr-101-lights",), confidence=0.97)
    out = []
    for i in range(n):
        now = time.time()
        kept = Remembered(command, now, Left(command, now, False, changed=("cr-101-lights",)))
        start = time.perf_counter()
        await memory.recall(9_000_000 + i % 50, ADMIN, now)
        await memory.keep(9_000_000 + i % 50, kept, now)
        out.append(time.perf_counter() - start)
    return out


def statements_compared(url: str, n: int) -> None:
    """PostgreSQL: the statements as kept against what was tried first, interleaved: the chat's state and the
    user's default room in one statement or two; the write waiting for the WAL flush or not."""
    import datetime as dt

    from sqlalchemy import select
    from sqlalchemy.dialects.postgresql import insert

    from bot.chat_memory import to_json
    from nlu.command import Command
    from store import chat_memory as rows
    from store.db import get_engine
    from store.models import ChatMemory, User

    engine = get_engine(url)
    state = to_json(Remembered(Command("turn off the lights", "device_control", "off", rooms=("cr-101",)), 1.0))

    def two_reads(chat: int, now: dt.datetime) -> None:
        with engine.connect() as conn:
            conn.execute(select(ChatMemory.state).where(ChatMemory.chat_id == chat, ChatMemory.expires_at > now))
            conn.execute(select(User.default_room_id).where(User.telegram_id == ADMIN))

    def flushed_write(chat: int, now: dt.datetime) -> None:
        stmt = insert(ChatMemory).values(chat_id=chat, state=state, turn_at=now, expires_at=now)
        stmt = stmt.on_conflict_do_update(index_elements=["chat_id"], set_={"state": stmt.excluded.state,
                                          "turn_at": stmt.excluded.turn_at}, where=ChatMemory.turn_at <= stmt.excluded.turn_at)
        with engine.begin() as conn:
            conn.execute(stmt.returning(ChatMemory.chat_id)).first()

    ways = {"two reads": two_reads, "one read (kept)": lambda c, t: rows.read(engine, c, ADMIN, t),
            "write, flush waited": flushed_write,
            "write, async commit (kept)": lambda c, t: rows.write(engine, c + 100, state, t, t)}
    times: dict[str, list[float]] = {k: [] for k in ways}
    for i in range(n):
        now = dt.datetime.now(dt.timezone.utc)
        for label, way in ways.items():
            start = time.perf_counter()
            way(8_000_000 + i % 50, now)
            times[label].append(time.perf_counter() - start)
    for label, t in times.items():
        print(f"postgresql {label:27s} p50 {1000 * statistics.median(t):6.2f} ms  p95 {1000 * pct(t, 0.95):6.2f} ms")


async def bench(name: str, url: str, args) -> None:
    campus = load_campus_file(ROOT / "autovolt" / "demo" / "campus.yaml")
    upgrade(url)
    with session_scope(url) as session:
        sync_campus(session, campus)
    messages = script(args.messages)
    times: dict[bool, list[float]] = {True: [], False: []}
    for run in range(args.runs):
        for shared in ((True, False) if run % 2 == 0 else (False, True)):
            times[shared] += await one_run(campus, url, shared, messages)
    alone = await memory_alone(url, args.messages)
    kinds = ("question", "switch", "follow-up")
    for k, kind in enumerate(kinds):  # the message's kind is its place in the script, mod 3
        part = {shared: [t for i, t in enumerate(ts) if i % len(messages) % 3 == k] for shared, ts in times.items()}
        local, store = part[False], part[True]
        print(f"{name:10s} {kind:9s} n={len(local):4d}  process p50 {1000 * statistics.median(local):7.2f} ms "
              f"p95 {1000 * pct(local, 0.95):7.2f} ms | store p50 {1000 * statistics.median(store):7.2f} ms "
              f"p95 {1000 * pct(store, 0.95):7.2f} ms | p50 added {1000 * (statistics.median(store) - statistics.median(local)):+6.2f} ms")
    print(f"{name:10s} recall+keep alone: p50 {1000 * statistics.median(alone):.2f} ms, "
          f"p95 {1000 * pct(alone, 0.95):.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(bench("sqlite", f"sqlite:///{Path(tmp) / 'bench.db'}", args))
    if args.no_postgres:
        return
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        asyncio.run(bench("postgresql", f"{args.postgres}?options=-csearch_path%3D{schema}", args))
        statements_compared(f"{args.postgres}?options=-csearch_path%3D{schema}", 2 * args.messages)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    main()
