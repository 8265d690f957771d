"""Generate weeks of hourly switch history shaped like real classrooms, with a few known faults injected.

Class hours on term weekdays, quiet nights and weekends, the campus country's public holidays, AC and fans following
the season; then faults an operator should be told about: lights left on overnight, an AC stuck on, a weekend AC,
a heater spike, and a board that stops reporting.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import holidays
import numpy as np
import pandas as pd

from store.campus import Campus, Switch

# Mean daily high (deg C) by month for a hot climate; drives AC and fan use.
_MONTHLY_HIGH_C = (24, 27, 31, 34, 35, 32, 30, 29, 30, 30, 27, 24)
# Share of class hours each switch type is on.
_CLASS_DUTY = {"light": 0.85, "fan": 0.8, "projector": 0.45, "outlet": 0.6, "heater": 0.05, "other": 0.7, "ac": 0.0}
# Some loads stay on at a low level out of hours (a water cooler, a computer socket strip on standby).
_NIGHT_DUTY = {"other": 0.3, "outlet": 0.05}


@dataclass(frozen=True)
class InjectedFault:
    """A fault written into the history on purpose, so the detectors have something true to find."""

    kind: str
    switch_ids: tuple[str, ...]
    start: dt.datetime
    end: dt.datetime
    description: str


def _seasonal_ac_probability(ts_local: pd.DatetimeIndex) -> np.ndarray:
    highs = np.array(_MONTHLY_HIGH_C)[ts_local.month.to_numpy() - 1]
    return np.clip((highs - 25.0) / 8.0, 0.05, 0.95)


def _in_class(campus: Campus, room_id: str, ts_local: pd.DatetimeIndex, off_days: set[dt.date]) -> np.ndarray:
    room = campus.room(room_id)
    hours = ts_local.hour + ts_local.minute / 60.0
    start = room.class_hours.start.hour + room.class_hours.start.minute / 60.0
    end = room.class_hours.end.hour + room.class_hours.end.minute / 60.0
    weekday_ok = np.isin(ts_local.day_of_week, sorted(room.class_hours.weekdays))
    dates = ts_local.date
    day_ok = np.array([d not in off_days for d in dates])
    if campus.terms:
        in_term = np.array([any(t.start <= d <= t.end for t in campus.terms) for d in dates])
        day_ok &= in_term
    return weekday_ok & day_ok & (hours >= start) & (hours < end)


def generate_history(campus: Campus, end: dt.datetime, weeks: int = 8, seed: int = 7) -> tuple[pd.DataFrame, list[InjectedFault]]:
    """Hourly rows `ts, switch_id, board_id, room_id, state, power_w, energy_wh` for every switch, ending at `end`."""
    rng = np.random.default_rng(seed)
    tz = ZoneInfo(campus.timezone)
    end = end.astimezone(dt.timezone.utc).replace(minute=0, second=0, microsecond=0)
    index = pd.date_range(end=end, periods=weeks * 7 * 24, freq="h", tz="UTC")
    local = index.tz_convert(tz)
    years = sorted(set(local.year))
    off_days = set(holidays.country_holidays(campus.country, years=years)) if campus.country else set()
    ac_prob = _seasonal_ac_probability(local)
    n = len(index)
    frames = []
    class_cache: dict[str, np.ndarray] = {}
    for switch in campus.switches:
        in_class = class_cache.setdefault(switch.room_id, _in_class(campus, switch.room_id, local, off_days))
        # A room is used on most class days, not all: one draw per room-day shared by its switches.
        day_used = _room_day_usage(switch.room_id, local, seed)
        duty = _CLASS_DUTY[switch.type] if switch.type != "ac" else 1.0
        p_on = np.where(in_class & day_used, duty, _NIGHT_DUTY.get(switch.type, 0.0))
        if switch.type == "ac":
            p_on = np.where(in_class & day_used, ac_prob, 0.0)
        elif switch.type == "fan":
            p_on = np.where(in_class & day_used, np.clip(ac_prob + 0.4, 0, 0.95), 0.0)
        on_fraction = np.clip((rng.random(n) < p_on) * rng.uniform(0.6, 1.0, n), 0.0, 1.0)
        power = on_fraction * switch.rated_watts * rng.normal(1.0, 0.04, n).clip(0.85, 1.15)
        frames.append(_frame(index, switch, on_fraction, power))
    history = pd.concat(frames, ignore_index=True)
    return _inject_faults(campus, history, index, local)


def _room_day_usage(room_id: str, local: pd.DatetimeIndex, seed: int) -> np.ndarray:
    day_numbers = (local.normalize().tz_localize(None) - pd.Timestamp("2000-01-01")).days.to_numpy()
    room_salt = sum(map(ord, room_id))
    noise = np.sin(day_numbers * 12.9898 + room_salt * 78.233 + seed) * 43758.5453
    return (noise - np.floor(noise)) < 0.85


def _frame(index: pd.DatetimeIndex, switch: Switch, on_fraction: np.ndarray, power: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({
        "ts": index, "switch_id": switch.id, "board_id": switch.board_id, "room_id": switch.room_id,
        "state": on_fraction >= 0.5, "power_w": power.round(1), "energy_wh": power.round(1),  # one hour: Wh == mean W
    })


def _first_switch(campus: Campus, *, type_: str, exclude_rooms: set[str] = frozenset()) -> Switch | None:
    return next((s for s in campus.switches if s.type == type_ and s.room_id not in exclude_rooms), None)


def _set(history: pd.DataFrame, switch: Switch, start: pd.Timestamp, end: pd.Timestamp, watts: float) -> None:
    mask = (history.switch_id == switch.id) & (history.ts >= start) & (history.ts < end)
    history.loc[mask, ["power_w", "energy_wh"]] = watts
    history.loc[mask, "state"] = watts > 0


def _inject_faults(campus: Campus, history: pd.DataFrame, index: pd.DatetimeIndex,
                   local: pd.DatetimeIndex) -> tuple[pd.DataFrame, list[InjectedFault]]:
    faults: list[InjectedFault] = []
    last_day = local[-1].normalize()

    def at(days_ago: int, hour: int) -> pd.Timestamp:
        return (last_day - pd.Timedelta(days=days_ago) + pd.Timedelta(hours=hour)).tz_convert("UTC")

    used: set[str] = set()
    lights = _first_switch(campus, type_="light")
    if lights:
        start, end = at(10, 18), at(9, 8)
        _set(history, lights, start, end, lights.rated_watts)
        faults.append(InjectedFault("left_on_overnight", (lights.id,), start.to_pydatetime(), end.to_pydatetime(),
                                    f"{lights.id} left on from 18:00 to 08:00"))
        used.add(lights.room_id)
    ac = _first_switch(campus, type_="ac", exclude_rooms=used)
    if ac:
        start = at(3, 9)
        _set(history, ac, start, index[-1] + pd.Timedelta(hours=1), ac.rated_watts)
        faults.append(InjectedFault("stuck_on", (ac.id,), start.to_pydatetime(), index[-1].to_pydatetime(),
                                    f"{ac.id} stuck on for the last three days"))
        used.add(ac.room_id)
    weekend_ac = _first_switch(campus, type_="ac", exclude_rooms=used)
    if weekend_ac:
        saturday = last_day - pd.Timedelta(days=(last_day.weekday() - 5) % 7 + 14)
        start, end = (saturday + pd.Timedelta(hours=9)).tz_convert("UTC"), (saturday + pd.Timedelta(hours=57)).tz_convert("UTC")
        _set(history, weekend_ac, start, end, weekend_ac.rated_watts)
        faults.append(InjectedFault("left_on_weekend", (weekend_ac.id,), start.to_pydatetime(), end.to_pydatetime(),
                                    f"{weekend_ac.id} ran through a weekend"))
        used.add(weekend_ac.room_id)
    heater = _first_switch(campus, type_="heater", exclude_rooms=used)
    if heater:
        start = at(5, 11)
        _set(history, heater, start, start + pd.Timedelta(hours=2), heater.rated_watts * 3)
        faults.append(InjectedFault("spike", (heater.id,), start.to_pydatetime(), (start + pd.Timedelta(hours=2)).to_pydatetime(),
                                    f"{heater.id} drew three times its rating for two hours"))
        used.add(heater.room_id)
    board = next((b for b in campus.boards if b.room_id not in used), None)
    if board:
        start = index[-1] - pd.Timedelta(hours=5)
        silent = (history.board_id == board.id) & (history.ts >= start)
        history = history.loc[~silent]
        faults.append(InjectedFault("board_offline", tuple(s.id for s in campus.switches if s.board_id == board.id),
                                    start.to_pydatetime(), index[-1].to_pydatetime(), f"board {board.id} stopped reporting"))
    return history.reset_index(drop=True), faults
