"""`autovolt chat`: the bot's conversation engine in a terminal, so the assistant can be used with no Telegram token.

    autovolt chat                       # interactive, as the campus's first admin
    autovolt chat --as 2001             # as a registered user (Telegram id)
    autovolt chat --once "turn off the lights in classroom 101"
    autovolt chat --voice note.ogg      # a voice note from a file (OGG/Opus, MP3, M4A, WAV)
    autovolt chat --alone               # never talk to a running service

With a service running on this machine (`autovolt serve`, `make demo`) the chat talks to it (autovolt.chat_api):
its devices, its schedules. Without one it runs an engine and a fleet of its own, and says so first.
Reports of the user's scheduled actions are shown as they finish (and, when the chat was closed, at the next start).
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
    chat.add_argument("--alone", action="store_true",
                      help="do not talk to a running service: run an engine and a fleet in this process")
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
    return asyncio.run(_chat(settings, args.user_id, args.once, voice, args.alone))


class TerminalChat:
    """Renders replies as text; remembers the last buttons so a typed number presses one. `conversation`: the
    engine in this process, or autovolt.chat_api.RemoteConversation (the running service's)."""

    def __init__(self, conversation, sender, charts_dir: Path, out=None) -> None:
        self.conversation = conversation
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
            path = self._keep_chart(reply.chart, reply.chart_name)
            print(f"     (chart: {path})", file=self.out, flush=True)
        self.buttons = [b for row in reply.buttons for b in row]
        if self.buttons:
            print("     " + "  ".join(f"[{i}] {b.label}" for i, b in enumerate(self.buttons, 1)), file=self.out, flush=True)

    def _keep_chart(self, data: bytes, name: str) -> Path:
        """Write a chart under the next free number: charts of earlier chats (each `--once` is one) and of other
        users' chats at the same time are kept, never overwritten (the file is created exclusively)."""
        self.charts_dir.mkdir(parents=True, exist_ok=True)
        if self._charts == 0:  # continue after what earlier chats left
            found = (re.match(r"(\d+)-", p.name) for p in self.charts_dir.iterdir())
            self._charts = max((int(m.group(1)) for m in found if m), default=0)
        while True:
            self._charts += 1
            path = self.charts_dir / f"{self._charts:03d}-{name}"
            try:
                with path.open("xb") as out:
                    out.write(data)
                return path
            except FileExistsError:
                continue

    def notice(self, text: str, prompt: bool = False) -> None:
        """An unsolicited message (a scheduled action's report); `prompt`: reprint the prompt after it."""
        print(("\n" if prompt else "") + f"bot> {text}".replace("\n", "\n     "), file=self.out, flush=True)
        if prompt:
            print(PROMPT, end="", file=self.out, flush=True)

    async def say(self, line: str):
        conversation = self.conversation
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


REPORT_POLL_S = 2.0


async def _chat(settings, user_id: int | None, once: str | None, voice: bytes | None, alone: bool = False) -> int:
    """Talk to the running service's engine when one answers on this machine; else run an engine, a fleet and the
    schedule runner here, and say so first (what this chat switches is then not what a service shows)."""
    from autovolt.chat_api import find_service
    from bot.component import NoCampusError, read_campus
    from bot.conversation import Sender

    url = settings.effective_database_url
    try:
        campus = await asyncio.to_thread(read_campus, url)
    except NoCampusError as exc:
        raise UserError(str(exc)) from None
    if user_id is None:
        admin = next((u for u in campus.users if u.role == "admin"), None)
        if admin is None:
            raise UserError("the campus has no admin user: pass --as TELEGRAM_ID")
        user_id = admin.telegram_id
    sender = Sender(user_id, user_id, "terminal")
    remote, why = (None, "--alone given") if alone else await find_service(settings)
    banner = sys.stdout if once is None and voice is None else sys.stderr
    if remote is not None:
        print(f"Connected to the running AutoVolt service on 127.0.0.1:{settings.http_port}: this chat switches its "
              "devices, and its scheduled actions run there.", file=banner, flush=True)
        local = None
        conversation = remote
    else:
        fleet = "the broker's boards" if settings.mqtt_url else "a simulated fleet of its own"
        print(f"No AutoVolt service to talk to ({why}): this chat runs its own engine on {fleet}; what it switches is "
              "not what another process shows. Start `autovolt serve` (or `make demo`) first to use the service's "
              "devices.", file=banner, flush=True)
        local = await _LocalEngine.start(settings, campus)
        conversation = local.engine.conversation
    chat = TerminalChat(conversation, sender, settings.data_dir / "charts")
    if local is not None:
        async def notify(chat_id: int, text: str) -> None:  # e.g. a board that applied a command after its window
            chat.notice(text, prompt=once is None and voice is None)

        conversation.notify = notify

    async def take_reports() -> list[str]:
        if remote is not None:
            return await remote.reports(user_id)
        from bot import records
        from store.models import utcnow

        return await asyncio.to_thread(records.take_reports, url, user_id, utcnow())

    try:
        for text in await take_reports():
            chat.notice(text)
        if voice is not None:
            reply = await conversation.on_voice(sender, voice)
            chat.show(reply)
            return 1 if reply.outcome == "error" else 0
        if once is not None:
            reply = await chat.say(once)
            return 1 if reply is not None and reply.outcome == "error" else 0
        user = campus.user(user_id)
        who = f"{user.name} ({user.role})" if user else f"unregistered id {user_id}"
        print(f"AutoVolt chat as {who}. Type a message, /help, ':voice FILE', a number to press a button; "
              "Ctrl-D to leave.", flush=True)
        poller = asyncio.create_task(_poll_reports(chat, take_reports))
        try:
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
            poller.cancel()
    finally:
        if remote is not None:
            await remote.close()
        if local is not None:
            await local.stop()


async def _poll_reports(chat: "TerminalChat", take) -> None:
    """Show reports of this user's scheduled actions as they finish (run by the service or by this chat)."""
    while True:
        await asyncio.sleep(REPORT_POLL_S)
        try:
            for text in await take():
                chat.notice(text, prompt=True)
        except asyncio.CancelledError:
            raise
        except Exception:  # a service restarting: try again on the next tick
            continue


class _LocalEngine:
    """The engine, its fleet and the schedule runner, in this process (no service to talk to)."""

    def __init__(self, engine, runner) -> None:
        self.engine = engine
        self.runner = runner

    @classmethod
    async def start(cls, settings, campus) -> "_LocalEngine":
        from bot.component import build_engine, terminal_signer
        from bot.scheduler import ScheduleConfig, ScheduleRunner

        # A broker session of its own: the chat must never take over the running service's connection.
        engine = await build_engine(settings, terminal_signer(), role="chat")
        runner = ScheduleRunner(campus, settings.effective_database_url, lambda: engine.conversation.fleet,
                                config=ScheduleConfig.from_settings(settings))
        engine.conversation.on_action_stored = runner.wake
        await runner.start()
        return cls(engine, runner)

    async def stop(self) -> None:
        await self.runner.stop()
        await self.engine.close()
