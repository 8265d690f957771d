"""The pure rules: quiet hours, mutes, routing, cooldown and escalation, grouping, templates, answer classes."""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from alerts import policy, templates
from alerts.grouping import group_offline
from alerts.model import (BOARD_OFFLINE, BOARD_OFFLINE_GROUP, CRITICAL, FIRING, RESOLVED, WARNING, AlertConfig,
                          Signal)
from alerts.preferences import Preferences, PreferenceError, QuietHours, parse_quiet_hours, validate_muted
from alerts.routing import route
from alerts.telegram import FAILED, RETRY, SENT, classify

from .conftest import ADMIN, ADMIN2, FACULTY, FACULTY2, NOON, OWNER, build_campus

IST = ZoneInfo("Asia/Kolkata")
UTC = dt.timezone.utc


def offline(board: str, room: str, building: str = "block-a", severity: str = WARNING) -> Signal:
    return Signal(BOARD_OFFLINE, board, severity, f"Board {board} silent", NOON, building_id=building, room_id=room,
                  board_ids=(board,))


# --- quiet hours and mutes ----------------------------------------------------------------------------------------

def test_quiet_hours_over_midnight_and_when_they_end():
    quiet = QuietHours(dt.time(22, 0), dt.time(7, 0))
    assert quiet.contains(dt.time(23, 30)) and quiet.contains(dt.time(6, 59)) and not quiet.contains(dt.time(7, 0))
    late = dt.datetime(2026, 11, 26, 23, 0, tzinfo=IST)
    assert quiet.ends_after(late, IST) == dt.datetime(2026, 11, 27, 7, 0, tzinfo=IST)
    early = dt.datetime(2026, 11, 27, 5, 0, tzinfo=IST)
    assert quiet.ends_after(early, IST) == dt.datetime(2026, 11, 27, 7, 0, tzinfo=IST)
    day = dt.datetime(2026, 11, 27, 12, 0, tzinfo=IST)
    assert quiet.ends_after(day, IST) == day
    same_day = QuietHours(dt.time(13, 0), dt.time(14, 0))
    assert same_day.contains(dt.time(13, 30)) and not same_day.contains(dt.time(14, 30))


def test_bad_preferences_are_refused_in_one_line():
    with pytest.raises(PreferenceError, match="22:00"):
        parse_quiet_hours({"start": "late", "end": "07:00"})
    with pytest.raises(PreferenceError, match="known types"):
        validate_muted(["board_offline", "nonsense"])
    assert validate_muted(["anomaly"]) == frozenset({"anomaly"})
    assert Preferences(frozenset({BOARD_OFFLINE})).mutes(BOARD_OFFLINE_GROUP)  # muting offline mutes its group form


# --- routing ------------------------------------------------------------------------------------------------------

def test_device_alert_goes_to_owner_and_room_faculty_not_admins():
    campus = build_campus()
    got = route(campus, offline("a-101-panel", "a-101"), {}, NOON, IST)
    assert {r.chat_id: r.reasons for r in got} == {FACULTY: ("faculty",), OWNER: ("owner",)}
    assert all(r.deliver_at == NOON for r in got)


def test_critical_alert_adds_admins_and_passes_mutes_and_quiet_hours():
    campus = build_campus()
    prefs = {FACULTY: Preferences(frozenset({BOARD_OFFLINE}), QuietHours(dt.time(0, 0), dt.time(23, 59)))}
    got = route(campus, offline("a-101-panel", "a-101", severity=CRITICAL), prefs, NOON, IST)
    assert {r.chat_id for r in got} == {ADMIN, ADMIN2, FACULTY, OWNER}
    assert all(r.deliver_at == NOON for r in got)


def test_mute_drops_and_quiet_hours_defer_non_critical_alerts():
    campus = build_campus()
    prefs = {OWNER: Preferences(frozenset({BOARD_OFFLINE})),
             FACULTY: Preferences(quiet=QuietHours(dt.time(11, 0), dt.time(13, 0)))}  # noon IST is quiet
    got = route(campus, offline("a-101-panel", "a-101"), prefs, NOON, IST)
    assert [r.chat_id for r in got] == [FACULTY]
    assert got[0].deliver_at == dt.datetime(2026, 11, 26, 13, 0, tzinfo=IST)


