"""The delivery outbox (`deliveries` table): every message to every recipient is written here, in the same
transaction as the decision to send it, before anything goes to Telegram.

Row life: pending -> sending (claimed, with a lease) -> sent | pending (retry later) | failed (Telegram refused it
for good) | cancelled (the alert was acknowledged or resolved before a deferred message went out).

- Never twice: `dedupe_key` is unique, so a repeated decision (a restart, a second scan) inserts nothing; a claim
  is one conditional UPDATE ... RETURNING (on PostgreSQL over `SELECT ... FOR UPDATE SKIP LOCKED`), so two
  senders, in one process or in N replicas, never get the same row; `sent` is final.
- Never lost: a row leaves `pending` only when Telegram accepted it or refused it for good; a sender that dies
  mid-send leaves a `sending` row whose lease runs out and which is then sent again. The sender claims one row at
  a time, just before sending it, with a short lease: a kill -9 delays only the messages in flight.
- In order: a row is claimable only when no earlier row of its chat is in flight, due, or waiting for a retry, so
  each chat reads its messages in the order they were written whichever replica sends them. (Telegram has no idempotency
  key: a crash after Telegram accepted a message but before it was marked sent is the one case that can repeat,
  and we prefer that to losing an alert.)

Dedupe keys: `alert:<id>:n<k>:<chat>` announcement k (0 = first), `alert:<id>:resolved:<chat>`,
`alert:<id>:ack:<chat>`, `alert:<id>:snooze<n>:<chat>`, `digest:<date>:<chat>`.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, and_, exists, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, aliased

from store.models import Delivery

PENDING, SENDING, SENT, FAILED, CANCELLED = "pending", "sending", "sent", "failed", "cancelled"
STATUSES = (PENDING, SENDING, SENT, FAILED, CANCELLED)


@dataclass(frozen=True)
class OutboxItem:
    """A claimed message. attempts counts this one. buttons: inline keyboard rows (may be empty)."""

    id: int
    dedupe_key: str
    chat_id: int
    text: str
    buttons: list[Any]
    alert_id: int | None
    attempts: int


@dataclass(frozen=True)
class RetryPolicy:
    """Back-off for network errors and 5xx: base * 2^(attempt-1), capped, with +-jitter; after `max_attempts`
    such failures a row is marked failed (429 waits never count against it). lease_s: how long a claimed row is
    reserved for its sender before another may take it."""

    base_s: float = 1.0
    cap_s: float = 300.0
    jitter: float = 0.2
    max_attempts: int = 60
    lease_s: float = 30.0  # twice the Bot API client's 15 s timeout: a live sender always answers within it

    def delay(self, attempt: int, rng: random.Random | None = None) -> float:
        raw = min(self.base_s * (2 ** max(attempt - 1, 0)), self.cap_s)
        spread = (rng or random).uniform(-self.jitter, self.jitter) if self.jitter else 0.0
        return max(raw * (1 + spread), 0.0)


def notice_key(alert_id: int, number: int, chat_id: int) -> str:
    return f"alert:{alert_id}:n{number}:{chat_id}"


def event_key(alert_id: int, event: str, chat_id: int) -> str:
    return f"alert:{alert_id}:{event}:{chat_id}"


def enqueue(session: Session, *, dedupe_key: str, chat_id: int, text: str, now: dt.datetime,
            deliver_at: dt.datetime | None = None, buttons: list[Any] | None = None,
            alert_id: int | None = None) -> bool:
    """Add a message unless one with the same dedupe key exists; True when added. Part of the caller's transaction."""
    values = {"dedupe_key": dedupe_key, "chat_id": chat_id, "text": text, "buttons": buttons or [],
              "alert_id": alert_id, "status": PENDING, "attempts": 0, "created_at": now,
              "next_attempt_at": deliver_at or now}
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        stmt = pg_insert(Delivery).values(**values).on_conflict_do_nothing(index_elements=["dedupe_key"])
    elif dialect == "sqlite":
        stmt = sqlite_insert(Delivery).values(**values).on_conflict_do_nothing(index_elements=["dedupe_key"])
    else:  # other databases: look first (the unique constraint still guards against a race)
        if session.scalar(select(Delivery.id).where(Delivery.dedupe_key == dedupe_key)) is not None:
            return False
        session.add(Delivery(**values))
        session.flush()
        return True
    # RETURNING says for certain whether a row went in (rowcount is unreliable for ON CONFLICT DO NOTHING).
    return session.execute(stmt.returning(Delivery.id)).scalar() is not None


_RETURNING = (Delivery.id, Delivery.dedupe_key, Delivery.chat_id, Delivery.text, Delivery.buttons, Delivery.alert_id,
              Delivery.attempts)


def _item(row: Any) -> OutboxItem:
    return OutboxItem(row.id, row.dedupe_key, row.chat_id, row.text, list(row.buttons or []), row.alert_id, row.attempts)


