"""Replicas on one broker: MQTT 5 shared subscriptions hand each board message to one replica, and a replica waiting
for a confirmation gets the board's report even when the broker hands the shared copy to another replica."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter

import pytest

from devices.gateway import Gateway, summarize
from devices.model import Outcome
from devices.mqtt import MqttConfig, MqttTransport
from devices.runtime import replica_transport
from devices.simulator import SimTiming, SimulatedFleet
from tests.conftest import DEMO_CAMPUS
from store.campus import load_campus_file

pytestmark = pytest.mark.broker
BROKER = MqttConfig.from_url("mqtt://127.0.0.1:1883")
CHATTY = SimTiming(state_interval_s=0.2, heartbeat_interval_s=0.2, tele_period_s=0.2)


class Recorder:
    """The ingest writer's interface: what a replica would store."""

    def __init__(self) -> None:
        self.messages = 0
        from devices.model import GatewayStats

        self.stats = GatewayStats()

    def submit(self, ts, observation) -> None:
        pass

    def submit_many(self, ts, observations) -> None:
        self.messages += 1


async def test_each_message_reaches_one_replica_and_every_command_is_confirmed():
    campus = load_campus_file(DEMO_CAMPUS)
    prefix = f"test-{uuid.uuid4().hex[:10]}/"
    group = f"g{uuid.uuid4().hex[:8]}"
    sinks = [Recorder() for _ in range(3)]
    # The window is wide: this test is about which replica hears the report, not how fast a board answers (on a
    # loaded 2-core CI machine the default 3 s was once missed).
    replicas = [Gateway(campus, replica_transport(BROKER, f"replica-{group}-{i}", group), sink=sinks[i],
                        topic_prefix=prefix, confirm_timeout_s=10.0) for i in range(3)]
    # An ordinary subscriber sees every message once: the count to compare with.
    observer = Gateway(campus, MqttTransport(BROKER, clean_session=True), topic_prefix=prefix)
    fleet = SimulatedFleet(campus, MqttTransport(BROKER, clean_session=True), CHATTY, topic_prefix=prefix)
    try:
        for gateway in (*replicas, observer):
            await gateway.start()
            assert await gateway.transport.wait_connected(10)
        await fleet.start()
        assert await fleet.transport.wait_connected(10)
        await asyncio.sleep(2.0)
        # Commands from every replica, both ways, on AutoVolt and Tasmota boards: each confirmed to its sender.
        outcomes = Counter()
        for round_ in range(4):
            for gateway in replicas:
                results = await gateway.switch(["cr-101-lights", "seminar-hall-projector"], round_ % 2 == 0)
                outcomes.update(r.outcome for r in results)
                assert all(r.outcome is Outcome.CONFIRMED for r in results), summarize(results)
        await fleet.stop()
        fleet = None
        await asyncio.sleep(1.0)  # the last messages arrive
        seen = [gateway.stats.messages for gateway in replicas]
        assert sum(seen) == observer.stats.messages, (seen, observer.stats.messages)
        assert all(n > 0 for n in seen), seen  # the broker spread them: each replica took a share
        assert sum(s.messages for s in sinks) == sum(g.stats.observations for g in replicas)
        assert outcomes[Outcome.CONFIRMED] == 24
    finally:
        for gateway in (*replicas, observer):
            await gateway.stop()
        if fleet is not None:
            await fleet.stop()
