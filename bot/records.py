"""What the bot keeps in the store: the audit log, scheduled and awaiting-confirmation actions, default rooms.

Synchronous SQLAlchemy; the conversation calls these through `asyncio.to_thread`. Status changes of an action are
single conditional UPDATEs, so two presses of one button, or a scheduler and a cancel racing, can never both win.

ScheduledAction statuses: `confirming` (waiting for the user's button; `result.expires_at`), `pending` (runs at
`run_at`), `running`, `done`, `failed` (the gateway raised, or the service stopped while it ran), `cancelled`,
`declined`, `expired` (a confirmation not pressed in time), `skipped` (due while nothing ran schedules, and too late
when it was found: never switched late).

A finished scheduled action keeps its report for its owner: a Telegram one is also queued in the outbox (same
transaction), a terminal one waits until that user's terminal chat takes it (`take_reports`).
"""

from __future__ import annotations

import datetime as dt
import logging
import queue
import threading
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, insert, select, update

from store import models as m
from store.db import session_scope
from store.spool import already_written, mark_written, open_spool

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AuditEntry:
    """One command anybody gave. `outcome` is a short code (done, partial, refused, unknown_user, rate_limited,
    clarify, confirm, scheduled, answered, not_understood, bad_audio, error...); `detail` holds JSON-able extras."""

    ts: dt.datetime
    user_id: int | None
    chat_id: int | None
    channel: str
    text: str
    intent: str | None
    outcome: str
    detail: dict[str, Any] = field(default_factory=dict)


class AuditLog:
    """Writes audit entries from a background thread in batches, so a reply never waits for the database.

    A batch the database refuses is retried every `retry_s`; with `spool_path` it is first kept in a local spool
    (store.spool), so it also survives the process being killed, and is replayed, once, at the next start.
    `flush()` blocks until everything recorded so far is handled (written, or spooled while the database is
    away); `close()` flushes and stops the thread.
    """

    def __init__(self, database_url: str, batch: int = 500, *, spool_path: Path | None = None,
                 retry_s: float = 2.0) -> None:
        self.database_url = database_url
        self.batch = batch
        self.retry_s = retry_s
        self.written = 0
        self.errors = 0
        self.spool = open_spool(spool_path)
        self._unsent: list[list[dict[str, Any]]] = []  # refused batches without a spool, oldest first
        self._next_retry = 0.0
        self._queue: queue.Queue[AuditEntry | threading.Event | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="audit-writer", daemon=True)
        self._thread.start()

    def record(self, entry: AuditEntry) -> None:
        self._queue.put(entry)

    def flush(self, timeout: float = 10.0) -> bool:
        done = threading.Event()
        self._queue.put(done)
        return done.wait(timeout)

    def close(self) -> None:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join(15)
        if self.spool is not None and not self._thread.is_alive():
            self.spool.close()

    def _run(self) -> None:
        while True:
            try:  # while something waits for the database, wake up to retry it
                item = self._queue.get(timeout=self.retry_s if (self.spool or self._unsent) else None)
            except queue.Empty:
                self._retry()
                continue
            pending: list[AuditEntry] = []
            markers: list[threading.Event] = []
            stop = False
            while True:
                if item is None:
                    stop = True
                elif isinstance(item, threading.Event):
                    markers.append(item)
                else:
                    pending.append(item)
                if len(pending) >= self.batch:
                    break
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
            if pending:
                self._write(pending)
            for marker in markers:
                marker.set()
            if stop:
                if self._unsent:
                    log.error("audit records lost at shutdown: the database was away and there is no spool",
                              extra={"kv": {"rows": sum(len(b) for b in self._unsent)}})
                return

    def _write(self, entries: list[AuditEntry]) -> None:
        rows = [{"ts": e.ts.isoformat(), "user_id": e.user_id, "chat_id": e.chat_id, "channel": e.channel,
                 "text": e.text[:4000], "intent": e.intent, "outcome": e.outcome, "detail": e.detail}
                for e in entries]
        if not (self.spool or self._unsent) and self._commit(rows):
            return
        # Behind what already waits, so the audit keeps its order.
        if self.spool is not None:
            self.spool.add(uuid.uuid4().hex, rows)
        else:
            self._unsent.append(rows)
        if time.monotonic() >= self._next_retry:  # not at every record while the database refuses
            self._retry()

    def _retry(self) -> None:
        ok = True
        if self.spool is not None:
            for batch_id, rows in self.spool.pending():
                if not self._commit(rows, batch_id):
                    ok = False
                    break
                self.spool.done(batch_id)
        while ok and self._unsent:
            ok = self._commit(self._unsent[0])
            if ok:
                self._unsent.pop(0)
        self._next_retry = 0.0 if ok else time.monotonic() + self.retry_s

    def _commit(self, rows: list[dict[str, Any]], batch_id: str | None = None) -> bool:
        """One transaction; a spooled batch's id goes with it, and a batch already stored is not stored again."""
        try:
            with session_scope(self.database_url) as session:
                conn = session.connection()
                if batch_id is not None:
                    if already_written(conn, batch_id):
                        return True
                    mark_written(conn, batch_id, "audit")
                session.execute(insert(m.CommandAudit), [{**r, "ts": dt.datetime.fromisoformat(r["ts"])}
                                                         for r in rows])
            self.written += len(rows)
            return True
        except Exception as exc:  # the audit must not take the bot down; the failure itself is logged
            self.errors += 1
            log.error("audit write failed; kept for a retry", extra={"kv": {
                "rows": len(rows), "spooled": self.spool is not None, "error": type(exc).__name__}})
            return False



