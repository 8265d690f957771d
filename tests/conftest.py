"""Shared fixtures: database URLs for SQLite and for PostgreSQL (a private schema per test), campus files."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
DEMO_CAMPUS = ROOT / "autovolt" / "demo" / "campus.yaml"
MINIMAL_CAMPUS = FIXTURES / "minimal_campus.yaml"
# The minimal campus plus `subdivision: MH` and two closures (lines 6 and 9-11).
CLOSURES_CAMPUS = FIXTURES / "closures_campus.yaml"
POSTGRES_ADMIN_URL = os.environ.get("AUTOVOLT_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


async def until(predicate: Callable[[], object], what: str, timeout: float = 20.0, *, pause: float = 0.05,
                blocking: bool = False) -> object:
    """Wait for `predicate()` to be true on the running loop and return its value: a loaded machine is slower, never
    wrong, so no fixed sleep. `blocking` runs a predicate that does I/O (a database read) off the loop."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not (value := await asyncio.to_thread(predicate) if blocking else predicate()):
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for: {what} ({timeout:.0f} s)")
        await asyncio.sleep(pause)
    return value


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'autovolt.db'}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A schema of its own in the shared `test` database, dropped afterwards, so tests can run side by side."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{POSTGRES_ADMIN_URL}?options=-csearch_path%3D{schema}"
    finally:
        from store.db import get_engine

        get_engine(f"{POSTGRES_ADMIN_URL}?options=-csearch_path%3D{schema}").dispose()
        get_engine.cache_clear()
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """Every storage test runs on both databases."""
    return request.getfixturevalue(f"{request.param}_url")