def claim_next(engine: Engine, now: dt.datetime, policy: RetryPolicy = RetryPolicy()) -> OutboxItem | None:
    """Reserve the oldest due row whose chat has no earlier message still on its way; None when there is none."""
    # Aliases on both sides: inside the UPDATE, a bare `deliveries` in the subquery would correlate to its target.
    row, earlier = aliased(Delivery), aliased(Delivery)
    blocked = exists().where(
        earlier.chat_id == row.chat_id, earlier.id < row.id,
        or_(earlier.status == SENDING,
            and_(earlier.status == PENDING, or_(earlier.next_attempt_at <= now, earlier.attempts > 0))))
    due = (select(row.id).where(row.status == PENDING, row.next_attempt_at <= now, ~blocked)
           .order_by(row.next_attempt_at, row.id).limit(1))
    values = {"status": SENDING, "attempts": Delivery.attempts + 1,
              "next_attempt_at": now + dt.timedelta(seconds=policy.lease_s)}
    if engine.dialect.name == "postgresql":
        # SKIP LOCKED: a row another replica is claiming right now is passed over, not waited for. The earlier-row
        # check reads committed rows, and an earlier row is pending or sending in every snapshot, so two replicas
        # can never both take consecutive messages of one chat.
        picked = due.with_for_update(of=row, skip_locked=True).cte("due").prefix_with("MATERIALIZED")
        stmt = update(Delivery).where(Delivery.id == picked.c.id, Delivery.status == PENDING)
    else:  # SQLite: one writer at a time, the statement is atomic
        stmt = update(Delivery).where(Delivery.id == due.correlate(None).scalar_subquery(), Delivery.status == PENDING)
    with engine.begin() as conn:
        row = conn.execute(stmt.values(**values).returning(*_RETURNING)).first()
    return _item(row) if row is not None else None


def claim(engine: Engine, now: dt.datetime, limit: int, policy: RetryPolicy = RetryPolicy()) -> list[OutboxItem]:
    """Reserve up to `limit` due rows at once (oldest due first), ignoring chat order: for tools and tests that read
    what is queued. The sender uses `claim_next`."""
    due = (select(Delivery.id).where(Delivery.status == PENDING, Delivery.next_attempt_at <= now)
           .order_by(Delivery.next_attempt_at, Delivery.id).limit(limit))
    values = {"status": SENDING, "attempts": Delivery.attempts + 1,
              "next_attempt_at": now + dt.timedelta(seconds=policy.lease_s)}
    returning = _RETURNING
    if engine.dialect.name == "postgresql":
        # A materialised CTE picks the rows once (an IN (subquery LIMIT n) may be re-run and take more), and
        # SKIP LOCKED lets several senders share the table without waiting on each other.
        picked = due.with_for_update(skip_locked=True).cte("due").prefix_with("MATERIALIZED")
        stmt = (update(Delivery).where(Delivery.id == picked.c.id, Delivery.status == PENDING)
                .values(**values).returning(*returning))
    else:  # SQLite: one writer at a time, the statement is atomic
        stmt = (update(Delivery).where(and_(Delivery.id.in_(due.scalar_subquery()), Delivery.status == PENDING))
                .values(**values).returning(*returning))
    with engine.begin() as conn:
        rows = conn.execute(stmt).all()
    items = [_item(r) for r in rows]
    items.sort(key=lambda i: i.id)  # per-chat order = creation order
    return items


def mark_sent(engine: Engine, item_id: int, message_id: int | None, now: dt.datetime) -> bool:
    with engine.begin() as conn:
        return bool(conn.execute(update(Delivery).where(Delivery.id == item_id, Delivery.status == SENDING)
                                 .values(status=SENT, sent_at=now, message_id=message_id, last_error=None)).rowcount)


def mark_retry(engine: Engine, item_id: int, at: dt.datetime, error: str) -> bool:
    with engine.begin() as conn:
        return bool(conn.execute(update(Delivery).where(Delivery.id == item_id, Delivery.status == SENDING)
                                 .values(status=PENDING, next_attempt_at=at, last_error=error[:500])).rowcount)


def mark_failed(engine: Engine, item_id: int, error: str) -> bool:
    with engine.begin() as conn:
        return bool(conn.execute(update(Delivery).where(Delivery.id == item_id, Delivery.status == SENDING)
                                 .values(status=FAILED, last_error=error[:500])).rowcount)


def recover_expired(engine: Engine, now: dt.datetime) -> int:
    """Rows whose sender died mid-send (lease over) go back to pending. Returns how many."""
    with engine.begin() as conn:
        return int(conn.execute(update(Delivery).where(Delivery.status == SENDING, Delivery.next_attempt_at <= now)
                                .values(status=PENDING, last_error="sender stopped before the result was known"))
                   .rowcount)


def next_due(engine: Engine) -> dt.datetime | None:
    """When the earliest pending row is due (None = nothing pending)."""
    with Session(engine) as session:
        return session.scalar(select(func.min(Delivery.next_attempt_at)).where(Delivery.status == PENDING))


def counts(engine: Engine) -> dict[str, int]:
    """Rows per status (every status present, zero when none)."""
    with Session(engine) as session:
        found = dict(session.execute(select(Delivery.status, func.count()).group_by(Delivery.status)).all())
    return {status: int(found.get(status, 0)) for status in STATUSES}
