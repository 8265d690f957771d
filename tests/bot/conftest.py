"""Fixtures for the bot tests: the demo campus in a fresh SQLite file, a simulated fleet and the gateway on the real
broker (own topic root), the real speech model, the loopback Bot API server and the real PTB Application on it."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import pytest_asyncio

from alerts.sender import OutboxSender
from alerts.telegram import BotApi
from bot.app import TelegramBot, TelegramOptions
from bot.callbacks import CallbackSigner, key_from_token, random_key
from bot.conversation import Conversation, ConversationConfig
from bot.ratelimit import RateLimit, RateLimiter
from bot.records import AuditLog
from bot.speech import SpeechPipeline
from devices.gateway import Gateway
from devices.mqtt import MqttConfig, MqttTransport
from devices.simulator import QUIET_TIMING, SimulatedFleet
from devices.transport import MemoryBus
from store.campus import load_campus_file
from store.db import get_engine, session_scope, upgrade
from store.registry import sync_campus
from tests.bot.fake_bot_api import Call, FakeBotApi
from tests.conftest import until  # noqa: F401  (the bot tests import it from here)

if TYPE_CHECKING:  # imported where used, so these fixtures load on code without it
    from bot.scheduler import ScheduleRunner

ROOT = Path(__file__).resolve().parents[2]
DEMO_CAMPUS = ROOT / "autovolt" / "demo" / "campus.yaml"
BROKER = "mqtt://127.0.0.1:1883"


@pytest.fixture(scope="session")
def campus():
    return load_campus_file(DEMO_CAMPUS)


@pytest.fixture(scope="session")
def speech(campus):
    from autovolt.vocabulary import vocabulary_from_campus

    pipeline = SpeechPipeline(vocabulary_from_campus(campus))
    pipeline.warm_up()
    return pipeline


@pytest.fixture(scope="session")
def notes(tmp_path_factory):
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    from tests.speech.synth import NoteCache

    return NoteCache(tmp_path_factory.mktemp("voice-notes"))


@pytest.fixture
def db_url(tmp_path, campus) -> str:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    upgrade(url)
    with session_scope(url) as session:
        sync_campus(session, campus)
    return url


@pytest_asyncio.fixture
async def fleet(campus):
    """The gateway and a simulated fleet talking over the real Mosquitto, under a topic root of this test's own."""
    prefix = f"bot-{uuid.uuid4().hex[:10]}/"
    gateway = Gateway(campus, MqttTransport(MqttConfig.from_url(BROKER), clean_session=True), topic_prefix=prefix,
                      confirm_timeout_s=3.0)
    boards = SimulatedFleet(campus, MqttTransport(MqttConfig.from_url(BROKER), clean_session=True), QUIET_TIMING,
                            topic_prefix=prefix)
    await gateway.start()
    # The boards report their state once at start: the gateway must be subscribed before they do, or (under load)
    # a report is lost and a status question reads "unknown".
    assert await gateway.transport.wait_connected(10)
    await boards.start()
    assert await boards.transport.wait_connected(10)
    # Every board's first report must have reached the gateway before a test asks about state (slow under load).
    # Liveness can come from a heartbeat before the state report, so wait for every switch's state too.
    for _ in range(300):
        if all(b.online for b in gateway.board_liveness().values()) and all(
                gateway.state(s.id).on is not None for s in campus.switches):
            break
        await asyncio.sleep(0.05)
    yield gateway, boards
    await boards.stop()
    await gateway.stop()


