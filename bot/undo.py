"""What a correction in the next message does to the switch command it takes back ("turn off the lights in 101" ...
"sorry, I meant 102").

The corrected command runs as any command does. The first one is never switched back behind the user's back:
- a timed first command that has not run is cancelled (nothing switches), and the reply says so;
- a confirmation question of the first command not yet answered is withdrawn (its buttons stop working);
- switches the first command moved, and that are still as it left them, are named with a one-tap offer to put them
  back. The offer is an ordinary confirmation question (a "confirming" action and the "c"/"n" buttons), so the tap
  goes through the same path as any switch: who may, the board's confirmed state, the audit row.
Only the command right before the correction, within the follow-up window, is taken back.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot import records
from bot.callbacks import CallbackSigner
from bot.permissions import may_control
from bot.replies import Button, Reply, describe_targets, planned
from nlu.command import Command
from nlu.retraction import adds_to, takes_back
from store.campus import Campus, User

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Left:
    """What one switch command of a chat left behind, kept until the chat's next message.

    `command`: the command (equal to the one the conversation keeps as the follow-up context); `at`: when it was
    answered (wall-clock seconds, `time.time()`: the chat's next message may be served by another replica, see
    bot.chat_memory); `on`: the state it asked for; `changed`: switches the boards confirmed it moved
    (not those already so); `pending`: its scheduled actions that have not run (the timed action, its switch-back);
    `confirming`: its confirmation question's action, while unanswered."""

    command: Command
    at: float
    on: bool
    changed: tuple[str, ...] = ()
    pending: tuple[int, ...] = ()
    confirming: int | None = None


@dataclass(frozen=True)
class TakeBackRules:
    """`window_s`: how long after the first command a correction still takes it back (the follow-up window);
    `offer_ttl_s`: how long the offer's buttons work; `understood_below`: a correction parsed less surely than
    this takes nothing back (it is not acted on either)."""

    window_s: float
    offer_ttl_s: float
    understood_below: float


