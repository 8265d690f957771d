"""A private PostgreSQL schema on the local server for one benchmark run, dropped afterwards.

The benchmarks share the developer machine's PostgreSQL (127.0.0.1:5432, database `test`, trust auth) with the
tests; a schema of their own keeps runs apart and leaves nothing behind.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Engine, create_engine, text

from store.db import get_engine

PG_BASE = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@dataclass(frozen=True)
class Schema:
    """`name` of the schema, the SQLAlchemy `url` whose search path is it, and an autocommit `admin` engine on the
    database (for VACUUM, ANALYZE and size queries, which the benchmark's own sessions cannot run)."""

    name: str
    url: str
    admin: Engine


@contextmanager
def private_schema(prefix: str = "bench") -> Iterator[Schema]:
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_BASE, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{name}"'))
    url = f"{PG_BASE}?options=-csearch_path%3D{name}"
    try:
        yield Schema(name, url, admin)
    finally:
        get_engine(url).dispose()  # the store's cached engine holds connections into the schema
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()
