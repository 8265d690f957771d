"""Three replicas in an MQTT 5 share group on one PostgreSQL: the broker hands each board's reports to them in turn,
and the stored energy is still the energy the boards used, counted once.

Every relay of the demo campus is on for the whole run, so the energy of a switch is known: its rated watts for the
time between its first and its last stored sample (every interval is far below the 90 s gap cap). The Tasmota
meters integrate their own power: the stored energy of a meter is its counter's rise. Before the energy was computed
from the stored samples, each replica counted from its own previous sample: about three times these figures.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict

import pytest
from sqlalchemy import func, select

from devices.gateway import Gateway
from devices.ingest import IngestWriter
from devices.mqtt import MqttConfig, MqttTransport
from devices.runtime import replica_transport
from devices.simulator import SimTiming, SimulatedFleet
from store import models as m
from store.campus import load_campus_file
from store.db import session_scope, upgrade
from store.registry import sync_campus
from tests.conftest import DEMO_CAMPUS
from tests.devices.conftest import PrivateBroker

pytestmark = [pytest.mark.broker, pytest.mark.postgres]
# Relay reports every 0.2 s against 0.25 s writer batches: the replicas' batches interleave, so samples arrive late
# too. Meters every second: readings are stamped when a replica receives them, and two reports a moment apart
# handed to two busy replicas can be stamped in swapped order (a counter going down reads as a reset).
CHATTY = SimTiming(state_interval_s=0.2, heartbeat_interval_s=1.0, tele_period_s=1.0)
RUN_S = 8.0


@pytest.mark.parametrize("partitions", [False, True], ids=["one-section", "partitions"])
async def test_three_replicas_in_a_share_group_store_each_intervals_energy_once(postgres_url, tmp_path, partitions):
    campus = load_campus_file(DEMO_CAMPUS)
    upgrade(postgres_url)
    with session_scope(postgres_url) as session:
        sync_campus(session, campus)
    broker = PrivateBroker(tmp_path / "broker")
    broker.workdir.mkdir()
    broker.start()
    config = MqttConfig.from_url(broker.url())
    writers = [IngestWriter(postgres_url, campus, energy_partitions=partitions) for _ in range(3)]
    replicas = [Gateway(campus, replica_transport(config, f"energy-replica-{i}", "energy"), sink=writers[i])
                for i in range(3)]
    fleet = SimulatedFleet(campus, MqttTransport(config, clean_session=True), CHATTY)
    for board in fleet.boards.values():
        for relay in board.relays:
            board.relays[relay] = True  # everything on: known power
    try:
        for writer in writers:
            await asyncio.to_thread(writer.start)
        for gateway in replicas:
            await gateway.start()
            assert await gateway.transport.wait_connected(10)
        started = time.monotonic()
        await fleet.start()
        assert await fleet.transport.wait_connected(10)
        await asyncio.sleep(RUN_S)
        await fleet.stop()
        ran = time.monotonic() - started
        await asyncio.sleep(1.0)  # the last messages arrive
    finally:
        for gateway in replicas:
            await gateway.stop()
        for writer in writers:
            await asyncio.to_thread(writer.drain, 30)
            await asyncio.to_thread(writer.close)
        broker.stop()
    shares = [gateway.stats.messages for gateway in replicas]
    assert all(n > 0 for n in shares), shares  # the broker spread the reports over the three

    metered = {b.id for b in campus.boards if b.protocol == "tasmota"}
    rated = {s.id: s.rated_watts for s in campus.switches if s.board_id and s.board_id not in metered}
    r = m.Reading
    with session_scope(postgres_url) as session:
        per_switch = session.execute(
            select(r.switch_id, func.min(r.ts), func.max(r.ts), func.count(), func.sum(r.energy_wh))
            .where(r.switch_id.in_(list(rated)), r.state.is_not(None)).group_by(r.switch_id)).all()
        meter_rows = session.execute(select(r.board_id, r.ts, r.meter_kwh, r.energy_wh, r.power_w)
                                     .where(r.source == "meter").order_by(r.board_id, r.ts)).all()
    assert {row[0] for row in per_switch} == set(rated)
    expected = stored = 0.0
    for switch_id, first, last, samples, energy in per_switch:
        span = (last - first).total_seconds()
        assert samples >= 10 and RUN_S - 4.0 <= span <= ran + 0.5, (switch_id, samples, span)
        # Known power for a known time, per switch, to a millionth of a watt-hour.
        assert energy == pytest.approx(rated[switch_id] * span / 3600, abs=1e-6), switch_id
        expected += rated[switch_id] * span / 3600
        stored += energy
    assert stored == pytest.approx(expected, rel=1e-9)

    meters: dict[str, list] = defaultdict(list)
    for row in meter_rows:
        meters[row.board_id].append(row)
    assert set(meters) == metered
    for board_id, rows in meters.items():
        assert len(rows) >= 5 and all(row.meter_kwh is not None for row in rows)
        # The counter's rise, once, whichever replica stored which report (it only rises here: no reset). The
        # simulated counter starts at 0 at the first report, so even a swapped first pair counts right.
        rise_wh = (max(row.meter_kwh for row in rows) - min(row.meter_kwh for row in rows)) * 1000
        assert sum(row.energy_wh or 0.0 for row in rows) == pytest.approx(rise_wh, abs=1e-6), board_id
        # And about the board's power for that time (the counter is rounded to 10 mWh; stamps are receipt times).
        span = (rows[-1].ts - rows[0].ts).total_seconds()
        assert rise_wh == pytest.approx(rows[-1].power_w * span / 3600, rel=0.15, abs=0.05), board_id