@dataclass(frozen=True)
class ActionRecord:
    """A stored device action (see the module doc for `status`). `on` is the requested state; `when_given`
    whether the user asked for a time (else it runs as soon as it is confirmed)."""

    id: int
    created_by: int
    chat_id: int
    run_at: dt.datetime
    on: bool
    switch_ids: tuple[str, ...]
    text: str
    status: str
    result: dict[str, Any] | None
    channel: str = "telegram"


def _record(row: m.ScheduledAction) -> ActionRecord:
    return ActionRecord(row.id, row.created_by, row.chat_id, row.run_at, row.action == "on", tuple(row.switch_ids),
                        row.text, row.status, row.result, row.channel or "telegram")


def create_action(url: str, *, created_by: int, chat_id: int, run_at: dt.datetime, on: bool,
                  switch_ids: Sequence[str], text: str, status: str, result: dict[str, Any] | None = None,
                  now: dt.datetime | None = None, channel: str = "telegram") -> int:
    with session_scope(url) as session:
        row = m.ScheduledAction(created_at=now or m.utcnow(), created_by=created_by, chat_id=chat_id, run_at=run_at,
                                action="on" if on else "off", switch_ids=list(switch_ids), text=text[:2000],
                                status=status, result=result, channel=channel)
        session.add(row)
        session.flush()
        return row.id


def get_action(url: str, ident: int) -> ActionRecord | None:
    with session_scope(url) as session:
        row = session.get(m.ScheduledAction, ident)
        return _record(row) if row is not None else None


def transition(url: str, ident: int, from_status: str | Sequence[str], to_status: str,
               result: dict[str, Any] | None = None, run_at: dt.datetime | None = None) -> bool:
    """Move action `ident` from one of `from_status` to `to_status`; False when it was not in such a status."""
    allowed = [from_status] if isinstance(from_status, str) else list(from_status)
    values: dict[str, Any] = {"status": to_status}
    if result is not None:
        values["result"] = result
    if run_at is not None:
        values["run_at"] = run_at
    with session_scope(url) as session:
        changed = session.execute(update(m.ScheduledAction)
                                  .where(m.ScheduledAction.id == ident, m.ScheduledAction.status.in_(allowed))
                                  .values(**values)).rowcount
    return changed == 1


