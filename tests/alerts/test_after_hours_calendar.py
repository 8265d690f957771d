"""After-hours alerts on public holidays, campus closures and term breaks: the whole day is outside class hours, and
the alert says why.

The campus is the alert tests' campus with an Indian holiday calendar and two terms (some tests add a region and
closures); clocks are fixed local times.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.days_off import BREAK, CLOSURE, HOLIDAY, day_off
from alerts.model import AlertConfig
from alerts.scanner import Scanner
from alerts.scans import after_hours
from analytics.calendar import CampusCalendar, Term
from store import models as m
from store.campus import Campus, parse_campus_text
from store.db import get_engine

from .conftest import FACULTY, Clock, campus_text, make_book, set_states

IST = ZoneInfo("Asia/Kolkata")
TERMS = "[{name: Odd semester 2025, start: 2025-07-21, end: 2025-12-05}, " \
        "{name: Even semester 2026, start: 2026-01-05, end: 2026-05-15}]"
DIWALI = dt.datetime(2025, 10, 20, 11, 0, tzinfo=IST)       # Monday, a public holiday in IN, inside the odd term
CLASS_DAY = dt.datetime(2025, 10, 21, 11, 0, tzinfo=IST)    # Tuesday, same term, no holiday
BREAK_DAY = dt.datetime(2025, 12, 17, 11, 0, tzinfo=IST)    # Wednesday between the terms, no holiday
CHRISTMAS = dt.datetime(2025, 12, 25, 11, 0, tzinfo=IST)    # Thursday, a holiday inside the break
STRIKE_DAY = dt.datetime(2025, 11, 12, 11, 0, tzinfo=IST)   # Wednesday in the odd term, no holiday anywhere in IN
CLOSURES = "[{name: Strike day, start: 2025-11-12, end: 2025-11-12}]"
# Wednesday in the odd term: a public holiday in Maharashtra (holidays 0.109 has it for IN-MH), not in all of IN.
GANESH_CHATURTHI = dt.datetime(2025, 8, 27, 11, 0, tzinfo=IST)
ON = {"a-101-lights": True, "a-101-ac": True, "a-101-projector": True}


def calendar_campus(country: str | None = "IN", terms: str | None = TERMS, subdivision: str | None = None,
                    closures: str | None = None) -> Campus:
    """The alert tests' campus, with a holiday country, terms, and optionally a region and closures added to its
    `campus:` line."""
    fields = {"country": country, "subdivision": subdivision, "terms": terms, "closures": closures}
    extra = "".join(f", {name}: {value}" for name, value in fields.items() if value)
    text = campus_text().replace("timezone: Asia/Kolkata}", f"timezone: Asia/Kolkata{extra}}}", 1)
    campus = parse_campus_text(text, "<holiday campus>")
    assert campus.country == country and len(campus.terms) == (2 if terms else 0)
    assert campus.subdivision == subdivision and len(campus.closures) == (1 if closures else 0)
    return campus


def signals(campus: Campus, at: dt.datetime, config: AlertConfig = AlertConfig()) -> tuple:
    return after_hours.evaluate(campus, ON, at, IST, config).signals


def test_a_public_holiday_at_eleven_alerts_with_the_holidays_name():
    [sig] = signals(calendar_campus(), DIWALI)
    assert sig.key == "after_hours:a-101" and sig.switch_ids == ("a-101-lights", "a-101-ac")  # projector not counted
    assert sig.summary == "2 devices left on in Classroom 101 during Diwali (public holiday) (Lights, AC)"
    assert sig.detail["day_off"] == HOLIDAY and sig.detail["day_off_name"] == "Diwali"
    assert "whole day counts as outside class hours" in sig.detail["reasons"][0]


def test_the_same_hour_on_a_class_day_does_not_alert():
    assert signals(calendar_campus(), CLASS_DAY) == ()


def test_a_break_day_alerts_only_when_the_campus_lists_terms():
    [sig] = signals(calendar_campus(), BREAK_DAY)
    assert "during the term break" in sig.summary and sig.detail["day_off"] == BREAK
    assert "Even semester 2026 starts 05 Jan 2026" in sig.detail["reasons"][0]
    # No terms listed: nothing says the campus is on a break, so an ordinary Wednesday.
    assert signals(calendar_campus(terms=None), BREAK_DAY) == ()
    # No country either: the holiday is not known, the old behaviour holds.
    assert signals(calendar_campus(country=None, terms=None), DIWALI) == ()


def test_a_holiday_inside_a_break_is_named_as_the_holiday():
    [sig] = signals(calendar_campus(), CHRISTMAS)
    assert "during Christmas (public holiday)" in sig.summary


def test_evenings_keep_the_after_class_hours_text_even_on_a_holiday():
    [sig] = signals(calendar_campus(), DIWALI.replace(hour=18))
    assert sig.summary == "2 devices left on in Classroom 101 after class hours (Lights, AC)"
    assert "reasons" not in sig.detail


def test_the_setting_off_restores_the_old_behaviour():
    off = AlertConfig(after_hours_on_breaks=False)
    campus = calendar_campus()
    assert signals(campus, DIWALI, off) == () and signals(campus, BREAK_DAY, off) == ()
    [sig] = signals(campus, DIWALI.replace(hour=18), off)
    assert "after class hours" in sig.summary


def test_setting_from_the_environment(monkeypatch):
    from alerts.settings import AlertSettingsError, load_alert_config

    assert load_alert_config().after_hours_on_breaks is True
    monkeypatch.setenv("AUTOVOLT_ALERTS_AFTER_HOURS_ON_BREAKS", "false")
    assert load_alert_config().after_hours_on_breaks is False
    monkeypatch.setenv("AUTOVOLT_ALERTS_AFTER_HOURS_ON_BREAKS", "sometimes")
    with pytest.raises(AlertSettingsError, match="^AUTOVOLT_ALERTS_AFTER_HOURS_ON_BREAKS: "):
        load_alert_config()


def test_days_off_follow_the_analytics_calendar():
    calendar = CampusCalendar.of_campus(calendar_campus())
    assert calendar == CampusCalendar(country="IN", terms=(Term("Odd semester 2025", dt.date(2025, 7, 21),
                                                                dt.date(2025, 12, 5)),
                                                           Term("Even semester 2026", dt.date(2026, 1, 5),
                                                                dt.date(2026, 5, 15))))
    assert day_off(calendar, CLASS_DAY.date()) is None
    after_last = day_off(calendar, dt.date(2026, 6, 1))
    assert after_last is not None and after_last.kind == BREAK and after_last.next_term is None
    # The analytics flags agree day by day over the year: holiday or break exactly where the forecasts see one.
    days = [dt.date(2025, 7, 1) + dt.timedelta(days=i) for i in range(365)]
    holiday, brk = calendar.day_flags(pd.DatetimeIndex([pd.Timestamp(d) for d in days]))
    for day, h, b in zip(days, holiday, brk):
        off = day_off(calendar, day)
        assert (off is not None) == bool(h or b), day
        assert (off is not None and off.kind == HOLIDAY) == bool(h), day
    closed = CampusCalendar(closures=(Term("Winter shutdown", dt.date(2025, 12, 24), dt.date(2025, 12, 31)),))
    shut = day_off(closed, dt.date(2025, 12, 29))
    assert shut is not None and shut.kind == CLOSURE and shut.reason == "Winter shutdown (campus closed)"


def test_a_campus_closure_at_eleven_alerts_with_the_closures_name():
    [sig] = signals(calendar_campus(closures=CLOSURES), STRIKE_DAY)
    assert sig.summary == "2 devices left on in Classroom 101 during Strike day (campus closed) (Lights, AC)"
    assert sig.detail["day_off"] == CLOSURE and sig.detail["day_off_name"] == "Strike day"
    assert sig.detail["reasons"] == ["No classes on Strike day (campus closed): the whole day counts as outside "
                                     "class hours"]
    assert signals(calendar_campus(), STRIKE_DAY) == ()  # an ordinary class day without the closure


def test_a_regional_holiday_counts_only_with_the_campus_subdivision():
    [sig] = signals(calendar_campus(subdivision="MH"), GANESH_CHATURTHI)
    assert "during Ganesh Chaturthi (public holiday)" in sig.summary and sig.detail["day_off"] == HOLIDAY
    assert signals(calendar_campus(), GANESH_CHATURTHI) == ()


def test_of_campus_carries_the_subdivision_and_closures():
    campus = calendar_campus(subdivision="MH", closures=CLOSURES)
    calendar = CampusCalendar.of_campus(campus)
    assert (calendar.country, calendar.subdivision, len(calendar.terms)) == ("IN", "MH", 2)
    assert calendar.closures == (Term("Strike day", dt.date(2025, 11, 12), dt.date(2025, 11, 12)),)
    # Another country overrides the campus's: a region code of IN means nothing there.
    assert CampusCalendar.of_campus(campus, country="GB").subdivision is None
    assert CampusCalendar.of_campus(campus, country="IN").subdivision == "MH"


def test_forecasts_flag_closures_and_regional_holidays_as_holidays():
    days = [GANESH_CHATURTHI.date(), STRIKE_DAY.date(), CLASS_DAY.date()]
    index = pd.DatetimeIndex([pd.Timestamp(d) + pd.Timedelta(hours=11) for d in days])
    regional, _ = CampusCalendar.of_campus(calendar_campus(subdivision="MH", closures=CLOSURES)).day_flags(index)
    national, _ = CampusCalendar.of_campus(calendar_campus()).day_flags(index)
    assert regional.tolist() == [1.0, 1.0, 0.0]
    assert national.tolist() == [0.0, 0.0, 0.0]


# --- through the store and the alert book: one episode, cooldown and resolution as on any evening ------------

@pytest.fixture
def campus() -> Campus:
    """Overrides the conftest campus, so `loaded` holds the holiday campus (with its region and a closure)."""
    return calendar_campus(subdivision="MH", closures=CLOSURES)


def test_holiday_alert_reaches_the_rooms_faculty_once_and_resolves(loaded):
    clock = Clock(DIWALI.astimezone(dt.timezone.utc))
    set_states(loaded, {"a-101-lights": True})
    scanner = Scanner(make_book(loaded, clock))
    assert scanner.run("after_hours").opened == 1
    with Session(get_engine(loaded)) as session:
        [row] = session.scalars(select(m.Delivery))
    assert row.chat_id == FACULTY and "left on in Classroom 101 during Diwali (public holiday)" in row.text
    assert "whole day counts as outside class hours" in row.text and "11:00 IST" in row.text
    # The next scan, before the first reminder is due: the same episode, no second message.
    clock.advance(minutes=10)
    report = scanner.run("after_hours")
    assert report.opened == 0 and report.enqueued == 0
    # Still on into the evening, where the after-class text applies: still one episode (reminders as usual).
    clock.advance(hours=7)
    report = scanner.run("after_hours")
    assert report.opened == 0 and report.announced == 0
    set_states(loaded, {"a-101-lights": False})
    clock.advance(minutes=10)
    assert scanner.run("after_hours").resolved == 1


def test_closure_alert_from_the_stored_campus_names_the_closure(loaded):
    clock = Clock(STRIKE_DAY.astimezone(dt.timezone.utc))
    set_states(loaded, {"a-101-lights": True})
    assert Scanner(make_book(loaded, clock)).run("after_hours").opened == 1
    with Session(get_engine(loaded)) as session:
        [row] = session.scalars(select(m.Delivery))
    assert row.chat_id == FACULTY and "left on in Classroom 101 during Strike day (campus closed)" in row.text
