"""Issue 18 item 6: after a broker restart the service is subscribed again before the boards (which retry every
5 s) publish, so a broker without persistence loses none of what they send once back."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from devices.gateway import Gateway
from devices.mqtt import Backoff, MqttConfig, MqttTransport
from devices.simulator import QUIET_TIMING, SimulatedFleet

pytestmark = pytest.mark.broker
BOARD_RETRY = Backoff(initial_s=5.0, max_s=5.0, jitter=0.0)  # the AutoVolt firmware's fixed 5 s retry


def test_the_default_back_off_starts_under_a_second_and_stays_under_the_boards_retry():
    delays = list(itertools.islice(Backoff().delays(), 12))
    assert delays[0] <= 1.0
    assert max(delays) < BOARD_RETRY.initial_s / 2


async def test_after_a_long_outage_the_service_is_back_before_the_boards(campus, prefix, private_broker):
    broker = private_broker()  # no persistence: only a live subscription receives anything
    gateway = Gateway(campus, MqttTransport(MqttConfig.from_url(broker.url()), f"gw-{prefix[:-1]}",
                                            clean_session=False), topic_prefix=prefix)  # the default back-off
    fleet = SimulatedFleet(campus, MqttTransport(MqttConfig.from_url(broker.url()), clean_session=True,
                                                 backoff=BOARD_RETRY), QUIET_TIMING, topic_prefix=prefix)
    await gateway.start()
    await fleet.start()
    try:
        assert await gateway.transport.wait_connected(10) and await fleet.transport.wait_connected(10)
        await asyncio.sleep(0.3)
        broker.stop()
        # 21 s: the boards come back at 25 s (5 s retries); a back-off doubling to 30 s has its attempts near 19 s
        # and then 49 s, so without a short cap the boards would publish to a broker with no subscriber for us.
        await asyncio.sleep(21)
        broker.start()
        assert await fleet.transport.wait_connected(20)
        # Each board reports once on reconnecting; on a loaded machine those reports can still be arriving, so let
        # them settle before counting (they would otherwise be counted as ours).
        settled, last = 0, -1
        for _ in range(200):
            settled = settled + 1 if gateway.stats.observations == last else 0
            last = gateway.stats.observations
            if settled >= 10:
                break
            await asyncio.sleep(0.1)
        before = gateway.stats.observations
        boards = list(fleet.autovolt.values())
        for i in range(100):  # the boards report as soon as they are back
            boards[i % len(boards)].publish_state()
        assert await fleet.transport.flush(10)
        for _ in range(100):
            if gateway.stats.observations - before >= 100:
                break
            await asyncio.sleep(0.05)
        assert gateway.stats.observations - before == 100
    finally:
        await fleet.stop()
        await gateway.stop()
