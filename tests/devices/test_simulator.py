"""The simulated boards behave like the firmware (on the in-process bus, which has the broker's semantics)."""

from __future__ import annotations

import asyncio
import json
import time

import pytest

from devices.simulator import QUIET_TIMING, SimTiming, SimulatedFleet, synthetic_campus
from devices.transport import MemoryBus, topic_matches

MAC = "24:0A:C4:00:00:11"


class Recorder:
    def __init__(self) -> None:
        self.messages: list[tuple[float, str, bytes]] = []

    def __call__(self, topic: str, payload: bytes) -> None:
        self.messages.append((time.monotonic(), topic, payload))

    def events(self, kind: str = "switch_event") -> list[tuple[float, dict]]:
        out = []
        for t, topic, payload in self.messages:
            if topic == "esp32/telemetry":
                data = json.loads(payload)
                if data.get("type") == kind:
                    out.append((t, data))
        return out


async def fleet_and_probe(campus, timing=QUIET_TIMING):
    bus = MemoryBus()
    fleet = SimulatedFleet(campus, bus.transport(), timing)
    probe = bus.transport()
    recorder = Recorder()
    await probe.start(["esp32/#", "stat/+/+", "tele/+/+"], recorder)
    await fleet.start()
    return fleet, probe, recorder


def command(**fields) -> bytes:
    return json.dumps({"mac": MAC, "secret": "demo-secret-01", **fields}).encode()


@pytest.mark.parametrize("pattern,topic,expected", [
    ("esp32/#", "esp32/state", True), ("esp32/#", "esp32", True), ("stat/+/+", "stat/dev/RESULT", True),
    ("stat/+/+", "stat/dev/a/b", False), ("a/+", "b/x", False), ("a/b", "a/b", True), ("a/b", "a/b/c", False),
])
def test_topic_matching(pattern, topic, expected):
    assert topic_matches(pattern, topic) is expected


async def test_board_applies_only_commands_with_its_mac_and_secret(campus):
    fleet, probe, rec = await fleet_and_probe(campus)
    board = fleet.autovolt["cr-101-panel"]
    probe.publish("esp32/switches", command(gpio=16, state=True, secret="wrong"))
    probe.publish("esp32/switches", json.dumps({"mac": MAC, "gpio": 17, "state": True}).encode())
    probe.publish("esp32/switches", command(gpio=18, state=True, mac="24:0A:C4:00:00:12"))  # other board's MAC
    probe.publish("esp32/switches", command(gpio=19, state=True, mac="24-0a-c4-00-00-11"))  # same MAC, other spelling
    await asyncio.sleep(0.05)
    assert board.relays[16] is False and board.relays[17] is False and board.relays[18] is False
    assert board.relays[19] is True
    assert board.ignored == 2
    await fleet.stop()


async def test_firmware_truthiness_quirks_and_relay_naming(campus):
    fleet, probe, rec = await fleet_and_probe(campus)
    board = fleet.autovolt["cr-101-panel"]
    probe.publish("esp32/switches", command(gpio=16, state="off"))  # a string switches the relay ON
    probe.publish("esp32/switches", command(relayGpio=17, value=True))
    probe.publish("esp32/switches", command(index=2, state=True))
    await asyncio.sleep(0.6)
    assert board.relays[16] is True and board.relays[17] is True and board.relays[18] is True
    probe.publish("esp32/switches", command(gpio=17))  # no state at all switches it OFF
    await asyncio.sleep(0.4)
    assert board.relays[17] is False
    await fleet.stop()


