"""The bot as a service component: reads the campus from the store, finds (or starts) the device gateway, builds
the conversation engine, and runs the Telegram bot with its scheduler. Also builds the engine alone for the
terminal chat."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
import dataclasses
from dataclasses import dataclass

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
                       speech_process: bool = False) -> Engine:
    """The engine on the configured store and fleet; starts a device runtime (broker or simulated) if none given.
    `speech_process`: recognise voice notes in a worker process (the service), not in a thread (one-off chats)."""
    config = config or ConversationConfig(voice_confirm_below=settings.voice_confirm_below)
    url = settings.effective_database_url
    campus = await asyncio.to_thread(read_campus, url)
    runtime = None
    if fleet is None:
        from devices.runtime import start_devices

        runtime = await start_devices(campus, settings.mqtt_url, url)
        fleet = runtime.gateway
    pipeline = SpeechPipeline(vocabulary_from_campus(campus), worker_process=speech_process) if speech else None
    audit = AuditLog(url)
    conversation = Conversation(campus, fleet, url, signer, speech=pipeline, config=config, audit=audit)
    await conversation.load()
    return Engine(conversation, audit, runtime)


class BotComponent:
    """`Service` component. `fleet_provider` returns the gateway of a devices component started before this one;
    None (or a provider returning None) makes the bot start its own device runtime."""

    name = "telegram-bot"

    def __init__(self, settings: Settings, fleet_provider: Callable[[], Fleet | None] | None = None) -> None:
        if settings.telegram_token is None:
            raise ValueError("BotComponent needs AUTOVOLT_TELEGRAM_TOKEN")
        self.settings = settings
        self.fleet_provider = fleet_provider
        self.engine: Engine | None = None
        self.bot: TelegramBot | None = None
        # Replicas: only the leader polls Telegram (`polling_duty`); webhook mode runs on every replica.
        self.poll_when_leading = False
        # (matches(data), handle(data, user_id) -> answer text) for buttons of other packages, e.g. alerts.
        self.button_routes: list[ButtonRoute] = []

    async def start(self) -> None:
        token = self.settings.telegram_token.get_secret_value()
        fleet = self.fleet_provider() if self.fleet_provider else None
        self.engine = await build_engine(self.settings, CallbackSigner(key_from_token(token)), fleet, speech_process=True)
        speech = self.engine.conversation.speech
        if speech is not None:  # load the model now, off the loop, rather than on the first voice note
            asyncio.get_running_loop().run_in_executor(None, speech.warm_up)
        options = dataclasses.replace(telegram_options(self.settings), poll_when_leading=self.poll_when_leading)
        self.bot = TelegramBot(token, self.engine.conversation, options, self.button_routes)
        await self.bot.start()

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
        if self.bot is not None:
            await self.bot.stop()
        if self.engine is not None:
            await self.engine.close()


class PollingDuty:
    """Leader duty (autovolt.leader): long polling of the bot's updates, on one replica at a time."""

    name = "telegram-polling"

    def __init__(self, component: BotComponent) -> None:
        self.component = component

    async def start(self) -> None:
        if self.component.bot is not None:
            await self.component.bot.start_polling()

    async def stop(self) -> None:
        if self.component.bot is not None:
            await self.component.bot.stop_polling()


def terminal_signer() -> CallbackSigner:
    return CallbackSigner(random_key())
