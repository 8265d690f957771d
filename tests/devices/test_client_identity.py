"""Issue 18 item 3: the service and a terminal chat on one broker at once each keep their own connection."""

from __future__ import annotations

import asyncio

import pytest

from devices.gateway import summarize
from devices.model import Outcome
from devices.mqtt import Backoff, MqttConfig, MqttTransport
from devices.runtime import CHAT, SERVICE, gateway_identity, start_devices
from devices.simulator import QUIET_TIMING, SimulatedFleet

pytestmark = pytest.mark.broker


def test_the_service_id_is_stable_and_every_other_process_gets_its_own():
    service = gateway_identity(SERVICE)
    assert service == gateway_identity(SERVICE) and service.clean_session is False
    chats = {gateway_identity(CHAT).client_id for _ in range(3)}
    assert len(chats) == 3 and service.client_id not in chats
    assert gateway_identity(CHAT).clean_session is True


def test_a_replica_in_a_share_group_gets_its_own_id_and_a_clean_session_and_the_chat_never_joins():
    replicas = [gateway_identity(SERVICE, replica_id=f"ops-{i}", share_group="autovolt") for i in range(2)]
    assert [r.client_id for r in replicas] == ["autovolt-gw-ops-0", "autovolt-gw-ops-1"]
    assert all(r.clean_session and r.share_group == "autovolt" for r in replicas)
    single = gateway_identity(SERVICE, replica_id="ops-0")  # no share group: the one service keeps its session
    assert single == gateway_identity(SERVICE) and single.share_group is None
    chat = gateway_identity(CHAT, replica_id="ops-0", share_group="autovolt")
    assert chat.share_group is None and chat.clean_session and chat.client_id.startswith("autovolt-chat-")


async def test_service_and_chat_side_by_side_confirm_bulk_commands_without_takeovers(campus, private_broker,
                                                                                     sqlite_url):
    broker = private_broker()
    fleet = SimulatedFleet(campus, MqttTransport(MqttConfig.from_url(broker.url()), clean_session=True,
                                                 backoff=Backoff(0.1, 0.5)), QUIET_TIMING)
    service = await start_devices(campus, broker.url(), sqlite_url, role=SERVICE)
    chat = await start_devices(campus, broker.url(), sqlite_url, role=CHAT)
    await fleet.start()
    try:
        for runtime in (service, chat):
            assert await runtime.gateway.transport.wait_connected(10)
        assert chat.writer is None  # the service stores telemetry; a second writer would count it twice
        await asyncio.sleep(0.5)  # the boards' start-up reports
        lights = [s.id for s in campus.switches if s.type == "light"]
        fans = [s.id for s in campus.switches if s.type == "fan"]
        for on in (True, False):
            by_service, by_chat = await asyncio.gather(service.gateway.switch(lights, on),
                                                       chat.gateway.switch(fans, on))
            for results in (by_service, by_chat):
                assert [r.outcome for r in results] == [Outcome.CONFIRMED] * len(results), summarize(results)
        assert service.gateway.transport.reconnects == 0 and chat.gateway.transport.reconnects == 0
        assert service.gateway.transport.client_id != chat.gateway.transport.client_id
    finally:
        await fleet.stop()
        await chat.stop()
        await service.stop()
