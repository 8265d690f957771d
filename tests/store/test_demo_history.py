"""The demo's history must look like classrooms and carry the faults it claims to carry."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from autovolt.demo.history import generate_history
from store.campus import load_campus_file
from tests.conftest import DEMO_CAMPUS

END = dt.datetime(2026, 11, 26, 6, tzinfo=dt.timezone.utc)


def _local(history: pd.DataFrame) -> pd.Series:
    return history.ts.dt.tz_convert("Asia/Kolkata")


def test_eight_weeks_of_hourly_rows_for_every_switch():
    campus = load_campus_file(DEMO_CAMPUS)
    history, faults = generate_history(campus, END)
    per_switch = history.groupby("switch_id").size()
    assert set(per_switch.index) == {s.id for s in campus.switches}
    assert per_switch.max() == 8 * 7 * 24
    assert {f.kind for f in faults} == {"left_on_overnight", "stuck_on", "left_on_weekend", "spike", "board_offline"}


def test_class_hours_weekends_and_holidays_shape_the_load():
    campus = load_campus_file(DEMO_CAMPUS)
    history, faults = generate_history(campus, END)
    faulty = {s for f in faults for s in f.switch_ids}
    clean = history[~history.switch_id.isin(faulty)]
    local = _local(clean)
    weekday_day = clean[(local.dt.day_of_week < 5) & local.dt.hour.between(10, 15)].power_w.mean()
    night = clean[local.dt.hour.isin([1, 2, 3, 4])].power_w.mean()
    weekend = clean[(local.dt.day_of_week == 6) & local.dt.hour.between(10, 15)].power_w.mean()
    assert weekday_day > 10 * night and weekday_day > 5 * weekend
    diwali = clean[(local.dt.date == dt.date(2026, 11, 8)) | (local.dt.date == dt.date(2026, 10, 2))]
    assert diwali.power_w.mean() < weekday_day / 5


def test_injected_faults_are_in_the_data():
    campus = load_campus_file(DEMO_CAMPUS)
    history, faults = generate_history(campus, END)
    by_kind = {f.kind: f for f in faults}
    stuck = by_kind["stuck_on"]
    rows = history[(history.switch_id == stuck.switch_ids[0]) & (history.ts >= stuck.start)]
    assert len(rows) >= 60 and rows.state.all()
    offline = by_kind["board_offline"]
    assert history[(history.switch_id.isin(offline.switch_ids)) & (history.ts > offline.start)].empty
