"""Spoken numbers, clock times, delays and periods."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from nlu.numbers import normalize_numbers
from nlu.textnorm import is_binary, tokens
from nlu.timeexpr import extract_times

IST = ZoneInfo("Asia/Kolkata")
NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=IST)  # a Thursday


@pytest.mark.parametrize(
    ("spoken", "written"),
    [
        ("room one oh one", "room 101"),
        ("room one zero one", "room 101"),
        ("lab two", "lab 2"),
        ("room one twenty", "room 120"),
        ("room one hundred and one", "room 101"),
        ("room 1 0 1", "room 101"),
        ("at five thirty pm", "at 5:30 pm"),
        ("at five oh five", "at 5:05"),
        ("at 5 30 pm", "at 5:30 pm"),
        ("in twenty five minutes", "in 25 minutes"),
        ("oh no", "oh no"),
    ],
)
def test_spoken_numbers_become_digits(spoken: str, written: str) -> None:
    assert " ".join(normalize_numbers(spoken.split())) == written


def test_text_normalisation_handles_chat_and_asr_forms() -> None:
    assert tokens("Could you PLEASE turn off the A/C in CR101?") == ["could", "you", "please", "turn", "off", "the", "ac", "in", "cr", "101"]
    assert tokens("at 5.30pm") == ["at", "5:30", "pm"]
    assert tokens("predict tomorrow's usage") == ["predict", "tomorrow", "usage"]
    assert is_binary("\x00\x01abc") and not is_binary("turn off the lights")


def test_numeric_dates_become_words_day_first_unless_only_month_first_fits() -> None:
    assert tokens("on 28/11 at 6pm") == ["on", "28", "november", "at", "6", "pm"]
    assert tokens("on 05/12/2026") == ["on", "5", "december", "2026"]
    assert tokens("on 12/24") == ["on", "24", "december"]  # no 24th month: month first
    assert tokens("on 2026-12-01") == ["on", "1", "december", "2026"]
    assert tokens("31/31") == ["31", "31"]  # no date: the numbers stay
    assert tokens("in 1/2 hour") != tokens("in 1 february hour")  # a fraction of an hour is no date


def _when(text: str, now: dt.datetime = NOW) -> str | None:
    info = extract_times(tokens(text), now)
    return info.when.isoformat() if info.when else None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("at 5 pm", "2026-11-26T17:00:00+05:30"),
        ("at 17:30", "2026-11-26T17:30:00+05:30"),
        ("at 5", "2026-11-26T17:00:00+05:30"),  # the next five o'clock, not 05:00 tomorrow
        ("at 11", "2026-11-26T11:00:00+05:30"),
        ("at 9 am", "2026-11-27T09:00:00+05:30"),  # already past today
        ("tomorrow at 8", "2026-11-27T08:00:00+05:30"),
        ("in 20 minutes", "2026-11-26T10:20:00+05:30"),
        ("in half an hour", "2026-11-26T10:30:00+05:30"),
        ("in an hour", "2026-11-26T11:00:00+05:30"),
        ("at quarter to six", "2026-11-26T17:45:00+05:30"),
        ("at midnight", "2026-11-27T00:00:00+05:30"),
        ("at noon", "2026-11-26T12:00:00+05:30"),
        ("at 25:00", None),
    ],
)
def test_clock_times_and_delays(text: str, expected: str | None) -> None:
    assert _when(text) == expected


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("today", "2026-11-26T00:00:00+05:30", "2026-11-27T00:00:00+05:30"),
        ("yesterday", "2026-11-25T00:00:00+05:30", "2026-11-26T00:00:00+05:30"),
        ("this week", "2026-11-23T00:00:00+05:30", "2026-11-30T00:00:00+05:30"),
        ("last week", "2026-11-16T00:00:00+05:30", "2026-11-23T00:00:00+05:30"),
        ("last month", "2026-10-01T00:00:00+05:30", "2026-11-01T00:00:00+05:30"),
        ("since monday", "2026-11-23T00:00:00+05:30", "2026-11-26T10:00:00+05:30"),
        ("last 7 days", "2026-11-19T10:00:00+05:30", "2026-11-26T10:00:00+05:30"),
        ("next week", "2026-11-30T00:00:00+05:30", "2026-12-07T00:00:00+05:30"),
    ],
)
def test_periods(text: str, start: str, end: str) -> None:
    period = extract_times(tokens(text), NOW).period
    assert period is not None
    assert (period.start.isoformat(), period.end.isoformat()) == (start, end)


def test_periods_follow_daylight_saving_changes() -> None:
    london = ZoneInfo("Europe/London")
    # Clocks go back on Sunday 2026-10-25: the week starts in summer time and ends in winter time.
    now = dt.datetime(2026, 10, 21, 12, 0, tzinfo=london)
    period = extract_times(["this", "week"], now).period
    assert period is not None
    assert period.start.isoformat() == "2026-10-19T00:00:00+01:00"
    assert period.end.isoformat() == "2026-10-26T00:00:00+00:00"
    utc = dt.timezone.utc
    assert period.end.astimezone(utc) - period.start.astimezone(utc) == dt.timedelta(days=7, hours=1)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("how much did block a use in october", "2026-10-01", "2026-11-01"),
        ("how much did we use in december", "2025-12-01", "2026-01-01"),  # the latest December begun
        ("how much will we use in december", "2026-12-01", "2027-01-01"),  # a forecast looks ahead
        ("energy in march 2025", "2025-03-01", "2025-04-01"),
        ("energy used in 2025", "2025-01-01", "2026-01-01"),
        ("how much did we use during nov", "2026-11-01", "2026-12-01"),
    ],
)
def test_months_and_years_are_periods(text: str, start: str, end: str) -> None:
    period = extract_times(tokens(text), NOW).period
    assert period is not None and (period.start, period.end) == (
        dt.datetime.fromisoformat(start).replace(tzinfo=IST), dt.datetime.fromisoformat(end).replace(tzinfo=IST))


def test_since_a_month_runs_to_now_and_may_alone_is_a_verb() -> None:
    since = extract_times(tokens("energy used since october"), NOW).period
    assert since is not None and since.start == dt.datetime(2026, 10, 1, tzinfo=IST) and since.end == NOW
    assert extract_times(tokens("may i turn off the lights in room 101"), NOW).period is None


@pytest.mark.parametrize("text", ["turn it off at 25:00", "turn it off at 13 pm", "turn it off at 10:75"])
def test_a_clock_time_that_is_no_time_of_day_is_reported_not_dropped(text: str) -> None:
    found = extract_times(tokens(text), NOW)
    assert found.when is None and found.bad_clock == text.split(" at ")[1]