def actions_with_status(url: str, status: str, *, due_by: dt.datetime | None = None,
                        created_by: int | None = None) -> list[ActionRecord]:
    with session_scope(url) as session:
        query = select(m.ScheduledAction).where(m.ScheduledAction.status == status)
        if due_by is not None:
            query = query.where(m.ScheduledAction.run_at <= due_by)
        if created_by is not None:
            query = query.where(m.ScheduledAction.created_by == created_by)
        return [_record(r) for r in session.scalars(query.order_by(m.ScheduledAction.run_at, m.ScheduledAction.id))]


def claim_due(url: str, now: dt.datetime, limit: int = 50) -> list[ActionRecord]:
    """Claim pending actions due by `now` (pending -> running) and return them: the one place an action is taken
    to run. One conditional UPDATE ... RETURNING, so two runners (two processes on one store) never both get a row;
    on PostgreSQL the rows are picked FOR UPDATE SKIP LOCKED so runners on replicas do not wait on each other."""
    table = m.ScheduledAction
    due = (select(table.id).where(table.status == "pending", table.run_at <= now)
           .order_by(table.run_at, table.id).limit(limit))
    with session_scope(url) as session:
        if session.get_bind().dialect.name == "postgresql":
            picked = due.with_for_update(skip_locked=True).cte("due").prefix_with("MATERIALIZED")
            stmt = update(table).where(table.id == picked.c.id, table.status == "pending")
        else:  # SQLite: one writer at a time, the statement is atomic
            stmt = update(table).where(table.id.in_(due.scalar_subquery()), table.status == "pending")
        ids = list(session.scalars(stmt.values(status="running").returning(table.id)))
        rows = session.scalars(select(table).where(table.id.in_(ids)).order_by(table.run_at, table.id)) if ids else []
        return [_record(r) for r in rows]


def finish_action(url: str, record: ActionRecord, from_status: str, to_status: str, result: dict[str, Any],
                  report: str, now: dt.datetime) -> bool:
    """Settle a run (`from_status` -> `to_status`) and keep its report for the owner; a Telegram report is queued in
    the outbox in the same transaction, so it is sent once even if the service stops right after."""
    from alerts import outbox

    table = m.ScheduledAction
    with session_scope(url) as session:
        changed = session.execute(update(table).where(table.id == record.id, table.status == from_status)
                                  .values(status=to_status, result=result, report=report[:4000])).rowcount == 1
        if changed and record.channel == "telegram":
            outbox.enqueue(session, dedupe_key=f"schedule:{record.id}:{record.chat_id}", chat_id=record.chat_id,
                           text=report, now=now)
    return changed


def report_late(url: str, record: ActionRecord, text: str, detail: dict[str, Any], now: dt.datetime) -> bool:
    """A board applied a scheduled action's switch after its report said "not switched": in one transaction, keep
    `text` with the action for its owner (a Telegram owner's is queued in the outbox; a terminal owner's report is
    shown again, or extended when not yet shown), add `detail` to the action's result under "late_confirmations",
    and audit it as late_confirmation. False when the action is gone."""
    from alerts import outbox

    table = m.ScheduledAction
    with session_scope(url) as session:
        row = session.get(table, record.id, with_for_update=True)
        if row is None:
            return False
        result = dict(row.result or {})
        result["late_confirmations"] = [*result.get("late_confirmations", []), detail]
        row.result = result
        if row.report and row.reported_at is None:  # not shown yet: one report with both parts
            row.report = f"{row.report}\n{text}"[:4000]
        else:
            row.report, row.reported_at = text[:4000], None
        if record.channel == "telegram":
            key = f"schedule:{record.id}:{record.chat_id}:late:{detail.get('switch')}:{detail.get('on')}"
            outbox.enqueue(session, dedupe_key=key, chat_id=record.chat_id, text=text, now=now)
        session.add(m.CommandAudit(ts=now, user_id=record.created_by, chat_id=record.chat_id, channel=record.channel,
                                   text=record.text[:4000], intent=None, outcome="late_confirmation",
                                   detail={**detail, "action": record.id}))
    return True


