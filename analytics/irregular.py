"""A building's own irregular days: days of a recurring kind (a public holiday, a closure, a day at a fixed distance
from a term's start or end) on which the building's load departed from its usual for that weekday.

The weekly models and the day-ahead models see such a day only through a holiday flag shared by every holiday and
every building, and through weeks that look nothing like it. A building that runs its heating as usual on Easter
Monday, or fills up the day before Michaelmas term starts, shows it on the last occurrence of the same kind of day.
So a target day whose kind's latest occurrence in the history departed from that weekday's usual by more than
`DEPARTURE` is forecast from that occurrence: its hourly load divided by its weekday's usual daily total there, times
the weekday's usual daily total in the weeks before the origin. Only the history before the origin is read; a
one-off day (a strike, a meter fault) has no kind and is never repeated.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.calendar import CampusCalendar
from analytics.series import DAY_HOURS

DEPARTURE = 0.10  # |log(day / usual)| above which an occurrence counts as irregular
TERM_WINDOW = 7  # days before and after a term's start or end that are kinds of their own
USUAL_WEEKS = 4  # the usual of a weekday: median daily total of the same weekday over this many weeks before it
AGREE = 2  # occurrences that must depart the same way
MIN_HOURS = 20  # a day with fewer readings has no total
_YEAR = re.compile(r"\s*\b(19|20)\d\d\b\s*")


@dataclass(frozen=True)
class Analog:
    """How a target day is forecast: from `source`, the latest earlier day of the same `kind`."""

    day: dt.date
    kind: str
    source: dt.date
    departure: float  # source's daily total / its weekday's usual, minus 1
    profile: np.ndarray  # the 24 hourly values to forecast for `day`


def day_kinds(calendar: CampusCalendar, days: pd.DatetimeIndex, term_window: int = TERM_WINDOW,
              by_week: bool = False) -> list[tuple[str, ...]]:
    """The recurring kinds of each day, most specific first: the holiday or closure (its name without a year), then
    the distance from a term's start and end within `term_window` days (e.g. 'Michaelmas start -1'), then, with
    `by_week`, the weekday of the ISO week of the year (52 weeks back is the same weekday)."""
    if len(days) == 0:
        return []
    holidays = calendar.holidays_between(days.min().date(), days.max().date())
    out = []
    for day in days:
        d = day.date()
        kinds = []
        if d in holidays:
            kinds.append("holiday " + _YEAR.sub(" ", holidays[d]).strip())
        for term in calendar.terms:
            name = _YEAR.sub(" ", term.name).strip()
            for edge, when in (("start", term.start), ("end", term.end)):
                offset = (d - when).days
                if abs(offset) <= term_window:
                    kinds.append(f"{name} {edge} {offset:+d}")
        if by_week:
            iso = day.isocalendar()
            kinds.append(f"week {iso[1]} day {iso[2]}")
        out.append(tuple(kinds))
    return out


def daily_departures(y: pd.Series, calendar: CampusCalendar, before_only: bool = True) -> pd.DataFrame:
    """Per complete day of `y`: its total, its weekday's usual total (median of the same weekday over the USUAL_WEEKS
    weeks before it, or either side of it; holidays and closures left out) and their ratio minus 1. The weeks
    before are what a forecast made the night before sees, so a step at a term's start counts as a departure."""
    days = y.resample("D").agg(["sum", "count"])
    total = days["sum"].where(days["count"] >= MIN_HOURS)
    hol, _ = calendar.day_flags(days.index)
    plain = total.where(hol == 0)
    near = [plain.shift(k * 7) for k in range(-USUAL_WEEKS * (not before_only), USUAL_WEEKS + 1) if k != 0]
    usual = pd.concat(near, axis=1).median(axis=1, skipna=True)
    return pd.DataFrame({"total": total, "usual": usual, "departure": total / usual - 1.0})


