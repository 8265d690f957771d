"""`autovolt chat`: the bot's conversation engine in a terminal, so the assistant can be used with no Telegram token.

    autovolt chat                       # interactive, as the campus's first admin
    autovolt chat --as 2001             # as a registered user (Telegram id)
    autovolt chat --once "turn off the lights in classroom 101"
    autovolt chat --voice note.ogg      # a voice note from a file (OGG/Opus, MP3, M4A, WAV)

Buttons are shown numbered; type the number to press one. Charts are written as PNG files and their path printed.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
from pathlib import Path

from autovolt.cli import UserError
from autovolt.settings import load_settings
from store.db import DatabaseError, upgrade

PROMPT = "you> "


def register(subparsers: argparse._SubParsersAction) -> None:
    chat = subparsers.add_parser("chat", help="talk to the assistant in this terminal (no Telegram needed)")
    chat.add_argument("--as", dest="user_id", type=int, help="Telegram id of the registered user to act as "
                                                            "(default: the first admin)")
    once = chat.add_mutually_exclusive_group()
    once.add_argument("--once", metavar="TEXT", help="send one message (or /command), print the answer, exit")
    once.add_argument("--voice", metavar="FILE", type=Path, help="send one voice note from FILE, print the answer, exit")
    chat.set_defaults(func=cmd_chat)


def cmd_chat(args: argparse.Namespace) -> int:
    settings = load_settings()
    voice = None
    if args.voice is not None:
        try:
            voice = args.voice.read_bytes()
        except OSError as exc:
            raise UserError(f"cannot read {args.voice}: {exc.strerror or exc}") from None
    try:
        upgrade(settings.effective_database_url)
    except DatabaseError as exc:
        raise UserError(str(exc)) from None
    return asyncio.run(_chat(settings, args.user_id, args.once, voice))


class TerminalChat:
    """Renders replies as text; remembers the last buttons so a typed number presses one."""

    def __init__(self, engine, sender, charts_dir: Path, out=None) -> None:
        self.engine = engine
        self.sender = sender
        self.charts_dir = charts_dir
        self.out = out or sys.stdout
        self.buttons: list = []
        self._charts = 0

    def show(self, reply) -> None:
        if reply.silent:
            return
        print(f"bot> {reply.text}".replace("\n", "\n     "), file=self.out, flush=True)
        if reply.chart is not None:
            self.charts_dir.mkdir(parents=True, exist_ok=True)
            self._charts += 1
            path = self.charts_dir / f"{self._charts:03d}-{reply.chart_name}"
            path.write_bytes(reply.chart)
            print(f"     (chart: {path})", file=self.out, flush=True)
        self.buttons = [b for row in reply.buttons for b in row]
        if self.buttons:
            print("     " + "  ".join(f"[{i}] {b.label}" for i, b in enumerate(self.buttons, 1)), file=self.out, flush=True)

    async def say(self, line: str):
        conversation = self.engine.conversation
        line = line.strip()
        if re.fullmatch(r"\d{1,2}", line) and self.buttons and 1 <= int(line) <= len(self.buttons):
            reply = await conversation.on_button(self.sender, self.buttons[int(line) - 1].data)
        elif line.startswith(":voice "):
            path = Path(line[len(":voice "):].strip())
            try:
                data = path.read_bytes()
            except OSError as exc:
                print(f"     cannot read {path}: {exc.strerror or exc}", file=self.out, flush=True)
                return None
            reply = await conversation.on_voice(self.sender, data)
        elif line.startswith("/"):
            words = line[1:].split()
            reply = await conversation.on_command(self.sender, words[0].lower() if words else "", words[1:])
        else:
            reply = await conversation.on_text(self.sender, line)
        self.show(reply)
        return reply


async def _chat(settings, user_id: int | None, once: str | None, voice: bytes | None) -> int:
    from bot.component import NoCampusError, build_engine, terminal_signer
    from bot.conversation import Sender
    from bot.scheduler import Scheduler

    try:
        # A broker session of its own: the chat must never take over the running service's connection.
        engine = await build_engine(settings, terminal_signer(), role="chat")
    except NoCampusError as exc:
        raise UserError(str(exc)) from None
    campus = engine.conversation.campus
    if user_id is None:
        admin = next((u for u in campus.users if u.role == "admin"), None)
        if admin is None:
            await engine.close()
            raise UserError("the campus has no admin user: pass --as TELEGRAM_ID")
        user_id = admin.telegram_id
    sender = Sender(user_id, user_id, "terminal")
    chat = TerminalChat(engine, sender, settings.data_dir / "charts")

    async def notify(chat_id: int, text: str) -> None:
        print(f"\nbot> {text}".replace("\n", "\n     ") + ("" if once or voice else f"\n{PROMPT}"), end="" if not (once or voice) else "\n",
              flush=True)

    scheduler = Scheduler(engine.conversation, notify)
    engine.conversation.notify = notify
    await scheduler.start()
    try:
        if voice is not None:
            reply = await engine.conversation.on_voice(sender, voice)
            chat.show(reply)
            return 1 if reply.outcome == "error" else 0
        if once is not None:
            reply = await chat.say(once)
            return 1 if reply is not None and reply.outcome == "error" else 0
        user = campus.user(user_id)
        who = f"{user.name} ({user.role})" if user else f"unregistered id {user_id}"
        print(f"AutoVolt chat as {who}. Type a message, /help, ':voice FILE', a number to press a button; "
              "Ctrl-D to leave.", flush=True)
        while True:
            try:
                line = await asyncio.to_thread(input, PROMPT)
            except EOFError:
                print()
                return 0
            if line.strip().lower() in ("quit", "exit", ":q"):
                return 0
            if line.strip():
                await chat.say(line)
    finally:
        await scheduler.stop()
        await engine.close()
