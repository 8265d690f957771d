"""Commands the user was told did not happen, kept for a while so that a board applying one late is reported.

The gateway withdraws an unconfirmed command at the end of its window, but a command the broker had already taken
can still reach a board (a frozen broker resuming, a slow board queue): the AutoVolt firmware has no command id or
time it could check. When the board then reports the requested state, the user who was told "not switched" hears
that it did switch after all, in the chat the command came from, and the audit records it. The conversation keeps
one watch for chat commands, the schedule runner one for scheduled actions (their entries carry the action id).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from devices.model import LateConfirmation, Outcome, SwitchResult


@dataclass(frozen=True)
class Unconfirmed:
    """Who gave an unconfirmed command: `user_id`, `chat_id`, `channel` (as in bot.conversation.Sender), the
    `text` they wrote, `at` (monotonic seconds) when they were answered, and `action_id`: the stored scheduled
    action that ran it (None for a command given in a chat)."""

    user_id: int
    chat_id: int
    channel: str
    text: str
    at: float
    action_id: int | None = None


class LateWatch:
    """Remembers, per (switch, requested state), who was told a command was not confirmed, for `keep_s` seconds."""

    def __init__(self, keep_s: float = 300.0) -> None:
        self.keep_s = keep_s
        self._open: dict[tuple[str, bool], Unconfirmed] = {}

    def remember(self, user_id: int, chat_id: int, channel: str, text: str,
                 results: Sequence[SwitchResult], action_id: int | None = None) -> None:
        now = time.monotonic()
        self._open = {k: v for k, v in self._open.items() if now - v.at <= self.keep_s}
        for r in results:
            if r.outcome is Outcome.UNCONFIRMED:
                self._open[(r.switch_id, r.on)] = Unconfirmed(user_id, chat_id, channel, text, now, action_id)

    def claim(self, late: LateConfirmation) -> Unconfirmed | None:
        """Who to tell about `late` (once), or None when nobody is waiting for it."""
        found = self._open.pop((late.switch_id, late.on), None)
        if found is None or time.monotonic() - found.at > self.keep_s:
            return None
        return found