def test_alert_nobody_is_assigned_to_goes_to_admins():
    campus = build_campus()
    sig = Signal("anomaly", "x", WARNING, "odd", NOON)
    assert {r.chat_id for r in route(campus, sig, {}, NOON, IST)} == {ADMIN, ADMIN2}
    room_sig = Signal("after_hours", "a-102", WARNING, "on", NOON, room_id="a-102", switch_ids=("a-102-lights",))
    assert [r.chat_id for r in route(campus, room_sig, {}, NOON, IST)] == [FACULTY2]


# --- cooldown, escalation, snooze ------------------------------------------------------------------------------

def test_escalating_reminders_then_silence_and_ack_stops_them():
    cfg = AlertConfig()
    t0 = NOON
    state = policy.EpisodeState(FIRING, None, 0, False, None)
    assert policy.is_due(state, t0, cfg)  # first notice at once
    after_first = policy.EpisodeState(FIRING, t0, 0, False, None)
    assert policy.next_notice_at(after_first, cfg) == t0 + dt.timedelta(minutes=30)
    t1 = t0 + dt.timedelta(minutes=30)
    assert policy.next_notice_at(policy.EpisodeState(FIRING, t1, 1, False, None), cfg) == t1 + dt.timedelta(hours=1)
    t2 = t1 + dt.timedelta(hours=1)
    assert policy.next_notice_at(policy.EpisodeState(FIRING, t2, 2, False, None), cfg) == t2 + dt.timedelta(hours=4)
    assert policy.next_notice_at(policy.EpisodeState(FIRING, t2, 3, False, None), cfg) is None  # max reminders
    assert policy.next_notice_at(policy.EpisodeState(FIRING, t0, 0, True, None), cfg) is None  # acknowledged
    assert policy.next_notice_at(policy.EpisodeState(RESOLVED, t0, 0, False, None), cfg) is None


def test_cooldown_holds_a_new_episode_and_snooze_postpones_reminders():
    cfg = AlertConfig(cooldown_s=300)
    end = policy.cooldown_end(NOON, cfg)
    assert end == NOON + dt.timedelta(minutes=5)
    held = policy.EpisodeState(FIRING, None, 0, False, None, not_before=end)
    assert not policy.is_due(held, NOON + dt.timedelta(minutes=4), cfg)
    assert policy.is_due(held, NOON + dt.timedelta(minutes=5), cfg)
    snoozed = policy.EpisodeState(FIRING, NOON, 0, False, NOON + dt.timedelta(hours=2))
    assert policy.next_notice_at(snoozed, cfg) == NOON + dt.timedelta(hours=2)
    assert policy.snooze_end("1h", NOON, IST, cfg) == NOON + dt.timedelta(hours=1)
    assert policy.snooze_end("tomorrow", NOON, IST, cfg) == dt.datetime(2026, 11, 27, 8, 0, tzinfo=IST)
    with pytest.raises(ValueError):
        policy.snooze_end("forever", NOON, IST, cfg)


# --- grouping -------------------------------------------------------------------------------------------------

def test_many_boards_of_one_building_become_one_group_and_few_stay_single():
    singles = [offline(f"h-{i}", f"r-{i}", "hall") for i in range(5)] + [offline("a-101-panel", "a-101")]
    signals, absorbed = group_offline(singles, open_groups=(), min_boards=3, building_names={"hall": "Exam Hall"})
    kinds = sorted((s.type, s.target) for s in signals)
    assert kinds == [(BOARD_OFFLINE, "a-101-panel"), (BOARD_OFFLINE_GROUP, "hall")]
    group = next(s for s in signals if s.type == BOARD_OFFLINE_GROUP)
    assert group.board_ids == tuple(f"h-{i}" for i in range(5)) and group.severity == CRITICAL
    assert group.summary == "5 boards in Exam Hall are offline"
    assert absorbed == {f"board_offline:h-{i}": "board_offline_group:hall" for i in range(5)}
    # An open group keeps collecting its building's boards, even below the threshold.
    signals, absorbed = group_offline([offline("h-1", "r-1", "hall")], open_groups=("hall",), min_boards=3)
    assert [s.type for s in signals] == [BOARD_OFFLINE_GROUP] and len(absorbed) == 1


