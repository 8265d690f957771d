"""The scans on real data in the store: after hours, thresholds, anomalies, forecast accuracy, the digest."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.model import AFTER_HOURS, ANOMALY, CRITICAL, FORECAST_ACCURACY, HIGH_CONSUMPTION, WARNING, AlertConfig
from alerts.scanner import Scanner, UnknownScan
from alerts.scans import after_hours, thresholds
from alerts.scans.anomalies import AnomalyScanner
from alerts.scans.data import hourly_energy
from store import models as m
from store.db import get_engine, session_scope
from store.readings import insert_readings

from .conftest import ADMIN, ADMIN2, FACULTY, NOON, Clock, build_campus, make_book, set_states

IST = ZoneInfo("Asia/Kolkata")
UTC = dt.timezone.utc


def deliveries(url: str) -> list[m.Delivery]:
    with Session(get_engine(url)) as session:
        return list(session.scalars(select(m.Delivery).order_by(m.Delivery.id)))


def test_after_hours_is_judged_against_each_rooms_class_hours():
    campus = build_campus()
    states = {"a-101-lights": True, "a-101-ac": True, "a-101-projector": True, "a-102-lights": False}
    cfg = AlertConfig()
    in_class = dt.datetime(2026, 11, 26, 16, 30, tzinfo=IST)  # Thursday 16:30
    assert after_hours.evaluate(campus, states, in_class, IST, cfg).signals == ()
    evening = dt.datetime(2026, 11, 26, 17, 5, tzinfo=IST)
    [sig] = after_hours.evaluate(campus, states, evening, IST, cfg).signals
    assert sig.key == "after_hours:a-101" and sig.switch_ids == ("a-101-lights", "a-101-ac")  # projector not counted
    assert sig.value == 1700 and "2 devices left on in Classroom 101" in sig.summary
    saturday = dt.datetime(2026, 11, 28, 11, 0, tzinfo=IST)
    assert len(after_hours.evaluate(campus, states, saturday, IST, cfg).signals) == 1
    graced = AlertConfig(after_hours_grace_s=900)
    assert after_hours.evaluate(campus, states, evening, IST, graced).signals == ()


def test_thresholds_for_rooms_and_buildings_with_metered_power_preferred():
    campus = build_campus()
    states = {"a-101-lights": True, "a-101-fans": True, "a-101-ac": True}  # 2000 W rated
    [room] = thresholds.evaluate(campus, states, {}, NOON).signals
    assert room.key == "high_consumption:room:a-101" and room.severity == CRITICAL  # 2x the 1000 W threshold
    assert "2.0 kW, over its 1.0 kW threshold" in room.summary
    keys = {s.key for s in thresholds.evaluate(campus, states, {"a-102": 4000.0}, NOON).signals}
    assert keys == {"high_consumption:room:a-101", "high_consumption:building:block-a"}
    assert thresholds.evaluate(campus, {"a-101-lights": True}, {}, NOON).signals == ()


def test_after_hours_scan_alerts_room_faculty_with_turn_off_and_resolves_when_off(loaded, clock):
    clock.now = dt.datetime(2026, 11, 26, 18, 0, tzinfo=IST).astimezone(UTC)
    set_states(loaded, {"a-101-lights": True, "a-101-fans": True})
    scanner = Scanner(make_book(loaded, clock))
    assert scanner.run("after_hours").opened == 1
    [row] = deliveries(loaded)
    assert row.chat_id == FACULTY and "left on in Classroom 101" in row.text and "18:00 IST" in row.text
    assert any(b["callback_data"].startswith("al:off:") for r in row.buttons for b in r)
    set_states(loaded, {"a-101-lights": False, "a-101-fans": False})
    clock.advance(minutes=10)
    assert scanner.run("after_hours").resolved == 1


def test_unknown_scan_names_are_refused_with_the_known_ones(loaded, clock):
    with pytest.raises(UnknownScan, match="known scans: offline"):
        Scanner(make_book(loaded, clock)).run("everything")


def _history(days: int, end: dt.datetime, night_on_from: dt.datetime | None = None, seed: int = 1) -> list[dict]:
    """Hourly energy of a-101-lights (on about 9-17 IST weekdays, ~200 Wh/h) and a-101-fans (about 10-16 IST,
    ~300 Wh/h), with the day-to-day variation of real rooms; optionally the lights left on from `night_on_from`."""
    rng = random.Random(seed)
    rows = []
    t = end - dt.timedelta(days=days)
    while t < end:
        local = t.astimezone(IST)
        weekday = local.weekday() < 5
        start_l, end_l = 9 - (rng.random() < 0.2), 17 + (rng.random() < 0.2)
        lights = weekday and start_l <= local.hour < end_l
        fans = weekday and 10 <= local.hour < 16 and rng.random() < 0.9
        if night_on_from is not None and t >= night_on_from:
            lights = True
        for switch, on, watts in (("a-101-lights", lights, 200.0), ("a-101-fans", fans, 300.0)):
            energy = watts * rng.uniform(0.6, 1.0) if on else 0.0
            rows.append({"ts": t + dt.timedelta(minutes=59), "board_id": "a-101-panel", "switch_id": switch,
                         "room_id": "a-101", "state": on, "power_w": watts if on else 0.0,
                         "energy_wh": round(energy, 1), "source": "state"})
        t += dt.timedelta(hours=1)
    return rows


def test_hourly_energy_is_summed_in_the_database(db_url, campus):
    from .conftest import load

    url = load(db_url, campus)
    end = dt.datetime(2026, 11, 26, 0, 0, tzinfo=UTC)
    with session_scope(url) as session:
        insert_readings(session, _history(2, end))
        frame = hourly_energy(session, end - dt.timedelta(days=2), end)
    assert frame.shape == (48, 2) and set(frame.columns) == {"a-101-lights", "a-101-fans"}
    assert frame["a-101-lights"].sum() == pytest.approx(sum(r["energy_wh"] for r in _history(2, end)
                                                            if r["switch_id"] == "a-101-lights"))


def test_lights_left_on_all_night_are_an_anomaly_and_normal_days_are_not(loaded_sqlite):
    # Thursday 06:00 IST: the lights have been on since 18:00 yesterday.
    now = dt.datetime(2026, 11, 26, 6, 0, tzinfo=IST).astimezone(UTC)
    night = dt.datetime(2026, 11, 25, 18, 0, tzinfo=IST).astimezone(UTC)
    with session_scope(loaded_sqlite) as session:
        insert_readings(session, _history(29, now, night_on_from=night))
    clock = Clock(now)
    scanner = Scanner(make_book(loaded_sqlite, clock))
    result = scanner.result_of("anomalies", now)
    assert [s.key for s in result.signals] == ["anomaly:a-101-lights"]
    sig = result.signals[0]
    assert sig.severity == WARNING and sig.room_id == "a-101" and "Lights in Classroom 101" in sig.summary
    assert "usually off then" in sig.summary
    # Judged on the campus clock: 18:00-06:00 IST is a night (in UTC hours it would be 12:30-00:30).
    assert sig.detail["kind"] == "left-on-overnight" and "18:00" in sig.summary, sig.summary
    assert ANOMALY in result.covers
    assert scanner.run("anomalies").opened == 1
    assert {d.chat_id for d in deliveries(loaded_sqlite)} == {FACULTY}


def test_lights_stuck_on_for_days_stay_an_anomaly_after_the_daily_refit(loaded_sqlite, monkeypatch):
    # On since Saturday 09:00 IST. Each morning's refit learns from four weeks that hold days and nights of it, yet
    # the lights must still count as left on (else the alert resolves itself while they burn on).
    import alerts.scans.anomalies as scans

    now = dt.datetime(2026, 11, 26, 7, 30, tzinfo=IST).astimezone(UTC)  # a night is judged once it is over
    since = dt.datetime(2026, 11, 21, 9, 0, tzinfo=IST).astimezone(UTC)
    with session_scope(loaded_sqlite) as session:
        insert_readings(session, _history(30, now, night_on_from=since))

    def keys_over_two_days(scanner):
        keys = []
        with Session(get_engine(loaded_sqlite)) as session:
            for at in (now - dt.timedelta(hours=24), now):
                keys.append([s.target for s in scanner.scan(session, build_campus(), at, AlertConfig()).signals])
        return keys

    assert keys_over_two_days(AnomalyScanner()) == [["a-101-lights"], ["a-101-lights"]]
    monkeypatch.setattr(scans, "_without_faults", lambda train, judge: train)  # learn from everything
    assert keys_over_two_days(AnomalyScanner()) == [[], []]


def test_normal_week_raises_no_anomaly_and_too_little_history_judges_nothing(loaded_sqlite):
    now = dt.datetime(2026, 11, 26, 6, 0, tzinfo=IST).astimezone(UTC)
    with session_scope(loaded_sqlite) as session:
        insert_readings(session, _history(29, now))
    scanner = AnomalyScanner()
    with Session(get_engine(loaded_sqlite)) as session:
        assert scanner.scan(session, build_campus(), now, AlertConfig()).signals == ()
        short = AlertConfig(anomaly_history_h=30, anomaly_window_h=24)
        assert AnomalyScanner().scan(session, build_campus(), now, short).covers == frozenset()


def test_forecast_accuracy_alerts_admins_when_yesterday_went_badly(loaded_sqlite):
    now = dt.datetime(2026, 11, 26, 7, 25, tzinfo=IST).astimezone(UTC)
    yesterday = dt.datetime(2026, 11, 25, 0, 0, tzinfo=IST).astimezone(UTC)
    with session_scope(loaded_sqlite) as session:
        rows = _history(29, yesterday) + _history(1, yesterday + dt.timedelta(days=1), night_on_from=yesterday)
        insert_readings(session, rows)
    clock = Clock(now)
    report = Scanner(make_book(loaded_sqlite, clock)).run("forecast")
    assert report.opened == 1
    texts = {d.chat_id: d.text for d in deliveries(loaded_sqlite)}
    assert set(texts) == {ADMIN, ADMIN2} and "forecast was off by" in texts[ADMIN]


def test_digest_reports_yesterday_top_rooms_open_alerts_and_a_forecast_once_a_day(loaded_sqlite):
    now = dt.datetime(2026, 11, 26, 7, 30, tzinfo=IST).astimezone(UTC)
    today = dt.datetime(2026, 11, 26, 0, 0, tzinfo=IST).astimezone(UTC)
    history = _history(28, today)
    with session_scope(loaded_sqlite) as session:
        insert_readings(session, history)
    clock = Clock(now)
    set_states(loaded_sqlite, {"a-101-lights": True, "a-101-fans": True, "a-101-ac": True})
    scanner = Scanner(make_book(loaded_sqlite, clock))
    scanner.run("thresholds")
    before = len(deliveries(loaded_sqlite))
    assert scanner.run("digest").enqueued == 2
    assert scanner.run("digest").enqueued == 0  # once per day
    digests = deliveries(loaded_sqlite)[before:]
    assert {d.chat_id for d in digests} == {ADMIN, ADMIN2}
    text = digests[0].text
    assert "Daily digest for Wed 25 Nov 2026" in text
    expected_kwh = sum(r["energy_wh"] for r in history if r["ts"] >= today - dt.timedelta(days=1)) / 1000
    assert f"Energy used: {expected_kwh:.1f} kWh" in text
    assert "1. Classroom 101" in text and "Open alerts (1)" in text and "Forecast for today: " in text
    forecast = float(text.split("Forecast for today: ")[1].split(" kWh")[0])
    assert 0.7 * expected_kwh < forecast < 1.3 * expected_kwh  # a Thursday like the last four
    assert "kWh (weekly-median" in text
    assert HIGH_CONSUMPTION and AFTER_HOURS and FORECAST_ACCURACY  # names used by the scans above


def test_a_large_anomaly_fit_runs_on_the_dask_cluster_and_finds_the_same(loaded_sqlite):
    from distributed import Client, LocalCluster

    from autovolt.dask_cluster import DaskRunner

    now = dt.datetime(2026, 11, 26, 6, 0, tzinfo=IST).astimezone(UTC)
    night = dt.datetime(2026, 11, 25, 18, 0, tzinfo=IST).astimezone(UTC)
    with session_scope(loaded_sqlite) as session:
        insert_readings(session, _history(29, now, night_on_from=night))
    with LocalCluster(n_workers=2, processes=False, threads_per_worker=1, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        runner = DaskRunner(cluster.scheduler_address)
        try:
            remote = Scanner(make_book(loaded_sqlite, Clock(now)))
            remote.anomalies = AnomalyScanner(runner.run, remote_from_switches=1)  # "large": any campus here
            found = remote.result_of("anomalies", now)
            executed = sum(client.run(lambda dask_worker: dask_worker.state.executed_count).values())
        finally:
            runner.close()
    assert executed >= 1  # the fit ran on a worker
    local = Scanner(make_book(loaded_sqlite, Clock(now))).result_of("anomalies", now)
    assert [s.key for s in found.signals] == [s.key for s in local.signals] == ["anomaly:a-101-lights"]
    assert found.signals[0].summary == local.signals[0].summary


def test_a_tasmota_board_between_two_teleperiods_is_not_offline(db_url):
    # Found in the demo: a healthy Tasmota board (it speaks every TelePeriod, 300 s) was reported offline after
    # 5 minutes and back online a minute later; only longer silence is an outage.
    from store.campus import load_campus_file

    from .conftest import load, set_last_seen

    demo = load_campus_file(Path(__file__).resolve().parents[2] / "autovolt" / "demo" / "campus.yaml")
    url = load(db_url, demo)
    clock = Clock(NOON)
    tasmota = next(b.id for b in demo.boards if b.protocol == "tasmota")
    autovolt = next(b.id for b in demo.boards if b.protocol == "autovolt")
    set_last_seen(url, {b.id: NOON for b in demo.boards})
    set_last_seen(url, {tasmota: NOON - dt.timedelta(seconds=330), autovolt: NOON - dt.timedelta(seconds=330)})
    scanner = Scanner(make_book(url, clock))
    assert scanner.run("offline").keys == [f"board_offline:{autovolt}"]
    set_last_seen(url, {tasmota: NOON - dt.timedelta(seconds=720)})
    assert f"board_offline:{tasmota}" in scanner.run("offline").keys
