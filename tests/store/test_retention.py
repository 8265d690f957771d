"""Retention: every reader of `readings` gives the same answers across a compaction, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import func, select

from alerts.scans.data import hourly_energy as scan_hourly_energy
from autovolt.api.series import Target, hourly_history
from autovolt.settings import load_settings
from bot.queries import Queries, Scope
from devices.ingest import IngestWriter
from nlu.command import Period
from store import models as m
from store.campus import Campus, load_campus_file
from store.db import get_engine, session_scope, upgrade
from store.readings import hourly_energy, insert_readings, readings_frame
from store.registry import sync_campus
from store.retention import COMPACTED_SOURCE, bucket_minutes_for, compact_readings
from tests.conftest import DEMO_CAMPUS

UTC = dt.timezone.utc
START = dt.datetime(2026, 3, 1, tzinfo=UTC)
DAYS = 4
CUT = dt.datetime(2026, 3, 4, 10, 17, tzinfo=UTC)  # compaction rounds it down to 10:00
CUT_HOUR = CUT.replace(minute=0)
STEP_S = 600


def _raw_rows(campus: Campus, seed: int = 7) -> list[dict]:
    """Relay rows per switch and meter rows per metered board (switch_id null), every ~10 min with jitter so
    samples fall anywhere inside a bucket; states flip at random, some rows carry no state."""
    rng = np.random.default_rng(seed)
    rows: list[dict] = []
    steps = DAYS * 86400 // STEP_S
    for switch in campus.switches:
        state = bool(rng.integers(0, 2))
        for k in range(steps):
            if rng.random() < 0.1:
                state = not state
            ts = START + dt.timedelta(seconds=k * STEP_S + int(rng.integers(0, STEP_S)))
            watts = switch.rated_watts if state else 0.0
            rows.append({"ts": ts, "board_id": switch.board_id, "switch_id": switch.id, "room_id": switch.room_id,
                         "state": None if rng.random() < 0.05 else state, "power_w": watts,
                         "energy_wh": watts * STEP_S / 3600, "source": "relay"})
    for board in campus.boards:
        if board.protocol != "tasmota":
            continue
        for k in range(steps):
            ts = START + dt.timedelta(seconds=k * STEP_S + int(rng.integers(0, STEP_S)))
            watts = float(rng.uniform(200, 3000))
            rows.append({"ts": ts, "board_id": board.id, "switch_id": None, "room_id": board.room_id,
                         "state": None, "power_w": watts, "energy_wh": watts * STEP_S / 3600, "source": "meter"})
    return rows


@pytest.fixture
def loaded(db_url: str) -> tuple[str, Campus]:
    upgrade(db_url)
    campus = load_campus_file(DEMO_CAMPUS)
    with session_scope(db_url) as s:
        sync_campus(s, campus)
        insert_readings(s, _raw_rows(campus))
    return db_url, campus


def _all_rows(url: str, where=None) -> list[tuple]:
    r = m.Reading
    query = select(r.id, r.ts, r.board_id, r.switch_id, r.room_id, r.state, r.power_w, r.energy_wh, r.source)
    if where is not None:
        query = query.where(where)
    with session_scope(url) as s:
        return [tuple(row) for row in s.execute(query.order_by(r.id))]


def _answers(url: str, campus: Campus) -> dict[str, object]:
    """What the readers of `readings` answer: hourly frames (store, scans, the forecast API's series), bot energy
    replies, last known states."""
    rooms = [room.id for room in campus.rooms]
    end = START + dt.timedelta(days=DAYS)
    out: dict[str, object] = {}
    with session_scope(url) as s:
        out["store_hourly"] = hourly_energy(readings_frame(s, START, end, room_ids=rooms))
        out["store_by_switch"] = hourly_energy(readings_frame(s, START, end, room_ids=rooms), by="switch_id")
        for by in ("switch_id", "room_id", "board_id"):
            out[f"scan_{by}"] = scan_hourly_energy(s, START, end, by=by)
    for kind, ident in (("room", "lab-1"), ("building", "block-b"), ("switch", "lab-1-ac")):
        out[f"api_{kind}"] = hourly_history(url, Target(kind, ident, ident), START, end, campus.timezone)
    queries = Queries(campus, fleet=None, database_url=url)  # type: ignore[arg-type]
    tz = queries.tz
    day = dt.datetime(2026, 3, 2, tzinfo=tz)  # a local (Asia/Kolkata) day: starts at 18:30 UTC
    later = end + dt.timedelta(days=30)
    everything = Scope(tuple(rooms), "the campus")
    out["bot_day"] = queries.energy(everything, Period(day, day + dt.timedelta(days=1)), later).text
    out["bot_week"] = queries.energy(everything, Period(day - dt.timedelta(days=1), day + dt.timedelta(days=6)),
                                     later).text
    out["bot_room_day"] = queries.energy(Scope(("lab-1",), "Lab 1"), Period(day, day + dt.timedelta(days=1)),
                                         later).text
    writer = IngestWriter(url, campus)  # what a writer restores at start: the newest stored sample per switch
    with get_engine(url).connect() as conn:
        writer.ledger.seed(conn)
    out["last_states"] = {sid: writer.energy.newest_relay(sid) is not None and writer.energy.newest_relay(sid)[1]
                          for sid in writer.ledger.rated}
    return out


def _assert_same(before: dict[str, object], after: dict[str, object]) -> None:
    for key, value in before.items():
        if isinstance(value, pd.Series):
            pd.testing.assert_series_equal(value, after[key], rtol=1e-9, check_names=False)  # type: ignore[arg-type]
        elif isinstance(value, pd.DataFrame):
            pd.testing.assert_frame_equal(value, after[key], rtol=1e-9)  # type: ignore[arg-type]
        else:
            assert value == after[key], key


def test_readers_answer_the_same_across_the_cut(loaded):
    url, campus = loaded
    minutes = bucket_minutes_for(campus.timezone)
    assert minutes == 30  # Asia/Kolkata is UTC+5:30
    before = _answers(url, campus)
    newer = _all_rows(url, m.Reading.ts >= CUT_HOUR)
    with session_scope(url) as s:
        total, top = s.execute(select(func.sum(m.Reading.energy_wh), func.max(m.Reading.id))).one()

    result = compact_readings(url, CUT, bucket_minutes=minutes)

    assert result.cut == CUT_HOUR and result.chunks == 4  # three whole days and 3/1 00:00-10:00
    assert result.rows_after < result.rows_before / 2
    assert _all_rows(url, m.Reading.ts >= CUT_HOUR) == newer  # rows newer than the cut are untouched
    old = _all_rows(url, m.Reading.ts < CUT_HOUR)
    assert len(old) == result.rows_after == result.buckets_written
    assert {row[8] for row in old} == {COMPACTED_SOURCE}
    assert all(row[1].minute in (0, 30) and row[1].second == 0 for row in old)
    with session_scope(url) as s:
        total_after, top_after = s.execute(select(func.sum(m.Reading.energy_wh), func.max(m.Reading.id))).one()
    assert total_after == pytest.approx(total, rel=1e-12)
    assert top_after == top  # bucket rows reuse ids: the metrics energy counter never sees them as new
    _assert_same(before, _answers(url, campus))


def test_whole_board_rows_are_compacted_per_board_and_bucket(loaded):
    url, campus = loaded
    metered = {b.id for b in campus.boards if b.protocol == "tasmota"}
    before = _all_rows(url, m.Reading.switch_id.is_(None) & (m.Reading.ts < CUT_HOUR))
    compact_readings(url, CUT)
    after = _all_rows(url, m.Reading.switch_id.is_(None) & (m.Reading.ts < CUT_HOUR))
    expected = {(row[2], row[1].replace(minute=0, second=0, microsecond=0)) for row in before}
    assert sorted((row[2], row[1]) for row in after) == sorted(expected)
    assert {row[2] for row in after} == metered
    one = [row for row in before if row[2] == "auditorium-panel" and row[1].date() == dt.date(2026, 3, 2)
           and row[1].hour == 13]
    row = next(r for r in after if r[2] == "auditorium-panel" and r[1] == dt.datetime(2026, 3, 2, 13, tzinfo=UTC))
    assert row[7] == pytest.approx(sum(r[7] for r in one))
    assert row[6] == pytest.approx(sum(r[6] for r in one) / len(one))
    assert row[5] is None and row[0] == min(r[0] for r in one)


def test_last_state_is_the_newest_known_one(loaded):
    url, _ = loaded
    hour = (m.Reading.switch_id == "lab-1-ac") & (m.Reading.ts >= dt.datetime(2026, 3, 2, 9, tzinfo=UTC)) \
        & (m.Reading.ts < dt.datetime(2026, 3, 2, 10, tzinfo=UTC))
    raw = _all_rows(url, hour)
    compact_readings(url, CUT)
    (row,) = _all_rows(url, hour)
    assert row[5] == max((r for r in raw if r[5] is not None), key=lambda r: r[1])[5]


def test_a_second_compaction_changes_nothing(loaded):
    url, _ = loaded
    first = compact_readings(url, CUT)
    snapshot = _all_rows(url)
    with session_scope(url) as s:
        again = compact_readings(s, CUT)
    assert first.buckets_written > 0
    assert (again.buckets_written, again.chunks, again.rows_before) == (0, 0, 0)  # no raw row left to look at
    assert _all_rows(url) == snapshot


def test_a_late_raw_row_is_folded_into_its_bucket(loaded):
    url, _ = loaded
    compact_readings(url, CUT)
    bucket = (m.Reading.switch_id == "lab-1-ac") & (m.Reading.ts == dt.datetime(2026, 3, 2, 9, tzinfo=UTC))
    (kept,) = _all_rows(url, bucket)
    with session_scope(url) as s:
        insert_readings(s, [{"ts": dt.datetime(2026, 3, 2, 9, 59, tzinfo=UTC), "board_id": kept[2],
                             "switch_id": "lab-1-ac", "room_id": kept[4], "state": not kept[5], "power_w": 0.0,
                             "energy_wh": 5.0, "source": "relay"}])
    again = compact_readings(url, CUT)
    assert (again.buckets_written, again.chunks) == (1, 3)  # days 3/2, 3/3 and 3/4 until 10:00
    (merged,) = _all_rows(url, bucket)
    assert merged[0] == kept[0] and merged[5] == (not kept[5])
    assert merged[7] == pytest.approx(kept[7] + 5.0)


def test_a_later_cut_compacts_only_the_new_days(loaded):
    url, _ = loaded
    compact_readings(url, CUT - dt.timedelta(days=2))
    later = compact_readings(url, CUT)
    assert later.chunks == 3  # from 3/2 (the first day with raw rows) to 3/4 10:00
    assert {row[8] for row in _all_rows(url, m.Reading.ts < CUT_HOUR)} == {COMPACTED_SOURCE}


def test_nothing_to_do_on_an_empty_database(db_url):
    upgrade(db_url)
    result = compact_readings(db_url, CUT)
    assert (result.rows_before, result.rows_after, result.buckets_written, result.chunks) == (0, 0, 0, 0)


def test_hour_buckets_move_energy_across_half_hour_local_days(loaded):
    """Why the bucket follows the time zone: with hour rows, a Kolkata day (18:30 UTC to 18:30 UTC) gains or loses
    the energy of the half hours at its ends."""
    url, campus = loaded
    day = dt.datetime(2026, 3, 2, tzinfo=Queries(campus, None, url).tz)  # type: ignore[arg-type]

    def day_total() -> float:
        with session_scope(url) as s:
            return float(readings_frame(s, day, day + dt.timedelta(days=1))["energy_wh"].sum())

    before = day_total()
    compact_readings(url, CUT, bucket_minutes=60)
    assert day_total() != pytest.approx(before, rel=1e-6)


@pytest.mark.parametrize(("zone", "minutes"), [(None, 60), ("UTC", 60), ("Europe/Berlin", 60),
                                                 ("Asia/Kolkata", 30), ("Asia/Kathmandu", 15)])
def test_bucket_follows_the_zone_offset(zone, minutes):
    assert bucket_minutes_for(zone) == minutes


def test_bad_arguments_are_refused(sqlite_url):
    with pytest.raises(ValueError):
        compact_readings(sqlite_url, dt.datetime(2026, 3, 1))
    with pytest.raises(ValueError):
        compact_readings(sqlite_url, CUT, bucket_minutes=7)


def test_raw_days_setting(monkeypatch):
    assert load_settings().readings_raw_days == 90
    monkeypatch.setenv("AUTOVOLT_READINGS_RAW_DAYS", "0")
    assert load_settings().readings_raw_days == 0


def test_db_compact_command_prints_one_line_or_json(loaded, monkeypatch, capsys):
    import json

    from autovolt.cli import main

    url, _ = loaded
    monkeypatch.setenv("AUTOVOLT_DATABASE_URL", url)
    # The data ends 2026-03-05; "older than N days" counts from today, so N reaches back to before the data.
    days = (dt.datetime.now(UTC) - START).days + 1
    assert main(["db", "compact", "--older-than-days", str(days), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["chunks"] == 0
    assert main(["db", "compact", "--older-than-days", "1"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "30-minute rows" in out and " removed" in out
    assert main(["db", "compact", "--older-than-days", "0"]) == 2
    monkeypatch.setenv("AUTOVOLT_READINGS_RAW_DAYS", "0")
    assert main(["db", "compact", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["compacted"] is False


async def test_the_nightly_job_runs_on_the_alerts_scheduler(loaded):
    from functools import partial
    from zoneinfo import ZoneInfo

    from alerts import scheduler as jobs
    from alerts.model import AlertConfig
    from store.retention import compact_due

    url, _ = loaded
    jobs.set_housekeeping(partial(compact_due, url, 1, now=CUT + dt.timedelta(days=1)))
    try:
        sched = jobs.start_scheduler(get_engine(url), AlertConfig(), ZoneInfo("Asia/Kolkata"))
        job = sched.get_job("alerts.housekeeping")
        sched.shutdown(wait=False)
        assert job is not None and job.next_run_time.strftime("%H:%M") == "03:30"
        await jobs.run_job(jobs.HOUSEKEEPING)
    finally:
        jobs.set_housekeeping(None)
    assert {row[8] for row in _all_rows(url, m.Reading.ts < CUT_HOUR)} == {COMPACTED_SOURCE}
    assert {row[8] for row in _all_rows(url, m.Reading.ts >= CUT_HOUR)} == {"relay", "meter"}