async def test_pacing_150ms_between_relays_300ms_per_relay_and_no_event_when_unchanged(campus):
    fleet, probe, rec = await fleet_and_probe(campus)
    for gpio in (16, 17, 18):
        probe.publish("esp32/switches", command(gpio=gpio, state=True))
    probe.publish("esp32/switches", command(gpio=19, state=False))  # already off: no event
    await asyncio.sleep(0.6)
    events = rec.events()
    assert [e["gpio"] for _, e in events] == [16, 17, 18]
    assert all(e["source"] == "backend" and e["state"] is True and "secret" in e for _, e in events)
    gaps = [b[0] - a[0] for a, b in zip(events, events[1:])]
    assert min(gaps) >= 0.14
    # The same relay toggled again at once is postponed to 300 ms after its last switch, not dropped.
    probe.publish("esp32/switches", command(gpio=21, state=True))
    await asyncio.sleep(0.02)
    probe.publish("esp32/switches", command(gpio=21, state=False))
    await asyncio.sleep(0.5)
    (t_on, on), (t_off, off) = rec.events()[3:5]
    assert (on["gpio"], on["state"], off["gpio"], off["state"]) == (21, True, 21, False)
    assert t_off - t_on >= 0.29
    # A newer command for a relay replaces its pending one: off-then-on while postponed nets no change, no event.
    probe.publish("esp32/switches", command(gpio=22, state=True))
    await asyncio.sleep(0.02)
    probe.publish("esp32/switches", command(gpio=22, state=False))
    probe.publish("esp32/switches", command(gpio=22, state=True))
    await asyncio.sleep(0.5)
    assert [(e["gpio"], e["state"]) for _, e in rec.events()[5:]] == [(22, True)]
    assert fleet.autovolt["cr-101-panel"].relays[22] is True
    await fleet.stop()


async def test_queue_holds_16_commands_at_most_one_per_relay(campus):
    wide = synthetic_campus(1)
    fleet, probe, rec = await fleet_and_probe(wide)
    board = next(iter(fleet.autovolt.values()))
    board.relays.update({g: False for g in range(40, 60)})  # a board with more relays than queue slots
    board.manual_override.update({g: False for g in range(40, 60)})
    for gpio in range(40, 60):
        probe.publish("esp32/switches", json.dumps({"mac": board.board.mac, "secret": board.board.secret,
                                                    "gpio": gpio, "state": True}).encode())
    await asyncio.sleep(0.01)
    assert board.dropped == 4
    await fleet.stop()


async def test_state_heartbeat_and_wall_switch(campus):
    fast = SimTiming(state_interval_s=0.1, heartbeat_interval_s=0.1, tele_period_s=0.1)
    fleet, probe, rec = await fleet_and_probe(campus, fast)
    await asyncio.sleep(0.35)
    fleet.autovolt["cr-101-panel"].press(16)
    await asyncio.sleep(0.02)
    topics = [t for _, t, _ in rec.messages]
    assert topics.count("esp32/state") >= 20  # 10 boards, on start and periodically
    beats = [json.loads(p) for _, t, p in rec.messages if t == "esp32/telemetry" and b"heartbeat" in p]
    assert beats and all("secret" not in b and "type" not in b for b in beats)
    manual = rec.events("manual_switch")
    assert manual and manual[-1][1]["gpio"] == 16 and manual[-1][1]["state"] is True
    assert any(t == "tele/tasmota_auditorium/SENSOR" for t in topics)
    await fleet.stop()


async def test_tasmota_board_replies_and_meters(campus):
    fleet, probe, rec = await fleet_and_probe(campus)
    probe.publish("cmnd/tasmota_auditorium/POWER3", b"ON")
    probe.publish("cmnd/tasmota_auditorium/POWER1", b"TOGGLE")
    await asyncio.sleep(0.02)
    replies = [(t, p) for _, t, p in rec.messages if t.startswith("stat/tasmota_auditorium")]
    assert ("stat/tasmota_auditorium/RESULT", b'{"POWER3":"ON"}') in replies
    assert ("stat/tasmota_auditorium/POWER1", b"ON") in replies
    sim = fleet.tasmota["auditorium-panel"]
    assert sim.power_w() == 320 + 1500
    await asyncio.sleep(0.05)
    sim.publish_tele()
    await asyncio.sleep(0.01)
    sensor = [json.loads(p) for _, t, p in rec.messages if t == "tele/tasmota_auditorium/SENSOR"][-1]
    assert sensor["ENERGY"]["Power"] == 1820 and sensor["ENERGY"]["Total"] > 0
    await fleet.stop()
