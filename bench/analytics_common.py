"""Shared loading for the analytics benchmarks: Cambridge Estates buildings and their academic calendar."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analytics.calendar import CampusCalendar, Term  # noqa: E402

# The archive lives in the shared folder beside the project (beside a worktree's parent for a git worktree),
# or where AUTOVOLT_BENCH_DATA points.
_CANDIDATES = [Path(p) for p in (os.environ.get("AUTOVOLT_BENCH_DATA"),) if p] + [
    base / "shared" / "data" / "cambridge-estates" for base in (ROOT.parent, ROOT.parent.parent)]
DATA = next((c for c in _CANDIDATES if c.exists()), _CANDIDATES[0]) / "electricity"


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


WEATHER = DATA.parent / "weather_bedford"


def bedford_temperature(years=(2016, 2017, 2018, 2019, 2020)) -> pd.Series:
    """Observed hourly air temperature at Bedford (Met Office), the weather station nearest Cambridge in the archive,
    on the same naive local-standard-time grid as the meters; gaps of up to 6 h interpolated."""
    parts = [pd.read_csv(WEATHER / f"{y}.csv", index_col=0, parse_dates=True).iloc[:, 0] for y in years
             if (WEATHER / f"{y}.csv").exists()]
    t = pd.concat(parts)
    return t[~t.index.duplicated()].asfreq("h").interpolate(limit=6, limit_area="inside")


def forecast_like(observed: pd.Series, origin: pd.Timestamp, hours: int, rng: np.random.Generator,
                  day_sd: tuple[float, ...] = (1.5, 1.8, 2.1, 2.4, 2.7, 3.0, 3.3), hour_sd: float = 0.7) -> pd.Series:
    """The observed temperatures with a weather forecast's error added after `origin`: one offset per day ahead
    (sd 1.5 C for the first day, growing by 0.3 C a day; day-ahead forecasts of air temperature miss by 1-2 C
    RMS) plus hourly noise. Before the origin the series is as observed."""
    out = observed.copy()
    ahead = pd.date_range(origin, periods=hours, freq="h")
    ahead = ahead[ahead.isin(out.index)]
    k = ((ahead - origin) // pd.Timedelta(days=1)).to_numpy()
    offsets = rng.normal(0.0, np.asarray(day_sd)[np.minimum(np.arange(k.max() + 1 if len(k) else 0), len(day_sd) - 1)])
    out.loc[ahead] = out.loc[ahead].to_numpy() + offsets[k] + rng.normal(0.0, hour_sd, len(ahead))
    return out


def median_of(values) -> float:
    return float(np.median(values))
