"""Whole local days without classes: public holidays of the campus country, campus closures and term breaks.

The facts come from analytics.calendar.CampusCalendar, the same calendar the forecasts use, so an alert and a
forecast never disagree about whether a day is a holiday. The `holidays` package works offline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from analytics.calendar import CampusCalendar, Term

HOLIDAY = "holiday"
CLOSURE = "closure"
BREAK = "break"


@dataclass(frozen=True)
class DayOff:
    """Why a whole day has no classes.

    kind: HOLIDAY (public holiday), CLOSURE (a campus closure) or BREAK (outside every listed term).
    name: the holiday's or closure's name; for a break, "term break". next_term: for a break, the term that starts
    next (None after the last listed term), so a message can say when classes resume.
    """

    kind: str
    name: str
    next_term: Term | None = None

    @property
    def reason(self) -> str:
        """A phrase that follows "during": "Diwali (public holiday)", "the term break"."""
        if self.kind == HOLIDAY:
            return f"{self.name} (public holiday)"
        if self.kind == CLOSURE:
            return f"{self.name} (campus closed)"
        return "the term break"

    @property
    def explanation(self) -> str:
        """One line saying why the whole day counts as outside class hours."""
        if self.kind == BREAK:
            resume = (f"; {self.next_term.name} starts {self.next_term.start.strftime('%d %b %Y')}"
                      if self.next_term else "")
            return f"No term runs today{resume}: the whole day counts as outside class hours"
        return f"No classes on {self.reason}: the whole day counts as outside class hours"


def day_off(calendar: CampusCalendar, day: dt.date) -> DayOff | None:
    """Why `day` (a local date) has no classes, or None on an ordinary day. A holiday inside a break is reported
    as the holiday: its name says more than "term break"."""
    named = calendar.holidays_between(day, day)
    if day in named:
        closed = any(c.start <= day <= c.end and c.name == named[day] for c in calendar.closures)
        return DayOff(CLOSURE if closed else HOLIDAY, named[day])
    # Without terms every day counts as in term (in_term says so too): no term data must not mean "all break".
    if calendar.terms and not bool(calendar.in_term(pd.DatetimeIndex([pd.Timestamp(day)]))[0]):
        upcoming = sorted((t for t in calendar.terms if t.start > day), key=lambda t: t.start)
        return DayOff(BREAK, "term break", upcoming[0] if upcoming else None)
    return None
