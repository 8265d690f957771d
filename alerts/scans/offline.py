"""Board offline: no message from a board for `offline_after_s` (5 minutes by default; a Tasmota board, which
speaks only every TelePeriod, `tasmota_offline_after_s`, 700 s); "back online" when it returns. Boards never heard from are left alone (not yet installed). Many boards of one building at once are
grouped (alerts.grouping)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.grouping import group_offline
from alerts.model import BOARD_OFFLINE, BOARD_OFFLINE_GROUP, FIRING, WARNING, AlertConfig, ScanResult, Signal
from store import models as m
from store.campus import Campus


def offline_signals(campus: Campus, last_seen: Mapping[str, dt.datetime | None], now: dt.datetime,
                    offline_after_s: float, tasmota_offline_after_s: float = 0.0) -> list[Signal]:
    """One BOARD_OFFLINE signal per board silent for longer than `offline_after_s` (a Tasmota board: longer than
    the larger of that and `tasmota_offline_after_s`: between two TelePeriods a healthy one says nothing)."""
    rooms = {r.id: r for r in campus.rooms}
    out = []
    for board in campus.boards:
        seen = last_seen.get(board.id)
        if seen is None:
            continue
        silent = (now - seen).total_seconds()
        limit = max(offline_after_s, tasmota_offline_after_s) if board.protocol == "tasmota" else offline_after_s
        if silent <= limit:
            continue
        room = rooms.get(board.room_id)
        minutes = int(silent // 60)
        out.append(Signal(
            type=BOARD_OFFLINE, target=board.id, severity=WARNING,
            summary=f"Board {board.id} in {room.name if room else board.room_id} has been silent for {minutes} min",
            observed_at=now, building_id=room.building_id if room else None, room_id=board.room_id,
            board_ids=(board.id,), value=float(minutes), unit="min",
            detail={"last_seen": seen.isoformat(), "room_name": room.name if room else None}))
    return out


def evaluate(campus: Campus, last_seen: Mapping[str, dt.datetime | None], now: dt.datetime, config: AlertConfig,
             open_groups: Collection[str] = ()) -> ScanResult:
    singles = offline_signals(campus, last_seen, now, config.offline_after_s, config.tasmota_offline_after_s)
    names = {b.id: b.name for b in campus.buildings}
    signals, absorbed = group_offline(singles, open_groups, config.group_min_boards, names)
    return ScanResult(covers=frozenset({BOARD_OFFLINE, BOARD_OFFLINE_GROUP}), signals=tuple(signals), absorbed=absorbed)


def scan(session: Session, campus: Campus, now: dt.datetime, config: AlertConfig) -> ScanResult:
    last_seen = dict(session.execute(select(m.Board.id, m.Board.last_seen)).all())
    open_groups = [key.split(":", 1)[1] for key in session.scalars(
        select(m.Alert.key).where(m.Alert.status == FIRING, m.Alert.type == BOARD_OFFLINE_GROUP))]
    return evaluate(campus, last_seen, now, config, open_groups)
