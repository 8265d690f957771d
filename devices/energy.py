"""Energy of the interval since a switch's or meter's previous sample.

Boards without a meter (AutoVolt): on-time x rated watts, as the AutoVolt backend does. Metered boards (Tasmota):
the difference of the kWh counter, where a counter that went down means the board reset it (energy since reset).
A counter step beyond what the board's power limit allows in the elapsed time is refused (`Implausible`) and the
last good counter kept, so one absurd value is neither stored nor makes the next normal one look like a reset.
"""

from __future__ import annotations

import datetime as dt

from devices.plausibility import ENERGY_JUMP, Implausible, energy_allowance_wh


class EnergyAccountant:
    """Remembers the previous sample per switch and per meter. `max_gap_s` caps an interval: a relay is not
    credited with energy for time when its board was silent (offline, or the service was down)."""

    def __init__(self, max_gap_s: float = 90.0) -> None:
        self.max_gap_s = max_gap_s
        self._relays: dict[str, tuple[dt.datetime, bool]] = {}
        self._meters: dict[str, tuple[float, dt.datetime | None]] = {}  # last good counter (kWh) and its time
        self._suspect: dict[str, tuple[float, dt.datetime | None]] = {}  # the last refused counter

    def seed_relay(self, switch_id: str, ts: dt.datetime, on: bool) -> None:
        self._relays[switch_id] = (ts, on)

    def relay(self, switch_id: str, rated_watts: float, ts: dt.datetime, on: bool) -> float | None:
        """Wh used by the switch since its previous sample (None for its first sample: the interval is unknown)."""
        previous = self._relays.get(switch_id)
        if previous is not None and ts < previous[0]:
            return 0.0 if not previous[1] else None  # out of order (clock step): keep the newer sample
        self._relays[switch_id] = (ts, on)
        if previous is None:
            return None
        prev_ts, prev_on = previous
        if not prev_on:
            return 0.0
        seconds = min((ts - prev_ts).total_seconds(), self.max_gap_s)
        return rated_watts * seconds / 3600.0

    def meter(self, board_id: str, total_kwh: float, ts: dt.datetime | None = None,
              limit_w: float | None = None) -> float | None:
        """Wh since the meter's previous good sample (None for the first one). With `ts` and `limit_w` (the
        board's power limit), raises `Implausible` for a step that power cannot make in the elapsed time; a
        refused counter that the next sample continues plausibly becomes the new baseline (the board's counter
        was really set there, e.g. by an operator), so one refusal never locks a meter out for good."""
        previous = self._meters.get(board_id)
        if previous is None:
            self._meters[board_id] = (total_kwh, ts)
            return None
        used = self._step(previous, total_kwh, ts, limit_w)
        if used is None:
            suspect = self._suspect.get(board_id)
            used = self._step(suspect, total_kwh, ts, limit_w) if suspect is not None else None
            if used is None:
                self._suspect[board_id] = (total_kwh, ts)
                raise Implausible(ENERGY_JUMP, "meter counter step beyond the board's rated power")
        self._suspect.pop(board_id, None)
        self._meters[board_id] = (total_kwh, ts)
        return used

    @staticmethod
    def _step(previous: tuple[float, dt.datetime | None], total_kwh: float, ts: dt.datetime | None,
              limit_w: float | None) -> float | None:
        """Wh from `previous` to `total_kwh`, or None when the step is implausible."""
        last_kwh, last_ts = previous
        used = (total_kwh if total_kwh < last_kwh else total_kwh - last_kwh) * 1000.0  # down: counter restarted
        if limit_w is None or ts is None or last_ts is None:
            return used
        return used if used <= energy_allowance_wh(limit_w, (ts - last_ts).total_seconds()) else None
