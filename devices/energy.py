"""Energy of the interval since a switch's or meter's previous sample.

The accountant holds, per switch and per meter, the newest sample known: the ingest writer keeps it equal to the
newest STORED sample (devices/stored_energy.py), whichever replica stored it. A sample older than that (it arrived
late) is placed between its stored neighbours by `relay_inserted` / `meter_inserted`.

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

    def newest_relay(self, switch_id: str) -> tuple[dt.datetime, bool] | None:
        return self._relays.get(switch_id)

    def newest_meter(self, board_id: str) -> tuple[float, dt.datetime | None] | None:
        return self._meters.get(board_id)

    def offer_relay(self, switch_id: str, ts: dt.datetime, on: bool) -> None:
        """A stored sample (another writer's): kept if it is the newest known."""
        previous = self._relays.get(switch_id)
        if previous is None or previous[0] <= ts:
            self._relays[switch_id] = (ts, on)

    def offer_many(self, rows: list[tuple], rated: dict[str, float], unsure: set[str]) -> None:
        """Stored samples in bulk, (key, ts, state, counter kWh) each, in any order: a relay's when it has a state and
        is in `rated`, else a meter's (key: its board) when it has a counter. A writer offers the rows the other
        writers stored, so this is its coordination cost: a dict lookup and a comparison or two per row.

        The read-back leaves out the others' "off" rows stored after an "off" (they change no interval's energy;
        devices/stored_energy.py), so what is kept for a switch is one of: "on", exactly its newest stored sample;
        "off", a stored "off" after which every stored sample says off (perhaps at later times); or nothing to
        trust: the switch is added to `unsure`, and the writer takes its next sample's neighbours from the database.
        An "on" row newer than an "off" one (here or kept) may be a late row with unread "off" rows after it, and so
        may any row of a switch with nothing kept: the switch becomes unsure."""
        relays = self._relays
        mixed: set[str] = set()  # an "off" row of a switch kept "on": checked below, whatever the rows' order
        for key, ts, state, kwh in rows:
            if state is None:
                if kwh is not None:
                    self.offer_meter(key, float(kwh), ts)
                continue
            if key not in rated or key in unsure:
                continue
            kept = relays.get(key)
            if kept is None:
                unsure.add(key)
            elif state:
                if not kept[1]:
                    if kept[0] <= ts:
                        unsure.add(key)
                elif kept[0] <= ts:
                    relays[key] = (ts, True)
            else:
                if kept[1]:
                    mixed.add(key)
                if kept[0] <= ts:
                    relays[key] = (ts, False)
        if mixed:
            first_off: dict[str, dt.datetime] = {}
            last_on: dict[str, dt.datetime] = {}
            for key, ts, state, _ in rows:
                if key in mixed and state is not None:
                    into, better = (last_on, max) if state else (first_off, min)
                    into[key] = better(into[key], ts) if key in into else ts
            unsure.update(k for k in mixed if k in last_on and k in first_off and last_on[k] >= first_off[k])

    def offer_meter(self, board_id: str, total_kwh: float, ts: dt.datetime) -> None:
        previous = self._meters.get(board_id)
        if previous is None or previous[1] is None or previous[1] <= ts:
            self._meters[board_id] = (total_kwh, ts)
            self._suspect.pop(board_id, None)

    def save(self, switch_ids: set[str], board_ids: set[str]) -> tuple[dict, dict, dict]:
        """What `restore` needs to undo the changes to these switches and meters (a transaction that failed)."""
        return ({k: self._relays.get(k) for k in switch_ids}, {k: self._meters.get(k) for k in board_ids},
                {k: self._suspect.get(k) for k in board_ids})

    def restore(self, saved: tuple[dict, dict, dict]) -> None:
        for kept, into in zip(saved, (self._relays, self._meters, self._suspect)):
            for key, value in kept.items():
                if value is None:
                    into.pop(key, None)
                else:
                    into[key] = value

    def relay_inserted(self, rated_watts: float, before: tuple[dt.datetime, bool] | None,
                       sample: tuple[dt.datetime, bool], after: tuple[dt.datetime, bool] | None) -> float | None:
        """Wh to store with a late sample that falls between the stored samples `before` and `after`: what
        inserting it changes in the sum over the sequence, (before->sample) + (sample->after) - (before->after).
        The stored rows stay as they are (sums and the Prometheus counter read them once), so the late row
        carries the correction; it is negative when the late sample says the switch was off for time that
        `after` was credited with. None when the sample has no neighbour on either side."""
        if before is None and after is None:
            return None
        used = 0.0
        if before is not None:
            used += self._interval(rated_watts, before, sample[0])
        if after is not None:
            used += self._interval(rated_watts, sample, after[0])
            if before is not None:
                used -= self._interval(rated_watts, before, after[0])
        return used

    def meter_inserted(self, before: tuple[float, dt.datetime | None] | None, sample: tuple[float, dt.datetime],
                       after: tuple[float, dt.datetime | None] | None, limit_w: float | None) -> float | None:
        """As `relay_inserted` for a late meter counter; raises `Implausible` if either new step is."""
        if before is None and after is None:
            return None
        used = 0.0
        for first, second in ((before, sample), (sample, after)):
            if first is None or second is None:
                continue
            step = self._step(first, second[0], second[1], limit_w)
            if step is None:
                raise Implausible(ENERGY_JUMP, "late meter counter step beyond the board's rated power")
            used += step
        if before is not None and after is not None:
            used -= self._step(before, after[0], after[1], None) or 0.0
        return used

    def _interval(self, rated_watts: float, previous: tuple[dt.datetime, bool], ts: dt.datetime) -> float:
        prev_ts, prev_on = previous
        if not prev_on:
            return 0.0
        return rated_watts * min(max((ts - prev_ts).total_seconds(), 0.0), self.max_gap_s) / 3600.0

    def relay(self, switch_id: str, rated_watts: float, ts: dt.datetime, on: bool) -> float | None:
        """Wh used by the switch since its previous sample (None for its first sample: the interval is unknown)."""
        previous = self._relays.get(switch_id)
        if previous is not None and ts < previous[0]:
            return 0.0 if not previous[1] else None  # out of order (clock step): keep the newer sample
        self._relays[switch_id] = (ts, on)
        if previous is None:
            return None
        return self._interval(rated_watts, previous, ts)

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
