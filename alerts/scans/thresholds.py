"""High consumption: a room's or building's present load above its `power_threshold_w`.

Present load = rated watts of the switches that are on, or, where a metered board reported power in the last
scan interval, its measured power instead (metered boards measure the whole room)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from alerts.model import CRITICAL, HIGH_CONSUMPTION, WARNING, AlertConfig, ScanResult, Signal
from store import models as m
from store.campus import Campus

CRITICAL_FACTOR = 1.5  # this far over the threshold is critical (admins hear it too)


def _signal(kind: str, ident: str, name: str, load: float, limit: float, now: dt.datetime, *,
            building_id: str, room_id: str | None, switch_ids: tuple[str, ...]) -> Signal:
    severity = CRITICAL if load >= CRITICAL_FACTOR * limit else WARNING
    return Signal(type=HIGH_CONSUMPTION, target=f"{kind}:{ident}", severity=severity,
                  summary=f"{name} draws {load / 1000:.1f} kW, over its {limit / 1000:.1f} kW threshold",
                  observed_at=now, building_id=building_id, room_id=room_id, switch_ids=switch_ids, value=load,
                  unit="W", detail={"threshold_w": limit})


def evaluate(campus: Campus, states: Mapping[str, bool | None], metered_w: Mapping[str, float],
             now: dt.datetime) -> ScanResult:
    """`metered_w`: recent measured power per room (rooms with metered boards)."""
    room_load: dict[str, float] = defaultdict(float)
    room_on: dict[str, list[str]] = defaultdict(list)
    for switch in campus.switches:
        if states.get(switch.id):
            room_load[switch.room_id] += switch.rated_watts
            room_on[switch.room_id].append(switch.id)
    for room_id, watts in metered_w.items():
        room_load[room_id] = max(watts, 0.0)
    signals = []
    building_load: dict[str, float] = defaultdict(float)
    building_on: dict[str, list[str]] = defaultdict(list)
    for room in campus.rooms:
        load = room_load.get(room.id, 0.0)
        building_load[room.building_id] += load
        building_on[room.building_id] += room_on.get(room.id, [])
        if room.power_threshold_w and load > room.power_threshold_w:
            signals.append(_signal("room", room.id, room.name, load, room.power_threshold_w, now,
                                   building_id=room.building_id, room_id=room.id,
                                   switch_ids=tuple(room_on.get(room.id, ()))))
    for building in campus.buildings:
        load = building_load.get(building.id, 0.0)
        if building.power_threshold_w and load > building.power_threshold_w:
            signals.append(_signal("building", building.id, building.name, load, building.power_threshold_w, now,
                                   building_id=building.id, room_id=None, switch_ids=()))
    return ScanResult(covers=frozenset({HIGH_CONSUMPTION}), signals=tuple(signals))


def scan(session: Session, campus: Campus, now: dt.datetime, config: AlertConfig) -> ScanResult:
    states = dict(session.execute(select(m.Switch.id, m.Switch.state)).all())
    since = now - dt.timedelta(seconds=max(config.threshold_scan_s, 60.0))
    # Latest whole-board (metered) power per room within the last interval.
    latest = (select(m.Reading.board_id, func.max(m.Reading.ts).label("ts"))
              .where(m.Reading.switch_id.is_(None), m.Reading.power_w.is_not(None), m.Reading.ts >= since)
              .group_by(m.Reading.board_id).subquery())
    rows = session.execute(select(m.Reading.room_id, m.Reading.power_w)
                           .join(latest, (m.Reading.board_id == latest.c.board_id) & (m.Reading.ts == latest.c.ts))
                           .where(m.Reading.switch_id.is_(None), m.Reading.power_w.is_not(None))).all()
    metered: dict[str, float] = defaultdict(float)
    for room_id, power in rows:
        if room_id:
            metered[room_id] += float(power)
    return evaluate(campus, states, metered, now)
