"""What the scans read from the store, aggregated in the database (a week of 30-second telemetry for a thousand
switches is tens of millions of rows: only hourly sums leave the database)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

_COLUMNS = {"switch_id", "room_id", "board_id"}
# SQLAlchemy stores SQLite datetimes as UTC text in this format; the hour is its first 13 characters.
_SQLITE_TS = "%Y-%m-%d %H:%M:%S.%f"


def _query(dialect: str, by: str, keys: Sequence[str] | None) -> str:
    bucket = "substr(ts, 1, 13)" if dialect == "sqlite" else "date_trunc('hour', ts AT TIME ZONE 'UTC')"
    mark = "?" if dialect == "sqlite" else "%s"
    where = f"ts >= {mark} AND ts < {mark} AND {by} IS NOT NULL AND energy_wh IS NOT NULL"
    if keys is not None:
        where += f" AND {by} IN ({', '.join([mark] * len(keys))})"
    return f"SELECT {by}, {bucket}, sum(energy_wh) FROM readings WHERE {where} GROUP BY {by}, {bucket}"


def hourly_energy(session: Session, start: dt.datetime, end: dt.datetime, *, by: str = "switch_id",
                  keys: Sequence[str] | None = None) -> pd.DataFrame:
    """Energy (Wh) per UTC hour in [start, end) per `by` (switch_id, room_id or board_id): a frame indexed by naive
    UTC hours (every hour present, no data = NaN) with one column per key that had readings."""
    if by not in _COLUMNS:
        raise ValueError(f"cannot group readings by {by!r}")
    hours = pd.date_range(pd.Timestamp(start).tz_convert("UTC").tz_localize(None).floor("h"),
                          pd.Timestamp(end).tz_convert("UTC").tz_localize(None).ceil("h"), freq="h", inclusive="left")
    if keys is not None and not keys:
        return pd.DataFrame(index=hours, dtype=float)
    dialect = session.get_bind().dialect.name
    lo, hi = start.astimezone(dt.timezone.utc), end.astimezone(dt.timezone.utc)
    if dialect == "sqlite":
        bounds: list[object] = [lo.strftime(_SQLITE_TS), hi.strftime(_SQLITE_TS)]
    else:
        bounds = [lo, hi]
    # The driver's cursor directly: for a week of a thousand switches the ORM's row handling costs more than
    # the aggregation itself. Only the two bounds and the keys are parameters; `by` is checked above.
    cursor = session.connection().connection.cursor()
    try:
        cursor.execute(_query(dialect, by, keys), [*bounds, *(keys or [])])
        rows = cursor.fetchall()
    finally:
        cursor.close()
    if not rows:
        return pd.DataFrame(index=hours, dtype=float)
    key_col, hour_col, wh_col = zip(*rows)
    codes, names = pd.factorize(pd.Index(key_col))
    if dialect == "sqlite":
        stamps = pd.to_datetime(pd.Index(hour_col), format="%Y-%m-%d %H")
    else:
        stamps = pd.DatetimeIndex(hour_col)
    position = ((stamps - hours[0]) // pd.Timedelta(hours=1)).to_numpy()
    inside = (position >= 0) & (position < len(hours))
    matrix = np.full((len(hours), len(names)), np.nan)
    values = np.asarray(wh_col, dtype=float)
    matrix[position[inside], codes[inside]] = 0.0
    np.add.at(matrix, (position[inside], codes[inside]), values[inside])
    return pd.DataFrame(matrix, index=hours, columns=pd.Index(names, name="key"))
