"""Telegram webhook updates taken once across replicas (`telegram_updates`).

A load balancer may hand one update to two replicas (a retry after a slow answer), and Telegram resends an update
whose webhook call failed. The first replica to record the update id handles it; a second delivery is ignored,
unless the first was recorded more than `TAKEOVER_AFTER` ago (the replica that took it may have died before
answering, and Telegram sent it again): then it is handled again rather than lost.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from store.models import TelegramUpdate

TAKEOVER_AFTER = dt.timedelta(seconds=120)
KEEP = dt.timedelta(days=2)  # Telegram keeps an undelivered update for 24 hours


def take(engine: Engine, update_id: int, replica: str, now: dt.datetime) -> bool:
    """True when this replica should handle the update (first delivery, or a stale earlier one)."""
    insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
    stmt = insert(TelegramUpdate).values(update_id=update_id, replica=replica, received_at=now)
    stmt = stmt.on_conflict_do_update(
        index_elements=["update_id"], set_={"replica": stmt.excluded.replica, "received_at": stmt.excluded.received_at},
        where=TelegramUpdate.received_at < now - TAKEOVER_AFTER)
    with engine.begin() as conn:
        taken = conn.execute(stmt.returning(TelegramUpdate.update_id)).first() is not None
        if taken and update_id % 1000 == 0:  # now and then, forget old ids
            conn.execute(delete(TelegramUpdate).where(TelegramUpdate.received_at < now - KEEP))
    return taken