# --- templates -----------------------------------------------------------------------------------------------

def test_notice_text_has_place_device_value_and_local_time_and_buttons():
    view = templates.AlertView(7, "after_hours", WARNING, "2 devices left on in Classroom 101", "Classroom 101",
                               "Block A", ("Lights", "AC"), 1700.0, "W", NOON, {}, can_turn_off=True)
    text, buttons = templates.notice(view, IST)
    assert "Building: Block A" in text and text.count("Classroom 101") == 1  # the summary names the room
    assert "Devices: Lights, AC" in text and "Value: 1.7 kW" in text
    assert "Since: Thu 26 Nov 12:00 IST" in text
    datas = [b["callback_data"] for row in buttons for b in row]
    assert datas == ["al:ack:7", "al:off:7", "al:s1h:7", "al:stm:7"] and all(len(d) <= 64 for d in datas)
    reminder, _ = templates.notice(view, IST, reminder=2)
    assert "reminder 2" in reminder.splitlines()[0]
    done = templates.resolved(view, IST, NOON + dt.timedelta(minutes=75))
    assert "after 1 h 15 min" in done and "13:15 IST" in done


def test_energy_values_read_in_kwh():
    # Found in the demo: an anomaly's value read "Value: 36000 Wh" beside "36.00 kWh above usual".
    view = templates.AlertView(3, "anomaly", WARNING, "AC in Classroom 102: left on over the weekend", "Classroom 102",
                               "Block A", ("AC",), 36000.0, "Wh", NOON, {})
    text, _ = templates.notice(view, IST)
    assert "Value: 36.0 kWh" in text and "36000" not in text, text
    small = templates.notice(dataclasses.replace(view, value=800.0), IST)[0]
    assert "Value: 800 Wh" in small


def test_grouped_notice_lists_members_and_stays_under_telegram_limit():
    members = [{"board_id": f"h-{i:03d}-panel", "room_name": f"Hall {i}"} for i in range(60)]
    view = templates.AlertView(1, BOARD_OFFLINE_GROUP, CRITICAL, "60 boards in Exam Hall are offline", "", "Exam Hall",
                               (), 60.0, "boards", NOON, {"members": members})
    text, _ = templates.notice(view, IST)
    assert "h-000-panel (Hall 0)" in text and "and 35 more" in text and len(text) <= 4096


# --- Bot API answers --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("status,body,kind", [
    (200, {"ok": True, "result": {"message_id": 5}}, SENT),
    (429, {"ok": False, "error_code": 429, "parameters": {"retry_after": 7}}, RETRY),
    (502, {}, RETRY),
    (500, {"ok": False, "description": "Internal"}, RETRY),
    (400, {"ok": False, "description": "Bad Request: chat not found"}, FAILED),
    (403, {"ok": False, "description": "Forbidden: bot was blocked by the user"}, FAILED),
])
def test_bot_api_answers_are_classified(status, body, kind):
    result = classify(status, body)
    assert result.kind == kind
    if status == 429:
        assert result.retry_after == 7
    if kind == SENT:
        assert result.message_id == 5


# --- settings from the environment ---------------------------------------------------------------------------

def test_alert_settings_from_environment_and_one_line_errors(monkeypatch):
    from alerts.settings import AlertSettingsError, load_alert_config

    monkeypatch.setenv("AUTOVOLT_ALERTS_REMINDERS_S", "600,1200")
    monkeypatch.setenv("AUTOVOLT_ALERTS_OFFLINE_AFTER_S", "120")
    monkeypatch.setenv("AUTOVOLT_ALERTS_TASMOTA_OFFLINE_AFTER_S", "900")
    config = load_alert_config()
    assert config.reminders_s == (600.0, 1200.0) and config.offline_after_s == 120 and config.cooldown_s == 300
    assert config.tasmota_offline_after_s == 900
    monkeypatch.setenv("AUTOVOLT_ALERTS_GROUP_MIN_BOARDS", "0")
    with pytest.raises(AlertSettingsError, match="^AUTOVOLT_ALERTS_GROUP_MIN_BOARDS: .*greater than or equal to 1"):
        load_alert_config()
