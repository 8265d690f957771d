"""The Tasmota convention: `cmnd/<topic>/POWER<n>`, replies on `stat/<topic>/...`, periodic `tele/<topic>/...`.

Quirks handled here: a single-relay device says `POWER` for `POWER1`; relay states are the strings ON/OFF;
the energy meter reports a kWh counter (`ENERGY.Total`) that restarts from zero after a reset, and `Power` is a
list on multi-channel meters; availability is a retained per-device LWT.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

from devices.model import (IGNORED, IMPLAUSIBLE, MALFORMED, OVERSIZED, UNKNOWN_BOARD, Availability, Heartbeat,
                           MeterReport, Observation, Rejected, RelayReport)
from devices.plausibility import NEGATIVE, NOT_FINITE, POWER_OVER_RATING, power_limits
from devices.protocols import MAX_PAYLOAD_BYTES, Adapter, load_json_object
from store.campus import Board, Campus, Switch

_POWER_KEY = re.compile(r"^POWER(\d{0,2})$")


def _relay_of_key(key: str) -> int | None:
    match = _POWER_KEY.match(key)
    if not match:
        return None
    return int(match.group(1) or 1)


def _on_off(value: Any) -> bool:
    if isinstance(value, str):
        upper = value.strip().upper()
        if upper in ("ON", "1"):
            return True
        if upper in ("OFF", "0"):
            return False
    raise Rejected(MALFORMED, "relay state is not ON/OFF")


def _number(value: Any, what: str) -> float:
    """A finite, non-negative JSON number (NaN and Infinity, which Python's json reads, are implausible)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise Rejected(MALFORMED, f"{what} is not a number")
    value = float(value)
    if not math.isfinite(value):
        raise Rejected(IMPLAUSIBLE, f"{what} is not finite", NOT_FINITE)
    if value < 0:
        raise Rejected(IMPLAUSIBLE, f"{what} is negative", NEGATIVE)
    return value


class TasmotaAdapter(Adapter):
    name = "tasmota"
    topics = ("stat/+/+", "tele/+/+")

    def __init__(self, campus: Campus, prefix: str = "") -> None:
        super().__init__(campus, prefix)
        self.by_topic = {b.topic: b for b in self.boards.values()}
        self.power_limit_w = power_limits(campus)

    def owns(self, topic: str) -> bool:
        return topic.startswith((self.prefix + "stat/", self.prefix + "tele/"))

    def relay_of(self, switch: Switch) -> int | None:
        return switch.channel

    def confirmation_topics(self, board: Board) -> tuple[str, ...]:
        return (f"{self.prefix}stat/{board.topic}/+",)

    def command(self, board: Board, relay: int, on: bool) -> tuple[str, bytes]:
        return f"{self.prefix}cmnd/{board.topic}/POWER{relay}", b"ON" if on else b"OFF"

    def decode(self, topic: str, payload: bytes) -> Sequence[Observation]:
        parts = topic[len(self.prefix):].split("/")
        if len(parts) != 3:
            raise Rejected(IGNORED, "not a device topic")
        prefix, device, leaf = parts
        board = self.by_topic.get(device)
        if board is None:
            raise Rejected(UNKNOWN_BOARD, "unknown device topic")
        if len(payload) > MAX_PAYLOAD_BYTES:
            raise Rejected(OVERSIZED, f"payload of {len(payload)} bytes")
        if prefix == "tele" and leaf == "LWT":
            text = payload.decode("utf-8", "replace").strip().lower()
            if text not in ("online", "offline"):
                raise Rejected(MALFORMED, "LWT is not Online/Offline")
            return (Availability(board.id, text == "online"),)
        relay = _relay_of_key(leaf)
        if prefix == "stat" and relay is not None:
            return (RelayReport(board.id, relay, _on_off(payload.decode("utf-8", "replace")), "result"),)
        if (prefix, leaf) in (("stat", "RESULT"), ("tele", "STATE")):
            data = load_json_object(payload)
            source = "result" if prefix == "stat" else "state"
            reports: list[Observation] = []
            for key, value in data.items():
                number = _relay_of_key(key)
                if number is not None:
                    reports.append(RelayReport(board.id, number, _on_off(value), source))
            return reports or (Heartbeat(board.id),)
        if prefix == "tele" and leaf == "SENSOR":
            data = load_json_object(payload)
            energy = data.get("ENERGY")
            if energy is None:
                return (Heartbeat(board.id),)  # a sensor message from a board without a meter
            if not isinstance(energy, dict):
                raise Rejected(MALFORMED, "ENERGY is not an object")
            total = _number(energy.get("Total"), "ENERGY.Total")
            power = energy.get("Power")
            if isinstance(power, list):
                power_w: float | None = sum(_number(p, "ENERGY.Power") for p in power)
            else:
                power_w = None if power is None else _number(power, "ENERGY.Power")
            if power_w is not None and power_w > self.power_limit_w[board.id]:  # also a sum that overflowed
                raise Rejected(IMPLAUSIBLE, "ENERGY.Power above the board's rated watts", POWER_OVER_RATING)
            return (MeterReport(board.id, total, power_w),)
        return (Heartbeat(board.id),)  # other stat/tele messages (STATUS, INFO...): only a sign of life
