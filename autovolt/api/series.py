"""Hourly energy series for a switch, room or building, read from the readings store for the analytics models."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from analytics.series import local_hours
from store.db import session_scope
from store.readings import hourly_energy, readings_frame


@dataclass(frozen=True)
class Target:
    """What a request asks about: `kind` is switch, room or building; `id` the registry id; `name` its display name;
    `series_key` the stable key used for model caches and metrics."""

    kind: str
    id: str
    name: str

    @property
    def series_key(self) -> str:
        return f"{self.kind}:{self.id}"


class UnknownTarget(LookupError):
    """No switch, room or building with that id; the message names it."""


def find_target(campus, *, device_id: str | None = None, room_id: str | None = None,
                building_id: str | None = None) -> Target:
    if device_id is not None:
        switch = next((s for s in campus.switches if s.id == device_id), None)
        if switch is not None:
            return Target("switch", switch.id, switch.name)
        room = next((r for r in campus.rooms if r.id == device_id), None)
        if room is not None:  # the seed's clients send a room id as device_id; be lenient
            return Target("room", room.id, room.name)
        raise UnknownTarget(f"no switch or room with id {device_id!r}")
    if room_id is not None:
        room = next((r for r in campus.rooms if r.id == room_id), None)
        if room is None:
            raise UnknownTarget(f"no room with id {room_id!r}")
        return Target("room", room.id, room.name)
    building = next((b for b in campus.buildings if b.id == building_id), None)
    if building is None:
        raise UnknownTarget(f"no building with id {building_id!r}")
    return Target("building", building.id, building.name)


def hourly_history(database_url: str, target: Target, start: dt.datetime, end: dt.datetime, tz: str) -> pd.Series:
    """Energy (Wh) per hour in [start, end), on a gap-free grid of naive campus-local hours (missing hours NaN)."""
    with session_scope(database_url) as session:
        if target.kind == "switch":
            frame = readings_frame(session, start, end, switch_ids=[target.id])
        elif target.kind == "room":
            frame = readings_frame(session, start, end, room_ids=[target.id])
        else:
            frame = readings_frame(session, start, end, building_id=target.id)
    frame = frame[frame["energy_wh"].notna()] if not frame.empty else frame
    if frame.empty:
        return pd.Series(dtype=float, index=pd.DatetimeIndex([], name="timestamp"))
    per_hour = hourly_energy(frame)
    utc = pd.Series(per_hour.to_numpy(dtype=float), index=per_hour.index.tz_convert("UTC").tz_localize(None))
    series = local_hours(utc, tz)
    series.index.name = "timestamp"
    return series


def localize(index: pd.DatetimeIndex, tz: str) -> pd.DatetimeIndex:
    """Naive campus-local stamps to aware ones (a skipped DST hour moves forward, a repeated one takes the first)."""
    return index.tz_localize(ZoneInfo(tz), ambiguous=np.ones(len(index), dtype=bool), nonexistent="shift_forward")
