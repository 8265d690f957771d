"""Energy of the interval since a switch's or meter's previous sample.

Boards without a meter (AutoVolt): on-time x rated watts, as the AutoVolt backend does. Metered boards (Tasmota):
the difference of the kWh counter, where a counter that went down means the board reset it (energy since reset).
"""

from __future__ import annotations

import datetime as dt


class EnergyAccountant:
    """Remembers the previous sample per switch and per meter. `max_gap_s` caps an interval: a relay is not
    credited with energy for time when its board was silent (offline, or the service was down)."""

    def __init__(self, max_gap_s: float = 90.0) -> None:
        self.max_gap_s = max_gap_s
        self._relays: dict[str, tuple[dt.datetime, bool]] = {}
        self._meters: dict[str, float] = {}

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

    def meter(self, board_id: str, total_kwh: float) -> float | None:
        """Wh since the meter's previous sample (None for the first one)."""
        previous = self._meters.get(board_id)
        self._meters[board_id] = total_kwh
        if previous is None:
            return None
        if total_kwh < previous:  # the counter restarted from zero
            return total_kwh * 1000.0
        return (total_kwh - previous) * 1000.0