def analogs(y: pd.Series, calendar: CampusCalendar, index: pd.DatetimeIndex, threshold: float = DEPARTURE,
            term_window: int = TERM_WINDOW, agree: int = AGREE, before_only: bool = True,
            by_week: bool = False) -> dict[dt.date, Analog]:
    """The target days in `index` (hours after `y`) to forecast from earlier days of their kind, with the profile.
    A kind counts as irregular for this building only when its latest `agree` occurrences all departed the same
    way by more than `threshold` (one occurrence can be a heat wave or a fault that fell on it)."""
    if len(y) < 2 * 7 * DAY_HOURS or not len(index):
        return {}
    history = daily_departures(y, calendar, before_only)
    history = history[history["departure"].notna()]
    if history.empty:
        return {}
    targets = index.normalize().unique()
    kinds_ahead = day_kinds(calendar, targets, term_window, by_week)
    if not any(kinds_ahead):
        return {}
    kinds_past = dict(zip(history.index, day_kinds(calendar, history.index, term_window, by_week)))
    recent = daily_departures(y.iloc[-2 * USUAL_WEEKS * 7 * DAY_HOURS:], calendar)["total"]
    recent = recent[calendar.day_flags(recent.index)[0] == 0]
    out: dict[dt.date, Analog] = {}
    for day, kinds in zip(targets, kinds_ahead):
        for kind in kinds:
            sources = _latest(kinds_past, kind, day, agree)
            if len(sources) < agree:
                continue
            logs = np.log1p(history.loc[sources, "departure"].to_numpy(dtype=float))
            same_kind_of_day = all((s.day_of_week < 5) == (day.day_of_week < 5) for s in sources)
            if not same_kind_of_day or np.min(np.abs(logs)) < threshold or abs(np.sign(logs).sum()) < len(logs):
                break  # the most specific kind with a past decides: it says this day is as usual
            usual_now = _usual_now(recent, day)
            source = sources[0]
            hours = y[source: source + pd.Timedelta(hours=DAY_HOURS - 1)].to_numpy(dtype=float)
            if not np.isfinite(usual_now) or len(hours) != DAY_HOURS:
                break
            departure = float(np.expm1(logs.mean()))
            out[day.date()] = Analog(day.date(), kind, source.date(), departure,
                                     hours / history.loc[source, "total"] * (1 + departure) * usual_now)
            break
    return out


def _latest(kinds_past: dict[pd.Timestamp, tuple[str, ...]], kind: str, before: pd.Timestamp, n: int) -> list[pd.Timestamp]:
    """The latest `n` days of `kind` before `before`, newest first."""
    return sorted((d for d, ks in kinds_past.items() if kind in ks and d < before), reverse=True)[:n]


def _usual_now(recent_totals: pd.Series, day: pd.Timestamp) -> float:
    """The median daily total of `day`'s weekday over the last USUAL_WEEKS weeks of ordinary days."""
    same = recent_totals[recent_totals.index.day_of_week == day.day_of_week].dropna().iloc[-USUAL_WEEKS:]
    return float(same.median()) if len(same) else float("nan")


def irregular_view(y: pd.Series, calendar: CampusCalendar, index: pd.DatetimeIndex,
                   threshold: float = DEPARTURE, term_window: int = TERM_WINDOW, agree: int = AGREE) -> np.ndarray:
    """Per stamp of `index`: the analog forecast where its day is irregular for this building, NaN elsewhere."""
    out = np.full(len(index), np.nan)
    found = analogs(y, calendar, index, threshold, term_window, agree)
    if not found:
        return out
    days = index.normalize()
    for d, analog in found.items():
        at = np.flatnonzero(days == pd.Timestamp(d))
        out[at] = analog.profile[index[at].hour]
    return out


def kind_departures(y: pd.Series, calendar: CampusCalendar, days: pd.DatetimeIndex, term_window: int = TERM_WINDOW,
                    agree: int = AGREE) -> np.ndarray:
    """Per day of `days`: the mean log departure of the latest `agree` earlier days (complete days of `y` before it)
    of its most specific kind that has any, NaN when it has no kind or none before it. A day-type feature for a
    model to weigh itself (no threshold): where a building's own history says this kind of day runs high or low."""
    out = np.full(len(days), np.nan)
    if len(y) < 2 * 7 * DAY_HOURS or not len(days):
        return out
    history = daily_departures(y, calendar)
    history = history[history["departure"].notna() & (history["departure"] > -1)]
    kinds_ahead = day_kinds(calendar, days, term_window)
    kinds_past = dict(zip(history.index, day_kinds(calendar, history.index, term_window)))
    logs = np.log1p(history["departure"])
    for i, (day, kinds) in enumerate(zip(days, kinds_ahead)):
        for kind in kinds:
            sources = _latest(kinds_past, kind, day, agree)
            if sources:
                out[i] = float(logs.loc[sources].mean())
                break
    return out
