"""After hours: lights, fans or AC left on outside the room's class hours (the AutoVolt backend checks from
17:00, the default end of class). One alert per room, listing what is on, with a "turn it off" button.

On a public holiday of the campus country (and of its subdivision, when the campus file names one), on a campus
closure, or in a term break (when the campus lists terms) the whole day is outside class hours, and the alert says why;
`AlertConfig.after_hours_on_breaks` turns that off for campuses that teach in breaks."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.days_off import DayOff, day_off
from alerts.model import AFTER_HOURS, WARNING, AlertConfig, ScanResult, Signal
from analytics.calendar import CampusCalendar
from store import models as m
from store.campus import Campus, ClassHours


def in_class_hours(hours: ClassHours, local: dt.datetime, grace_s: float = 0.0) -> bool:
    """Whether a local time is inside the room's class hours (plus a grace period after the end)."""
    if local.weekday() not in hours.weekdays:
        return False
    start = dt.datetime.combine(local.date(), hours.start, tzinfo=local.tzinfo)
    end = dt.datetime.combine(local.date(), hours.end, tzinfo=local.tzinfo) + dt.timedelta(seconds=grace_s)
    return start <= local < end


def evaluate(campus: Campus, states: Mapping[str, bool | None], now: dt.datetime, tz: ZoneInfo,
             config: AlertConfig) -> ScanResult:
    local = now.astimezone(tz)
    on_by_room: dict[str, list] = defaultdict(list)
    for switch in campus.switches:
        if states.get(switch.id) and switch.type in config.after_hours_types:
            on_by_room[switch.room_id].append(switch)
    off: DayOff | None = None
    if on_by_room and config.after_hours_on_breaks:
        off = day_off(CampusCalendar.of_campus(campus), local.date())
    signals = []
    for room in campus.rooms:
        on = on_by_room.get(room.id)
        if not on:
            continue
        in_class = in_class_hours(room.class_hours, local, config.after_hours_grace_s)
        if in_class and off is None:
            continue
        watts = sum(s.rated_watts for s in on)
        names = ", ".join(s.name for s in on)
        count = f"{len(on)} device{'s' if len(on) > 1 else ''}"
        detail: dict = {"class_end": room.class_hours.end.isoformat("minutes")}
        if in_class and off is not None:
            # Only the calendar makes this after hours: say so, or a lit room at 11:00 looks like a false alarm.
            summary = f"{count} left on in {room.name} during {off.reason} ({names})"
            detail.update({"day_off": off.kind, "day_off_name": off.name, "reasons": [off.explanation]})
        else:
            summary = f"{count} left on in {room.name} after class hours ({names})"
        signals.append(Signal(
            type=AFTER_HOURS, target=room.id, severity=WARNING, summary=summary,
            observed_at=now, building_id=room.building_id, room_id=room.id,
            switch_ids=tuple(s.id for s in on), value=watts, unit="W", detail=detail))
    return ScanResult(covers=frozenset({AFTER_HOURS}), signals=tuple(signals))


def scan(session: Session, campus: Campus, now: dt.datetime, tz: ZoneInfo, config: AlertConfig) -> ScanResult:
    states = dict(session.execute(select(m.Switch.id, m.Switch.state)).all())
    return evaluate(campus, states, now, tz, config)
