"""The bot end to end on loopback: the real PTB Application polling the loopback Bot API server (tests/bot/
fake_bot_api.py), the conversation engine, the gateway and a simulated fleet on the real Mosquitto (127.0.0.1:1883).

    .venv/bin/python bench/bot_latency.py [--texts 100] [--voices 10] [--burst 2000] [--runs 3]

Measured by the server's clock: from the moment getUpdates hands an update to the bot to the moment the reply
(sendMessage) arrives. `text-switch`: "turn on/off the X in ROOM" (a relay switched and confirmed over MQTT);
`text-status`: "is anything on in ROOM"; `voice`: a ~3 s espeak-ng voice note (OGG/Opus) that switches a relay.
Throughput: `--burst` status questions queued at once from the 8 demo users, updates handled per second until
the last reply. Per-user and overall rate limits are off for the burst (the loopback server is not Telegram).
The server shares this process here; bench/bot_throughput.py measures throughput with it in a process of its own.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from autovolt.vocabulary import vocabulary_from_campus  # noqa: E402
from bot.app import TelegramBot, TelegramOptions  # noqa: E402
from bot.callbacks import CallbackSigner, key_from_token  # noqa: E402
from bot.conversation import Conversation, ConversationConfig  # noqa: E402
from bot.ratelimit import RateLimit  # noqa: E402
from bot.records import AuditLog  # noqa: E402
from bot.speech import SpeechPipeline  # noqa: E402
from devices.gateway import Gateway  # noqa: E402
from devices.mqtt import MqttConfig, MqttTransport  # noqa: E402
from devices.simulator import QUIET_TIMING, SimulatedFleet  # noqa: E402
from store.campus import load_campus_file  # noqa: E402
from store.db import session_scope, upgrade  # noqa: E402
from store.registry import sync_campus  # noqa: E402
from tests.bot.fake_bot_api import FakeBotApi  # noqa: E402

BROKER = "mqtt://127.0.0.1:1883"
USERS = (1001, 1002, 2001, 2002, 2003, 2004, 3001, 3002)
# (room words, room id) the admin switches in turn, so no relay is toggled twice within its 300 ms firmware gap.
ROOMS = (("classroom 101", "cr-101"), ("classroom 102", "cr-102"), ("classroom 201", "cr-201"),
         ("lab 1", "lab-1"), ("lab 2", "lab-2"), ("lab 3", "lab-3"))


async def setup(workdir: Path, args):
    campus = load_campus_file(ROOT / "autovolt" / "demo" / "campus.yaml")
    url = f"sqlite:///{workdir / 'bench.db'}"
    upgrade(url)
    with session_scope(url) as session:
        sync_campus(session, campus)
    prefix = f"bench-{uuid.uuid4().hex[:8]}/"
    gateway = Gateway(campus, MqttTransport(MqttConfig.from_url(BROKER), clean_session=True), topic_prefix=prefix)
    boards = SimulatedFleet(campus, MqttTransport(MqttConfig.from_url(BROKER), clean_session=True),
                            QUIET_TIMING,
                            topic_prefix=prefix)
    await gateway.start()
    await boards.start()
    await gateway.transport.wait_connected(10)
    await boards.transport.wait_connected(10)
    await asyncio.sleep(0.3)
    # As the service runs it: recognition in a worker process (--speech-in-thread: in a thread of this process).
    speech = SpeechPipeline(vocabulary_from_campus(campus), worker_process=not args.speech_in_thread)
    speech.warm_up()
    api = FakeBotApi()
    await api.start()
    audit = AuditLog(url)
    conversation = Conversation(campus, gateway, url, CallbackSigner(key_from_token(api.token)), speech=speech,
                                config=ConversationConfig(rate_limit=RateLimit(per_minute=0)), audit=audit)
    await conversation.load()
    bot = TelegramBot(api.token, conversation, TelegramOptions(base_url=api.base_url, base_file_url=api.file_url,
                                                                poll_timeout_s=5, overall_max_rate=0))
    await bot.start()

    async def close() -> None:
        await bot.stop()
        await api.stop()
        await boards.stop()
        await gateway.stop()
        audit.close()
        speech.close()

    return api, close


async def one(api: FakeBotApi, user: int, text: str | None = None, voice: bytes | None = None) -> tuple[float, str]:
    start = len(api.calls)
    update_id = api.send_text(user, text) if voice is None else api.send_voice(user, voice)
    reply = await api.wait_for(lambda c: c.method == "sendMessage" and c.chat_id == user, start=start, timeout=60)
    return reply.at - api.delivered_at[update_id], reply.text or ""


async def latency(api: FakeBotApi, texts: int, voices: int, notes) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {"text-switch": [], "text-status": [], "voice": []}
    for i in range(texts):
        words, _room = ROOMS[i % len(ROOMS)]
        on = (i // len(ROOMS)) % 2 == 0
        seconds, text = await one(api, 1001, f"turn {'on' if on else 'off'} the lights in {words}")
        assert "confirmed" in text, text
        out["text-switch"].append(seconds)
        seconds, text = await one(api, 1001, f"is anything on in {words}")
        out["text-status"].append(seconds)
    for i in range(voices):
        on = i % 2 == 0
        note = notes.get(f"turn {'on' if on else 'off'} the fans in classroom one oh one")
        seconds, text = await one(api, 2001, voice=note)
        assert "confirmed" in text, text
        out["voice"].append(seconds)
    return out


async def throughput(api: FakeBotApi, burst: int) -> float:
    start = len(api.calls)
    first = len(api.queued_at) + 1
    for i in range(burst):
        user = USERS[i % len(USERS)]
        api.send_text(user, f"is anything on in {ROOMS[i % len(ROOMS)][0]}")
    began = time.monotonic()
    while True:
        replies = sum(1 for c in api.calls[start:] if c.method == "sendMessage")
        if replies >= burst:
            break
        await asyncio.sleep(0.01)
    last = max(c.at for c in api.calls[start:] if c.method == "sendMessage")
    started = min(api.delivered_at.get(u, began) for u in range(first, first + burst))
    return burst / (last - started)


async def main_async(args) -> None:
    from tests.speech.synth import NoteCache

    with tempfile.TemporaryDirectory() as tmp:
        notes = NoteCache(Path(tmp) / "notes")
        summary: dict[str, list[float]] = {"text-switch": [], "text-status": [], "voice": [], "burst": []}
        for run in range(args.runs):
            api, close = await setup(Path(tmp) / f"run{run}", args)
            try:
                lat = await latency(api, args.texts, args.voices, notes)
                rate = await throughput(api, args.burst)
            finally:
                await close()
            for key, values in lat.items():
                if values:
                    summary[key].append(statistics.median(values))
            summary["burst"].append(rate)
            print(f"run {run + 1}: " + ", ".join(f"{k} median {statistics.median(v) * 1000:.1f} ms (p90 "
                                                   f"{sorted(v)[int(len(v) * 0.9) - 1] * 1000:.1f})"
                                                   for k, v in lat.items() if v)
                  + f", burst {rate:.0f} updates/s", flush=True)
        print("median of runs: " + ", ".join(f"{k} {statistics.median(v) * 1000:.1f} ms" for k, v in summary.items()
                                              if v and k != "burst")
              + f", throughput {statistics.median(summary['burst']):.0f} updates/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=60, help="text messages of each kind per run")
    parser.add_argument("--voices", type=int, default=10, help="voice notes per run")
    parser.add_argument("--burst", type=int, default=2000, help="messages queued at once for the throughput run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--speech-in-thread", action="store_true",
                        help="recognise voice notes in a thread of the bot's process (the service uses a worker process)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
