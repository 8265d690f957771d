"""Rows of `chat_memory`: one per chat, the JSON its conversation keeps between messages (bot.chat_memory reads and
writes it; this module only stores it).

Two replicas may handle two messages of one chat at the same time (Telegram sends the next message before the
first one's answer if the user is quick, and a load balancer may give them to different replicas). Each write is
one statement that replaces the whole row, so a row is always one message's state, never a mixture of two; and it
only replaces a row written by a message that started no later than its own, so the message the user sent last
wins, not the one that happened to finish last.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Engine, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from store.models import ChatMemory, User

PURGE_EVERY = 500  # writes between two deletions of expired rows (by the replica that made the write)


def read(engine: Engine, chat_id: int, user_id: int, now: dt.datetime) -> tuple[dict[str, Any] | None, str | None]:
    """The chat's stored state (None when there is none or it has expired), and the default room of the user
    writing (None when unset): another replica may have set it (/myroom) since this one started, and a message
    that names no room is about it. One statement: the user's row, the chat's state as a subquery beside it."""
    state = (select(ChatMemory.state).where(ChatMemory.chat_id == chat_id, ChatMemory.expires_at > now)
             .scalar_subquery())
    with engine.connect() as conn:
        row = conn.execute(select(state, User.default_room_id).where(User.telegram_id == user_id)).first()
    if row is None:  # not a user in the store (the campus file lost them since this replica started)
        return None, None
    return row[0], row[1]


def write(engine: Engine, chat_id: int, state: dict[str, Any], turn_at: dt.datetime, expires_at: dt.datetime) -> bool:
    """Store the chat's state, unless a message that started after `turn_at` already stored its own; True if
    written."""
    insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
    stmt = insert(ChatMemory).values(chat_id=chat_id, state=state, turn_at=turn_at, expires_at=expires_at)
    stmt = stmt.on_conflict_do_update(
        index_elements=["chat_id"],
        set_={"state": stmt.excluded.state, "turn_at": stmt.excluded.turn_at,
              "expires_at": stmt.excluded.expires_at},
        where=ChatMemory.turn_at <= stmt.excluded.turn_at)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            # Not waited for on disk: the row is visible to every replica at commit all the same; a database crash
            # may lose the last fraction of a second of chat memory (a follow-up then reads as a first message),
            # which costs less than the flush each message would wait for (docs/benchmarks.md, replicas).
            conn.exec_driver_sql("SET LOCAL synchronous_commit = off")
        return conn.execute(stmt.returning(ChatMemory.chat_id)).first() is not None


def purge(engine: Engine, now: dt.datetime) -> int:
    """Delete the rows nothing may use any more; how many were deleted."""
    with engine.begin() as conn:
        return conn.execute(delete(ChatMemory).where(ChatMemory.expires_at <= now)).rowcount
