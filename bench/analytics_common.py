"""Shared loading for the analytics benchmarks: Cambridge Estates buildings and their academic calendar."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analytics.calendar import CampusCalendar, Term  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "cambridge-estates" / "electricity"


def _term(name: str, start: str, end: str) -> Term:
    return Term(name, dt.date.fromisoformat(start), dt.date.fromisoformat(end))


# University of Cambridge full terms (Michaelmas, Lent, Easter) and the Christmas closure, 2016-2020.
CAMBRIDGE = CampusCalendar(
    country="GB",
    subdivision="ENG",
    terms=(
        _term("Michaelmas 2016", "2016-10-04", "2016-12-02"), _term("Lent 2017", "2017-01-17", "2017-03-17"),
        _term("Easter 2017", "2017-04-25", "2017-06-16"), _term("Michaelmas 2017", "2017-10-03", "2017-12-01"),
        _term("Lent 2018", "2018-01-16", "2018-03-16"), _term("Easter 2018", "2018-04-24", "2018-06-15"),
        _term("Michaelmas 2018", "2018-10-02", "2018-11-30"), _term("Lent 2019", "2019-01-15", "2019-03-15"),
        _term("Easter 2019", "2019-04-23", "2019-06-14"), _term("Michaelmas 2019", "2019-10-08", "2019-12-06"),
        _term("Lent 2020", "2020-01-14", "2020-03-13"),
    ),
    closures=tuple(_term(f"Christmas closure {y}", f"{y}-12-24", f"{y + 1}-01-01") for y in range(2016, 2020)),
)


def buildings() -> list[str]:
    if not DATA.exists():
        sys.exit(f"benchmark data not found at {DATA} (it lives in the shared folder beside the project)")
    return sorted(p.name for p in DATA.iterdir() if p.is_dir())


def available(building: str, years) -> tuple[int, ...]:
    """The years of `years` the archive has for the building (b83 starts in 2017)."""
    return tuple(y for y in years if (DATA / building / f"{y}.csv").exists())


def load(building: str, years=(2017, 2018, 2019)) -> pd.Series:
    parts = [pd.read_csv(DATA / building / f"{y}.csv") for y in years]
    frame = pd.concat(parts)
    frame.columns = ["timestamp", "value"]
    s = pd.Series(frame["value"].to_numpy(dtype=float), index=pd.to_datetime(frame["timestamp"]))
    s = s[~s.index.duplicated()].asfreq("h")
    return s


def median_of(values) -> float:
    return float(np.median(values))
