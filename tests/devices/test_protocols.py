"""The adapters against the documented firmware messages, and the pure energy and liveness rules."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from devices.energy import EnergyAccountant
from devices.liveness import LivenessTracker
from devices.model import Availability, Heartbeat, MeterReport, Rejected, RelayReport
from devices.protocols.autovolt import AutoVoltAdapter, normalize_mac
from devices.protocols.tasmota import TasmotaAdapter

MAC = "24:0A:C4:00:00:11"
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)


def j(**data) -> bytes:
    return json.dumps(data).encode()


@pytest.fixture
def av(campus):
    return AutoVoltAdapter(campus)


@pytest.fixture
def tas(campus):
    return TasmotaAdapter(campus)


def test_autovolt_command_is_the_four_fields_with_a_json_boolean(av, campus):
    topic, payload = av.command(campus.board("cr-101-panel"), 16, False)
    assert topic == "esp32/switches"
    data = json.loads(payload)
    assert data == {"mac": MAC, "secret": "demo-secret-01", "gpio": 16, "state": False}
    assert data["state"] is False and len(payload) <= 256


def test_autovolt_state_snapshot_and_events(av):
    state = av.decode("esp32/state", j(mac="24-0a-c4-00-00-11", secret="demo-secret-01",
                                       switches=[{"gpio": 16, "state": True, "manual_override": False},
                                                 {"gpio": 17, "state": False, "manual_override": True}]))
    assert state == [RelayReport("cr-101-panel", 16, True, "state"), RelayReport("cr-101-panel", 17, False, "state")]
    event = av.decode("esp32/telemetry", j(mac=MAC, secret="demo-secret-01", type="switch_event", gpio=18, state=True,
                                           source="backend", timestamp=1234))
    assert event == (RelayReport("cr-101-panel", 18, True, "backend"),)
    manual = av.decode("esp32/telemetry", j(mac=MAC, secret="demo-secret-01", type="manual_switch", gpio=19,
                                            state=True, physicalPin=25, timestamp=5))
    assert manual == (RelayReport("cr-101-panel", 19, True, "manual"),)
    beat = av.decode("esp32/telemetry", j(mac=MAC, status="heartbeat", heap=1000, uptime=9))
    assert beat == (Heartbeat("cr-101-panel"),)


@pytest.mark.parametrize("topic,payload,kind", [
    ("esp32/state", b"{not json", "malformed"),
    ("esp32/state", b"[1, 2]", "malformed"),
    ("esp32/state", j(mac=MAC, secret="demo-secret-01", switches="all"), "malformed"),
    ("esp32/state", j(mac=MAC, secret="demo-secret-01", switches=[{"gpio": "16", "state": True}]), "malformed"),
    ("esp32/state", j(mac=MAC, secret="demo-secret-01", switches=[{"gpio": 16, "state": "off"}]), "malformed"),
    ("esp32/state", j(mac=MAC, secret="wrong", switches=[]), "bad_secret"),
    ("esp32/state", j(mac=MAC, switches=[]), "bad_secret"),
    ("esp32/telemetry", j(mac=MAC, secret="nope", type="switch_event", gpio=16, state=True, source="backend"), "bad_secret"),
    ("esp32/telemetry", j(mac="FF:FF:FF:FF:FF:FF", status="heartbeat"), "unknown_board"),
    ("esp32/telemetry", j(mac=12, status="heartbeat"), "malformed"),
    ("esp32/telemetry", j(mac=MAC, secret="demo-secret-01", type="switch_event", gpio=16, state=True, source="x"), "malformed"),
    ("esp32/telemetry", b"\xff\xfe garbage", "malformed"),
    ("esp32/telemetry", b"{" * 100_000, "oversized"),
    ("esp32/telemetry", b"[" * 5000 + b"]" * 5000, "oversized"),
    ("esp32/status", b"offline", "ignored"),
])
def test_autovolt_rejects_with_a_counted_reason(av, topic, payload, kind):
    with pytest.raises(Rejected) as info:
        av.decode(topic, payload)
    assert info.value.kind == kind
    assert "demo-secret" not in info.value.reason


def test_deeply_nested_json_under_the_size_limit_is_malformed_not_a_crash(av):
    with pytest.raises(Rejected) as info:
        av.decode("esp32/state", b"[" * 4000 + b"]" * 4000)
    assert info.value.kind == "malformed"


def test_mac_normalisation_matches_the_firmware():
    assert normalize_mac("24:0a:c4-00.00:11") == normalize_mac("240AC4000011") == "240AC4000011"


def test_tasmota_command_replies_and_telemetry(tas, campus):
    board = campus.board("seminar-hall-panel")
    assert tas.command(board, 3, True) == ("cmnd/tasmota_seminar_hall/POWER3", b"ON")
    assert tas.decode("stat/tasmota_seminar_hall/RESULT", b'{"POWER3":"ON"}') == [
        RelayReport("seminar-hall-panel", 3, True, "result")]
    assert tas.decode("stat/tasmota_seminar_hall/POWER", b"OFF") == (
        RelayReport("seminar-hall-panel", 1, False, "result"),)
    state = tas.decode("tele/tasmota_seminar_hall/STATE", b'{"Time":"x","POWER1":"ON","POWER2":"OFF","Wifi":{}}')
    assert state == [RelayReport("seminar-hall-panel", 1, True, "state"), RelayReport("seminar-hall-panel", 2, False, "state")]
    sensor = tas.decode("tele/tasmota_seminar_hall/SENSOR",
                        b'{"Time":"x","ENERGY":{"Total":12.5,"Today":1,"Power":[100,250],"Voltage":230}}')
    assert sensor == (MeterReport("seminar-hall-panel", 12.5, 350.0),)
    assert tas.decode("tele/tasmota_seminar_hall/LWT", b"Offline") == (Availability("seminar-hall-panel", False),)


@pytest.mark.parametrize("topic,payload,kind", [
    ("tele/unknown_device/STATE", b"{}", "unknown_board"),
    ("stat/tasmota_seminar_hall/POWER1", b"MAYBE", "malformed"),
    ("tele/tasmota_seminar_hall/SENSOR", b'{"ENERGY":{"Total":"lots"}}', "malformed"),
    ("tele/tasmota_seminar_hall/SENSOR", b'{"ENERGY":{"Total":-1}}', "implausible"),
    ("tele/tasmota_seminar_hall/SENSOR", b'{"ENERGY":{"Total":1,"Power":Infinity}}', "implausible"),
    ("tele/tasmota_seminar_hall/SENSOR", b'{"ENERGY":{"Total":NaN}}', "implausible"),
    ("tele/tasmota_seminar_hall/SENSOR", b'{"ENERGY":{"Total":1,"Power":[1e308,1e308]}}', "implausible"),
    ("tele/tasmota_seminar_hall/SENSOR", b'{"ENERGY":[]}', "malformed"),
    ("tele/tasmota_seminar_hall/LWT", b"dunno", "malformed"),
    ("tele/tasmota_seminar_hall/STATE", b"nope", "malformed"),
    ("tele/a/b/c", b"{}", "ignored"),
])
def test_tasmota_rejects(tas, topic, payload, kind):
    with pytest.raises(Rejected) as info:
        tas.decode(topic, payload)
    assert info.value.kind == kind


def test_prefix_keeps_test_runs_apart(campus):
    av = AutoVoltAdapter(campus, "run1/")
    assert av.subscriptions == ("run1/esp32/state", "run1/esp32/telemetry", "run1/esp32/status")
    assert av.command(campus.board("cr-101-panel"), 16, True)[0] == "run1/esp32/switches"
    assert av.owns("run1/esp32/state") and not av.owns("esp32/state")


def test_energy_is_on_time_times_rated_watts():
    acc = EnergyAccountant(max_gap_s=90)
    assert acc.relay("s", 400, T0, True) is None  # first sample: interval unknown
    assert acc.relay("s", 400, T0 + dt.timedelta(seconds=30), True) == pytest.approx(400 * 30 / 3600)
    assert acc.relay("s", 400, T0 + dt.timedelta(seconds=60), False) == pytest.approx(400 * 30 / 3600)
    assert acc.relay("s", 400, T0 + dt.timedelta(seconds=90), False) == 0.0
    acc.relay("s", 400, T0 + dt.timedelta(seconds=100), True)
    # A board silent for an hour is not credited for the hour, only up to the gap limit.
    assert acc.relay("s", 400, T0 + dt.timedelta(seconds=3700), True) == pytest.approx(400 * 90 / 3600)


def test_meter_counter_differences_and_resets():
    acc = EnergyAccountant()
    assert acc.meter("b", 10.0) is None
    assert acc.meter("b", 10.25) == pytest.approx(250.0)
    assert acc.meter("b", 0.02) == pytest.approx(20.0)  # counter reset: energy since the reset
    assert acc.meter("b", 0.05) == pytest.approx(30.0)


def test_liveness_from_the_age_of_the_last_message(campus):
    tracker = LivenessTracker(campus.boards, {"autovolt": 75, "tasmota": 700})
    assert tracker.liveness("cr-101-panel", T0).online is None
    tracker.seen("cr-101-panel", T0)
    assert tracker.liveness("cr-101-panel", T0 + dt.timedelta(seconds=70)).online is True
    late = tracker.liveness("cr-101-panel", T0 + dt.timedelta(seconds=80))
    assert late.online is False and "silent for 80 s" in late.reason
    tracker.lwt("seminar-hall-panel", False, T0)
    assert tracker.liveness("seminar-hall-panel", T0).online is False
    tracker.seen("seminar-hall-panel", T0 + dt.timedelta(seconds=1))
    assert tracker.liveness("seminar-hall-panel", T0 + dt.timedelta(seconds=2)).online is True
    changes = tracker.changes(T0 + dt.timedelta(seconds=100))
    assert {c.board_id: c.online for c in changes} == {"cr-101-panel": False, "seminar-hall-panel": True}
    assert tracker.changes(T0 + dt.timedelta(seconds=101)) == []
