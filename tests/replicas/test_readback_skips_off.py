"""The writers' read-back leaves out the others' "off" rows stored after an "off" (energy 0: they change no interval's
energy), and the stored energy is still that of the stored sequence, late samples included."""

from __future__ import annotations

import datetime as dt
import random
import threading

import pytest

from devices.ingest import IngestWriter
from devices.model import RelayReport
from store.campus import load_campus_file
from store.db import session_scope, upgrade
from store.registry import sync_campus
from tests.conftest import DEMO_CAMPUS
from tests.replicas.test_energy_partitions import _stored

T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc)
LIGHTS = ("cr-101-panel", 16)  # cr-101-lights, 320 W


def _campus(url: str):
    campus = load_campus_file(DEMO_CAMPUS)
    upgrade(url)
    with session_scope(url) as session:
        sync_campus(session, campus)
    return campus


def _at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def _write(writer: IngestWriter, seconds: float, on: bool) -> None:
    writer.submit(_at(seconds), RelayReport(*LIGHTS, on, "state"))
    assert writer.drain(10)


def _sequences(url: str) -> dict[str, list[tuple[dt.datetime, bool, float | None]]]:
    """The stored rows per switch (tests/replicas/test_energy_partitions.py's `_stored`), times in UTC."""
    def utc(ts: dt.datetime | str) -> dt.datetime:
        value = ts if isinstance(ts, dt.datetime) else dt.datetime.fromisoformat(ts)
        return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)

    return {switch_id: [(utc(ts), bool(state), energy) for ts, state, energy in rows]
            for switch_id, rows in _stored(url).items()}


def _sequence_energy(sequence: list[tuple[dt.datetime, bool, float | None]], watts: float) -> float:
    return sum(watts * min((ts - prev_ts).total_seconds(), 90.0) / 3600
               for (prev_ts, prev_on, _), (ts, _, _) in zip(sequence, sequence[1:]) if prev_on)


@pytest.mark.parametrize("partitions", [False, True], ids=["one-section", "partitions"])
def test_an_off_after_off_is_not_read_back_and_a_late_on_before_it_is_still_counted(db_url, partitions):
    """A stores "off" at 0 s; B stores "off" at 30 s (after an "off": energy 0, so A does not read it back), then
    "on" at 20 s (late, between the two). A's next sample, "off" at 40 s, follows B's "off" at 30 s: no energy. (Had
    A taken the late "on" it read back for the newest sample, it would count 20 s of light.)"""
    campus = _campus(db_url)
    a, b = (IngestWriter(db_url, campus, energy_partitions=partitions),
            IngestWriter(db_url, campus, energy_partitions=partitions))
    offered: list[tuple] = []
    offer = a.ledger.accountant.offer_many

    def recording(rows, rated, unsure):
        offered.extend(r for r in rows if r[0] == "cr-101-lights")
        return offer(rows, rated, unsure)

    a.ledger.accountant.offer_many = recording
    a.start()
    b.start()
    try:
        _write(a, 0, False)
        _write(b, 30, False)
        _write(b, 20, True)
        _write(a, 40, False)
        _write(b, 50, True)
        _write(a, 60, True)
        _write(b, 70, False)
        _write(a, 80, False)
    finally:
        a.close()
        b.close()
    sequence = _sequences(db_url)["cr-101-lights"]
    assert [(ts, on) for ts, on, _ in sequence] == [(_at(s), on) for s, on in (
        (0, False), (20, True), (30, False), (40, False), (50, True), (60, True), (70, False), (80, False))]
    # On 20-30 s and 50-70 s: 30 s at 320 W.
    assert sum(e or 0.0 for _, _, e in sequence) == pytest.approx(320 * 30 / 3600)
    assert _sequence_energy(sequence, 320) == pytest.approx(320 * 30 / 3600)
    seen = {(ts, bool(state)) for _, ts, state, _ in offered}
    assert (_at(30), False) not in seen  # "off" after "off": not read back
    assert (_at(20), True) in seen and (_at(50), True) in seen  # "on" rows are
    assert (_at(70), False) in seen  # and an "off" after an "on"


@pytest.mark.postgres
@pytest.mark.parametrize("seed", [3, 11, 29])
def test_three_writers_with_long_runs_of_off_count_the_stored_sequence_once(postgres_url, seed):
    """Three writers with partitions, switches that stay off (or on) for many samples in a row, every sample handed
    to one writer at random and arriving up to 30 s late, the writers sometimes writing at the same time: each
    switch's stored energy equals its stored sequence's."""
    campus = _campus(postgres_url)
    writers = [IngestWriter(postgres_url, campus, energy_partitions=True) for _ in range(3)]
    relays = sorted((board, relay, sw.id, writers[0].ledger.rated[sw.id])
                    for (board, relay), sw in writers[0]._switch_at.items() if sw.id in writers[0].ledger.rated)[:10]
    draw = random.Random(seed)
    samples = []  # (arrival, writer, ts, board, relay, on)
    for board, relay, _, _ in relays:
        second, on = 0.0, draw.random() < 0.3
        for _ in range(30):
            second += draw.choice((5, 7, 11))
            if draw.random() < 0.2:
                on = not on
            samples.append((second + draw.uniform(0, 30), draw.choice(writers), _at(second), board, relay, on))
    samples.sort(key=lambda s: s[0])
    for w in writers:
        w.start()
    try:
        for _, writer, when, board, relay, on in samples:
            writer.submit(when, RelayReport(board, relay, on, "state"))
            if draw.random() < 0.2:
                done = [threading.Thread(target=w.drain, args=(20,)) for w in writers]
                for t in done:
                    t.start()
                for t in done:
                    t.join()
        assert all(w.drain(20) for w in writers)
    finally:
        for w in writers:
            w.close()
    stored = _sequences(postgres_url)
    for _, _, switch_id, watts in relays:
        sequence = stored[switch_id]
        assert len(sequence) == 30  # every sample stored once
        assert sum(e or 0.0 for _, _, e in sequence) == pytest.approx(_sequence_energy(sequence, watts), abs=1e-9)


def test_an_on_newer_than_an_off_read_back_makes_the_switch_unsure_whatever_the_rows_order():
    """Kept "on" at 1 s; read back: "off" at 5 s and "on" at 6 s (the "on" may be late, with an unread "off" after
    it). In either order the switch becomes unsure; without the "on" it is kept "off" at 5 s."""
    from devices.energy import EnergyAccountant

    rated = {"s": 100.0}
    for rows in ([("s", _at(5), False, None), ("s", _at(6), True, None)],
                 [("s", _at(6), True, None), ("s", _at(5), False, None)]):
        accountant, unsure = EnergyAccountant(), set()
        accountant.offer_relay("s", _at(1), True)
        accountant.offer_many(rows, rated, unsure)
        assert unsure == {"s"}
    accountant, unsure = EnergyAccountant(), set()
    accountant.offer_relay("s", _at(1), True)
    accountant.offer_many([("s", _at(3), True, None), ("s", _at(5), False, None)], rated, unsure)
    assert unsure == set() and accountant.newest_relay("s") == (_at(5), False)
    accountant.offer_many([("s", _at(4), True, None)], rated, unsure)  # older than the kept "off": changes nothing
    assert unsure == set() and accountant.newest_relay("s") == (_at(5), False)
    accountant.offer_many([("s", _at(7), True, None)], rated, unsure)  # "on" after the kept "off"
    assert unsure == {"s"}
