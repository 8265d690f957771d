"""Telegram handlers, one per thing a user can send. Each turns the update into a call on the conversation engine
and renders the `Reply` it gets back (text, inline keyboard, chart); nothing here decides anything."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.constants import ChatAction
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from bot.conversation import Conversation, Sender
from bot.replies import Reply
from nlu.audio import AudioError

log = logging.getLogger(__name__)

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
# Telegram shows a chat action for about 5 s; repeat it while the work goes on.
ACTION_REPEAT_S = 4.5
# Replies faster than this get no "typing" first; voice notes always show "recording" (they take longer).
TYPING_GRACE_S = 0.3


def conversation_of(context: ContextTypes.DEFAULT_TYPE) -> Conversation:
    return context.application.bot_data["conversation"]


def sender_of(update: Update) -> Sender:
    return Sender(update.effective_user.id, update.effective_chat.id, "telegram")


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(b.label, callback_data=b.data) for b in row]
                                 for row in reply.buttons])


def _chunks(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    out: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        cut = cut if cut > 0 else limit
        out.append(text[:cut])
        text = text[cut:].lstrip("\n")
    out.append(text)
    return out


async def send_reply(bot, chat_id: int, reply: Reply, reply_to: int | None = None) -> None:
    """Send a reply once. No retries here: PTB's AIORateLimiter retries only what Telegram refused with 429,
    so a message is never sent twice."""
    if reply.silent or not reply.text and reply.chart is None:
        return
    markup = keyboard(reply)
    if reply.chart is not None:
        caption = reply.text if len(reply.text) <= CAPTION_LIMIT else None
        await bot.send_photo(chat_id, InputFile(reply.chart, filename=reply.chart_name), caption=caption,
                             reply_markup=markup if caption is not None else None,
                             reply_to_message_id=reply_to)
        if caption is not None:
            return
        reply_to = None
    pieces = _chunks(reply.text)
    for i, piece in enumerate(pieces):
        await bot.send_message(chat_id, piece, reply_markup=markup if i == len(pieces) - 1 else None,
                               reply_to_message_id=reply_to if i == 0 else None)


@contextlib.asynccontextmanager
async def working(bot, chat_id: int, action: str, grace_s: float = TYPING_GRACE_S) -> AsyncIterator[None]:
    """Show "typing" / "recording" while the body runs. A reply ready within `grace_s` needs no indicator (and
    skipping it halves the requests under load); otherwise the action is sent, repeated every few seconds, and
    awaited before the reply so the chat sees it before the answer."""
    async def keep_showing() -> None:
        await asyncio.sleep(grace_s)
        while True:
            with contextlib.suppress(TelegramError):
                await bot.send_chat_action(chat_id, action)
            await asyncio.sleep(ACTION_REPEAT_S)

    task = asyncio.create_task(keep_showing())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    engine, who, message = conversation_of(context), sender_of(update), update.effective_message
    if not engine.knows(who.user_id):
        reply = await engine.on_text(who, message.text)
    else:
        async with working(context.bot, who.chat_id, ChatAction.TYPING):
            reply = await engine.on_text(who, message.text)
    await send_reply(context.bot, who.chat_id, reply)


async def on_voice(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    engine, who, message = conversation_of(context), sender_of(update), update.effective_message
    media = message.voice or message.audio
    limit = engine.speech.limits.max_bytes if engine.speech is not None and hasattr(engine.speech, "limits") else 2 << 20

    async def download() -> bytes:
        if media.file_size is not None and media.file_size > limit:
            raise AudioError("too_large", f"the audio is too large ({media.file_size / 1048576:.1f} MB, "
                                          f"at most {limit / 1048576:.0f} MB)")
        telegram_file = await context.bot.get_file(media.file_id)
        return bytes(await telegram_file.download_as_bytearray())

    if not engine.knows(who.user_id):
        reply = await engine.on_voice(who, download)
    else:
        async with working(context.bot, who.chat_id, ChatAction.RECORD_VOICE, grace_s=0.0):
            reply = await engine.on_voice(who, download)
    await send_reply(context.bot, who.chat_id, reply)


async def on_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    engine, who, message = conversation_of(context), sender_of(update), update.effective_message
    words = (message.text or "").split()
    name = words[0][1:].split("@", 1)[0].lower() if words else ""
    args = words[1:]
    if engine.knows(who.user_id):
        async with working(context.bot, who.chat_id, ChatAction.TYPING):
            reply = await engine.on_command(who, name, args)
    else:
        reply = await engine.on_command(who, name, args)
    await send_reply(context.bot, who.chat_id, reply)


async def on_unsupported(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    engine, who, message = conversation_of(context), sender_of(update), update.effective_message
    kind = next((k for k in ("photo", "sticker", "document", "video", "video_note", "location", "contact")
                 if getattr(message, k, None)), "message")
    reply = await engine.on_unsupported(who, kind)
    await send_reply(context.bot, who.chat_id, reply)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    engine, who, query = conversation_of(context), sender_of(update), update.callback_query
    data = query.data or ""
    for matches, handle in context.bot_data.get("button_routes", ()):
        if matches(data):
            await answer_routed(query, who, await handle(data, who.user_id))
            return
    if engine.knows(who.user_id):
        async with working(context.bot, who.chat_id, ChatAction.TYPING):
            reply = await engine.on_button(who, data)
    else:
        reply = await engine.on_button(who, data)
    if reply.silent or reply.outcome == "unknown_user":
        await query.answer()
        return
    if reply.outcome.startswith("button_") or reply.outcome == "refused":
        await query.answer(reply.text[:200], show_alert=True)
        return
    await query.answer()
    # A confirmation question becomes its answer (buttons gone); a cancel from the /schedules list is a new message.
    if data[1:2] in ("c", "n") and query.message is not None:
        with contextlib.suppress(BadRequest):
            await query.edit_message_text(reply.text[:TEXT_LIMIT], reply_markup=None)
            return
    await send_reply(context.bot, who.chat_id, reply)


async def answer_routed(query, who: Sender, answer: object) -> None:
    """Answer a button another package handled. Its text is shown to the presser as is (that package owns the
    wording). A done action (`ok`) settles the message: its buttons go, and the answer becomes its last line so
    everybody reading the chat sees what was done and by whom; a refusal leaves the message as it was."""
    text = answer if isinstance(answer, str) else str(getattr(answer, "text", "") or "")
    await query.answer(text[:200], show_alert=True)
    if isinstance(answer, str) or not getattr(answer, "ok", False) or query.message is None:
        return
    message = query.message
    original = message.text or message.caption
    by = query.from_user.full_name if query.from_user is not None else str(who.user_id)
    line = f"\u2714\ufe0f {text} ({by})" if text else ""
    try:
        if original is not None and message.text is not None and line and len(original) + len(line) + 2 <= TEXT_LIMIT:
            # Keeps the original's formatting (entities) out of it: the alert text is plain.
            await query.edit_message_text(f"{original}\n\n{line}", reply_markup=None)
        else:
            await query.edit_message_reply_markup(reply_markup=None)
    except TelegramError as exc:  # too old to edit, deleted, or unchanged: the answer was still given
        log.info("could not settle the button message", extra={"kv": {"error": type(exc).__name__}})


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    # The formatter scrubs tokens; still only the type and the first line go to the log.
    error = context.error
    log.error("telegram handler error", extra={"kv": {"error": type(error).__name__,
                                                       "detail": str(error).splitlines()[0][:200] if str(error) else ""}})
