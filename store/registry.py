"""The campus registry in the database: sync it from a campus file (idempotently) and read it back."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.tariff import Tariff
from store import campus as cf
from store import models as m


@dataclass
class SyncReport:
    """What a campus load changed, as `kind: [ids]` lists."""

    created: dict[str, list[str]] = field(default_factory=dict)
    updated: dict[str, list[str]] = field(default_factory=dict)
    deleted: dict[str, list[str]] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return any(self.created.values()) or any(self.updated.values()) or any(self.deleted.values())

    def summary(self) -> str:
        def count(d: dict[str, list[str]]) -> str:
            parts = [f"{len(v)} {k}" for k, v in d.items() if v]
            return ", ".join(parts) or "nothing"
        return f"created {count(self.created)}; updated {count(self.updated)}; deleted {count(self.deleted)}"


def _hours_dict(hours: cf.ClassHours) -> dict[str, Any]:
    return {"start": hours.start.isoformat("minutes"), "end": hours.end.isoformat("minutes"), "weekdays": sorted(hours.weekdays)}


def _rows_for(campus: cf.Campus) -> dict[type[m.Base], dict[Any, dict[str, Any]]]:
    """Every row the campus file implies, keyed by model and primary key, as column values."""
    return {
        m.Building: {b.id: {"name": b.name, "aliases": list(b.aliases), "power_threshold_w": b.power_threshold_w, "position": i}
                     for i, b in enumerate(campus.buildings)},
        m.Room: {r.id: {"building_id": r.building_id, "name": r.name, "aliases": list(r.aliases),
                        "class_hours": _hours_dict(r.class_hours), "power_threshold_w": r.power_threshold_w,
                        "position": i}
                 for i, r in enumerate(campus.rooms)},
        m.Board: {o.id: {"room_id": o.room_id, "protocol": o.protocol, "mac": o.mac, "topic": o.topic, "secret": o.secret,
                         "position": i}
                  for i, o in enumerate(campus.boards)},
        m.Switch: {s.id: {"room_id": s.room_id, "board_id": s.board_id, "name": s.name, "type": s.type,
                          "aliases": list(s.aliases), "gpio": s.gpio, "channel": s.channel, "rated_watts": s.rated_watts, "position": i}
                   for i, s in enumerate(campus.switches)},
        m.User: {u.telegram_id: {"name": u.name, "role": u.role, "can_control": u.can_control} for u in campus.users},
        m.UserRoom: {(u.telegram_id, r): {} for u in campus.users for r in u.rooms},
        m.DeviceOwner: {(u.telegram_id, d): {} for u in campus.users for d in u.owns},
    }


_KIND = {m.Building: "buildings", m.Room: "rooms", m.Board: "boards", m.Switch: "switches", m.User: "users",
         m.UserRoom: "room assignments", m.DeviceOwner: "device owners"}
# Parents first when creating, children first when deleting.
_ORDER = (m.Building, m.Room, m.Board, m.Switch, m.User, m.UserRoom, m.DeviceOwner)


def _key_of(row: m.Base) -> Any:
    ident = tuple(row.__mapper__.primary_key_from_instance(row))
    return ident[0] if len(ident) == 1 else ident


def sync_campus(session: Session, campus: cf.Campus, source_sha256: str | None = None) -> SyncReport:
    """Make the database's registry equal to `campus`. Rows not in the file are deleted; unchanged rows untouched."""
    report = SyncReport()
    wanted = _rows_for(campus)
    existing = {model: {_key_of(row): row for row in session.scalars(select(model))} for model in _ORDER}
    for model in reversed(_ORDER):
        gone = [key for key in existing[model] if key not in wanted[model]]
        for key in gone:
            session.delete(existing[model][key])
        report.deleted[_KIND[model]] = [str(k) for k in gone]
    session.flush()
    for model in _ORDER:
        created, updated = [], []
        pk_names = [c.key for c in model.__mapper__.primary_key]
        for key, values in wanted[model].items():
            row = existing[model].get(key)
            if row is None:
                keys = key if isinstance(key, tuple) else (key,)
                session.add(model(**dict(zip(pk_names, keys)), **values))
                created.append(str(key))
            elif any(getattr(row, col) != val for col, val in values.items()):
                for col, val in values.items():
                    setattr(row, col, val)
                updated.append(str(key))
        report.created[_KIND[model]] = created
        report.updated[_KIND[model]] = updated
        session.flush()
    info = session.get(m.CampusInfo, 1)
    info_values = {"name": campus.name, "timezone": campus.timezone, "country": campus.country,
                   "subdivision": campus.subdivision, "terms": cf.periods_to_json(campus.terms),
                   "closures": cf.periods_to_json(campus.closures), "latitude": campus.latitude,
                   "longitude": campus.longitude, "tariff": campus.tariff.to_json() if campus.tariff else None}
    if info is None:
        session.add(m.CampusInfo(id=1, **info_values, source_sha256=source_sha256, loaded_at=m.utcnow()))
        report.created["campus"] = ["campus"]
    elif any(getattr(info, k) != v for k, v in info_values.items()):
        for k, v in info_values.items():
            setattr(info, k, v)
        report.updated["campus"] = ["campus"]
    if info is not None and report.changed:
        info.source_sha256, info.loaded_at = source_sha256, m.utcnow()
    return report


