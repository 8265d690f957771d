"""The one place that wires the Telegram side: the PTB Application, its handlers, the command menu, and running it
by long polling (default) or a webhook (when a public URL is configured), inside the service's event loop."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from telegram import BotCommand, Update
from telegram.ext import (AIORateLimiter, Application, CallbackQueryHandler, CommandHandler, MessageHandler,
                          filters)

from bot import handlers
from bot.conversation import COMMANDS, Conversation

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.telegram.org/bot"
# A button handled outside the conversation: (does this callback data belong to you?, answer it for this user).
# The answer is the text to show the presser, or an object with `.text` and `.ok` (e.g. alerts.engine.
# ActionOutcome): when `ok`, the pressed message is settled and its buttons are removed (bot.handlers.on_button).
ButtonRoute = tuple[Callable[[str], bool], Callable[[str, int], Awaitable[Any]]]
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]


@dataclass(frozen=True)
class TelegramOptions:
    """How to reach and use the Bot API.

    `base_url`: Bot API base ending in `/bot` (self-hosted servers too); `base_file_url`: file downloads, derived
    from `base_url` when None; `webhook_url`: public HTTPS URL for webhook mode (None = long polling);
    `webhook_listen`/`webhook_port`: where the webhook server listens; `webhook_secret`: the secret token Telegram
    must send (derived from the bot token when None); `webhook_via_api`: the service's HTTP API receives the
    webhook (`webhook_url` is then the full public URL of its route) and hands updates to `TelegramBot.feed`; `poll_timeout_s`: long-poll length;
    `overall_max_rate`: messages a second across all chats (Telegram's limit is 30; 0 turns the overall limit off,
    e.g. against a loopback test server); `max_retries`: retries after a 429 `retry_after`;
    `concurrent_updates`: updates handled at once (messages of one chat are still handled in order);
    `poll_when_leading`: in polling mode, `start()` does not poll; the leader replica calls `start_polling()` (two
    pollers would take each other's updates, and Telegram answers the second one 409 Conflict);
    `connection_pool_size`: HTTP connections to the Bot API, with requests waiting up to `pool_timeout_s` for a
    free one rather than failing. Keep the two equal: httpcore rescans every connection for every request waiting
    in its pool (a socket `getpeername` per idle connection), so 64 updates on 16 or 64 connections measured
    slower than 16 on 16 (bench/bot_throughput.py, docs/benchmarks.md). 16 at once still leaves room for boards
    that are slow to confirm (a few seconds at worst) without holding up everybody else.
    """

    base_url: str = DEFAULT_BASE_URL
    base_file_url: str | None = None
    webhook_url: str | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8443
    webhook_secret: str | None = None
    webhook_via_api: bool = False
    poll_timeout_s: int = 30
    overall_max_rate: float = 30
    max_retries: int = 8
    concurrent_updates: int = 16
    connection_pool_size: int = 16
    pool_timeout_s: float = 30.0
    poll_when_leading: bool = False

    @property
    def file_url(self) -> str:
        if self.base_file_url:
            return self.base_file_url
        base = self.base_url.rstrip("/")
        if base.endswith("/bot"):
            return base[: -len("/bot")] + "/file/bot"
        return base + "/file/bot"


def build_application(token: str, conversation: Conversation, options: TelegramOptions = TelegramOptions(),
                      button_routes: list[ButtonRoute] | None = None) -> Application:
    limiter = AIORateLimiter(overall_max_rate=options.overall_max_rate, overall_time_period=1,
                             max_retries=options.max_retries)
    app = (Application.builder().token(token).base_url(options.base_url).base_file_url(options.file_url)
           .rate_limiter(limiter).concurrent_updates(options.concurrent_updates)
           .connection_pool_size(options.connection_pool_size).pool_timeout(options.pool_timeout_s)
           .get_updates_read_timeout(options.poll_timeout_s + 10).build())
    app.bot_data["conversation"] = conversation
    # A shared list: routes added after start (the alerts component wires in later) still apply.
    app.bot_data["button_routes"] = button_routes if button_routes is not None else []
    only_new = filters.UpdateType.MESSAGE  # an edited message must not run a command again
    for name, _ in COMMANDS:
        app.add_handler(CommandHandler(name, handlers.on_command, filters=only_new))
    app.add_handler(MessageHandler(only_new & filters.COMMAND, handlers.on_command))
    app.add_handler(MessageHandler(only_new & filters.TEXT, handlers.on_text))
    app.add_handler(MessageHandler(only_new & (filters.VOICE | filters.AUDIO), handlers.on_voice))
    app.add_handler(CallbackQueryHandler(handlers.on_button))
    app.add_handler(MessageHandler(only_new & ~filters.StatusUpdate.ALL, handlers.on_unsupported))
    app.add_error_handler(handlers.on_error)
    return app


class TelegramBot:
    """Runs the Application in the current event loop: `await start()`, later `await stop()`. Scheduled actions are
    run by the service's bot.scheduler.ScheduleRunner, whose reports reach Telegram through the alerts outbox."""

    def __init__(self, token: str, conversation: Conversation, options: TelegramOptions = TelegramOptions(),
                 button_routes: list[ButtonRoute] | None = None) -> None:
        self.token = token
        self.conversation = conversation
        self.options = options
        self.app = build_application(token, conversation, options, button_routes)
        conversation.notify = self._notify  # e.g. a board that applied a command after its window

    async def _notify(self, chat_id: int, text: str) -> None:
        await self.app.bot.send_message(chat_id, text)

    async def start(self) -> None:
        await self.app.initialize()
        await self.app.bot.set_my_commands([BotCommand(name, about) for name, about in COMMANDS])
        await self.app.start()
        if self.options.webhook_url and self.options.webhook_via_api:
            await self.app.bot.set_webhook(self.options.webhook_url, secret_token=self.options.webhook_secret,
                                           allowed_updates=ALLOWED_UPDATES)
            mode = "webhook via the HTTP API"
        elif self.options.webhook_url:
            path = hashlib.sha256(self.token.encode()).hexdigest()[:32]  # unguessable, and not the token itself
            secret = self.options.webhook_secret or hashlib.sha256(b"autovolt-webhook" + self.token.encode()).hexdigest()[:48]
            await self.app.updater.start_webhook(listen=self.options.webhook_listen, port=self.options.webhook_port,
                                                 url_path=path, webhook_url=f"{self.options.webhook_url.rstrip('/')}/{path}",
                                                 secret_token=secret, allowed_updates=ALLOWED_UPDATES)
            mode = "webhook"
        elif self.options.poll_when_leading:
            mode = "polling while this replica leads"
        else:
            await self.start_polling()
            mode = "polling"
        log.info("telegram bot running", extra={"kv": {"mode": mode, "bot": self.app.bot.username}})

    @property
    def polls(self) -> bool:
        """Updates come by long polling (no webhook configured)."""
        return not self.options.webhook_url

    async def start_polling(self) -> None:
        if self.polls and self.app.updater is not None and not self.app.updater.running:
            await self.app.updater.start_polling(timeout=self.options.poll_timeout_s, allowed_updates=ALLOWED_UPDATES,
                                                 poll_interval=0.0)

    async def stop_polling(self) -> None:
        if self.polls and self.app.updater is not None and self.app.updater.running:
            await self.app.updater.stop()

    async def feed(self, update: dict) -> None:
        """One update received by a webhook served elsewhere (the service's HTTP API), as decoded JSON."""
        await self.app.update_queue.put(Update.de_json(update, self.app.bot))

    async def stop(self) -> None:
        if self.app.updater is not None and self.app.updater.running:
            await self.app.updater.stop()
        if self.app.running:
            await self.app.stop()
        await self.app.shutdown()
