"""Issue 18 item 4: absurd meter values (a counter of 1e12 kWh, a power of 1e308 W, infinity, negative power) are
refused and counted by reason, the last good counter is kept, and nothing else is refused (both protocols)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json

import pytest
from prometheus_client import CollectorRegistry, generate_latest
from sqlalchemy import select

from autovolt.metrics import GatewayCollector
from devices.energy import EnergyAccountant
from devices.gateway import Gateway
from devices.ingest import IngestWriter
from devices.model import Outcome
from devices.mqtt import MqttConfig, MqttTransport
from devices.plausibility import Implausible, power_limits
from devices.simulator import QUIET_TIMING, SimulatedFleet
from store import models as m
from store.db import get_engine

from .conftest import SHARED_BROKER

pytestmark = pytest.mark.broker
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)


def test_a_counter_jump_is_refused_and_the_last_good_counter_kept():
    acc = EnergyAccountant()
    limit = 3000.0  # W: at most 50 Wh a minute
    assert acc.meter("b", 100.0, T0, limit) is None
    assert acc.meter("b", 100.02, T0 + dt.timedelta(minutes=1), limit) == pytest.approx(20.0)
    with pytest.raises(Implausible):
        acc.meter("b", 1e12, T0 + dt.timedelta(minutes=2), limit)
    # Not a "counter reset" credited in full: the step from the last good counter.
    assert acc.meter("b", 100.06, T0 + dt.timedelta(minutes=3), limit) == pytest.approx(40.0)
    # A real reset (the counter restarts near zero) is still energy since the reset.
    assert acc.meter("b", 0.01, T0 + dt.timedelta(minutes=4), limit) == pytest.approx(10.0)
    # A counter an operator really set elsewhere: refused once, then followed from there.
    with pytest.raises(Implausible):
        acc.meter("b", 5000.0, T0 + dt.timedelta(minutes=5), limit)
    assert acc.meter("b", 5000.03, T0 + dt.timedelta(minutes=6), limit) == pytest.approx(30.0)


def sensor(total, power) -> bytes:
    # Python's json writes (and reads) Infinity and NaN, as a broken or hostile meter could send them.
    return json.dumps({"Time": "2026-03-02T09:00:00", "ENERGY": {"Total": total, "Power": power}}).encode()


async def test_absurd_meter_values_through_the_broker_are_refused_counted_and_never_stored(campus, prefix,
                                                                                           sqlite_url):
    writer = IngestWriter(sqlite_url, campus, flush_interval_s=0.05)
    writer.start()
    gateway = Gateway(campus, MqttTransport(MqttConfig.from_url(SHARED_BROKER), clean_session=True),
                      sink=writer, topic_prefix=prefix)
    fleet = SimulatedFleet(campus, MqttTransport(MqttConfig.from_url(SHARED_BROKER), clean_session=True), QUIET_TIMING,
                           topic_prefix=prefix)
    meter = MqttTransport(MqttConfig.from_url(SHARED_BROKER), clean_session=True)
    board = campus.board("seminar-hall-panel")
    topic = f"{prefix}tele/{board.topic}/SENSOR"
    await gateway.start()
    await fleet.start()
    await meter.start([], lambda t, p: None)
    try:
        assert await gateway.transport.wait_connected(10) and await meter.wait_connected(10)
        await fleet.transport.flush(10)
        # Both protocols' normal telemetry (the simulated fleet's start-up reports, its meters) passes.
        for sim in fleet.tasmota.values():
            if sim.board.id != board.id:
                sim.publish_tele()
        for sim in fleet.autovolt.values():
            sim.publish_state()
        assert await fleet.transport.flush(10)
        limit = power_limits(campus)[board.id]
        base = round(fleet.tasmota[board.id].total_kwh, 5)  # the counter the simulated meter reported at start
        for payload in (sensor(base + 0.001, 100), sensor(base + 0.002, 120),  # good: 1 Wh each
                        sensor(1e12, 100), sensor(base + 0.002, 1e308), sensor(base + 0.002, float("inf")),
                        sensor(base + 0.002, -40), sensor(base + 0.002, [limit, 1.0]), sensor(float("nan"), 100),
                        sensor(base + 0.003, 110)):  # good again: 1 Wh from the last good counter, not a "reset"
            meter.publish(topic, payload)
            await asyncio.sleep(0.02)  # one connection, in order; a pause keeps the meter's samples apart in time
        assert await meter.flush(10)
        for _ in range(200):
            if gateway.stats.implausible >= 6 and writer.stats.readings_written and writer.drain(0.1):
                break
            await asyncio.sleep(0.05)
        assert writer.drain(10)
        assert gateway.stats.implausible_by == {"energy_jump": 1, "power_over_rating": 2, "not_finite": 2,
                                                "negative": 1}
        assert gateway.stats.malformed == 0
        # Commands still work after all of it.
        assert (await gateway.switch(["cr-101-fans"], True))[0].outcome is Outcome.CONFIRMED
    finally:
        await meter.stop()
        await fleet.stop()
        await gateway.stop()
        writer.close()
    with get_engine(sqlite_url).connect() as conn:
        rows = conn.execute(select(m.Reading.energy_wh, m.Reading.power_w).where(
            m.Reading.board_id == board.id, m.Reading.source == "meter").order_by(m.Reading.id)).all()
        autovolt = conn.scalar(select(m.Reading.id).where(m.Reading.board_id == "cr-101-panel").limit(1))
    assert len(rows) == 4 and rows[0].energy_wh is None  # the simulated meter's own sample at start
    assert [r.power_w for r in rows[1:]] == [100, 120, 110]
    assert [r.energy_wh for r in rows[1:]] == pytest.approx([1.0, 1.0, 1.0], abs=0.02)
    assert autovolt is not None
    registry = CollectorRegistry()
    registry.register(GatewayCollector(lambda: gateway.stats.snapshot()))
    text = generate_latest(registry).decode()
    assert 'autovolt_gateway_implausible_readings_total{reason="energy_jump"} 1.0' in text
    assert 'autovolt_gateway_implausible_readings_total{reason="not_finite"} 2.0' in text
