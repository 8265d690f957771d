"""The alert book: turns scan results into alert episodes and outbox messages, in one database transaction each.

Because every decision (open, announce, remind, resolve, acknowledge) and the messages it implies are committed
together, and outbox rows have unique dedupe keys, a restart at any point neither repeats nor forgets an alert.
Calls are serialised within the process; the service runs one alerts component per database.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from alerts import outbox, policy, templates
from alerts.model import (AFTER_HOURS, ANOMALY, CRITICAL, FIRING, GROUPABLE, GROUPED, HIGH_CONSUMPTION, RESOLVED,
                          AlertConfig, ScanResult, Signal)
from alerts.outbox import CANCELLED, PENDING, SENDING, SENT
from alerts.preferences import Preferences, preferences_from_row
from alerts.routing import route
from store import models as m
from store.campus import Campus
from store.registry import load_registry
from store.models import utcnow

log = logging.getLogger(__name__)

TURN_OFF_TYPES = (AFTER_HOURS, ANOMALY, HIGH_CONSUMPTION)



@dataclass
class ApplyReport:
    """What one call changed: alerts opened/resolved/absorbed, announcements and reminders made, rows enqueued."""

    opened: int = 0
    resolved: int = 0
    absorbed: int = 0
    announced: int = 0
    reminded: int = 0
    enqueued: int = 0
    keys: list[str] = field(default_factory=list)

    def merge(self, other: "ApplyReport") -> None:
        for name in ("opened", "resolved", "absorbed", "announced", "reminded", "enqueued"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.keys += other.keys


@dataclass(frozen=True)
class ActionOutcome:
    """The answer to a button press. ok: it was done. text: what to show the person who pressed (one line)."""

    ok: bool
    text: str
    switch_ids: tuple[str, ...] = ()


class NoCampus(Exception):
    """No campus is loaded into the database: nobody to route to."""


def signal_of(alert: m.Alert) -> Signal:
    """Rebuild the signal an alert row stands for (for routing reminders and resolutions)."""
    detail = dict(alert.detail or {})
    return Signal(type=alert.type, target=alert.key.split(":", 1)[1] if ":" in alert.key else alert.key,
                  severity=alert.severity, summary=alert.summary, observed_at=alert.last_seen,
                  building_id=alert.building_id, room_id=alert.room_id,
                  board_ids=tuple(detail.get("board_ids") or ([alert.board_id] if alert.board_id else [])),
                  switch_ids=tuple(detail.get("switch_ids") or ([alert.switch_id] if alert.switch_id else [])),
                  value=detail.get("value"), unit=detail.get("unit"), detail=detail)


class AlertBook:
    """Alert state and the outbox writes it implies. `tz` overrides the campus time zone for messages."""

    def __init__(self, engine: Engine, config: AlertConfig = AlertConfig(), *, tz: str | None = None,
                 clock: Callable[[], dt.datetime] = utcnow, on_enqueue: Callable[[], None] | None = None) -> None:
        self.engine = engine
        self.config = config
        self.tz_override = tz
        self.clock = clock
        self.on_enqueue = on_enqueue
        self._lock = threading.Lock()

    def _session(self) -> Session:
        # Objects stay readable after commit (the answers of acknowledge/snooze quote them).
        return Session(self.engine, expire_on_commit=False)

    # --- context ---------------------------------------------------------------------------------------------

    def _context(self, session: Session) -> tuple[Campus, dict[int, Preferences], ZoneInfo]:
        campus = load_registry(session)
        if campus is None:
            raise NoCampus("no campus loaded: run `autovolt campus load FILE` first")
        prefs = {uid: preferences_from_row(muted, quiet) for uid, muted, quiet in
                 session.execute(select(m.User.telegram_id, m.User.muted_alert_types, m.User.quiet_hours))}
        return campus, prefs, ZoneInfo(self.tz_override or campus.timezone)

    def timezone(self) -> ZoneInfo:
        with self._session() as session:
            return self._context(session)[2]

    # --- scans -----------------------------------------------------------------------------------------------

    def apply(self, result: ScanResult, now: dt.datetime | None = None) -> ApplyReport:
        """Open, refresh, announce, absorb and resolve alerts as `result` says; all in one transaction."""
        now = now or self.clock()
        try:
            report = self._apply_once(result, now)
        except IntegrityError:
            # Another alerts component opened one of these keys in the meantime (the unique index on firing keys
            # refused our duplicate): everything was rolled back; do it again, now seeing its episode.
            log.info("alert opened elsewhere meanwhile; applying the scan again")
            report = self._apply_once(result, now)
        self.notify_enqueued(report)
        return report

    def _apply_once(self, result: ScanResult, now: dt.datetime) -> ApplyReport:
        report = ApplyReport()
        with self._lock, self._session() as session, session.begin():
            campus, prefs, tz = self._context(session)
            firing = {a.key: a for a in session.scalars(select(m.Alert).where(m.Alert.status == FIRING)
                                                        .order_by(m.Alert.id))}
            signalled: set[str] = set()
            for sig in result.signals:
                if sig.key in signalled:
                    continue  # the same key twice in one scan: the first one counts
                signalled.add(sig.key)
                alert = firing.get(sig.key)
                if alert is None:
                    alert = self._open(session, sig, now)
                    firing[sig.key] = alert
                    report.opened += 1
                    report.keys.append(sig.key)
                else:
                    self._refresh(alert, sig, now)
                self._announce_if_due(session, alert, campus, prefs, tz, now, report)
            for key, group in result.absorbed.items():
                alert = firing.get(key)
                if alert is not None and key not in signalled:
                    alert.status, alert.resolved_at = GROUPED, now
                    alert.detail = {**(alert.detail or {}), "grouped_into": group}
                    self._cancel_pending(session, alert.id)
                    report.absorbed += 1
            clear = {k for k, a in firing.items() if a.type in result.covers and k not in signalled
                     and k not in result.absorbed and a.status == FIRING}
            clear |= {k for k in result.resolved if k in firing and firing[k].status == FIRING}
            for key in sorted(clear):
                self._resolve(session, firing[key], campus, prefs, tz, now, report)
        return report

    def tick(self, now: dt.datetime | None = None) -> ApplyReport:
        """First announcements held by a cooldown, and reminders that are due."""
        now = now or self.clock()
        report = ApplyReport()
        with self._lock, self._session() as session, session.begin():
            candidates = list(session.scalars(select(m.Alert).where(m.Alert.status == FIRING,
                                                                    m.Alert.acknowledged_at.is_(None))
                                              .order_by(m.Alert.id)))
            due = [a for a in candidates if policy.is_due(self._state(a), now, self.config)]
            if due:
                campus, prefs, tz = self._context(session)
                for alert in due:
                    self._announce_if_due(session, alert, campus, prefs, tz, now, report)
        self.notify_enqueued(report)
        return report

    # --- buttons ---------------------------------------------------------------------------------------------

    def acknowledge(self, alert_id: int, user_id: int, now: dt.datetime | None = None) -> ActionOutcome:
        """Stop reminders for everybody and tell the others who acknowledged."""
        now = now or self.clock()
        report = ApplyReport()
        with self._lock, self._session() as session, session.begin():
            campus, prefs, tz = self._context(session)
            alert, refusal = self._actionable(session, campus, alert_id, user_id)
            if alert is None:
                return ActionOutcome(False, refusal)
            if alert.acknowledged_at is not None:
                who = self._name(campus, alert.acknowledged_by)
                return ActionOutcome(False, f"Already acknowledged by {who}.")
            alert.acknowledged_by, alert.acknowledged_at = user_id, now
            self._cancel_pending(session, alert.id)
            name = self._name(campus, user_id)
            text = templates.acknowledged(self._view(alert, campus), tz, name, now)
            for chat in self._told(session, alert.id):
                if chat != user_id:
                    report.enqueued += outbox.enqueue(session, dedupe_key=outbox.event_key(alert.id, "ack", chat),
                                                      chat_id=chat, text=text, now=now, alert_id=alert.id)
        self.notify_enqueued(report)
        log.info("alert acknowledged", extra={"kv": {"alert": alert_id, "user": user_id}})
        return ActionOutcome(True, f"Acknowledged: {alert.summary}. Reminders stopped for everybody.")

    def snooze(self, alert_id: int, user_id: int, choice: str, now: dt.datetime | None = None) -> ActionOutcome:
        """Hold reminders until the snooze ends ("1h" or "tomorrow")."""
        now = now or self.clock()
        with self._lock, self._session() as session, session.begin():
            campus, _, tz = self._context(session)
            alert, refusal = self._actionable(session, campus, alert_id, user_id)
            if alert is None:
                return ActionOutcome(False, refusal)
            try:
                until = policy.snooze_end(choice, now, tz, self.config)
            except ValueError as exc:
                return ActionOutcome(False, str(exc))
            alert.snoozed_until = until
            alert.detail = {**(alert.detail or {}), "snoozed_by": user_id}
        return ActionOutcome(True, f"Snoozed until {templates.local_time(until, tz)}: {alert.summary}.")

    def switches_to_turn_off(self, alert_id: int, user_id: int) -> ActionOutcome:
        """Which switches the "turn it off" button of this alert may switch off for this user."""
        with self._session() as session:
            campus, _, _ = self._context(session)
            alert, refusal = self._actionable(session, campus, alert_id, user_id)
            if alert is None:
                return ActionOutcome(False, refusal)
            switch_ids = tuple(signal_of(alert).switch_ids)
            if alert.type not in TURN_OFF_TYPES or not switch_ids:
                return ActionOutcome(False, "This alert has nothing to turn off.")
            user = campus.user(user_id)
            allowed = [s for s in switch_ids if user is not None and _may_control(campus, user, s)]
            if not allowed:
                return ActionOutcome(False, "You may not switch these devices.")
            return ActionOutcome(True, "", tuple(allowed))

    # --- internals -------------------------------------------------------------------------------------------

    def _actionable(self, session: Session, campus: Campus, alert_id: int,
                    user_id: int) -> tuple[m.Alert | None, str]:
        alert = session.get(m.Alert, alert_id)
        if alert is None:
            return None, "This alert no longer exists."
        user = campus.user(user_id)
        if user is None:
            return None, "You are not registered for alerts."
        if user.role != "admin" and user_id not in self._told(session, alert_id, queued=True):
            return None, "This alert was not sent to you."
        if alert.status != FIRING:
            return None, "This alert is already over."
        return alert, ""

    @staticmethod
    def _told(session: Session, alert_id: int, queued: bool = False) -> list[int]:
        """Chats that were (or are being) told about an alert; with `queued`, also those whose notice still waits in
        the outbox (quiet hours, or no Telegram token: a terminal user acts on alerts meant for them all the same)."""
        statuses = (SENT, SENDING, PENDING) if queued else (SENT, SENDING)
        rows = session.execute(select(m.Delivery.chat_id, m.Delivery.dedupe_key)
                               .where(m.Delivery.alert_id == alert_id, m.Delivery.status.in_(statuses))).all()
        return sorted({chat for chat, key in rows if ":n" in key})

    @staticmethod
    def _name(campus: Campus, user_id: int | None) -> str:
        user = campus.user(user_id) if user_id is not None else None
        return user.name if user else f"user {user_id}"

    @staticmethod
    def _state(alert: m.Alert) -> policy.EpisodeState:
        not_before = (alert.detail or {}).get("not_before")
        return policy.EpisodeState(alert.status, alert.last_notified, alert.reminders_sent,
                                   alert.acknowledged_at is not None, alert.snoozed_until,
                                   dt.datetime.fromisoformat(not_before) if not_before else None)

    def _open(self, session: Session, sig: Signal, now: dt.datetime) -> m.Alert:
        previous = session.scalar(select(func.max(m.Alert.last_notified)).where(m.Alert.key == sig.key))
        not_before = policy.cooldown_end(previous, self.config)
        if sig.type in GROUPABLE and self.config.group_wait_s > 0:
            waited = now + dt.timedelta(seconds=self.config.group_wait_s)
            not_before = max(not_before, waited) if not_before else waited
        alert = m.Alert(key=sig.key, type=sig.type, severity=sig.severity, status=FIRING, summary=sig.summary,
                        first_seen=min(sig.observed_at, now), last_seen=now, reminders_sent=0,
                        detail=self._detail(sig, not_before if not_before and not_before > now else None))
        self._place(alert, sig)
        session.add(alert)
        session.flush()
        log.info("alert opened", extra={"kv": {"key": sig.key, "severity": sig.severity, "alert": alert.id}})
        return alert

    def _refresh(self, alert: m.Alert, sig: Signal, now: dt.datetime) -> None:
        kept = {k: v for k, v in (alert.detail or {}).items() if k in ("not_before", "snoozed_by")}
        alert.detail = {**self._detail(sig, None), **kept}
        alert.last_seen, alert.summary = now, sig.summary
        if sig.severity == CRITICAL:
            alert.severity = CRITICAL  # escalates; never quietly downgraded within an episode
        self._place(alert, sig)

    @staticmethod
    def _place(alert: m.Alert, sig: Signal) -> None:
        alert.building_id, alert.room_id = sig.building_id, sig.room_id
        alert.board_id = sig.board_ids[0] if len(sig.board_ids) == 1 else None
        alert.switch_id = sig.switch_ids[0] if len(sig.switch_ids) == 1 else None

    @staticmethod
    def _detail(sig: Signal, not_before: dt.datetime | None) -> dict[str, Any]:
        detail = dict(sig.detail)
        detail.update({"board_ids": list(sig.board_ids), "switch_ids": list(sig.switch_ids), "value": sig.value,
                       "unit": sig.unit})
        if not_before is not None:
            detail["not_before"] = not_before.isoformat()
        return detail

    def _view(self, alert: m.Alert, campus: Campus) -> templates.AlertView:
        detail = dict(alert.detail or {})
        rooms = {r.id: r for r in campus.rooms}
        buildings = {b.id: b.name for b in campus.buildings}
        room_name, building_name = "", ""
        if alert.room_id and alert.room_id in rooms:
            room = rooms[alert.room_id]
            room_name, building_name = room.name, buildings.get(room.building_id, room.building_id)
        elif alert.building_id:
            building_name = buildings.get(alert.building_id, alert.building_id)
        names = {s.id: s.name for s in campus.switches}
        switch_ids = detail.get("switch_ids") or []
        devices = tuple(names.get(s, s) for s in switch_ids)
        if not devices and len(detail.get("board_ids") or []) == 1:
            devices = (f"board {detail['board_ids'][0]}",)
        return templates.AlertView(alert.id, alert.type, alert.severity, alert.summary, room_name, building_name,
                                   devices, detail.get("value"), detail.get("unit"), alert.first_seen, detail,
                                   can_turn_off=alert.type in TURN_OFF_TYPES and bool(switch_ids))

    def _announce_if_due(self, session: Session, alert: m.Alert, campus: Campus, prefs: dict[int, Preferences],
                         tz: ZoneInfo, now: dt.datetime, report: ApplyReport) -> None:
        if not policy.is_due(self._state(alert), now, self.config):
            return
        number = 0 if alert.last_notified is None else alert.reminders_sent + 1
        sig = signal_of(alert)
        recipients = route(campus, sig, prefs, now, tz)
        text, buttons = templates.notice(self._view(alert, campus), tz, reminder=number)
        for rcpt in recipients:
            # A newer notice replaces one still waiting (e.g. held by quiet hours): one message, not a pile.
            self._cancel_pending(session, alert.id, rcpt.chat_id)
            report.enqueued += outbox.enqueue(session, dedupe_key=outbox.notice_key(alert.id, number, rcpt.chat_id),
                                              chat_id=rcpt.chat_id, text=text, buttons=buttons, now=now,
                                              deliver_at=rcpt.deliver_at, alert_id=alert.id)
        alert.last_notified = now
        if number:
            alert.reminders_sent = number
            report.reminded += 1
        else:
            report.announced += 1
        log.info("alert announced", extra={"kv": {"key": alert.key, "notice": number, "recipients": len(recipients)}})

    def _resolve(self, session: Session, alert: m.Alert, campus: Campus, prefs: dict[int, Preferences],
                 tz: ZoneInfo, now: dt.datetime, report: ApplyReport) -> None:
        self._cancel_pending(session, alert.id)
        told = self._told(session, alert.id)
        alert.status, alert.resolved_at, alert.last_seen = RESOLVED, now, now
        report.resolved += 1
        if not told:
            return  # nobody heard of it (cooldown, mutes): nothing to take back
        text = templates.resolved(self._view(alert, campus), tz, now)
        critical = alert.severity == CRITICAL
        for chat in told:
            quiet = prefs.get(chat, Preferences()).quiet
            deliver_at = now if critical or quiet is None else quiet.ends_after(now, tz)
            report.enqueued += outbox.enqueue(session, dedupe_key=outbox.event_key(alert.id, "resolved", chat),
                                              chat_id=chat, text=text, now=now, deliver_at=deliver_at,
                                              alert_id=alert.id)
        log.info("alert resolved", extra={"kv": {"key": alert.key, "told": len(told)}})

    @staticmethod
    def _cancel_pending(session: Session, alert_id: int, chat_id: int | None = None) -> None:
        """Pending announcements of an alert (to one chat, or all) are no longer wanted."""
        stmt = (update(m.Delivery).where(m.Delivery.alert_id == alert_id, m.Delivery.status == PENDING,
                                         m.Delivery.dedupe_key.like(f"alert:{alert_id}:n%"))
                .values(status=CANCELLED, last_error="superseded"))
        if chat_id is not None:
            stmt = stmt.where(m.Delivery.chat_id == chat_id)
        session.execute(stmt)

    def notify_enqueued(self, report: ApplyReport) -> None:
        """Wake the sender when a call wrote messages."""
        if report.enqueued and self.on_enqueue is not None:
            self.on_enqueue()

    # --- queries for digests and the CLI ---------------------------------------------------------------------

    def open_alerts(self) -> list[m.Alert]:
        with self._session() as session:
            return list(session.scalars(select(m.Alert).where(m.Alert.status == FIRING).order_by(m.Alert.first_seen)))


def _may_control(campus: Campus, user: Any, switch_id: str) -> bool:
    switch = next((s for s in campus.switches if s.id == switch_id), None)
    if switch is None:
        return False
    if user.role == "admin" or (user.role == "operator" and user.can_control):
        return True
    if switch_id in user.owns or (switch.board_id and switch.board_id in user.owns):
        return True
    return user.role == "faculty" and switch.room_id in user.rooms

