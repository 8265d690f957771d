"""Grouping: many boards of one building offline together (a Wi-Fi or power cut) become one alert per building.

Each recipient then gets one grouped message instead of one per board, and one "resolved" message when the
building is back. A group, once open, keeps collecting that building's offline boards until all are back, so a
building that hovers around the threshold does not flip between grouped and single messages.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence

from alerts.model import BOARD_OFFLINE, BOARD_OFFLINE_GROUP, CRITICAL, Signal


def group_key(building_id: str) -> str:
    return f"{BOARD_OFFLINE_GROUP}:{building_id}"


def group_offline(singles: Sequence[Signal], open_groups: Collection[str], min_boards: int,
                  building_names: dict[str, str] | None = None) -> tuple[list[Signal], dict[str, str]]:
    """Fold per-board offline signals into per-building group signals.

    singles: one BOARD_OFFLINE signal per offline board (with building_id). open_groups: buildings whose group
    alert is firing. Returns (signals to fire, absorbed) where absorbed maps each grouped board's single key to
    its group key (those single alerts are closed silently: the group speaks for them).
    """
    by_building: dict[str, list[Signal]] = defaultdict(list)
    loose: list[Signal] = []
    for sig in singles:
        if sig.type != BOARD_OFFLINE:
            raise ValueError(f"group_offline takes {BOARD_OFFLINE} signals, got {sig.type}")
        if sig.building_id is None:
            loose.append(sig)
        else:
            by_building[sig.building_id].append(sig)
    out: list[Signal] = list(loose)
    absorbed: dict[str, str] = {}
    for building, members in by_building.items():
        if len(members) < max(min_boards, 1) and building not in open_groups:
            out.extend(members)
            continue
        key = group_key(building)
        members = sorted(members, key=lambda s: s.target)
        boards = tuple(b for s in members for b in s.board_ids)
        rooms = sorted({s.room_id for s in members if s.room_id})
        name = (building_names or {}).get(building, building)
        # A whole building dark is a power or network cut: critical, so admins hear it even in quiet hours.
        severity = CRITICAL
        out.append(Signal(
            type=BOARD_OFFLINE_GROUP, target=building, severity=severity,
            summary=f"{len(boards)} boards in {name} are offline",
            observed_at=max(s.observed_at for s in members), building_id=building, board_ids=boards,
            value=float(len(boards)), unit="boards",
            detail={"room_ids": rooms, "building_name": name,
                    "members": [{"board_id": s.target, "room_id": s.room_id,
                                 "room_name": s.detail.get("room_name"), "last_seen": s.detail.get("last_seen")}
                                for s in members]}))
        for sig in members:
            absorbed[sig.key] = key
    return out, absorbed
