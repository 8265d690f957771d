"""What the parser and the speech grammar know of a campus: names and aliases of places and switches.

Built by the composition root from the campus registry; plain data, so `nlu` never imports the store.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BuildingEntry:
    """A building: registry `id`, display `name`, extra `aliases` people say."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class RoomEntry:
    """A room: registry `id`, display `name`, `aliases`, and the `building_id` it is in."""

    id: str
    name: str
    building_id: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class SwitchEntry:
    """A switch: registry `id`, `name`, `type` (light, fan, ac, projector, outlet, heater, other), `room_id`."""

    id: str
    name: str
    type: str
    room_id: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Vocabulary:
    """A snapshot of the campus registry for language understanding. `timezone` is an IANA name."""

    buildings: tuple[BuildingEntry, ...]
    rooms: tuple[RoomEntry, ...]
    switches: tuple[SwitchEntry, ...]
    timezone: str = "UTC"
