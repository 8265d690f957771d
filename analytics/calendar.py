"""The campus calendar: public holidays of the campus country (and region), campus closures, and the academic terms
(days outside terms are breaks)."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Term:
    """One teaching term, both ends inclusive."""

    name: str
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class CampusCalendar:
    """What the models need to know about the campus year.

    country: ISO code for public holidays (`holidays` package), None for none.
    subdivision: optional region code inside the country (e.g. "ENG" for GB).
    terms: teaching terms; when given, days between them are breaks. Empty = no term information.
    closures: extra whole-day closures (e.g. a university's Christmas shutdown), as (name, start, end).
    """

    country: str | None = None
    subdivision: str | None = None
    terms: tuple[Term, ...] = ()
    closures: tuple[Term, ...] = field(default=())

    @classmethod
    def of_campus(cls, campus: Any, country: str | None = None) -> "CampusCalendar":
        """The calendar of a campus registry: anything with `country` and `terms` (name/start/end), and optionally
        `subdivision` and `closures` (name/start/end), such as store.campus.Campus; analytics does not import the
        store. `country` overrides the campus's; the campus's subdivision then applies only if the country is the same,
        since a region code of one country means nothing in another."""
        own_country = campus.country
        subdivision = getattr(campus, "subdivision", None) if country in (None, own_country) else None
        return cls(country=country or own_country, subdivision=subdivision, terms=_periods(campus.terms),
                   closures=_periods(getattr(campus, "closures", ())))

    def holidays_between(self, start: dt.date, end: dt.date) -> dict[dt.date, str]:
        """Public holidays and closure days in [start, end]."""
        days: dict[dt.date, str] = {}
        if self.country:
            days.update(_country_holidays(self.country, self.subdivision, tuple(range(start.year, end.year + 1))))
        for closure in self.closures:
            for day in pd.date_range(closure.start, closure.end, freq="D"):
                days.setdefault(day.date(), closure.name)
        return {d: n for d, n in days.items() if start <= d <= end}

    def day_flags(self, index: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray]:
        """Per stamp: (is_holiday, is_break) as float arrays. is_break is 0 everywhere without term data.
        Flags are worked out once per run of days and cached: a backtest asks for the same weeks many times."""
        if len(index) == 0:
            return np.zeros(0), np.zeros(0)
        days = index.normalize()
        first = days.min()
        offset = ((days - first) // pd.Timedelta(days=1)).to_numpy()
        holiday, brk = _day_flags(self, first.date(), int(offset.max()) + 1)
        return holiday[offset], brk[offset]

    def _flags_for_days(self, first: dt.date, n_days: int) -> tuple[np.ndarray, np.ndarray]:
        days = pd.date_range(first, periods=n_days, freq="D")
        holidays = self.holidays_between(days[0].date(), days[-1].date())
        is_holiday = days.isin(pd.DatetimeIndex(list(holidays))) if holidays else np.zeros(len(days), bool)
        is_break = ~self.in_term(days) if self.terms else np.zeros(len(days), bool)
        return np.asarray(is_holiday, dtype=float), np.asarray(is_break, dtype=float)

    def in_term(self, index: pd.DatetimeIndex) -> np.ndarray:
        """Boolean per stamp: inside a term (True everywhere when no terms are known)."""
        if not self.terms:
            return np.ones(len(index), bool)
        days = index.normalize()
        inside = np.zeros(len(index), bool)
        for term in self.terms:
            inside |= np.asarray((days >= pd.Timestamp(term.start)) & (days <= pd.Timestamp(term.end)))
        return inside

    def to_dict(self) -> dict:
        return {
            "country": self.country,
            "subdivision": self.subdivision,
            "terms": [[t.name, t.start.isoformat(), t.end.isoformat()] for t in self.terms],
            "closures": [[t.name, t.start.isoformat(), t.end.isoformat()] for t in self.closures],
        }

    @classmethod
    def from_dict(cls, data: dict) -> "CampusCalendar":
        def terms(rows: list) -> tuple[Term, ...]:
            return tuple(Term(n, dt.date.fromisoformat(s), dt.date.fromisoformat(e)) for n, s, e in rows)

        return cls(data.get("country"), data.get("subdivision"), terms(data.get("terms", [])), terms(data.get("closures", [])))


def _periods(rows: Any) -> tuple[Term, ...]:
    return tuple(Term(r.name, r.start, r.end) for r in rows)


_SHOWN_CODES = 12  # enough to see what a code looks like; the US has 57


def subdivision_code(country: str, subdivision: str) -> str:
    """The `holidays` package's code for a region of `country`, given as a code or a name in any case ("MH", "mh",
    "Maharashtra"). Raises ValueError naming the valid codes when the package does not know it."""
    import holidays

    try:
        table = holidays.country_holidays(country)
    except NotImplementedError:
        raise ValueError(f"no public holidays are known for country {country!r}, so it has no subdivisions") from None
    codes = tuple(table.subdivisions)
    if not codes:
        raise ValueError(f"country {country} has no subdivisions in the holidays package")
    names = {**{c: c for c in codes}, **getattr(table, "subdivisions_aliases", {})}
    found = next((code for name, code in names.items() if name.casefold() == subdivision.casefold()), None)
    if found is None:
        shown = ", ".join(codes[:_SHOWN_CODES]) + (f", ... ({len(codes)} in all)" if len(codes) > _SHOWN_CODES else "")
        raise ValueError(f"unknown subdivision {subdivision!r} of {country}, expected one of {shown}")
    return found


@lru_cache(maxsize=64)
def _country_holidays(country: str, subdivision: str | None, years: tuple[int, ...]) -> dict[dt.date, str]:
    import holidays

    try:
        table = holidays.country_holidays(country, subdiv=subdivision, years=list(years))
    except NotImplementedError:
        if subdivision is not None:
            # A region this `holidays` version does not know (the campus file checks it, a stored model may not):
            # keep the national holidays rather than lose them all.
            log.warning("no public holidays known for subdivision; using the country's",
                        extra={"kv": {"country": country, "subdivision": subdivision}})
            return _country_holidays(country, None, years)
        # An unknown country must not stop forecasting; the models just lose the holiday signal.
        log.warning("no public holidays known for country", extra={"kv": {"country": country}})
        return {}
    return dict(table.items())


@lru_cache(maxsize=256)
def _day_flags(calendar: CampusCalendar, first: dt.date, n_days: int) -> tuple[np.ndarray, np.ndarray]:
    holiday, brk = calendar._flags_for_days(first, n_days)
    holiday.setflags(write=False)  # shared between callers through the cache
    brk.setflags(write=False)
    return holiday, brk