@contextlib.asynccontextmanager
async def memory_conversation(campus, url: str, audit: AuditLog | None = None, clock=None):
    """A conversation engine on the store at `url` with a simulated fleet on an in-memory bus (no broker), as the
    terminal chat runs it; `clock` (a function giving the UTC time) fixes the engine's "now" when given."""
    # Each engine is a new conversation: the chat memory a previous test's engine kept in a store shared by the module
    # would be taken up as a replica takes it up (bot.chat_memory), so it is forgotten first.
    from sqlalchemy import delete

    from store.models import ChatMemory

    with session_scope(url) as session:
        session.execute(delete(ChatMemory))
    bus = MemoryBus()
    gateway = Gateway(campus, bus.transport())
    boards = SimulatedFleet(campus, bus.transport(), QUIET_TIMING)
    await gateway.start()
    await boards.start()
    conversation = Conversation(campus, gateway, url, CallbackSigner(random_key()), audit=audit,
                                **({"clock": clock} if clock is not None else {}))
    await conversation.load()
    try:
        yield conversation
    finally:
        await boards.stop()
        await gateway.stop()


@contextlib.asynccontextmanager
async def audited_conversation(campus, url: str):
    """`memory_conversation` on the store at `url` with the audit log kept there."""
    audit = AuditLog(url)
    try:
        async with memory_conversation(campus, url, audit) as conversation:
            yield conversation
    finally:
        audit.close()


@pytest_asyncio.fixture
async def audited_engine(campus, db_url):
    """A conversation engine on the test's own store with the audit log, the simulated fleet on an in-memory bus."""
    async with audited_conversation(campus, db_url) as conversation:
        yield conversation


@pytest.fixture(scope="module")
def history_url(tmp_path_factory, campus) -> str:
    """A module's store with two weeks of demo history up to the time it was made."""
    return history_store(tmp_path_factory.mktemp("history"), campus, dt.datetime.now(dt.timezone.utc))


@pytest_asyncio.fixture
async def history_engine(campus, history_url):
    """A conversation engine on `history_url` with the audit log, the simulated fleet on an in-memory bus."""
    async with audited_conversation(campus, history_url) as conversation:
        yield conversation


@pytest_asyncio.fixture
async def unlimited_engine(history_engine):
    """`history_engine` with the rate limit off, for tests that send many messages in a row."""
    history_engine.limiter = RateLimiter(RateLimit(per_minute=0))
    return history_engine


def settled_now(zone: str = "Asia/Kolkata") -> dt.datetime:
    """The latest Wednesday 15:00 in the campus's zone (UTC): "today" and "this week" then hold hours of history
    whenever the tests run (just after midnight on a Monday they hold none, and the answer rightly says so)."""
    from zoneinfo import ZoneInfo

    local = dt.datetime.now(ZoneInfo(zone))
    day = local - dt.timedelta(days=(local.weekday() - 2) % 7)
    settled = day.replace(hour=15, minute=0, second=0, microsecond=0)
    if settled > local:
        settled -= dt.timedelta(days=7)
    return settled.astimezone(dt.timezone.utc)


@pytest.fixture(scope="module")
def settled_time() -> dt.datetime:
    return settled_now()


@pytest.fixture(scope="module")
def settled_history_url(tmp_path_factory, campus, settled_time) -> str:
    return history_store(tmp_path_factory.mktemp("settled"), campus, settled_time)


@pytest_asyncio.fixture
async def settled(campus, settled_history_url, settled_time):
    """An engine on two weeks of history whose "now" is a Wednesday afternoon, for questions about today and this
    week."""
    async with memory_conversation(campus, settled_history_url, clock=lambda: settled_time) as conversation:
        yield conversation


def history_store(folder: Path, campus, now: dt.datetime, weeks: int = 2) -> str:
    """A SQLite store with the campus and `weeks` of demo history up to `now`."""
    from autovolt.demo.history import generate_history
    from store.readings import insert_frame

    url = f"sqlite:///{folder / 'bot.db'}"
    upgrade(url)
    history, _ = generate_history(campus, now, weeks=weeks)
    with session_scope(url) as session:
        sync_campus(session, campus)
        insert_frame(session, history)
    return url


