"""The conversation engine shared by Telegram and the terminal chat: who is asking, what they said, may they,
do it, say what happened. Knows nothing of Telegram: it takes text, audio bytes, command names and button data and
returns `Reply` objects; the channels render them.

Every message, served or refused, is audited. Messages from one chat are handled one at a time, in order, so a
follow-up ("and the fans too") always sees the command before it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol
from zoneinfo import ZoneInfo

from autovolt.vocabulary import vocabulary_from_campus
from alerts.preferences import PreferenceError
from bot import alertprefs, records
from bot.alert_chat import AlertChat
from bot.callbacks import CallbackError, CallbackSigner
from bot.chat_memory import ChatMemory, ProcessChatMemory, Recalled, Remembered, StoredChatMemory
from bot.permissions import home_rooms, may_control, may_query, visible_rooms
from bot.reminders import asks_reminder, reminder_note
from bot.queries import Queries, Scope
from bot.ratelimit import RateLimit, RateLimiter
from bot.late import LateWatch
from bot.speech import TRUST_CONFIDENCE, Heard
from bot.undo import TakeBack, TakeBackRules
from bot.replies import (TYPE_WORDS, Button, Reply, already_in_state, describe_late, describe_results,
                         describe_targets, planned, room_list, settled_already, when_text)
from devices.model import BoardLiveness, LateConfirmation, SwitchResult, SwitchState
from nlu.alert_words import read_alert_action
from nlu.answer_words import AnswerAsk, energy_words, read_answer_ask
from nlu.command import Command, ParseContext
from nlu.parser import asks_only_for_room, parser_for
from nlu.speech.understand import ASK, CONFIRM, REFUSE, VoiceDecision, VoiceRules, voice_verdict
from store.campus import Campus, User
from store.models import utcnow

log = logging.getLogger(__name__)

AudioSource = bytes | Callable[[], Awaitable[bytes]]


class Fleet(Protocol):
    """What the conversation needs from the device gateway (devices.gateway.Gateway has it)."""

    async def switch(self, switch_ids: Sequence[str], on: bool) -> list[SwitchResult]: ...

    def state(self, switch_id: str) -> SwitchState: ...

    def board_liveness(self) -> dict[str, BoardLiveness]: ...


class Transcriber(Protocol):
    def transcribe(self, audio: bytes):  # -> bot.speech.Heard
        ...


@dataclass(frozen=True)
class Sender:
    """Who sent a message and where to answer: Telegram user id, chat id, and the channel (telegram, terminal)."""

    user_id: int
    chat_id: int
    channel: str = "telegram"


@dataclass(frozen=True)
class ConversationConfig:
    """Knobs. `confirm_ttl_s`: how long confirmation buttons work; `cancel_ttl_s`: the cancel buttons of
    /schedules; `context_ttl_s`: how long a follow-up may lean on the previous command; `unknown_reply_every_s`:
    an unknown user hears from the bot at most once in this time; `rate_limit`: per-user message budget;
    `understood_below`: a parse whose calibrated confidence (the probability it is right, `nlu.judge`) is below
    this is not acted on or asked about: the reply says what the bot can do and offers the closest example as a
    button (a device command instead asks "Switch ...?" with buttons);
    `voice_confirm_below`: a spoken device command whose transcript confidence is below this asks "Switch ...?"
    with buttons before switching (0 turns it off). PocketSphinx's confidence of 0.75 means the transcript leads the
    nearest different command by 1 score unit per frame: on the speech benchmark (120 notes clean, 120 at 10 dB) it
    stops 15 of 27 wrong device commands and asks for a tap on 19 of 162 right ones (docs/benchmarks.md, speech)."""

    confirm_ttl_s: float = 300.0
    cancel_ttl_s: float = 3600.0
    context_ttl_s: float = 900.0
    unknown_reply_every_s: float = 3600.0
    rate_limit: RateLimit = field(default_factory=RateLimit)
    voice_confirm_below: float = 0.75
    understood_below: float = 0.5


COMMANDS = (
    ("start", "who you are, your role and rooms"),
    ("help", "examples of what you can say"),
    ("status", "what is on: /status [room]"),
    ("energy", "energy used: /energy [room] [period]"),
    ("forecast", "expected energy: /forecast [room]"),
    ("alerts", "open alerts and offline boards"),
    ("schedules", "your scheduled actions, with cancel buttons"),
    ("myroom", "set your default room: /myroom ROOM"),
    ("prefs", "your alert settings: muted types, quiet hours"),
    ("mute", "stop an alert type: /mute TYPE"),
    ("unmute", "get an alert type again: /unmute TYPE"),
    ("quiet", "quiet hours: /quiet 22:00-07:00 or /quiet off"),
)

UNKNOWN_USER_TEXT = ("Hello! This assistant only serves registered campus staff. If you should have access, ask "
                     "your campus admin to add your Telegram id {user_id}.")
ERROR_TEXT = "Sorry, something went wrong on my side. Please try again in a moment."



class Conversation:
    """One per running bot. `notify` (set by the channel) sends an unsolicited message to a chat, e.g. the report
    of a scheduled action; `on_action_stored` (set by the scheduler) hears of new pending actions.

    `shared_memory`: what a chat's follow-up leans on is kept in the store, so its next message may reach another
    replica (bot.chat_memory); False keeps it in this process (one process serving all of its chats). `wall`: the
    wall clock (seconds) that memory's follow-up window is measured on."""

    def __init__(self, campus: Campus, fleet: Fleet, database_url: str, signer: CallbackSigner, *,
                 speech: Transcriber | None = None, config: ConversationConfig = ConversationConfig(),
                 audit: records.AuditLog | None = None, clock: Callable[[], dt.datetime] = utcnow,
                 shared_memory: bool = True, wall: Callable[[], float] = time.time) -> None:
        self.campus = campus
        self.fleet = fleet
        self.database_url = database_url
        self.signer = signer
        self.speech = speech
        self.config = config
        self.audit = audit
        self.clock = clock
        self.wall = wall
        self.tz = ZoneInfo(campus.timezone)
        self.vocabulary = vocabulary_from_campus(campus)
        self.parser = parser_for(self.vocabulary)
        self.queries = Queries(campus, fleet, database_url)
        self.limiter = RateLimiter(config.rate_limit)
        self.on_action_stored: Callable[[], None] = lambda: None
        self._default_room: dict[int, str] = {}
        self.memory: ChatMemory = (StoredChatMemory(database_url, config.context_ttl_s) if shared_memory
                                   else ProcessChatMemory(config.context_ttl_s))
        # The chat memory of the messages being handled, by chat (filled by `_recall`, emptied by `_keep`): the
        # follow-up context with when it was kept (`wall`), and the alerts last shown or acted on.
        self._context: dict[int, tuple[float, Command]] = {}
        # The kept command of a chat when it came from an unsure voice note asked "Which room?" / "At what time?"
        # (`may_ask_unsure_gap`): while it is still the chat's context, the switch its answer completes asks first.
        self._unsure_context: dict[int, Command] = {}
        self._chat_locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._unknown_told: dict[int, float] = {}
        # The alerts a chat was last shown or acted on, so "snooze it" knows which.
        self._recent_alerts: dict[int, tuple[int, ...]] = {}
        self._recent_alerts_at: dict[int, float] = {}
        self.alert_chat = AlertChat(campus, database_url)
        # Campus.user scans the list; every message asks, so index it once (the campus is immutable).
        self._users = {u.telegram_id: u for u in campus.users}
        self._switch_by_id = {s.id: s for s in campus.switches}
        self._room_ids = frozenset(r.id for r in campus.rooms)
        # Sends an unsolicited message to a chat (set by the channel: Telegram, the terminal chat).
        self.notify: Callable[[int, str], Awaitable[None]] | None = None
        self.late = LateWatch()
        self._telling: set[asyncio.Task[None]] = set()
        if hasattr(fleet, "add_late_listener"):
            fleet.add_late_listener(self._on_late)
        # A correction in the next message ("sorry, I meant 102") and what the command it takes back did.
        self.take_back = TakeBack(campus, fleet, database_url, signer,
                                  TakeBackRules(config.context_ttl_s, config.confirm_ttl_s, config.understood_below),
                                  self._targets, self._named_places, clock, self.tz, wall)

    async def load(self) -> None:
        """Read per-user state kept in the store (default rooms)."""
        rooms = await asyncio.to_thread(records.default_rooms, self.database_url)
        known = {r.id for r in self.campus.rooms}
        self._default_room = {u: r for u, r in rooms.items() if r in known}

    # ============================================================================================ entry points

    async def on_text(self, who: Sender, text: str) -> Reply:
        return await self._serve(who, text or "", lambda user: self._understand(who, user, text or ""))

    async def on_voice(self, who: Sender, audio: AudioSource) -> Reply:
        """A voice note; `audio` may be a coroutine factory so nothing is downloaded for unknown or throttled users."""
        return await self._serve(who, "<voice>", lambda user: self._voice(who, user, audio))

    async def on_unsupported(self, who: Sender, kind: str) -> Reply:
        """A sticker, photo, document...: say what is understood (still audited, still rate limited)."""
        async def work(user: User) -> Reply:
            return Reply("I understand text messages and voice notes; send /help for examples.", "not_understood")
        return await self._serve(who, f"<{kind[:32]}>", work)

    def knows(self, user_id: int) -> bool:
        return user_id in self._users

    async def on_command(self, who: Sender, name: str, args: Sequence[str] = ()) -> Reply:
        text = "/" + " ".join([name, *args])
        handlers = {"start": self._cmd_start, "help": self._cmd_help, "status": self._cmd_query,
                    "energy": self._cmd_query, "forecast": self._cmd_query, "alerts": self._cmd_alerts,
                    "schedules": self._cmd_schedules, "myroom": self._cmd_myroom, "prefs": self._cmd_prefs,
                    "mute": self._cmd_mute, "unmute": self._cmd_mute, "quiet": self._cmd_quiet}
        handler = handlers.get(name)
        if handler is None:
            return await self._serve(who, text, lambda user: self._unknown_command(name))
        return await self._serve(who, text, lambda user: handler(who, user, name, list(args)))

    async def on_button(self, who: Sender, data: str) -> Reply:
        return await self._serve(who, f"<button {data[:64]}>", lambda user: self._button(who, user, data))

    # ============================================================================================ the gate

    async def _serve(self, who: Sender, text: str, work: Callable[[User], Awaitable[Reply]]) -> Reply:
        started = time.perf_counter()
        turn_at = self.wall()
        user = self._users.get(who.user_id)
        if user is None:
            reply = self._unknown_user(who)
        else:
            verdict = self.limiter.check(who.user_id)
            if not verdict.allowed:
                reply = Reply(f"You are sending messages faster than I can act on them; please wait "
                              f"{max(1, round(verdict.retry_in_s))} s and try again.", "rate_limited",
                              silent=not verdict.notify)
            else:
                async with self._chat_locks[who.chat_id]:
                    recalled = await self._recall(who.chat_id, who.user_id)
                    try:
                        reply = await work(user)
                    except Exception:
                        log.exception("message handling failed", extra={"kv": {"user": who.user_id, "channel": who.channel}})
                        reply = Reply(ERROR_TEXT, "error")
                    await self._keep(who.chat_id, recalled, turn_at)
        self._audit(who, text, reply, time.perf_counter() - started)
        return reply

    async def _recall(self, chat_id: int, user_id: int) -> Remembered:
        """Put the chat's memory (kept by whichever replica served its last message) where this message reads it,
        with the user's default room as the store has it now. A store that cannot be read leaves the message
        without the memory (read as a first message) and with the default room this replica last knew."""
        try:
            recalled = await self.memory.recall(chat_id, user_id, self.wall())
        except Exception as exc:
            log.warning("chat memory not read", extra={"kv": {"chat": chat_id, "error": type(exc).__name__}})
            recalled = Recalled(Remembered())
        memory = recalled.memory
        if recalled.shared_users:
            if recalled.default_room is not None and recalled.default_room in self._room_ids:
                self._default_room[user_id] = recalled.default_room
            else:
                self._default_room.pop(user_id, None)
        self._context.pop(chat_id, None)
        self._unsure_context.pop(chat_id, None)
        self._recent_alerts.pop(chat_id, None)
        self._recent_alerts_at.pop(chat_id, None)
        if memory.context is not None:
            self._context[chat_id] = (memory.context_at, memory.context)
            if memory.context_unsure:
                self._unsure_context[chat_id] = memory.context
        self.take_back.restore(chat_id, memory.left)
        if memory.alerts:
            self._recent_alerts[chat_id] = memory.alerts
            self._recent_alerts_at[chat_id] = memory.alerts_at
        return memory

    async def _keep(self, chat_id: int, recalled: Remembered, turn_at: float) -> None:
        """Write back what the message left in the chat's memory (nothing is written when it changed nothing)."""
        context_at, context = self._context.pop(chat_id, (0.0, None))
        marked = self._unsure_context.pop(chat_id, None)
        unsure = context is not None and marked == context
        alerts = self._recent_alerts.pop(chat_id, ())
        memory = Remembered(context, context_at, self.take_back.release(chat_id), alerts,
                            self._recent_alerts_at.pop(chat_id, 0.0) if alerts else 0.0, context_unsure=unsure)
        if memory == recalled:
            return
        try:
            await self.memory.keep(chat_id, memory, turn_at)
        except Exception as exc:  # the reply is still sent; the next message is read as a first one
            log.warning("chat memory not written", extra={"kv": {"chat": chat_id, "error": type(exc).__name__}})

    def _unknown_user(self, who: Sender) -> Reply:
        now = time.monotonic()
        last = self._unknown_told.get(who.user_id)
        silent = last is not None and now - last < self.config.unknown_reply_every_s
        if not silent:
            self._unknown_told[who.user_id] = now
        return Reply(UNKNOWN_USER_TEXT.format(user_id=who.user_id), "unknown_user", silent=silent)

    def _on_late(self, late: LateConfirmation) -> None:
        """A board applied a command after its window: tell whoever was told "not switched", and audit it."""
        waiting = self.late.claim(late)
        if waiting is None:
            return
        text = describe_late(self.campus, late)
        who = Sender(waiting.user_id, waiting.chat_id, waiting.channel)
        self._audit(who, waiting.text, Reply(text, "late_confirmation", detail={
            "switch": late.switch_id, "on": late.on, "late_by_s": round(late.late_by_s, 1)}), 0.0)
        if self.notify is not None:
            task = asyncio.get_running_loop().create_task(self._tell(who.chat_id, text))
            self._telling.add(task)
            task.add_done_callback(self._telling.discard)

    async def _tell(self, chat_id: int, text: str) -> None:
        try:
            await self.notify(chat_id, text)  # type: ignore[misc]
        except Exception as exc:  # the audit has it; a failed message must not break the gateway's listener
            log.warning("could not send a late confirmation", extra={"kv": {"chat": chat_id,
                                                                            "error": type(exc).__name__}})

    def _audit(self, who: Sender, text: str, reply: Reply, elapsed_s: float) -> None:
        log.info("command", extra={"kv": {"user": who.user_id, "channel": who.channel, "intent": reply.intent,
                                          "outcome": reply.outcome, "ms": round(elapsed_s * 1000, 1)}})
        if self.audit is not None:
            self.audit.record(records.AuditEntry(self.clock(), who.user_id, who.chat_id, who.channel, text,
                                                 reply.intent, reply.outcome, dict(reply.detail)))

    # ============================================================================================ understanding

    def _parse_rooms(self, user: User) -> tuple[str, ...]:
        room = self._default_room.get(user.telegram_id)
        return (room,) if room else home_rooms(user, self.campus)

    def _previous(self, chat_id: int) -> Command | None:
        entry = self._context.get(chat_id)
        if entry is None or self.wall() - entry[0] > self.config.context_ttl_s:
            return None
        return entry[1]

    def _parse(self, who: Sender, user: User, text: str, remember: bool = True) -> Command:
        context = ParseContext(previous=self._previous(who.chat_id), user_rooms=self._parse_rooms(user))
        command = self.parser.parse(text, context, self.clock())
        # A command waiting only for its time or its room is kept, so that the answer ("at 6 pm", "now", "classroom
        # 101") completes it.
        # Not a room question the bot refuses to ask (a doubted parse): nothing answers it.
        waits = command.needs_time or (asks_only_for_room(command)
                                       and command.confidence >= self.config.understood_below)
        if remember and command.intent != "unknown" and (not command.clarification or waits):
            self._context[who.chat_id] = (self.wall(), command)
        return command

    async def _understand(self, who: Sender, user: User, text: str, heard: Heard | None = None) -> Reply:
        """`heard`: the text is this voice note's transcript, judged by the voice rule (`_voice_decision`)."""
        previous = self._previous(who.chat_id)
        unsure_previous = previous is not None and self._unsure_context.get(who.chat_id) == previous
        command = self._parse(who, user, text, remember=heard is None)
        ask = read_answer_ask(command.text)
        command = self._reshape(who, user, command, previous, ask)
        decision = None
        if heard is not None:
            decision = self._voice_decision(heard, command)
            if decision.verdict != REFUSE and (decision.verdict != ASK or asks_only_for_room(command)
                                               or command.needs_time):
                # Kept as typed text is (a follow-up leans on it, the room answer completes it); a refused note,
                # whose question the bot did not ask, is not: nothing may complete what may be misheard. Nor is a
                # question about a place or device the campus lacks, as typed: the answer is a command of its own.
                self._context[who.chat_id] = (self.wall(), command)
                if decision.verdict == ASK and decision.why == "unsure":
                    self._unsure_context[who.chat_id] = command  # its answer's switch asks first
        # The answer to an unsure note's room or time question: the switch it completes is what may be misheard.
        completes_unsure = unsure_previous and self._completes(user, command, text)
        reply = await self._act(who, user, command, decision, ask=ask, completes_unsure=completes_unsure)
        if decision is not None and decision.verdict == ASK and decision.why == "unsure":
            if command.intent == "device_control":
                why = "I am not sure I heard all of it; " if not decision.sure else ""
                reply = dataclasses.replace(reply, text=f"{reply.text}\n({why}I will ask before switching.)",
                                            detail={**reply.detail, "asks_first": True})
            else:  # a question's room (branch voice-status): its answer is answered, nothing to ask before
                reply = dataclasses.replace(reply, text=f"{reply.text}\n(I am not sure I heard all of it.)")
        reply = await self.take_back.after(who.chat_id, who.channel, user, previous, command, reply)
        detail = {**reply.detail, "rooms": list(command.rooms), "switches": list(command.switches)[:50]}
        if heard is not None:
            detail["heard"] = heard.text
        return dataclasses.replace(reply, intent=command.intent, detail=detail)

    def _completes(self, user: User, command: Command, text: str) -> bool:
        """Whether `command` (read with the previous message) is a switch that message left only the room or time of:
        the words alone ("classroom 101", "at 6 pm") do not make a whole switch command of their own."""
        if command.intent != "device_control" or command.clarification is not None:
            return False
        alone = self.parser.parse(text, ParseContext(user_rooms=self._parse_rooms(user)), self.clock())
        return not (alone.intent == "device_control" and alone.clarification is None and alone.action is not None)

    def _voice_decision(self, heard: Heard, command: Command) -> VoiceDecision:
        """The product's one rule for a voice note (`nlu.speech.understand.voice_verdict`, which the CLI and the
        speech benches score), on the command the conversation made of the transcript, with this bot's thresholds."""
        rules = VoiceRules(act_from=TRUST_CONFIDENCE, confirm_below=self.config.voice_confirm_below,
                           understood_below=self.config.understood_below)
        return voice_verdict(heard.confidence, heard.guessed or bool(heard.unsure_words), command, rules)

    def _reshape(self, who: Sender, user: User, command: Command, previous: Command | None,
                 ask: AnswerAsk) -> Command:
        """Energy questions the parser has no intent for: "what did it cost" and "and last week?" after an energy
        answer, "what was the peak demand today", "compare block A and block B this week". The places and period
        are read again from the words as an energy question; what they leave out comes from the previous question."""
        follow_up = previous is not None and previous.intent in ("energy_query", "forecast_query")
        shaped = ask.cost or ask.peak or ask.compare
        bare = not (command.rooms or command.buildings or command.switches or command.period)
        if ask.offline_boards or not (command.intent == "unknown" and (shaped or follow_up)
                                      or command.intent == "energy_query" and (shaped or bare and follow_up)):
            return command
        context = ParseContext(user_rooms=self._parse_rooms(user))
        words = energy_words(command.text)
        if not words and follow_up:
            reread = dataclasses.replace(previous, intent="energy_query", period=None)
        else:
            reread = self.parser.parse(words or "how much energy was used today", context, self.clock())
        if reread.intent != "energy_query" or reread.clarification:
            return command
        named = bool(reread.rooms or reread.buildings)
        if not (named or reread.period is not None or ask.cost or ask.peak or ask.compare):
            return command
        base = previous if follow_up and not named else reread
        keep_intent = follow_up and not (ask.cost or ask.peak)  # "and last week?" after a forecast stays one
        reshaped = dataclasses.replace(
            reread, text=command.text, intent=base.intent if keep_intent else "energy_query",
            rooms=base.rooms, buildings=base.buildings, switches=base.switches if base is previous else reread.switches,
            device_types=base.device_types, period=reread.period or (previous.period if follow_up else None))
        self._context[who.chat_id] = (self.wall(), reshaped)
        return reshaped

    async def _act(self, who: Sender, user: User, command: Command, voice: VoiceDecision | None = None,
                   ask: AnswerAsk = AnswerAsk(), completes_unsure: bool = False) -> Reply:
        """`voice`: the words came from a voice note and this is the voice rule's verdict on them: a refusal is said
        and nothing done, a confirmation makes a switch ask first, and an answer about a room nobody named says
        which room it used."""
        if voice is not None and voice.verdict == REFUSE:
            return self._voice_refusal(user, command, voice)
        # `completes_unsure`: the answer to an unsure note's room or time question; its switch asks first too.
        unsure = voice is not None and voice.verdict == CONFIRM or completes_unsure
        if command.intent in ("alerts_query", "unknown") and (action := read_alert_action(command.text)):
            return await self._alert_action(who, user, command, action)
        if ask.offline_boards and command.intent in ("alerts_query", "status_query", "unknown"):
            rooms = None if user.role in ("admin", "operator") else visible_rooms(user, self.campus)
            return await asyncio.to_thread(self.queries.offline_boards, rooms)
        if command.intent == "unknown" and (small_talk := _small_talk(command.text, user, self._example_room(user))):
            return Reply(small_talk, "answered")
        unsure_parse = command.confidence < self.config.understood_below and command.intent != "help"
        if command.intent == "unknown" or (unsure_parse and (command.clarification or command.intent != "device_control")):
            return self._not_for_me(user, command)
        if unsure_parse:
            unsure = True  # a device command the parser doubts: switch only after a tap on "Yes"
        if asks_reminder(command):  # no reminders here: offer the switch itself, asked first (bot.reminders)
            note = reminder_note(command, self.tz, self.clock())
            if command.clarification:
                return Reply(f"{note} {command.clarification}", "clarify")
            return await self._control(who, user, command, unsure=True, why=note)
        if command.clarification:
            return Reply(command.clarification, "clarify")
        if command.intent == "device_control":
            return await self._switch_back_later(who, user, command, await self._control(who, user, command, unsure))
        if command.intent == "help":
            return self._help(user)
        if command.intent == "schedule_query" and command.operation == "cancel":
            return await self._cancel_schedules(who, user, command)
        if command.intent == "schedule_query":
            return await self._schedules(who, user, command)
        if command.intent == "alerts_query":
            if command.rooms or not command.buildings:
                return self._remember_alerts(who, await self._alerts(user, command.rooms))
            blocks = [b for b in self.campus.buildings if b.id in command.buildings]
            return self._remember_alerts(who, await self._alerts(
                user, tuple(r.id for r in self.campus.rooms if r.building_id in command.buildings),
                " and ".join(b.name for b in blocks)))
        return await self._question(user, command, voice is not None, ask)

    # ============================================================================================ voice

    def _voice_refusal(self, user: User, command: Command, voice: VoiceDecision) -> Reply:
        """What a refused voice note hears back; nothing is done and nothing kept to complete it."""
        if voice.why == "question" and (asks_only_for_room(command) or command.needs_time):
            # The answer to the question would switch or schedule what may have been misheard without a tap.
            what, gap = ("which room", "room") if asks_only_for_room(command) else ("at what time", "time")
            if not voice.sure:
                return Reply(f"I am not sure enough of what I heard to ask {what}. Please say it again with the "
                             f"{gap}, or type it.", "unsure")
            return Reply(f"I did not hear the {gap} of that. Please say it again with the {gap}, or type it.",
                         "not_understood")
        if voice.why == "question":
            return Reply("I could not make out a whole command in that voice note. Please say it again in full, or "
                         "type it.", "not_understood")
        if command.intent == "unknown" and (small_talk := _small_talk(command.text, user, self._example_room(user))):
            return Reply(small_talk, "answered")
        return self._not_for_me(user, command)

    async def _voice(self, who: Sender, user: User, audio: AudioSource) -> Reply:
        from nlu.audio import AudioError
        from nlu.speech.base import SpeechError

        if self.speech is None:
            return Reply("Voice notes are not enabled here; please type your request.", "no_speech")
        try:
            data = audio if isinstance(audio, bytes) else await audio()
            heard = await asyncio.to_thread(self.speech.transcribe, data)
        except AudioError as exc:
            return Reply(f"Sorry, I could not use that voice note: {exc}.", "bad_audio", detail={"reason": exc.reason})
        except SpeechError as exc:
            log.warning("speech failed", extra={"kv": {"error": str(exc)[:200]}})
            return Reply("Sorry, speech recognition is not available right now; please type your request.", "speech_error")
        detail = {"heard": heard.text, "confidence": round(heard.confidence, 2), "audio_s": round(heard.audio_s, 2)}
        note = f"({heard.note})\n" if heard.note else ""
        if heard.unsure_words:
            detail["unsure_words"] = list(heard.unsure_words)
        if heard.guessed:
            detail["guessed"] = True
        if not heard.text:
            return Reply(f"{note}I could not make out any words in that voice note; please try again or type it.",
                         "not_understood", detail=detail)
        if not heard.trusted:
            return Reply(f"{note}I heard \"{heard.text}\", but I am not sure enough to act on it. Please say it again "
                         "or type it.", "unsure", detail=detail)
        # Questions are answered at once; a switch waits for a tap when the engine is unsure of the note, or of a
        # word that picks the device, the room or on/off (the voice rule, `_voice_decision`).
        reply = await self._understand(who, user, heard.text, heard=heard)
        return dataclasses.replace(reply, text=f"{note}Heard: \"{heard.text}\"\n{reply.text}",
                                   detail={**reply.detail, **detail})

    # ============================================================================================ device control

    def _targets(self, command: Command) -> list[str]:
        if command.switches:
            return list(command.switches)
        rooms = set(command.rooms) | {r.id for r in self.campus.rooms if r.building_id in command.buildings}
        types = set(command.device_types)
        return [s.id for s in self.campus.switches
                if s.room_id in rooms and (command.everything or s.type in types)]

    async def _control(self, who: Sender, user: User, command: Command, unsure: bool = False,
                       why: str | None = None) -> Reply:
        """Switch `command`'s switches, now or at its time; asked first (a "Yes" button) when the permissions want a
        confirmation, for "everything", or when `unsure`, saying `why` it asks ("I may have misheard." by default)."""
        switch_ids = self._targets(command)
        if not switch_ids or command.action not in ("on", "off"):
            return Reply("Which devices, and in which room? For example: \"turn off the lights in "
                         f"{self._example_room(user)}\".", "clarify")
        on = command.action == "on"
        decision = may_control(user, self.campus, switch_ids)
        if not decision.allowed:
            return Reply(decision.reason, "refused")
        now = self.clock()
        run_at = command.when if command.when is not None and command.when > now + dt.timedelta(seconds=5) else None
        what = describe_targets(self.campus, switch_ids)
        verb = "on" if on else "off"
        later = f" {when_text(run_at, self.tz, now)}" if run_at else ""
        unnamed = self._unnamed_room_note(user, command)
        if command.everything:
            place = (" and ".join(b.name for b in self.campus.buildings if b.id in command.buildings)
                     if command.buildings and not command.rooms else self._place(switch_ids))
            what = f"everything in {place}{unnamed}"
        if decision.confirm or unsure or command.everything:
            # "Everything" always asks: one word switches a whole room, and the room may not be the one meant.
            reason = (decision.reason if decision.confirm else (why or "I may have misheard.") if unsure
                      else "That is every device there.")
            expires = now + dt.timedelta(seconds=self.config.confirm_ttl_s)
            ident = await asyncio.to_thread(
                records.create_action, self.database_url, created_by=user.telegram_id, chat_id=who.chat_id,
                run_at=run_at or now, on=on, switch_ids=switch_ids, text=command.text, status="confirming",
                result={"expires_at": expires.isoformat(), "scheduled": run_at is not None}, now=now)
            ttl = self.config.confirm_ttl_s
            buttons = ((Button(f"Yes, switch {verb}", self.signer.sign("c", ident, user.telegram_id, ttl)),
                        Button("Cancel", self.signer.sign("n", ident, user.telegram_id, ttl))),)
            minutes = max(1, round(ttl / 60))
            article = "" if command.everything else "the "
            return Reply(f"{reason} Switch {verb} {article}{what}{later}?\n(These buttons work for {minutes} "
                         f"minute{'s' if minutes != 1 else ''}.)", "confirm", buttons=buttons, detail={"action": ident})
        if run_at is not None:
            return await self._store_schedule(who, user, run_at, on, switch_ids, command.text, now)
        already = already_in_state(self.fleet, switch_ids, on)
        results = await self.fleet.switch(switch_ids, on)
        self.late.remember(who.user_id, who.chat_id, who.channel, command.text, results)
        text, outcome = describe_results(self.campus, results, settled_already(self.fleet, already, results))
        return Reply(text, outcome, detail={"results": _results_json(results)})

    def _place(self, switch_ids: Sequence[str]) -> str:
        by_id = {s.id: s for s in self.campus.switches}
        rooms = list(dict.fromkeys(by_id[s].room_id for s in switch_ids if s in by_id))
        return room_list(self.campus, rooms) if len(rooms) <= 3 else f"{len(rooms)} rooms"

    def _named_places(self, text: str) -> bool:
        """Whether the words themselves name a room, building or the campus (not the context or a default)."""
        alone = self.parser.parse(text, ParseContext(), self.clock())
        lowered = text.lower()
        return bool(alone.rooms or alone.buildings or alone.switches) or "campus" in lowered

    def _unnamed_room_note(self, user: User, command: Command) -> str:
        """" (your default room)" / " (from your previous message)" when the room was not in the words; else ""."""
        if not (command.rooms or command.buildings) or self._named_places(command.text):
            return ""
        default = self._default_room.get(user.telegram_id)
        if default and tuple(command.rooms) == (default,):
            return " (your default room)"
        if tuple(command.rooms) == tuple(home_rooms(user, self.campus)):
            return " (your room)"
        return " (the room of your previous message)"

    async def _store_schedule(self, who: Sender, user: User, run_at: dt.datetime, on: bool, switch_ids: list[str],
                              text: str, now: dt.datetime) -> Reply:
        what = describe_targets(self.campus, switch_ids)
        verb = "on" if on else "off"
        same = await asyncio.to_thread(records.same_pending_action, self.database_url, user.telegram_id, run_at, on,
                                       switch_ids)
        if same is not None:
            return Reply(f"You already have that scheduled: {planned(what, on, run_at, self.tz, now)}. "
                         "Nothing was added; /schedules lists or cancels it.", "duplicate", detail={"action": same})
        ident = await asyncio.to_thread(records.create_action, self.database_url, created_by=user.telegram_id,
                                        chat_id=who.chat_id, run_at=run_at, on=on, switch_ids=switch_ids, text=text,
                                        status="pending", now=now, channel=who.channel)
        self.on_action_stored()
        return Reply(f"Scheduled: {planned(what, on, run_at, self.tz, now)}. "
                     "I will report back here; /schedules lists or cancels it.", "scheduled", detail={"action": ident})

    async def execute(self, switch_ids: Sequence[str], on: bool, *, who: Sender | None = None,
                      command_text: str = "") -> tuple[str, str, list[SwitchResult]]:
        """Switch now and describe it (used by confirmed buttons); `who` gave the command (`command_text`) and hears
        of a late confirmation."""
        already = already_in_state(self.fleet, switch_ids, on)
        results = await self.fleet.switch(list(switch_ids), on)
        if who is not None:
            self.late.remember(who.user_id, who.chat_id, who.channel, command_text, results)
        text, outcome = describe_results(self.campus, results, settled_already(self.fleet, already, results))
        return text, outcome, results

    async def _switch_back_later(self, who: Sender, user: User, command: Command, reply: Reply) -> Reply:
        """"for an hour": once switched (or scheduled), the switch back is a scheduled action of its own, listed and
        cancellable like any. A confirmation button carries one action only, so then the reply says so."""
        if command.until is None:
            return reply
        back_on = command.action != "on"
        later = when_text(command.until, self.tz, self.clock())
        if reply.outcome == "confirm":
            return dataclasses.replace(reply, text=f"{reply.text}\nThe button does not switch it back: after it, ask me "
                                                   f"to turn it {'on' if back_on else 'off'} {later}.")
        if reply.outcome not in ("done", "partial", "scheduled"):
            return reply
        back = await self._store_schedule(who, user, command.until, back_on, self._targets(command), command.text,
                                          self.clock())
        return dataclasses.replace(reply, text=f"{reply.text}\n{back.text}",
                                   detail={**reply.detail, "until_action": back.detail["action"]})

    # ============================================================================================ buttons

    async def _button(self, who: Sender, user: User, data: str) -> Reply:
        try:
            press = self.signer.verify(data, user.telegram_id)
        except CallbackError as exc:
            return Reply(str(exc), f"button_{exc.reason}")
        if press.kind == "e":  # an example offered instead of a guess: pressing it says it
            examples = self._examples(user)
            if press.ident >= len(examples):
                return Reply("This button is no longer valid; send /help for examples.", "button_used")
            return await self._understand(who, user, examples[press.ident])
        url = self.database_url
        record = await asyncio.to_thread(records.get_action, url, press.ident)
        if record is None or (record.created_by != user.telegram_id and user.role != "admin"):
            return Reply("This button is not valid for you.", "button_forged")
        now = self.clock()
        what = describe_targets(self.campus, record.switch_ids)
        verb = "on" if record.on else "off"
        if press.kind == "x":
            if await asyncio.to_thread(records.transition, url, record.id, "pending", "cancelled"):
                return Reply(f"Cancelled: {planned(what, record.on, record.run_at, self.tz, now)}.", "cancelled")
            return Reply("That scheduled action already ran or was cancelled.", "button_used")
        if press.kind == "n":
            if await asyncio.to_thread(records.transition, url, record.id, "confirming", "declined"):
                return Reply("Cancelled; nothing was switched.", "declined")
            return Reply("This button was already used.", "button_used")
        # "c": confirm. Re-check: permissions may have changed since the question was asked.
        expires = dt.datetime.fromisoformat((record.result or {}).get("expires_at", now.isoformat()))
        if now > expires:
            await asyncio.to_thread(records.transition, url, record.id, "confirming", "expired")
            return Reply("This confirmation has expired; nothing was switched. Please ask again.", "button_expired")
        decision = may_control(user, self.campus, record.switch_ids)
        if not decision.allowed:
            await asyncio.to_thread(records.transition, url, record.id, "confirming", "declined")
            return Reply(decision.reason, "refused")
        if (record.result or {}).get("scheduled") and record.run_at > now:
            if not await asyncio.to_thread(records.transition, url, record.id, "confirming", "pending"):
                return Reply("This button was already used.", "button_used")
            self.on_action_stored()
            return Reply(f"Scheduled: {planned(what, record.on, record.run_at, self.tz, now)}. I will report back "
                         "here; /schedules lists or cancels it.", "scheduled", detail={"action": record.id})
        if not await asyncio.to_thread(records.transition, url, record.id, "confirming", "running"):
            return Reply("This button was already used.", "button_used")
        try:
            text, outcome, results = await self.execute(record.switch_ids, record.on, who=who,
                                                        command_text=record.text)
        except Exception:
            await asyncio.to_thread(records.transition, url, record.id, "running", "failed")
            raise
        await asyncio.to_thread(records.transition, url, record.id, "running", "done",
                                {"outcome": outcome, "results": _results_json(results)})
        return Reply(text, outcome, detail={"action": record.id, "results": _results_json(results)})

    # ============================================================================================ questions

    def _scope(self, user: User, command: Command) -> Scope:
        if command.buildings and not command.rooms:
            rooms = tuple(r.id for r in self.campus.rooms if r.building_id in command.buildings)
            return Scope(rooms, self.queries.scope_label(rooms, command.buildings))
        if command.rooms:
            return Scope(tuple(command.rooms), self.queries.scope_label(command.rooms))
        room = self._default_room.get(user.telegram_id)
        if command.intent == "status_query" and not command.switches:
            room = None  # "is anything on?": every room of the user's, not the default one only
        rooms = (room,) if room else visible_rooms(user, self.campus)
        if user.role == "faculty" or room:
            return Scope(rooms, self.queries.scope_label(rooms))
        return Scope(rooms, "The campus")

    def _places(self, command: Command) -> list[Scope]:
        """Each building and room a question names, as its own scope (for comparisons)."""
        places = [Scope(tuple(r.id for r in self.campus.rooms if r.building_id == b.id), b.name)
                  for b in self.campus.buildings if b.id in command.buildings]
        return places + [Scope((r,), self.campus.room(r).name) for r in command.rooms]

    def _scope_note(self, user: User, command: Command, scope: Scope, spoken: bool) -> str:
        """A first line saying which room an answer is about when the words named none (empty when they did)."""
        if command.rooms or command.buildings or self._named_places(command.text):
            return ""
        label = scope.label if scope.label != "The campus" else "the whole campus"
        default = self._default_room.get(user.telegram_id)
        if spoken:
            return f"I did not hear a room, so this is about {label}."
        if default and scope.room_ids == (default,):
            return f"About {label}, your default room (name a room to ask about another)."
        return ""

    async def _question(self, user: User, command: Command, spoken: bool = False,
                        ask: AnswerAsk = AnswerAsk()) -> Reply:
        reply = await self._answer(user, command, ask)
        scope = self._scope(user, command)
        note = self._scope_note(user, command, scope, spoken) if reply.outcome == "answered" else ""
        return dataclasses.replace(reply, text=f"{note}\n{reply.text}") if note else reply

    async def _answer(self, user: User, command: Command, ask: AnswerAsk = AnswerAsk()) -> Reply:
        scope = self._scope(user, command)
        if not scope.room_ids:
            return Reply("You have no rooms assigned yet; ask an admin to add you to your rooms.", "refused")
        decision = may_query(user, self.campus, scope.room_ids)
        if not decision.allowed:
            return Reply(decision.reason, "refused")
        now = self.clock()
        if command.intent == "energy_query":
            devices = self._targets(dataclasses.replace(command, rooms=scope.room_ids, everything=False)) \
                if command.switches or command.device_types else []
            if (command.switches or command.device_types) and not devices:
                wanted = " or ".join(command.device_types) or "such device"
                return Reply(f"I found no {wanted} in {scope.label}.", "answered")
            places = self._places(command)
            if ask.compare and len(places) >= 2:
                return await asyncio.to_thread(self.queries.compare, places, command.period, now, ask.cost)
            return await asyncio.to_thread(self.queries.energy, scope, command.period, now, devices, ask.cost,
                                           ask.peak)
        if command.intent == "forecast_query":
            return await asyncio.to_thread(self.queries.forecast, scope, command.period, now)
        if self._asks_about_kinds(command):  # "is the AC on?": that kind of device in each room
            devices = self._targets(dataclasses.replace(command, rooms=scope.room_ids, buildings=(), everything=False))
            if not devices:
                wanted = " or ".join(TYPE_WORDS.get(t, t) for t in command.device_types)
                return Reply(f"I found no {wanted} in {scope.label}.", "answered")
            return self.queries.status(scope, devices, summary=True)
        return self.queries.status(scope, command.switches)

    @staticmethod
    def _asks_about_kinds(command: Command) -> bool:
        """A status question about kinds of device and no switch by name: the words name the kind ("is the AC
        on?"), or a follow-up borrowed it ("and the fans?"). The parser carries a kind over only to follow-ups, so
        a whole question ("what's on?") has none and is about every device."""
        return bool(command.device_types) and not command.switches and not command.everything

    async def _alert_action(self, who: Sender, user: User, command: Command, action) -> Reply:
        """"ack the AC alert", "snooze it for an hour": find the one open alert meant, then acknowledge or snooze
        it with the alert book (the rules of the alert buttons); several match: list them and ask which."""
        rooms = None if user.role in ("admin", "operator") else visible_rooms(user, self.campus)
        recent = self._recent_alerts.get(who.chat_id, ())
        choice = await asyncio.to_thread(self.alert_chat.choose, rooms, action, command.device_types,
                                         command.rooms, recent)
        verb = "acknowledge" if action.kind == "ack" else "snooze"
        if not choice.alerts:
            return Reply(f"I found no open alert to {verb}" + (" with that number." if action.alert_id else
                                                             " that matches; \"any alerts?\" lists them."), "answered")
        if len(choice.alerts) > 1:
            self._set_recent_alerts(who.chat_id, tuple(a for a, _ in choice.alerts))
            listed = "\n".join(f"- {text}" for _, text in choice.alerts[:10])
            return Reply(f"Which alert should I {verb}? Say its number, e.g. \"{verb} {choice.alerts[0][0]}\".\n"
                         f"{listed}", "clarify")
        alert_id = choice.alerts[0][0]
        self._set_recent_alerts(who.chat_id, (alert_id,))
        outcome = await asyncio.to_thread(self.alert_chat.act, action, alert_id, user.telegram_id)
        return Reply(outcome.text, "done" if outcome.ok else "refused", intent="alert_action",
                     detail={"alert": alert_id, "action": action.kind})

    async def _alerts(self, user: User, named: Sequence[str] = (), label: str = "") -> Reply:
        """Open alerts the user may see; only those of the `named` rooms when a question names some ("what is wrong
        with classroom 102?")."""
        rooms = None if user.role in ("admin", "operator") else visible_rooms(user, self.campus)
        if not named:
            return await asyncio.to_thread(self.queries.alerts, rooms)
        rooms = [r for r in named if rooms is None or r in rooms]
        if not rooms:
            return Reply("You can ask about your own rooms only.", "refused")
        place = label or ", ".join(self.campus.room(r).name for r in rooms)
        return await asyncio.to_thread(self.queries.alerts, rooms, place)

    # ============================================================================================ commands

    async def _unknown_command(self, name: str) -> Reply:
        return Reply(f"I do not know /{name[:32]}. Send /help to see what I can do.", "not_understood")

    async def _cmd_start(self, who: Sender, user: User, name: str, args: list[str]) -> Reply:
        rooms = home_rooms(user, self.campus)
        role = {"admin": "an admin: you can do everything",
                "faculty": "faculty: you can switch and ask about your rooms",
                "operator": "an operator: you can ask about every room" + (
                    " and switch devices (with confirmation outside your own)" if user.can_control else
                    " (switching is not granted)")}.get(user.role, user.role)
        lines = [f"Hello {user.name}! I am the campus energy assistant.", f"You are {role}."]
        if rooms:
            lines.append(f"Your rooms: {room_list(self.campus, rooms)}.")
        default = self._default_room.get(user.telegram_id)
        if default:
            lines.append(f"Default room: {self.campus.room(default).name} (change it with /myroom).")
        prefs = await asyncio.to_thread(records.alert_preferences, self.database_url, user.telegram_id)
        lines.append(alertprefs.describe(prefs) + " (/prefs to change)")
        lines.append("Send a voice note or a message, or /help for examples.")
        return Reply("\n".join(lines), "answered", intent="start")

    async def _cmd_help(self, who: Sender, user: User, name: str, args: list[str]) -> Reply:
        return dataclasses.replace(self._help(user), intent="help")

    def _examples(self, user: User) -> list[str]:
        """What /help suggests to this user (an example button refers to one by its index)."""
        room = self._example_room(user)
        examples = [f"Turn off the lights in {room}", f"Turn on the fans in {room} at 9 am",
                    f"Switch off the projector in {room} in 20 minutes", f"Is anything on in {room}?",
                    f"How much energy did {room} use this week?", f"Forecast for {room} tomorrow", "Any alerts?"]
        return examples[3:] if user.role == "operator" and not user.can_control else examples

    def _help(self, user: User) -> Reply:
        text = ("You can talk or type. For example:\n" + "\n".join(f"- \"{e}\"" for e in self._examples(user))
                + "\n\nCommands:\n" + "\n".join(f"/{c} - {d}" for c, d in COMMANDS))
        return Reply(text, "answered", intent="help")

    def _not_for_me(self, user: User, command: Command) -> Reply:
        """Out of scope, or understood too unsurely to act on or ask about ("Which room?" about nonsense invites a
        switch): say what the bot does, and offer the closest example as a button (one tap sends it)."""
        from rapidfuzz import fuzz, process

        examples = self._examples(user)
        # A switch is offered only for what was read as one; anything else gets a question, which changes nothing.
        offered = {k: e for k, e in enumerate(examples)
                   if command.intent == "device_control" or not e.lower().startswith(("turn", "switch"))}
        _, _, index = process.extractOne(command.text, offered, scorer=fuzz.token_set_ratio)
        button = Button(examples[index], self.signer.sign("e", index, user.telegram_id, self.config.confirm_ttl_s))
        return Reply("I can't do that. I switch campus devices and tell you what is on, energy used, forecasts, "
                     "alerts and schedules. Did you mean this? (/help shows more)", "not_understood",
                     buttons=((button,),), detail={"confidence": round(command.confidence, 2)})

    def _example_room(self, user: User) -> str:
        room = self._default_room.get(user.telegram_id) or next(iter(home_rooms(user, self.campus)), None)
        return self.campus.room(room).name if room else self.campus.rooms[0].name if self.campus.rooms else "room 101"

    async def _cmd_query(self, who: Sender, user: User, name: str, args: list[str]) -> Reply:
        intent = {"status": "status_query", "energy": "energy_query", "forecast": "forecast_query"}[name]
        words = {"status": "status of", "energy": "energy used in", "forecast": "forecast for"}[name]
        command = self._parse(who, user, f"{words} {' '.join(args)}".strip(), remember=False)
        if args and command.intent == "unknown":
            return Reply(f"I could not read \"{' '.join(args)[:80]}\" as a room or period. Try /{name} "
                         f"{self._example_room(user)}.", "not_understood", intent=intent)
        if command.clarification and args:
            return Reply(command.clarification, "clarify", intent=intent)
        command = dataclasses.replace(command, intent=intent, clarification=None, ask_reason=None)
        reply = await self._question(user, command)
        return dataclasses.replace(reply, intent=intent)

    async def _cmd_alerts(self, who: Sender, user: User, name: str, args: list[str]) -> Reply:
        return dataclasses.replace(self._remember_alerts(who, await self._alerts(user)), intent="alerts_query")

    def _remember_alerts(self, who: Sender, reply: Reply) -> Reply:
        if reply.detail.get("alerts"):
            self._set_recent_alerts(who.chat_id, tuple(reply.detail["alerts"]))
        return reply

    def _set_recent_alerts(self, chat_id: int, alerts: tuple[int, ...]) -> None:
        self._recent_alerts[chat_id] = alerts
        self._recent_alerts_at[chat_id] = self.wall()

    async def _cmd_schedules(self, who: Sender, user: User, name: str, args: list[str]) -> Reply:
        return dataclasses.replace(await self._schedules(who, user), intent="schedule_query")

    async def _schedules(self, who: Sender, user: User, command: Command | None = None) -> Reply:
        """The pending actions (an admin sees everyone's); a question that names devices or places ("when will the
        AC in room 101 turn off?") lists only the actions on them."""
        mine = None if user.role == "admin" else user.telegram_id
        pending = await asyncio.to_thread(records.actions_with_status, self.database_url, "pending", created_by=mine)
        if not pending:
            return Reply("You have no scheduled actions.", "answered")
        about = ""
        types, rooms = self._schedule_filter(command) if command is not None else (set(), set())
        if types or rooms:
            about = self._schedule_about(command)  # type: ignore[arg-type]
            chosen = [r for r in pending if self._schedule_matches(r, types, rooms)]
            if not chosen:
                every = "the one" if len(pending) == 1 else f"all {len(pending)}"
                return Reply(f"Nothing is scheduled{about}. /schedules lists {every} you have.", "answered")
            pending = chosen
        now = self.clock()
        lines, buttons = [], []
        for n, record in enumerate(pending[:10], start=1):
            what = describe_targets(self.campus, record.switch_ids)
            lines.append(f"{n}. {planned(what, record.on, record.run_at, self.tz, now)}")
            buttons.append((Button(f"Cancel {n}", self.signer.sign("x", record.id, user.telegram_id,
                                                                   self.config.cancel_ttl_s)),))
        more = f"\n(and {len(pending) - 10} more)" if len(pending) > 10 else ""
        return Reply(f"Scheduled actions{about}:\n" + "\n".join(lines) + more, "answered", buttons=tuple(buttons))

    def _schedule_filter(self, command: Command) -> tuple[set[str], set[str]]:
        """The device types and rooms a schedule message names (rooms of a named building included)."""
        return set(command.device_types), set(command.rooms) | {
            r.id for r in self.campus.rooms if r.building_id in command.buildings}

    def _schedule_matches(self, record: records.ActionRecord, types: set[str], rooms: set[str]) -> bool:
        switches = [s for s in (self._switch_by_id.get(i) for i in record.switch_ids) if s is not None]
        return ((not types or any(s.type in types for s in switches))
                and (not rooms or any(s.room_id in rooms for s in switches)))

    def _schedule_about(self, command: Command) -> str:
        """" for the AC in Classroom 101", " in Block A", " for the projector": what a schedule question named."""
        named = " or ".join(TYPE_WORDS.get(t, t) for t in command.device_types)
        places = [self.campus.room(r).name for r in command.rooms] or [
            b.name for b in self.campus.buildings if b.id in command.buildings]
        return (f" for the {named}" if named else "") + (f" in {' and '.join(places)}" if places else "")

    async def _cancel_schedules(self, who: Sender, user: User, command: Command) -> Reply:
        """"cancel the projector schedule", "cancel all my schedules": cancel the user's own pending actions that
        match the devices and rooms named (all of them for "all"); several matches and no "all": ask which."""
        pending = await asyncio.to_thread(records.actions_with_status, self.database_url, "pending",
                                          created_by=user.telegram_id)
        types, rooms = self._schedule_filter(command)
        if command.everything:  # "cancel all my schedules": devices a previous message named do not narrow it
            types, rooms = set(), set()
        chosen = [r for r in pending if self._schedule_matches(r, types, rooms)]
        named = " or ".join(TYPE_WORDS.get(t, t) for t in command.device_types)
        if not chosen:
            about = f" for the {named}" if named else ""
            return Reply(f"You have no scheduled action{about} to cancel." + (
                " /schedules lists the ones you have." if pending else ""), "answered")
        if len(chosen) > 1 and not command.everything and not types and not rooms:
            listed = await self._schedules(who, user)
            return dataclasses.replace(listed, text="Which one? Press its cancel button, or say \"cancel all my "
                                                    "schedules\".\n" + listed.text, outcome="clarify")
        now = self.clock()
        cancelled = [r for r in chosen if await asyncio.to_thread(records.transition, self.database_url, r.id,
                                                                   "pending", "cancelled")]
        if not cancelled:
            return Reply("Those scheduled actions already ran or were cancelled.", "answered")
        lines = [f"{n}. {planned(describe_targets(self.campus, r.switch_ids), r.on, r.run_at, self.tz, now)}"
                 for n, r in enumerate(cancelled, start=1)]
        head = f"Cancelled {len(cancelled)} scheduled action{'s' if len(cancelled) != 1 else ''}:"
        return Reply(head + "\n" + "\n".join(lines), "cancelled", detail={"cancelled": [r.id for r in cancelled]})

    async def _cmd_myroom(self, who: Sender, user: User, name: str, args: list[str]) -> Reply:
        if not args:
            current = self._default_room.get(user.telegram_id)
            now_text = f"Your default room is {self.campus.room(current).name}. " if current else ""
            return Reply(f"{now_text}Usage: /myroom ROOM, for example /myroom {self._example_room(user)}.",
                         "answered", intent="myroom")
        room_id = self._room_from_words(who, user, " ".join(args))
        if room_id is None:
            return Reply(f"I do not know a room called \"{' '.join(args)[:80]}\".", "not_understood", intent="myroom")
        decision = may_query(user, self.campus, [room_id])
        if not decision.allowed:
            return Reply(decision.reason, "refused", intent="myroom")
        await asyncio.to_thread(records.set_default_room, self.database_url, user.telegram_id, room_id)
        self._default_room[user.telegram_id] = room_id
        return Reply(f"Default room set to {self.campus.room(room_id).name}: messages that name no room are about it.",
                     "done", intent="myroom", detail={"room": room_id})

    async def _cmd_prefs(self, who: Sender, user: User, name: str, args: list[str]) -> Reply:
        prefs = await asyncio.to_thread(records.alert_preferences, self.database_url, user.telegram_id)
        return Reply(f"{alertprefs.describe(prefs)}\n{alertprefs.usage()}", "answered", intent="prefs")

    async def _cmd_mute(self, who: Sender, user: User, name: str, args: list[str]) -> Reply:
        if not args:
            prefs = await asyncio.to_thread(records.alert_preferences, self.database_url, user.telegram_id)
            return Reply(f"Usage: /{name} TYPE, for example /{name} after_hours.\n{alertprefs.describe(prefs)}\n"
                         f"Types:\n{alertprefs.types_help()}", "answered", intent=name)
        try:
            alert_type = alertprefs.alert_type(args)
            prefs = await asyncio.to_thread(records.change_muted, self.database_url, user.telegram_id, alert_type,
                                            name == "mute")
        except PreferenceError as exc:
            return Reply(str(exc), "not_understood", intent=name)
        head = (f"Muted {alert_type}: you will not get these alerts (critical ones still come)." if name == "mute"
                else f"Unmuted {alert_type}: you will get these alerts again.")
        return Reply(f"{head}\n{alertprefs.describe(prefs)}", "done", intent=name, detail={"type": alert_type})

    async def _cmd_quiet(self, who: Sender, user: User, name: str, args: list[str]) -> Reply:
        if not args:
            prefs = await asyncio.to_thread(records.alert_preferences, self.database_url, user.telegram_id)
            return Reply(f"Usage: /quiet 22:00-07:00 (campus time, {self.campus.timezone}) or /quiet off.\n"
                         f"{alertprefs.describe(prefs)}", "answered", intent="quiet")
        try:
            change = alertprefs.quiet_change(args)
            prefs = await asyncio.to_thread(records.change_quiet_hours, self.database_url, user.telegram_id,
                                            change.start, change.end)
        except PreferenceError as exc:
            return Reply(str(exc), "not_understood", intent="quiet")
        head = ("Quiet hours off: alerts come when they happen." if change.start is None else
                f"Quiet hours set to {change.start}-{change.end} ({self.campus.timezone}): alerts in that time wait "
                "until it ends; critical ones still come at once.")
        return Reply(f"{head}\n{alertprefs.describe(prefs)}", "done", intent="quiet",
                     detail={"quiet": [change.start, change.end]})

    def _room_from_words(self, who: Sender, user: User, words: str) -> str | None:
        lowered = words.strip().lower()
        for room in self.campus.rooms:
            if lowered in (room.id, room.name.lower(), *(a.lower() for a in room.aliases)):
                return room.id
        command = self.parser.parse(f"status of {words}", ParseContext(), self.clock())
        return command.rooms[0] if len(command.rooms) == 1 else None


def _results_json(results: Sequence[SwitchResult]) -> list[dict]:
    return [{"switch": r.switch_id, "on": r.on, "outcome": r.outcome.value, "reason": r.reason} for r in results]


_GREETINGS = frozenset({"hi", "hello", "hey", "hii", "namaste", "good morning", "good afternoon", "good evening",
                        "hello there", "hi there"})
_THANKS = frozenset({"thanks", "thank you", "thx", "ty", "thanks a lot", "thank you so much", "ok thanks",
                     "great thanks", "dhanyavad", "shukriya"})


def _small_talk(text: str, user: User, example_room: str) -> str | None:
    """A greeting or a thank-you is answered in kind (not with "I did not understand"); anything else: None."""
    said = " ".join("".join(c for c in text.lower() if c.isalnum() or c.isspace()).split())
    if said in _GREETINGS:
        return (f"Hello {user.name}! Ask me to switch something (\"turn off the lights in {example_room}\") or "
                "about energy, forecasts and alerts; /help shows more.")
    if said in _THANKS:
        return "You're welcome."
    return None
