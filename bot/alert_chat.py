"""Acknowledging and snoozing alerts by message ("ack the AC alert", "snooze it for an hour"), for every channel:
which open alert the words mean, and the alert book's acknowledge/snooze (the same rules as the alert buttons:
an admin, or someone the alert was sent to)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from alerts.engine import ActionOutcome, AlertBook
from bot import records
from nlu.alert_words import AlertAction
from store.campus import Campus
from store.db import get_engine
from store.models import utcnow


@dataclass(frozen=True)
class Choice:
    """The open alerts the words may mean (`alerts`: (id, one-line text)); exactly one means act on it."""

    alerts: tuple[tuple[int, str], ...]


class AlertChat:
    def __init__(self, campus: Campus, database_url: str) -> None:
        self.campus = campus
        self.database_url = database_url
        self._book: AlertBook | None = None
        self._types = {s.id: s.type for s in campus.switches}

    def book(self) -> AlertBook:
        if self._book is None:
            from alerts.settings import load_alert_config

            self._book = AlertBook(get_engine(self.database_url), load_alert_config(), tz=self.campus.timezone)
        return self._book

    def choose(self, rooms: Sequence[str] | None, action: AlertAction, device_types: Sequence[str],
               named_rooms: Sequence[str], recent: Sequence[int]) -> Choice:
        """Open alerts of `rooms` (None: all) matching the alert number, the devices and rooms named, or (for "it")
        the alerts just talked about."""
        open_alerts = [a for a in records.firing_alerts(self.database_url, rooms, limit=200) if a.status == "firing"]
        if action.alert_id is not None:
            chosen = [a for a in open_alerts if a.id == action.alert_id]
        else:
            chosen = open_alerts
            if device_types:
                chosen = [a for a in chosen if set(device_types) & self._alert_types(a)]
            if named_rooms:
                chosen = [a for a in chosen if a.room_id in set(named_rooms)]
            if action.refers_back and not device_types and not named_rooms and recent:
                chosen = [a for a in chosen if a.id in set(recent)]
        return Choice(tuple((a.id, line(self.campus, a)) for a in chosen))

    def _alert_types(self, alert) -> set[str]:
        ids = list((alert.detail or {}).get("switch_ids") or []) + ([alert.switch_id] if alert.switch_id else [])
        return {self._types[s] for s in ids if s in self._types}

    def act(self, action: AlertAction, alert_id: int, user_id: int) -> ActionOutcome:
        if action.kind == "ack":
            return self.book().acknowledge(alert_id, user_id)
        return self.book().snooze(alert_id, user_id, action.snooze or "1h")


def line(campus: Campus, alert) -> str:
    """"#12 Classroom 102: AC stuck on" with the room said once (summaries often name it already)."""
    rooms = {r.id: r.name for r in campus.rooms}
    room = rooms.get(alert.room_id or "")
    place = f"{room}: " if room and room.lower() not in alert.summary.lower() else ""
    status = "" if alert.status == "firing" else f" ({alert.status})"
    if alert.acknowledged_at is not None:
        status = " (acknowledged)"
    elif alert.snoozed_until is not None and alert.snoozed_until > utcnow():
        status = " (snoozed)"
    return f"#{alert.id} {place}{alert.summary}{status}"
