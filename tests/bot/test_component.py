"""The bot as the service runs it: built from the settings alone (store, simulated fleet, token, Bot API URL)."""

from __future__ import annotations

from autovolt.settings import load_settings
from bot.component import BotComponent, ConversationComponent, NoCampusError, read_campus
from tests.bot.fake_bot_api import FakeBotApi

import pytest


async def test_component_serves_a_conversation_from_settings(db_url, tmp_path):
    api = FakeBotApi()
    await api.start()
    settings = load_settings(database_url=db_url, data_dir=tmp_path, telegram_token=api.token,
                             telegram_base_url=api.base_url, mqtt_url=None)
    engine = ConversationComponent(settings)
    component = BotComponent(settings, engine)
    await engine.start()
    await component.start()
    try:
        assert engine.engine.conversation.config.voice_confirm_below == settings.voice_confirm_below == 0.75
        start = len(api.calls)
        api.send_text(2001, "turn on the lights in classroom 101")
        reply = await api.reply_to(2001, start)
        assert reply.text == "Classroom 101: lights on (1/1 confirmed)"
        assert [c["command"] for c in api.commands][:2] == ["start", "help"]
    finally:
        await component.stop()
        await engine.stop()
        await api.stop()


async def test_the_voice_confirmation_threshold_comes_from_the_settings(db_url, tmp_path):
    from bot.callbacks import CallbackSigner
    from bot.component import build_engine

    settings = load_settings(database_url=db_url, data_dir=tmp_path, mqtt_url=None, voice_confirm_below=0.3)
    engine = await build_engine(settings, CallbackSigner(b"k" * 32), speech=False)
    try:
        assert engine.conversation.config.voice_confirm_below == 0.3
    finally:
        await engine.close()


def test_no_campus_is_a_clear_error(tmp_path):
    from store.db import upgrade

    url = f"sqlite:///{tmp_path / 'empty.db'}"
    upgrade(url)
    with pytest.raises(NoCampusError, match="autovolt demo --no-serve"):
        read_campus(url)


async def test_webhook_mode_registers_the_webhook_and_serves_fed_updates(db_url, campus):
    """With the service's HTTP API receiving the webhook, the bot registers it and answers what it is fed."""
    from bot.app import TelegramBot, TelegramOptions
    from bot.callbacks import CallbackSigner, key_from_token
    from bot.conversation import Conversation
    from devices.gateway import Gateway
    from devices.transport import MemoryBus

    api = FakeBotApi()
    await api.start()
    gateway = Gateway(campus, MemoryBus().transport())
    conversation = Conversation(campus, gateway, db_url, CallbackSigner(key_from_token(api.token)))
    options = TelegramOptions(base_url=api.base_url, webhook_url="https://bot.example.edu/telegram/webhook",
                              webhook_secret="s3cret-token", webhook_via_api=True)
    bot = TelegramBot(api.token, conversation, options)
    await bot.start()
    try:
        hook = next(c for c in api.calls if c.method == "setWebhook")
        assert hook.params["url"] == "https://bot.example.edu/telegram/webhook"
        assert hook.params["secret_token"] == "s3cret-token"
        start = len(api.calls)
        await bot.feed({"update_id": 1, "message": {"message_id": 5, "date": 0, "text": "/start",
                                                    "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
                                                    "from": {"id": 2001, "is_bot": False, "first_name": "M"},
                                                    "chat": {"id": 2001, "type": "private"}}})
        reply = await api.reply_to(2001, start)
        assert "Dr. Meera Iyer" in reply.text
    finally:
        await bot.stop()
        await api.stop()


async def test_a_refused_token_keeps_the_component_up_and_ready_says_why_without_the_token(db_url, tmp_path):
    """The Bot API refuses the token: the component still starts (the service runs on), retries, and its readiness
    reason names the problem; the open /ready must never show the token itself."""
    api = FakeBotApi()
    await api.start()
    wrong = "654321:WRONG-token-that-the-loopback-server-refuses"
    settings = load_settings(database_url=db_url, data_dir=tmp_path, telegram_token=wrong,
                             telegram_base_url=api.base_url, mqtt_url=None)
    engine = ConversationComponent(settings)
    component = BotComponent(settings, engine)
    await engine.start()
    await component.start()
    try:
        reason = await component.ready()
        assert reason is not None and reason.startswith("Telegram not reachable: InvalidToken"), reason
        assert wrong not in reason and "WRONG-token" not in reason
    finally:
        await component.stop()
        await engine.stop()
        await api.stop()
