"""Telemetry time series: fast batch inserts and range queries per switch, room or building."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from store.models import Reading, Room

READING_COLUMNS = ("ts", "board_id", "switch_id", "room_id", "state", "power_w", "energy_wh", "source")


def insert_readings(session: Session, rows: Iterable[Mapping[str, Any]], chunk: int = 5000) -> int:
    """Insert readings with executemany in chunks (one round trip per chunk); returns the count written."""
    batch: list[dict[str, Any]] = []
    written = 0
    for row in rows:
        batch.append({c: row.get(c) for c in READING_COLUMNS})
        if len(batch) >= chunk:
            session.execute(insert(Reading), batch)
            written += len(batch)
            batch = []
    if batch:
        session.execute(insert(Reading), batch)
        written += len(batch)
    return written


def insert_frame(session: Session, frame: pd.DataFrame, source: str = "history") -> int:
    """Insert a DataFrame with READING_COLUMNS (missing ones become null)."""
    data = frame.copy()
    for col in READING_COLUMNS:
        if col not in data:
            data[col] = source if col == "source" else None
    records = data[list(READING_COLUMNS)].astype(object).where(data[list(READING_COLUMNS)].notna(), None)
    rows = records.to_dict("records")
    for row in rows:
        ts = row["ts"]
        row["ts"] = ts.to_pydatetime() if isinstance(ts, pd.Timestamp) else ts
        if row["state"] is not None:
            row["state"] = bool(row["state"])
    return insert_readings(session, rows)


def readings_frame(
    session: Session,
    start: dt.datetime,
    end: dt.datetime,
    *,
    switch_ids: Sequence[str] | None = None,
    room_ids: Sequence[str] | None = None,
    building_id: str | None = None,
) -> pd.DataFrame:
    """Readings in [start, end) for the given switches, rooms or building, as a DataFrame ordered by time."""
    query = select(Reading.ts, Reading.switch_id, Reading.room_id, Reading.board_id, Reading.state, Reading.power_w,
                   Reading.energy_wh).where(Reading.ts >= start, Reading.ts < end)
    if switch_ids is not None:
        query = query.where(Reading.switch_id.in_(list(switch_ids)))
    if room_ids is not None:
        query = query.where(Reading.room_id.in_(list(room_ids)))
    if building_id is not None:
        query = query.where(Reading.room_id.in_(select(Room.id).where(Room.building_id == building_id)))
    rows = session.execute(query.order_by(Reading.ts)).all()
    frame = pd.DataFrame(rows, columns=["ts", "switch_id", "room_id", "board_id", "state", "power_w", "energy_wh"])
    if not frame.empty:
        frame["ts"] = pd.to_datetime(frame["ts"], utc=True)
    return frame


def hourly_energy(frame: pd.DataFrame, by: str | None = None) -> pd.DataFrame | pd.Series:
    """Sum energy (Wh) per UTC hour, optionally per `by` column (switch_id, room_id)."""
    if frame.empty:
        return pd.Series(dtype=float) if by is None else pd.DataFrame()
    hours = frame["ts"].dt.floor("h")
    if by is None:
        return frame.groupby(hours)["energy_wh"].sum()
    return frame.groupby([hours, frame[by]])["energy_wh"].sum().unstack(by, fill_value=0.0)