class TakeBack:
    """One per conversation. `after` is called with every understood message's command and reply."""

    def __init__(self, campus: Campus, fleet, database_url: str, signer: CallbackSigner, rules: TakeBackRules,
                 targets: Callable[[Command], Sequence[str]], names_place: Callable[[str], bool],
                 clock: Callable[[], dt.datetime], tz, wall: Callable[[], float] = time.time) -> None:
        self.campus = campus
        self.fleet = fleet
        self.database_url = database_url
        self.signer = signer
        self.rules = rules
        self.targets = targets
        self.names_place = names_place
        self.clock = clock
        self.tz = tz
        self.wall = wall
        # Per chat, between the conversation's recall and keep of its memory (bot.chat_memory): filled from the
        # chat's memory when a message starts, read back into it when the message ends.
        self._left: dict[int, Left] = {}

    def restore(self, chat_id: int, left: Left | None) -> None:
        """What the chat's last switch command left, as its memory has it (or nothing), before a message of it."""
        if left is None:
            self._left.pop(chat_id, None)
        else:
            self._left[chat_id] = left

    def release(self, chat_id: int) -> Left | None:
        """What the chat's memory is to keep after a message of it (and this object forgets it)."""
        return self._left.pop(chat_id, None)

    async def after(self, chat_id: int, channel: str, user: User, previous: Command | None, command: Command,
                    reply: Reply) -> Reply:
        """`reply` to `command` (whose follow-up context was `previous`), with what it takes back added."""
        last = self._left.pop(chat_id, None)
        if last is not None and self._corrects(last, previous, command):
            reply = await self._take_back(chat_id, channel, user, last, command, reply)
        kept = _left_by(command, reply, self.wall())
        if kept is not None:
            self._left[chat_id] = kept
        return reply

    def _corrects(self, last: Left, previous: Command | None, command: Command) -> bool:
        # Equal, not the same object: the memory may have come from the store (another replica kept it).
        if not (previous == last.command and self.wall() - last.at <= self.rules.window_s
                and command.intent == "device_control" and command.confidence >= self.rules.understood_below):
            return False
        return takes_back(command.text) or self._moves_time(last.command, command)

    def _moves_time(self, first: Command, command: Command) -> bool:
        """The same switches, the same way, at another time ("move it to 7 pm", "no, do it at 6", "do it right
        now"): the first time is taken back, unless the words add ("and at 7 too"). A whole command said again
        with its place ("turn off the lights in 101 at 7 pm") may be a second one: it takes nothing back."""
        return (command.action == first.action and command.when != first.when and not adds_to(command.text)
                and set(self.targets(command)) == set(self.targets(first)) and not self.names_place(command.text))

    async def _take_back(self, chat_id: int, channel: str, user: User, last: Left, command: Command,
                         reply: Reply) -> Reply:
        url, now = self.database_url, self.clock()
        notes: list[str] = []
        detail: dict = {}
        kept_action = reply.detail.get("action")  # "that is already scheduled": the very action the correction keeps
        cancelled = []
        for ident in last.pending:
            if ident != kept_action and await asyncio.to_thread(records.transition, url, ident, "pending", "cancelled"):
                cancelled.append(ident)
        if cancelled:
            rows = [await asyncio.to_thread(records.get_action, url, i) for i in cancelled]
            done = "; ".join(planned(describe_targets(self.campus, r.switch_ids), r.on, r.run_at, self.tz, now)
                             for r in rows if r is not None)
            # A first command that ran now had only its switch back ("for an hour") still to come.
            notes.append(f"Cancelled its switch back: {done}." if last.changed
                         else f"Cancelled the earlier one: {done}. Nothing was switched there.")
            detail["cancelled"] = cancelled
        changed = list(last.changed)
        if last.confirming is not None:
            if await asyncio.to_thread(records.transition, url, last.confirming, "confirming", "declined"):
                record = await asyncio.to_thread(records.get_action, url, last.confirming)
                what = f' about "{record.text[:80]}"' if record is not None and record.text else ""
                notes.append(f"The earlier question{what} is withdrawn; nothing was switched there.")
                detail["withdrawn"] = last.confirming
            else:  # answered "Yes" before the correction came: what it did is taken back like any command's
                record = await asyncio.to_thread(records.get_action, url, last.confirming)
                if record is not None and record.status == "done":
                    changed = _moved((record.result or {}).get("results", []))
                elif record is not None and await asyncio.to_thread(records.transition, url, record.id, "pending",
                                                                    "cancelled"):
                    what = planned(describe_targets(self.campus, record.switch_ids), record.on, record.run_at,
                                   self.tz, now)
                    notes.append(f"Cancelled the earlier one: {what}. Nothing was switched there.")
                    detail["cancelled"] = [*detail.get("cancelled", []), record.id]
        offer = await self._offer(chat_id, channel, user, last, changed, command)
        rows = reply.buttons
        if offer is not None:
            note, buttons, ident = offer
            notes.append(note)
            rows = (*rows, buttons)
            detail["offer"] = ident
        if not notes:
            return reply
        return dataclasses.replace(reply, text=f"{reply.text}\n" + "\n".join(notes), buttons=rows,
                                   detail={**reply.detail, "takes_back": detail})

    async def _offer(self, chat_id: int, channel: str, user: User, last: Left, changed: Sequence[str],
                     command: Command) -> tuple[str, tuple[Button, ...], int] | None:
        """The question "Lights in Classroom 101 are still off. Turn them back on?" with its buttons, for the
        switches the first command moved that the correction does not switch itself and that are still as the first
        command left them (by the board's last report); None when there are none or the user may not switch them."""
        # What the correction switches now puts those back itself or keeps them; a later time leaves them as they are.
        soon = self.clock() + dt.timedelta(seconds=5)
        now_switched = set(self.targets(command)) if command.when is None or command.when <= soon else set()
        states = await self._states([s for s in changed if s not in now_switched])
        left = [s for s, on in states.items() if on is last.on]
        if not left or not may_control(user, self.campus, left).allowed:
            return None
        now = self.clock()
        back = not last.on
        ttl = self.rules.offer_ttl_s
        ident = await asyncio.to_thread(
            records.create_action, self.database_url, created_by=user.telegram_id, chat_id=chat_id, run_at=now,
            on=back, switch_ids=left, text=f"put back: {last.command.text}"[:2000], status="confirming",
            result={"expires_at": (now + dt.timedelta(seconds=ttl)).isoformat(), "scheduled": False,
                    "takes_back": True}, now=now, channel=channel)
        what = describe_targets(self.campus, left)
        plural = len(left) > 1 or what.split(" in ")[0].endswith("s")
        them, are = ("them", "are") if plural else ("it", "is")
        state, again = ("off", "back on") if back else ("on", "off again")
        buttons = (Button(f"Turn {them} {again}", self.signer.sign("c", ident, user.telegram_id, ttl)),
                   Button(f"Leave {them} {state}", self.signer.sign("n", ident, user.telegram_id, ttl)))
        return f"{what[0].upper()}{what[1:]} {are} still {state}. Turn {them} {again}?", buttons, ident


    async def _states(self, switch_ids: Sequence[str]) -> dict[str, bool | None]:
        """The switches' last reported states. With replicas the broker hands each board report to one replica, so
        this one's gateway may not have heard that a switch moved (the first command ran on another replica): the
        state stored by whichever replica ingested the report is the one to go by (`Gateway.peer_states`)."""
        if switch_ids and getattr(self.fleet, "shares_reports", False):
            try:
                stored = await asyncio.to_thread(self.fleet.peer_states, list(switch_ids))
                return {s: stored.get(s) for s in switch_ids}
            except Exception as exc:  # the store is away: this replica's own view, as without replicas
                log.warning("could not read stored switch states", extra={"kv": {"error": type(exc).__name__}})
        return {s: self.fleet.state(s).on for s in switch_ids}


def _moved(results: Sequence[dict]) -> list[str]:
    """The switches a command's results (`_results_json` form) show the boards moved: confirmed, not already so."""
    return [r["switch"] for r in results if r.get("outcome") == "confirmed"
            and not str(r.get("reason") or "").startswith("was already")]


def _left_by(command: Command, reply: Reply, at: float) -> Left | None:
    """What a switch command's reply (answered at `at`) shows it did that a correction could take back; None for
    anything else."""
    if command.intent != "device_control" or command.action not in ("on", "off"):
        return None
    on = command.action == "on"
    if reply.outcome in ("done", "partial"):
        # "for an hour": its switch back belongs to the command and goes with it (the offer puts it back now).
        changed = tuple(_moved(reply.detail.get("results", [])))
        until = tuple(i for i in (reply.detail.get("until_action"),) if i is not None)
        return Left(command, at, on, changed=changed, pending=until) if changed or until else None
    if reply.outcome == "scheduled":
        pending = tuple(i for i in (reply.detail.get("action"), reply.detail.get("until_action")) if i is not None)
        return Left(command, at, on, pending=pending)
    if reply.outcome == "confirm" and reply.detail.get("action") is not None:
        return Left(command, at, on, confirming=reply.detail["action"])
    return None
