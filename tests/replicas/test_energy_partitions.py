"""The energy section split into partitions (PostgreSQL): a writer writes the partitions no other writer holds
instead of waiting for the whole section, and whatever order the samples reach the writers in, the stored energy
is that of the stored sequence."""

from __future__ import annotations

import datetime as dt
import random
import threading
import time

import pytest
from sqlalchemy import create_engine, text

from devices.ingest import IngestWriter
from devices.model import RelayReport
from devices.stored_energy import ENERGY_LOCK, PARTITIONS, partition_of
from store.campus import load_campus_file
from store.db import session_scope, upgrade
from store.registry import sync_campus
from tests.conftest import DEMO_CAMPUS

pytestmark = pytest.mark.postgres

T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc)


def _campus(url: str):
    campus = load_campus_file(DEMO_CAMPUS)
    upgrade(url)
    with session_scope(url) as session:
        sync_campus(session, campus)
    return campus


def _relays(writer: IngestWriter) -> list[tuple[str, int, str, float]]:
    """(board, relay, switch id, rated W) of every energy-counted relay switch, in a fixed order."""
    return sorted((board, relay, sw.id, writer.ledger.rated[sw.id])
                  for (board, relay), sw in writer._switch_at.items() if sw.id in writer.ledger.rated)


def _stored(url: str) -> dict[str, list[tuple[dt.datetime, bool, float | None]]]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT switch_id, ts, state, energy_wh FROM readings "
                                     "WHERE switch_id IS NOT NULL AND state IS NOT NULL ORDER BY ts, id")).all()
    finally:
        engine.dispose()
    out: dict[str, list] = {}
    for switch_id, ts, state, energy in rows:
        out.setdefault(switch_id, []).append((ts, state, energy))
    return out


def test_late_samples_in_any_order_count_the_stored_sequence_once(postgres_url):
    """Two writers, each sample handed to one of them, arriving up to 40 s late in a random order, the writers
    sometimes committing at the same time. Each switch's stored energy equals its stored sequence's (on-time x
    rated watts, gaps capped at 90 s)."""
    campus = _campus(postgres_url)
    a, b = (IngestWriter(postgres_url, campus, energy_partitions=True),
            IngestWriter(postgres_url, campus, energy_partitions=True))
    relays = _relays(a)[:12]
    assert len({partition_of(board, PARTITIONS) for board, _, _, _ in relays}) > 1
    draw = random.Random(17)
    samples = []  # (arrival time, writer, ts, board, relay, on)
    for board, relay, _, _ in relays:
        second = 0.0
        for _ in range(25):
            second += draw.choice((5, 7, 11, 120))  # a 120 s gap now and then: capped at 90 s
            when = T0 + dt.timedelta(seconds=second)
            samples.append((second + draw.uniform(0, 40), draw.choice((a, b)), when, board, relay,
                            draw.random() < 0.6))
    samples.sort(key=lambda s: s[0])
    a.start()
    b.start()
    try:
        for i, (_, writer, when, board, relay, on) in enumerate(samples):
            writer.submit(when, RelayReport(board, relay, on, "state"))
            if draw.random() < 0.15:  # both write what they hold, at the same time
                done = [threading.Thread(target=w.drain, args=(20,)) for w in (a, b)]
                for t in done:
                    t.start()
                for t in done:
                    t.join()
        assert a.drain(20) and b.drain(20)
    finally:
        a.close()
        b.close()
    stored = _stored(postgres_url)
    rated = {switch_id: watts for _, _, switch_id, watts in relays}
    late = 0
    for switch_id, watts in rated.items():
        sequence = stored[switch_id]
        assert len(sequence) == 25  # every sample stored once
        expected = sum(watts * min((ts - prev_ts).total_seconds(), 90.0) / 3600
                       for (prev_ts, prev_on, _), (ts, _, _) in zip(sequence, sequence[1:]) if prev_on)
        assert sum(e or 0.0 for _, _, e in sequence) == pytest.approx(expected, abs=1e-9)
        late += sum(1 for _, _, e in sequence if e is not None and e < 0)  # a late "off" takes energy back
    assert late > 0  # the late path ran (a late "off" between two "on"s gives a negative correction)


