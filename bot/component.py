"""The bot as service components: the conversation engine (reads the campus from the store, finds or starts the
device gateway) and the Telegram bot on it. Also builds the engine alone for a terminal chat with no service."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass

from autovolt.logging_setup import scrub
from autovolt.settings import Settings
from autovolt.vocabulary import vocabulary_from_campus
from bot.app import ButtonRoute, TelegramBot, TelegramOptions
from bot.callbacks import CallbackSigner, key_from_token, random_key
from bot.conversation import Conversation, ConversationConfig, Fleet
from bot.records import AuditLog
from bot.speech import SpeechPipeline
from store.campus import Campus
from store.db import session_scope
from store.registry import load_registry

log = logging.getLogger(__name__)

# Back-off between attempts to reach the Bot API when it was out of reach at start: 2 s, doubling, at most 5 min.
RECONNECT_FIRST_S = 2.0
RECONNECT_MAX_S = 300.0


class NoCampusError(RuntimeError):
    """No campus registry in the database yet."""


def read_campus(database_url: str) -> Campus:
    with session_scope(database_url) as session:
        campus = load_registry(session)
    if campus is None:
        raise NoCampusError("no campus is loaded: run `autovolt demo --no-serve` or `autovolt campus load FILE` first")
    return campus


def telegram_options(settings: Settings) -> TelegramOptions:
    """From the settings; webhook knobs come from AUTOVOLT_TELEGRAM_WEBHOOK_URL / _WEBHOOK_PORT when set."""
    webhook = getattr(settings, "telegram_webhook_url", None) or os.environ.get("AUTOVOLT_TELEGRAM_WEBHOOK_URL") or None
    port = getattr(settings, "telegram_webhook_port", None) or os.environ.get("AUTOVOLT_TELEGRAM_WEBHOOK_PORT") or 8443
    secret = getattr(settings, "telegram_webhook_secret", None)
    via_api = os.environ.get("AUTOVOLT_TELEGRAM_WEBHOOK_VIA_API", "").lower() in ("1", "true", "yes")
    return TelegramOptions(base_url=settings.telegram_base_url, webhook_url=webhook, webhook_port=int(port),
                           webhook_secret=secret.get_secret_value() if secret is not None else None,
                           webhook_via_api=via_api)


@dataclass
class Engine:
    """A conversation engine with what it owns: the audit writer, and the device runtime when it started one."""

    conversation: Conversation
    audit: AuditLog
    runtime: object | None = None

    async def close(self) -> None:
        if self.runtime is not None:
            await self.runtime.stop()
        await asyncio.to_thread(self.audit.close)
        speech = self.conversation.speech
        if speech is not None and hasattr(speech, "close"):
            await asyncio.to_thread(speech.close)


async def build_engine(settings: Settings, signer: CallbackSigner, fleet: Fleet | None = None, *,
                       speech: bool = True, config: ConversationConfig | None = None,
                       speech_process: bool = False, role: str = "service") -> Engine:
    """The engine on the configured store and fleet; starts a device runtime (broker or simulated) if none given.
    `speech_process`: recognise voice notes in a worker process (the service), not in a thread (one-off chats).
    `role`: how the device runtime it starts meets the broker (devices.runtime.gateway_identity)."""
    config = config or ConversationConfig(voice_confirm_below=settings.voice_confirm_below)
    url = settings.effective_database_url
    campus = await asyncio.to_thread(read_campus, url)
    runtime = None
    if fleet is None:
        from devices.runtime import start_devices

        runtime = await start_devices(campus, settings.mqtt_url, url, role=role,
                                      spool_dir=settings.data_dir / "spool" if role == "service" else None)
        fleet = runtime.gateway
    pipeline = SpeechPipeline(vocabulary_from_campus(campus), worker_process=speech_process) if speech else None
    # The service's audit survives a database outage and a kill in a spool; a terminal chat retries in memory.
    audit = AuditLog(url, spool_path=settings.data_dir / "spool" / "audit.jsonl" if role == "service" else None)
    # The service's chats may continue on any replica: their follow-up memory is in the store. A one-off terminal
    # chat is the only process serving its chat, so it keeps that memory itself (no row per message).
    conversation = Conversation(campus, fleet, url, signer, speech=pipeline, config=config, audit=audit,
                                shared_memory=role == "service")
    await conversation.load()
    return Engine(conversation, audit, runtime)


class ConversationComponent:
    """`Service` component: the one conversation engine of the service, shared by the Telegram bot and by terminal
    chats that talk to the service (autovolt.chat_api). `fleet_provider` returns the gateway of a devices component
    started before this one; None (or a provider returning None) makes it start its own device runtime.
    `on_action_stored` is told of each new scheduled action (the schedule runner's wake-up)."""

    name = "conversation"

    def __init__(self, settings: Settings, fleet_provider: Callable[[], Fleet | None] | None = None,
                 on_action_stored: Callable[[], None] | None = None) -> None:
        self.settings = settings
        self.fleet_provider = fleet_provider
        self.on_action_stored = on_action_stored
        self.engine: Engine | None = None

    @property
    def gateway(self) -> Fleet | None:
        return self.engine.conversation.fleet if self.engine is not None else None

    async def start(self) -> None:
        token = self.settings.telegram_token
        signer = CallbackSigner(key_from_token(token.get_secret_value())) if token is not None else terminal_signer()
        fleet = self.fleet_provider() if self.fleet_provider else None
        self.engine = await build_engine(self.settings, signer, fleet, speech_process=True)
        if self.on_action_stored is not None:
            self.engine.conversation.on_action_stored = self.on_action_stored
        speech = self.engine.conversation.speech
        if speech is not None:  # load the model now, off the loop, rather than on the first voice note
            asyncio.get_running_loop().run_in_executor(None, speech.warm_up)

    async def stop(self) -> None:
        if self.engine is not None:
            await self.engine.close()
            self.engine = None


class BotComponent:
    """`Service` component: the Telegram bot on the service's conversation engine (a `ConversationComponent`
    started before this one)."""

    name = "telegram-bot"

    def __init__(self, settings: Settings, conversation: ConversationComponent) -> None:
        if settings.telegram_token is None:
            raise ValueError("BotComponent needs AUTOVOLT_TELEGRAM_TOKEN")
        self.settings = settings
        self.conversation = conversation
        self.bot: TelegramBot | None = None
        # (matches(data), handle(data, user_id) -> answer text) for buttons of other packages, e.g. alerts.
        self.button_routes: list[ButtonRoute] = []
        self._not_connected: str | None = None  # why the Bot API is not reachable, while retrying
        self._connecting: asyncio.Task | None = None
        self._connected = False
        # Replicas: only the leader polls Telegram (`polling_duty`); webhook mode runs on every replica.
        self.poll_when_leading = False
        self._polling_wanted = False  # this replica leads: poll as soon as the bot is connected

    async def start(self) -> None:
        if self.conversation.engine is None:
            raise RuntimeError("the conversation component must start before the bot")
        token = self.settings.telegram_token.get_secret_value()
        options = dataclasses.replace(telegram_options(self.settings), poll_when_leading=self.poll_when_leading)
        self.bot = TelegramBot(token, self.conversation.engine.conversation, options, self.button_routes)
        # Telegram out of reach must not take the relays, the HTTP API and the schedulers down with it: keep
        # serving and connect in the background, with back-off; /ready says so meanwhile (`ready`).
        if not await self._connect():
            self._connecting = asyncio.create_task(self._keep_connecting(), name="telegram-connect")

    async def _connect(self) -> bool:
        """One attempt to start the bot on the Bot API; False (reason kept for /ready) when it fails."""
        try:
            await self.bot.start()
        except Exception as exc:  # network, TLS, a refused token: whatever it is, the rest of the service runs on
            # /ready is open to anyone: PTB names the token in some errors ("The token `...` was rejected").
            said = scrub(str(exc).replace(self.bot.token, "<telegram-token>")).splitlines()
            self._not_connected = f"Telegram not reachable: {type(exc).__name__}" + (f": {said[0][:160]}" if said else "")
            log.warning("telegram bot not started; retrying in the background",
                        extra={"kv": {"error": type(exc).__name__, "base_url": self.settings.telegram_base_url}})
            with contextlib.suppress(Exception):  # undo a half start, so the next attempt begins clean
                await self.bot.stop()
            self.bot = TelegramBot(self.bot.token, self.bot.conversation, self.bot.options, self.button_routes)
            return False
        self._not_connected = None
        self._connected = True
        if self._polling_wanted:  # the leader duty started while the Bot API was out of reach
            await self.bot.start_polling()
        return True

    async def _keep_connecting(self) -> None:
        delay = RECONNECT_FIRST_S
        while True:
            await asyncio.sleep(delay)
            if await self._connect():
                log.info("telegram bot connected after start-up")
                return
            delay = min(delay * 2, RECONNECT_MAX_S)

    async def start_polling(self) -> None:
        """Leader duty start: poll now, or as soon as the background reconnect succeeds."""
        self._polling_wanted = True
        if self._connected and self.bot is not None:
            await self.bot.start_polling()

    async def stop_polling(self) -> None:
        self._polling_wanted = False
        if self._connected and self.bot is not None:
            await self.bot.stop_polling()

    async def ready(self) -> str | None:
        """Readiness: the bot is connected to the Bot API (None), or why not while it keeps retrying."""
        if self.bot is None:
            return "not started"
        return self._not_connected

    def polling_duty(self) -> "PollingDuty":
        """The leader's duty of polling Telegram; from now on `start()` leaves polling to it."""
        self.poll_when_leading = True
        return PollingDuty(self)

    async def telegram_handler(self, update: dict) -> None:
        """For the HTTP API's webhook route (autovolt.api.telegram): hand it one decoded Update."""
        if self.bot is None:
            raise RuntimeError("the bot is not running")
        await self.bot.feed(update)

    async def stop(self) -> None:
        if self._connecting is not None:
            self._connecting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._connecting
        if self.bot is not None:
            await self.bot.stop()


class PollingDuty:
    """Leader duty (autovolt.leader): long polling of the bot's updates, on one replica at a time."""

    name = "telegram-polling"

    def __init__(self, component: BotComponent) -> None:
        self.component = component

    async def start(self) -> None:
        await self.component.start_polling()

    async def stop(self) -> None:
        await self.component.stop_polling()


def terminal_signer() -> CallbackSigner:
    return CallbackSigner(random_key())
