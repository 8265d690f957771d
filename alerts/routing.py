"""Who hears about an alert, and when: pure functions over the campus registry and user preferences.

Rules: critical alerts go to every admin; device alerts go to the owners of the devices (switches or boards);
room alerts go to the faculty assigned to the room. Nobody left (e.g. an unowned device in an unassigned room)
means the admins, so that nothing goes unheard. Users who muted the type are dropped, and users in quiet
hours get it when their quiet hours end; critical alerts pass both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from alerts.model import CRITICAL, Signal
from alerts.preferences import Preferences
from store.campus import Campus

NO_PREFERENCES = Preferences()


@dataclass(frozen=True)
class Recipient:
    """One person to tell. chat_id: their Telegram chat (the private chat id is the user id). reasons: why they
    are told ("admin", "owner", "faculty"). deliver_at: when to send (later than now inside quiet hours)."""

    chat_id: int
    name: str
    reasons: tuple[str, ...]
    deliver_at: dt.datetime


def audience(campus: Campus, signal: Signal) -> dict[int, list[str]]:
    """Every user the alert concerns, with the reasons, before preferences."""
    reasons: dict[int, list[str]] = {}

    def add(user_id: int, why: str) -> None:
        whys = reasons.setdefault(user_id, [])
        if why not in whys:
            whys.append(why)

    # A switch alert is about the load, not the hardware: the board's owner is not told (a board alert is).
    devices = set(signal.board_ids) | set(signal.switch_ids)
    rooms = set(signal.detail.get("room_ids", ()))
    if signal.room_id:
        rooms.add(signal.room_id)
    board_room = {b.id: b.room_id for b in campus.boards}
    switch_room = {s.id: s.room_id for s in campus.switches}
    rooms |= {board_room[b] for b in signal.board_ids if b in board_room}
    rooms |= {switch_room[s] for s in signal.switch_ids if s in switch_room}
    for user in campus.users:
        if signal.severity == CRITICAL and user.role == "admin":
            add(user.telegram_id, "admin")
        if devices.intersection(user.owns):
            add(user.telegram_id, "owner")
        if user.role == "faculty" and rooms.intersection(user.rooms):
            add(user.telegram_id, "faculty")
    if not reasons:
        for user in campus.users:
            if user.role == "admin":
                add(user.telegram_id, "admin")
    return reasons


def route(campus: Campus, signal: Signal, preferences: Mapping[int, Preferences], now: dt.datetime,
          tz: ZoneInfo, *, admins_only: bool = False) -> list[Recipient]:
    """The recipients of `signal` at `now`, in user-id order. `admins_only` is for campus-wide reports."""
    names = {u.telegram_id: u.name for u in campus.users}
    if admins_only:
        wanted = {u.telegram_id: ["admin"] for u in campus.users if u.role == "admin"}
    else:
        wanted = audience(campus, signal)
    out = []
    critical = signal.severity == CRITICAL
    for user_id in sorted(wanted):
        prefs = preferences.get(user_id, NO_PREFERENCES)
        if not critical and prefs.mutes(signal.type):
            continue
        deliver_at = now if critical or prefs.quiet is None else prefs.quiet.ends_after(now, tz)
        out.append(Recipient(user_id, names.get(user_id, str(user_id)), tuple(wanted[user_id]), deliver_at))
    return out