def test_a_held_partition_does_not_stop_the_others(postgres_url):
    """While another transaction holds the last partition a batch touches (another writer ahead in the pipeline),
    the writer stores the batch's rows of the partitions before it at once; the held partition's rows follow as
    soon as it is free."""
    campus = _campus(postgres_url)
    writer = IngestWriter(postgres_url, campus, energy_partitions=True)
    relays = _relays(writer)
    held = max(partition_of(board, PARTITIONS) for board, _, _, _ in relays)
    blocked = [r for r in relays if partition_of(r[0], PARTITIONS) == held]
    free = [r for r in relays if partition_of(r[0], PARTITIONS) != held]
    assert blocked and free
    admin = create_engine(postgres_url)
    writer.start()
    try:
        with admin.connect() as conn, conn.begin():
            conn.execute(text(f"SELECT pg_advisory_xact_lock(hashtext(current_schema()), {ENERGY_LOCK + 1 + held})"))
            for board, relay, _, _ in relays:
                writer.submit(T0, RelayReport(board, relay, True, "state"))
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and writer.stats.readings_written < len(free):
                time.sleep(0.05)
            assert writer.stats.readings_written == len(free)  # everything but the held partition
            assert set(_stored(postgres_url)) == {switch_id for _, _, switch_id, _ in free}
        assert writer.drain(20)
    finally:
        writer.close()
        admin.dispose()
    assert set(_stored(postgres_url)) == {switch_id for _, _, switch_id, _ in relays}


def test_a_writer_of_the_version_before_partitions_still_excludes_this_one(postgres_url):
    """During a rolling upgrade an older replica takes the single energy lock exclusively: this version takes it
    shared, so it writes nothing while the older one is in its section."""
    campus = _campus(postgres_url)
    writer = IngestWriter(postgres_url, campus, energy_partitions=True)
    board, relay, switch_id, _ = _relays(writer)[0]
    admin = create_engine(postgres_url)
    writer.start()
    try:
        with admin.connect() as conn, conn.begin():
            conn.execute(text(f"SELECT pg_advisory_xact_lock(hashtext(current_schema()), {ENERGY_LOCK})"))
            writer.submit(T0, RelayReport(board, relay, True, "state"))
            assert not writer.drain(1.5)  # waits for the older writer's section
            assert writer.stats.readings_written == 0
        assert writer.drain(20)
    finally:
        writer.close()
        admin.dispose()
    assert set(_stored(postgres_url)) == {switch_id}


def test_the_setting_reaches_the_services_writer(postgres_url, monkeypatch):
    """AUTOVOLT_ENERGY_PARTITIONS goes from the settings through the devices component to the ingest writer; off by
    default."""
    import asyncio

    from autovolt.components import DevicesComponent
    from autovolt.settings import Settings

    campus = _campus(postgres_url)

    async def partitions(settings: Settings) -> int:
        component = DevicesComponent(campus, None, postgres_url, energy_partitions=settings.energy_partitions)
        await component.start()
        try:
            return component.runtime.writer.ledger.partitions
        finally:
            await component.stop()

    assert asyncio.run(partitions(Settings())) == 1
    monkeypatch.setenv("AUTOVOLT_ENERGY_PARTITIONS", "true")
    assert asyncio.run(partitions(Settings())) == PARTITIONS


def _alternate(writers: list[IngestWriter], relays: list, samples: int = 12) -> None:
    """Every relay's samples 7 s apart, in time order, handed to the writers in turn (a shared subscription)."""
    draw = random.Random(5)
    for w in writers:
        w.start()
    try:
        for n in range(samples):
            writer = writers[n % len(writers)]
            for board, relay, _, _ in relays:
                writer.submit(T0 + dt.timedelta(seconds=7 * n), RelayReport(board, relay, draw.random() < 0.6, "state"))
            assert writer.drain(20)
    finally:
        for w in writers:
            w.close()


def _assert_sequences_counted_once(url: str, relays: list, samples: int = 12) -> None:
    stored = _stored(url)
    for _, _, switch_id, watts in relays:
        sequence = stored[switch_id]
        assert len(sequence) == samples
        expected = sum(watts * (ts - prev_ts).total_seconds() / 3600
                       for (prev_ts, prev_on, _), (ts, _, _) in zip(sequence, sequence[1:]) if prev_on)
        assert sum(e or 0.0 for _, _, e in sequence) == pytest.approx(expected, abs=1e-9)


def test_a_writer_without_partitions_beside_partitioned_ones_counts_once(postgres_url):
    """While the setting is changed replica by replica, writers with and without partitions share the fleet: each
    reads back the other's rows, so every interval is counted once. (A read-back by a partition tag that only
    partitioned writers store, tried on 6 December, missed the other's rows: 2x the energy here.)"""
    campus = _campus(postgres_url)
    writers = [IngestWriter(postgres_url, campus, energy_partitions=True),
               IngestWriter(postgres_url, campus, energy_partitions=False)]
    relays = _relays(writers[0])[:10]
    _alternate(writers, relays)
    _assert_sequences_counted_once(postgres_url, relays)
