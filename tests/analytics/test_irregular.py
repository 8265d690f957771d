"""A building's own irregular days (analytics.irregular): kinds that recur by rule, learnt from its own history."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from analytics.calendar import CampusCalendar, Term
from analytics.irregular import analogs, daily_departures, day_kinds, irregular_view, kind_departures

GB = CampusCalendar(country="GB", subdivision="ENG")
EASTER_MONDAYS = ("2016-03-28", "2017-04-17")


def office(end: str = "2018-04-01 23:00", easter_share: dict[str, float] | None = None, growth: float = 1.0,
           seed: int = 0) -> pd.Series:
    """Working days 40 kWh at 08-18 and 10 kWh otherwise, weekends 10 kWh; each Easter Monday in `easter_share`
    runs at that share of a working day; from 2018-02-01 the whole load is `growth` times higher."""
    rng = np.random.default_rng(seed)
    idx = pd.date_range("2016-01-04", end, freq="h")
    working = (idx.day_of_week < 5) & (idx.hour >= 8) & (idx.hour < 18)
    y = np.where(working, 40.0, 10.0) + rng.normal(0, 0.5, len(idx))
    for day, share in (easter_share or {}).items():
        y[idx.normalize() == pd.Timestamp(day)] *= share
    y[idx >= pd.Timestamp("2018-02-01")] *= growth
    return pd.Series(y, index=idx)


def ahead(y: pd.Series, hours: int = 168) -> pd.DatetimeIndex:
    return pd.date_range(y.index[-1] + pd.Timedelta(hours=1), periods=hours, freq="h")


def test_kinds_are_holidays_without_their_year_and_days_from_a_term_edge():
    calendar = CampusCalendar(country="GB", subdivision="ENG",
                              terms=(Term("Lent 2018", dt.date(2018, 1, 16), dt.date(2018, 3, 16)),))
    kinds = day_kinds(calendar, pd.DatetimeIndex(["2018-01-15", "2018-04-02", "2018-02-05"]), term_window=7)
    assert kinds[0] == ("Lent start -1",)
    assert kinds[1] == ("holiday Easter Monday",)
    assert kinds[2] == ()
    assert "week 14 day 1" in day_kinds(GB, pd.DatetimeIndex(["2018-04-02"]), by_week=True)[0]


def test_a_building_that_halves_every_easter_monday_is_forecast_at_half_its_usual_monday():
    y = office(easter_share={d: 0.5 for d in EASTER_MONDAYS})
    found = analogs(y, GB, ahead(y))
    assert list(found) == [dt.date(2018, 4, 2)]  # the other days of the week are ordinary
    analog = found[dt.date(2018, 4, 2)]
    assert analog.kind == "holiday Easter Monday" and analog.source == dt.date(2017, 4, 17)
    assert abs(analog.departure + 0.5) < 0.02
    usual = y[y.index.day_of_week == 0].iloc[-24:].to_numpy()  # an ordinary Monday's hours
    assert np.abs(analog.profile - 0.5 * usual).max() < 2.0  # hourly noise sd 0.5 kWh on both days
    view = irregular_view(y, GB, ahead(y))
    assert np.isfinite(view[:24]).all() and np.isnan(view[24:]).all()


def test_the_analog_follows_the_level_the_building_runs_at_now():
    y = office(easter_share={d: 0.5 for d in EASTER_MONDAYS}, growth=1.2)
    analog = analogs(y, GB, ahead(y))[dt.date(2018, 4, 2)]
    assert abs(analog.profile.sum() / (0.5 * 1.2 * (10 * 40 + 14 * 10)) - 1) < 0.05


def test_a_holiday_the_building_works_through_is_left_to_the_models():
    y = office()  # Easter Mondays as any Monday
    assert analogs(y, GB, ahead(y)) == {}
    assert np.isnan(irregular_view(y, GB, ahead(y))).all()


def test_one_departing_occurrence_is_not_a_habit_unless_asked():
    y = office(easter_share={"2017-04-17": 0.5})  # 2016's Easter Monday was ordinary
    assert analogs(y, GB, ahead(y), agree=2) == {}
    assert dt.date(2018, 4, 2) in analogs(y, GB, ahead(y), agree=1)


def test_a_one_off_dip_on_an_ordinary_day_is_never_repeated():
    y = office(end="2018-03-04 23:00")
    y[(y.index >= "2017-03-06") & (y.index < "2017-03-07")] *= 0.1  # a fault on a Monday a year before
    departures = daily_departures(y, GB)
    assert departures.loc["2017-03-06", "departure"] < -0.8  # seen as a departure ...
    assert analogs(y, GB, ahead(y), agree=1, by_week=False) == {}  # ... but it has no kind, so nothing recurs


def test_short_or_empty_histories_give_no_analogs():
    y = office()
    assert analogs(y.iloc[:100], GB, ahead(y.iloc[:100])) == {}
    assert analogs(y, GB, pd.DatetimeIndex([])) == {}
    assert irregular_view(y.iloc[:0], GB, ahead(y, 24)).shape == (24,)


def test_the_day_type_feature_is_the_kinds_past_departure_and_reads_only_earlier_days():
    y = office(end="2018-04-30 23:00", easter_share={d: 0.5 for d in (*EASTER_MONDAYS, "2018-04-02")})
    days = pd.DatetimeIndex(["2017-04-17", "2018-04-02", "2018-04-09", "2016-03-28"])
    feature = kind_departures(y, GB, days, agree=2)
    # 2017's reads 2016 only; 2018's the two before it; an ordinary Monday and the first Easter Monday have none.
    assert abs(feature[0] - np.log(0.5)) < 0.05 and abs(feature[1] - np.log(0.5)) < 0.05
    assert np.isnan(feature[2]) and np.isnan(feature[3])
    later = y.copy()
    later[later.index.normalize() == pd.Timestamp("2018-04-02")] *= 4  # the day itself never counts
    assert kind_departures(later, GB, days[1:2], agree=2)[0] == feature[1]
