"""Translate the campus registry into the plain vocabulary that `nlu` understands."""

from __future__ import annotations

from nlu.vocabulary import BuildingEntry, RoomEntry, SwitchEntry, Vocabulary
from store.campus import Campus


def vocabulary_from_campus(campus: Campus) -> Vocabulary:
    return Vocabulary(
        buildings=tuple(BuildingEntry(b.id, b.name, b.aliases) for b in campus.buildings),
        rooms=tuple(RoomEntry(r.id, r.name, r.building_id, r.aliases) for r in campus.rooms),
        switches=tuple(SwitchEntry(s.id, s.name, s.type, s.room_id, s.aliases) for s in campus.switches),
        timezone=campus.timezone,
    )
