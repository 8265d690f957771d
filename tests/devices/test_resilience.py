"""Broker authentication, a broker restart mid-session, a flood of bad payloads, and secrets kept out of logs."""

from __future__ import annotations

import asyncio
import json
import logging
import random

import pytest
from sqlalchemy import func, select

from autovolt.logging_setup import KeyValueFormatter
from devices.gateway import Gateway
from devices.ingest import IngestWriter
from devices.model import Outcome
from devices.mqtt import Backoff, MqttConfig, MqttTransport
from devices.simulator import QUIET_TIMING, SimTiming, SimulatedFleet
from store import models as m
from store.db import get_engine

from .conftest import SHARED_BROKER

pytestmark = pytest.mark.broker
QUICK = Backoff(initial_s=0.1, max_s=0.5)


@pytest.fixture
def captured_logs():
    """Every log line as the service would write it (formatted), to search for secrets."""
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    handler = Keep(logging.DEBUG)
    handler.setFormatter(KeyValueFormatter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield lines
    root.removeHandler(handler)
    root.setLevel(old_level)


def assert_no_secrets(lines: list[str], *secrets: str) -> None:
    assert lines, "expected some log output"
    for secret in secrets:
        leaks = [line for line in lines if secret in line]
        assert not leaks, leaks[:3]


async def test_broker_with_password_connects_with_credentials_and_survives_wrong_ones(campus, prefix, private_broker,
                                                                                        captured_logs):
    broker = private_broker(users={"gateway": "gw-pass-7f3a", "boards": "bd-pass-19c2"})
    good = MqttTransport(MqttConfig.from_url(broker.url("gateway", "gw-pass-7f3a")), clean_session=True, backoff=QUICK)
    bad = MqttTransport(MqttConfig.from_url(broker.url("gateway", "wrong-pass-0000")), clean_session=True, backoff=QUICK)
    gateway = Gateway(campus, good, topic_prefix=prefix)
    fleet = SimulatedFleet(campus, MqttTransport(MqttConfig.from_url(broker.url("boards", "bd-pass-19c2")),
                                                 clean_session=True), SimTiming(), topic_prefix=prefix)
    got = []
    await bad.start(["#"], lambda t, p: got.append(t))
    await gateway.start()
    await fleet.start()
    try:
        assert await good.wait_connected(10)
        assert not await bad.wait_connected(1.0)  # refused, retrying with back-off, no crash
        assert bad.reconnects >= 1 and not got
        await asyncio.sleep(0.2)
        result = await gateway.switch(["cr-101-ac"], True)
        assert result[0].outcome is Outcome.CONFIRMED
    finally:
        await fleet.stop()
        await gateway.stop()
        await bad.stop()
    assert_no_secrets(captured_logs, "gw-pass-7f3a", "wrong-pass-0000", "bd-pass-19c2", "demo-secret-0")


async def test_broker_restart_loses_no_telemetry_and_crashes_nothing(campus, prefix, private_broker, tmp_path,
                                                                      sqlite_url):
    broker = private_broker(persistence=True)
    url = broker.url()
    writer = IngestWriter(sqlite_url, campus, flush_interval_s=0.05)
    writer.start()
    gateway = Gateway(campus, MqttTransport(MqttConfig.from_url(url), f"gw-{prefix[:-1]}", clean_session=False,
                                            backoff=QUICK), sink=writer, topic_prefix=prefix)
    fleet_transport = MqttTransport(MqttConfig.from_url(url), clean_session=True, backoff=QUICK)
    fleet = SimulatedFleet(campus, fleet_transport, QUIET_TIMING, topic_prefix=prefix)
    await gateway.start()
    assert await gateway.transport.wait_connected(10)
    await fleet.start()
    assert await fleet_transport.wait_connected(10)
    boards = list(fleet.autovolt.values())
    sent = 0

    async def chatter(n: int) -> None:
        nonlocal sent
        for _ in range(n):
            random.choice(boards).publish_state()
            sent += 1
            await asyncio.sleep(0.002)

    await fleet_transport.flush(5)
    await asyncio.sleep(0.3)
    before = gateway.stats.observations
    await chatter(150)
    broker.stop()  # the broker goes away in the middle of the session
    await chatter(150)  # boards keep measuring; their messages wait in the outbox
    await asyncio.sleep(0.5)
    assert not gateway.transport.connected
    broker.start()
    await chatter(150)
    assert await gateway.transport.wait_connected(10) and await fleet_transport.wait_connected(10)
    assert await fleet_transport.flush(10)
    for _ in range(100):
        if gateway.stats.observations - before >= sent:
            break
        await asyncio.sleep(0.05)
    received = gateway.stats.observations - before
    assert received >= sent  # QoS 1: at least once, nothing lost
    assert gateway.transport.reconnects >= 1
    # Commands work again after the restart.
    result = await gateway.switch(["lab-2-fans"], True)
    assert result[0].outcome is Outcome.CONFIRMED
    await fleet.stop()
    await gateway.stop()
    assert writer.drain(10)
    writer.close()
    with get_engine(sqlite_url).connect() as conn:
        rows = conn.scalar(select(func.count()).select_from(m.Reading).where(m.Reading.source == "state"))
    assert rows >= sent * 5  # every state message carries 5 registered switches in the demo campus


def malformed_payloads(n: int, rng: random.Random) -> list[tuple[str, bytes]]:
    good_mac = "24:0A:C4:00:00:11"
    makers = [
        lambda: ("esp32/state", b"{not json" + bytes([rng.randrange(256)])),
        lambda: ("esp32/state", json.dumps({"mac": good_mac, "secret": "demo-secret-01", "switches": "x"}).encode()),
        lambda: ("esp32/state", json.dumps({"mac": good_mac, "secret": "demo-secret-01",
                                            "switches": [{"gpio": "16", "state": None}]}).encode()),
        lambda: ("esp32/telemetry", b"x" * 20_000),
        lambda: ("esp32/telemetry", json.dumps({"mac": "DE:AD:BE:EF:00:01", "status": "heartbeat"}).encode()),
        lambda: ("esp32/state", json.dumps({"mac": good_mac, "secret": "guess-" + str(rng.random()),
                                            "switches": []}).encode()),
        lambda: ("esp32/telemetry", json.dumps([1, 2, 3]).encode()),
        lambda: ("esp32/telemetry", bytes(rng.randrange(256) for _ in range(64))),
        lambda: ("tele/tasmota_auditorium/SENSOR", b'{"ENERGY":{"Total":"NaN"}}'),
        lambda: ("stat/tasmota_auditorium/POWER2", b"\x00\x01"),
    ]
    return [makers[i % len(makers)]() for i in range(n)]


async def test_a_thousand_malformed_payloads_are_counted_and_nothing_breaks(campus, prefix, sqlite_url, captured_logs):
    writer = IngestWriter(sqlite_url, campus, flush_interval_s=0.05)
    writer.start()
    gateway = Gateway(campus, MqttTransport(MqttConfig.from_url(SHARED_BROKER), clean_session=True),
                      sink=writer, topic_prefix=prefix)
    # No periodic reports during the count: only the attacker's messages may arrive in that window.
    quiet = QUIET_TIMING
    fleet = SimulatedFleet(campus, MqttTransport(MqttConfig.from_url(SHARED_BROKER), clean_session=True), quiet,
                           topic_prefix=prefix)
    attacker = MqttTransport(MqttConfig.from_url(SHARED_BROKER), clean_session=True)
    await gateway.start()
    await fleet.start()
    await attacker.start([], lambda t, p: None)
    assert await gateway.transport.wait_connected(10) and await attacker.wait_connected(10)
    # Let the fleet's start-up reports arrive (slow on a loaded machine) before counting.
    settled, last = 0, -1
    while settled < 5:
        await asyncio.sleep(0.1)
        settled = settled + 1 if gateway.stats.messages == last else 0
        last = gateway.stats.messages
    before = gateway.stats.snapshot()
    for topic, payload in malformed_payloads(1000, random.Random(5)):
        attacker.publish(prefix + topic, payload)
    assert await attacker.flush(10)
    for _ in range(100):
        if gateway.stats.messages - before["messages"] >= 1000:
            break
        await asyncio.sleep(0.05)
    after = gateway.stats.snapshot()
    delta = {k: after[k] - before[k] for k in after}
    assert delta["messages"] == 1000
    assert delta["malformed"] == 700 and delta["oversized"] == 100
    assert delta["unknown_board"] == 100 and delta["bad_secret"] == 100
    assert delta["observations"] == 0
    # Still serving: a command is confirmed and telemetry is stored.
    result = await gateway.switch(["cr-101-projector"], True)
    assert result[0].outcome is Outcome.CONFIRMED
    await fleet.stop()
    await gateway.stop()
    await attacker.stop()
    assert writer.drain(10)
    writer.close()
    with get_engine(sqlite_url).connect() as conn:
        assert conn.scalar(select(func.count()).select_from(m.Reading).where(m.Reading.switch_id == "cr-101-projector",
                                                                            m.Reading.state.is_(True))) >= 1
    assert any("telemetry message rejected" in line for line in captured_logs)
    assert_no_secrets(captured_logs, "demo-secret-0", "guess-0.")


async def test_tls_broker_with_password_switches_and_rejects_an_unknown_ca(campus, prefix, private_broker, tls_files):
    ca, cert, key = tls_files
    broker = private_broker(users={"gateway": "gw-tls-5d1e", "boards": "bd-tls-0b7a"}, tls=(cert, key))
    good = MqttTransport(MqttConfig.from_url(f"{broker.url('gateway', 'gw-tls-5d1e')}?ca={ca}"), clean_session=True,
                         backoff=QUICK)
    untrusted = MqttTransport(MqttConfig.from_url(broker.url("gateway", "gw-tls-5d1e")), clean_session=True,
                              backoff=QUICK)  # the system CAs do not know our test CA
    gateway = Gateway(campus, good, topic_prefix=prefix)
    fleet = SimulatedFleet(campus, MqttTransport(MqttConfig.from_url(f"{broker.url('boards', 'bd-tls-0b7a')}?ca={ca}"),
                                                 clean_session=True), SimTiming(), topic_prefix=prefix)
    await untrusted.start([prefix + "#"], lambda t, p: None)
    await gateway.start()
    await fleet.start()
    try:
        assert await good.wait_connected(10)
        assert await fleet.transport.wait_connected(10)
        await asyncio.sleep(0.2)
        result = await gateway.switch(["cr-101-fans"], True)
        assert result[0].outcome is Outcome.CONFIRMED
        for _ in range(50):  # refused by our own TLS check, retrying with back-off, no crash
            if untrusted.reconnects >= 2:
                break
            await asyncio.sleep(0.1)
        assert not untrusted.connected and untrusted.reconnects >= 2
    finally:
        await fleet.stop()
        await gateway.stop()
        await untrusted.stop()
