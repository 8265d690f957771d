"""Per-board liveness from the age of the board's last message.

The AutoVolt boards share one status topic, which cannot say which board went offline, so a board is online while
its own messages (heartbeat or state every 30 s) keep coming. Tasmota's per-device LWT is used as well.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from devices.model import BoardLiveness
from store.campus import Board

# AutoVolt: heartbeat and state every 30 s; two missed plus a margin. Tasmota: telemetry every 300 s by default.
DEFAULT_OFFLINE_AFTER_S = {"autovolt": 75.0, "tasmota": 700.0}


class LivenessTracker:
    def __init__(self, boards: Iterable[Board], offline_after_s: Mapping[str, float] | None = None) -> None:
        limits = {**DEFAULT_OFFLINE_AFTER_S, **(offline_after_s or {})}
        self._limit = {b.id: limits.get(b.protocol, 75.0) for b in boards}
        self._last_seen: dict[str, dt.datetime] = {}
        self._lwt_offline: dict[str, dt.datetime] = {}
        self._reported: dict[str, bool | None] = {}
        # Boards restored from the store, not heard from since: offline before the restart (reason), or online
        # before it and given one offline window from the restart to speak up (end of the window).
        self._offline_before: set[str] = set()
        self._grace_until: dict[str, dt.datetime] = {}

    def seen(self, board_id: str, ts: dt.datetime) -> None:
        self._last_seen[board_id] = ts
        if self._lwt_offline:
            self._lwt_offline.pop(board_id, None)
        if self._grace_until or self._offline_before:
            self._grace_until.pop(board_id, None)
            self._offline_before.discard(board_id)

    def seen_elsewhere(self, board_id: str, ts: dt.datetime) -> None:
        """Another replica heard from the board at `ts` (the store's last-seen): counts when newer than what we know,
        including a last will received here."""
        if board_id not in self._limit:
            return
        last = self._last_seen.get(board_id)
        will = self._lwt_offline.get(board_id)
        if (last is None or ts > last) and (will is None or ts > will):
            self.seen(board_id, ts)

    def lwt(self, board_id: str, online: bool, ts: dt.datetime) -> None:
        if online:
            self.seen(board_id, ts)
        else:
            self._lwt_offline[board_id] = ts

    def seed(self, board_id: str, last_seen: dt.datetime, online: bool = True,
             started_at: dt.datetime | None = None) -> None:
        """Start from the store's last-seen time and online flag, so a restart does not forget a board that is away.

        A board offline before the restart stays offline (commands fail fast) until it speaks. A board online
        before it is unknown, not offline, for one offline window from `started_at`: the service may have been down
        longer than that window, and the board deserves the time to send its next heartbeat."""
        if board_id in self._last_seen:
            return  # heard from since the start: fresher than the store
        self._last_seen[board_id] = last_seen
        if not online:
            self._offline_before.add(board_id)
        elif started_at is not None:
            self._grace_until[board_id] = started_at + dt.timedelta(seconds=self._limit.get(board_id, 75.0))

    def liveness(self, board_id: str, now: dt.datetime) -> BoardLiveness:
        last = self._last_seen.get(board_id)
        age = (now - last).total_seconds() if last else None
        if board_id in self._lwt_offline:
            return BoardLiveness(board_id, False, last, age, "the board's last will says it went offline")
        if last is None:
            return BoardLiveness(board_id, None, None, None, "not heard from since the service started")
        if board_id in self._offline_before:
            return BoardLiveness(board_id, False, last, age, "offline before the service restarted, silent since")
        limit = self._limit.get(board_id, 75.0)
        if age is not None and age > limit:
            grace = self._grace_until.get(board_id)
            if grace is not None and now < grace:
                return BoardLiveness(board_id, None, last, age,
                                     "online before the service restarted, not heard from since")
            return BoardLiveness(board_id, False, last, age, f"silent for {age:.0f} s")
        return BoardLiveness(board_id, True, last, age, "")

    def all(self, now: dt.datetime) -> dict[str, BoardLiveness]:
        return {board_id: self.liveness(board_id, now) for board_id in self._limit}

    def changes(self, now: dt.datetime) -> list[BoardLiveness]:
        """Boards whose online status changed since the previous call."""
        out = []
        for board_id, live in self.all(now).items():
            if self._reported.get(board_id) != live.online:
                if board_id in self._reported or live.online is not None:
                    out.append(live)
                self._reported[board_id] = live.online
        return out