def pending_runs(h: Harness) -> list[tuple[tuple[str, ...], dt.datetime, bool]]:
    """The scheduled actions still to run: (switch ids, run time on the campus clock, on)."""
    from bot import records

    return [(p.switch_ids, p.run_at.astimezone(h.conversation.tz), p.on)
            for p in records.actions_with_status(h.db_url, "pending")]


def campus_clock_at(h: Harness, hour: int) -> dt.datetime:
    """Fix the conversation's clock at `hour`:00 today on campus (the runner keeps real time) and return it: "7 am"
    has then passed and "tomorrow" stays one day, whenever the test runs."""
    fixed = dt.datetime.now(h.conversation.tz).replace(hour=hour, minute=0, second=0, microsecond=0)
    h.conversation.clock = lambda: fixed.astimezone(dt.timezone.utc)
    return fixed


@dataclass
class Harness:
    """Everything an end-to-end test touches."""

    api: FakeBotApi
    bot: TelegramBot
    conversation: Conversation
    gateway: Gateway
    boards: SimulatedFleet
    audit: AuditLog
    db_url: str
    runner: ScheduleRunner
    outbox: OutboxSender

    def relay(self, switch_id: str) -> bool:
        sw = next(s for s in self.conversation.campus.switches if s.id == switch_id)
        board = self.boards.boards[sw.board_id]
        return board.relays[sw.gpio if sw.board_id in self.boards.autovolt else sw.channel]

    async def say(self, user_id: int, text: str, timeout: float = 15.0) -> Call:
        """Send a text as `user_id` and return the bot's next message to that chat."""
        start = len(self.api.calls)
        self.api.send_text(user_id, text)
        return await self.api.reply_to(user_id, start, timeout)

    async def stop(self) -> None:
        await self.bot.stop()
        await self.runner.stop()

    async def restart(self, **config) -> None:
        """The whole service again: bot, conversation and schedule runner (the outbox sender keeps running)."""
        await self.stop()
        self.conversation = make_conversation(self.conversation.campus, self.gateway, self.db_url, self.api.token,
                                              self.conversation.speech, self.audit, **config)
        await self.conversation.load()
        self.runner = await start_runner(self.conversation, self.gateway)
        self.bot = TelegramBot(self.api.token, self.conversation, options(self.api))
        await self.bot.start()


async def start_runner(conversation: Conversation, gateway: Gateway) -> ScheduleRunner:
    """The service's schedule runner on this conversation's store and fleet."""
    from bot.scheduler import ScheduleRunner

    runner = ScheduleRunner(conversation.campus, conversation.database_url, lambda: gateway)
    conversation.on_action_stored = runner.wake
    await runner.start()
    return runner


def options(api: FakeBotApi) -> TelegramOptions:
    return TelegramOptions(base_url=api.base_url, base_file_url=api.file_url, poll_timeout_s=2, max_retries=8)


def make_conversation(campus, gateway, db_url, token, speech, audit, **config) -> Conversation:
    return Conversation(campus, gateway, db_url, CallbackSigner(key_from_token(token)), speech=speech,
                        config=ConversationConfig(**config), audit=audit)


@pytest_asyncio.fixture
async def harness(campus, db_url, fleet, speech):
    gateway, boards = fleet
    api = FakeBotApi()
    await api.start()
    audit = AuditLog(db_url)
    conversation = make_conversation(campus, gateway, db_url, api.token, speech, audit)
    await conversation.load()
    runner = await start_runner(conversation, gateway)
    # Reports of scheduled actions reach Telegram through the alerts outbox, as in the service.
    outbox = OutboxSender(get_engine(db_url), BotApi(api.token, api.base_url), poll_s=0.2)
    await outbox.start()
    bot = TelegramBot(api.token, conversation, options(api))
    await bot.start()
    h = Harness(api, bot, conversation, gateway, boards, audit, db_url, runner, outbox)
    yield h
    await h.stop()
    await outbox.stop()
    await outbox.api.close()
    await api.stop()
    audit.close()
