"""The alert buttons: acknowledge, snooze (1 h, until tomorrow) and turn it off.

Callback data is `al:<action>:<alert id>` (alerts.templates). Nothing in it is trusted: the alert book checks that
the presser was told about the alert (or is an admin) and, for "turn it off", may switch those devices.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from alerts.engine import ActionOutcome, AlertBook
from alerts.templates import CALLBACK_PREFIX

log = logging.getLogger(__name__)

# Switches the given switches off; returns one result per switch with `.ok` and `.switch_id` (devices.Gateway.switch).
SwitchOff = Callable[[Sequence[str]], Awaitable[Sequence[Any]]]


def is_alert_callback(data: str | None) -> bool:
    return bool(data) and data.startswith(f"{CALLBACK_PREFIX}:")  # type: ignore[union-attr]


def parse(data: str) -> tuple[str, int] | None:
    parts = data.split(":")
    if len(parts) != 3 or parts[0] != CALLBACK_PREFIX or parts[1] not in ("ack", "s1h", "stm", "off"):
        return None
    try:
        return parts[1], int(parts[2])
    except ValueError:
        return None


class AlertActions:
    """Answers alert button presses for the bot. `switch_off` is the device gateway's switching (None = the
    button explains that switching is not available here)."""

    def __init__(self, book: AlertBook, switch_off: SwitchOff | None = None) -> None:
        self.book = book
        self.switch_off = switch_off

    async def handle(self, data: str, user_id: int) -> ActionOutcome:
        parsed = parse(data)
        if parsed is None:
            return ActionOutcome(False, "This button is not one of mine.")
        action, alert_id = parsed
        if action == "ack":
            return await asyncio.to_thread(self.book.acknowledge, alert_id, user_id)
        if action in ("s1h", "stm"):
            return await asyncio.to_thread(self.book.snooze, alert_id, user_id, "1h" if action == "s1h" else "tomorrow")
        allowed = await asyncio.to_thread(self.book.switches_to_turn_off, alert_id, user_id)
        if not allowed.ok:
            return allowed
        if self.switch_off is None:
            return ActionOutcome(False, "Switching is not available right now.")
        try:
            results = await self.switch_off(list(allowed.switch_ids))
        except Exception as exc:  # the gateway may be down; the person gets a reason, the log the details
            log.warning("alert turn-off failed", extra={"kv": {"alert": alert_id, "error": type(exc).__name__}})
            return ActionOutcome(False, f"Could not switch: {str(exc)[:120] or type(exc).__name__}")
        done = [r.switch_id for r in results if getattr(r, "ok", False)]
        failed = [r for r in results if not getattr(r, "ok", False)]
        log.info("alert turn-off", extra={"kv": {"alert": alert_id, "user": user_id, "done": len(done),
                                                 "failed": len(failed)}})
        if failed:
            reasons = "; ".join(f"{r.switch_id}: {getattr(r, 'reason', '') or 'not confirmed'}" for r in failed[:3])
            return ActionOutcome(bool(done), f"Turned off {len(done)} of {len(results)}. Not done: {reasons}",
                                 tuple(done))
        return ActionOutcome(True, f"Turned off {len(done)} device{'s' if len(done) != 1 else ''}.", tuple(done))