def load_registry(session: Session) -> cf.Campus | None:
    """Read the registry back as the typed `Campus`; None when no campus was ever loaded."""
    info = session.get(m.CampusInfo, 1)
    if info is None:
        return None
    rooms_of: dict[int, list[str]] = {}
    for ur in session.scalars(select(m.UserRoom).order_by(m.UserRoom.room_id)):
        rooms_of.setdefault(ur.user_id, []).append(ur.room_id)
    owns_of: dict[int, list[str]] = {}
    for do in session.scalars(select(m.DeviceOwner).order_by(m.DeviceOwner.device_id)):
        owns_of.setdefault(do.user_id, []).append(do.device_id)
    buildings = tuple(cf.Building(b.id, b.name, tuple(b.aliases), b.power_threshold_w)
                      for b in session.scalars(select(m.Building).order_by(m.Building.position, m.Building.id)))
    rooms = []
    for r in session.scalars(select(m.Room).order_by(m.Room.position, m.Room.id)):
        ch = r.class_hours or {}
        hours = cf.ClassHours(dt.time.fromisoformat(ch.get("start", "08:00")), dt.time.fromisoformat(ch.get("end", "17:00")),
                              frozenset(ch.get("weekdays", [0, 1, 2, 3, 4])))
        rooms.append(cf.Room(r.id, r.building_id, r.name, tuple(r.aliases), hours, r.power_threshold_w))
    building_of_room = {r.id: r.building_id for r in rooms}
    boards = tuple(cf.Board(o.id, o.room_id, o.protocol, o.mac, o.topic, o.secret)
                   for o in session.scalars(select(m.Board).order_by(m.Board.position, m.Board.id)))
    switches = tuple(cf.Switch(s.id, s.room_id, building_of_room[s.room_id], s.name, s.type, tuple(s.aliases), s.board_id,
                               s.gpio, s.channel, s.rated_watts)
                     for s in session.scalars(select(m.Switch).order_by(m.Switch.position, m.Switch.id)))
    users = tuple(cf.User(u.telegram_id, u.name, u.role, tuple(rooms_of.get(u.telegram_id, ())),
                          tuple(owns_of.get(u.telegram_id, ())), u.can_control)
                  for u in session.scalars(select(m.User).order_by(m.User.telegram_id)))
    return cf.Campus(info.name, info.timezone, info.country, cf.periods_from_json(info.terms, cf.Term), buildings,
                     tuple(rooms), boards, switches, users, subdivision=info.subdivision,
                     closures=cf.periods_from_json(info.closures, cf.Closure), latitude=info.latitude,
                     longitude=info.longitude, tariff=Tariff.from_json(info.tariff))