def take_reports(url: str, user_id: int, now: dt.datetime, channel: str = "terminal") -> list[str]:
    """Reports of finished actions this user set from `channel` not shown yet; marks them shown."""
    table = m.ScheduledAction
    with session_scope(url) as session:
        rows = list(session.execute(select(table.id, table.report).where(
            table.created_by == user_id, table.channel == channel, table.report.is_not(None),
            table.reported_at.is_(None)).order_by(table.id)))
        if rows:
            session.execute(update(table).where(table.id.in_([r.id for r in rows]), table.reported_at.is_(None))
                            .values(reported_at=now))
        return [r.report for r in rows]


def same_pending_action(url: str, created_by: int, run_at: dt.datetime, on: bool,
                        switch_ids: Sequence[str]) -> int | None:
    """The id of this user's pending action that does the same thing within the same minute, if any."""
    table = m.ScheduledAction
    window = dt.timedelta(seconds=60)
    with session_scope(url) as session:
        rows = session.execute(select(table.id, table.switch_ids).where(
            table.created_by == created_by, table.status == "pending", table.action == ("on" if on else "off"),
            table.run_at > run_at - window, table.run_at < run_at + window)).all()
    wanted = set(switch_ids)
    return next((r.id for r in rows if set(r.switch_ids) == wanted), None)


def next_due(url: str) -> dt.datetime | None:
    with session_scope(url) as session:
        return session.scalar(select(func.min(m.ScheduledAction.run_at)).where(m.ScheduledAction.status == "pending"))


def default_rooms(url: str) -> dict[int, str]:
    with session_scope(url) as session:
        return {uid: room for uid, room in session.execute(
            select(m.User.telegram_id, m.User.default_room_id).where(m.User.default_room_id.is_not(None)))}


def set_default_room(url: str, user_id: int, room_id: str | None) -> bool:
    with session_scope(url) as session:
        return session.execute(update(m.User).where(m.User.telegram_id == user_id)
                               .values(default_room_id=room_id)).rowcount == 1


def firing_alerts(url: str, room_ids: Sequence[str] | None, limit: int = 20) -> list[m.Alert]:
    """Open alerts (firing or snoozed), newest first; `room_ids` None = all of them."""
    with session_scope(url) as session:
        query = select(m.Alert).where(m.Alert.status.in_(["firing", "acknowledged", "snoozed"]))
        if room_ids is not None:
            query = query.where(m.Alert.room_id.in_(list(room_ids)))
        return list(session.scalars(query.order_by(m.Alert.last_seen.desc()).limit(limit)))


def alert_preferences(url: str, user_id: int):
    """A user's alert preferences as the alerts component reads them (alerts.preferences.Preferences)."""
    from alerts.preferences import preferences_from_row

    with session_scope(url) as session:
        row = session.execute(select(m.User.muted_alert_types, m.User.quiet_hours)
                              .where(m.User.telegram_id == user_id)).first()
    return preferences_from_row(*(row or (None, None)))


def change_muted(url: str, user_id: int, alert_type: str, muted: bool):
    """Mute or unmute one alert type (validated by alerts.preferences); returns the new preferences."""
    from alerts.model import ALERT_TYPES
    from alerts.preferences import set_muted

    with session_scope(url) as session:
        user = session.get(m.User, user_id)
        # A type no longer known (renamed since it was stored) is dropped rather than blocking every change.
        current = {t for t in (user.muted_alert_types or ()) if t in ALERT_TYPES} if user is not None else set()
        wanted = current | {alert_type} if muted else current - {alert_type}
        set_muted(session, user_id, sorted(wanted))
    return alert_preferences(url, user_id)


def change_quiet_hours(url: str, user_id: int, start: str | None, end: str | None):
    """Set quiet hours ("22:00", "07:00") or clear them (None, None); returns the new preferences."""
    from alerts.preferences import set_quiet_hours

    with session_scope(url) as session:
        set_quiet_hours(session, user_id, start, end)
    return alert_preferences(url, user_id)
