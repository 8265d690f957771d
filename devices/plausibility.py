"""What a meter may plausibly say, per board: the limits that keep an absurd value (a counter of 1e12 kWh, a power
of 1e308 W or infinity, a negative power) out of the store and out of every total shown to users.

A board's power limit is POWER_MULTIPLE x the rated watts of the switches on it (inrush, a heater plugged into a
socket), or DEFAULT_RATED_W x POWER_MULTIPLE when none are known. The energy a counter may add between two samples
is what that power allows in the elapsed time, plus the counter's rounding.
"""

from __future__ import annotations

import math
from collections import defaultdict

from store.campus import Campus

POWER_MULTIPLE = 3.0
DEFAULT_RATED_W = 3680.0  # one 16 A socket at 230 V: a board whose switches give no rated watts
COUNTER_SLACK_WH = 5.0  # Tasmota rounds Total to 3-5 decimals of a kWh; a counter step within this is never a jump

# Reasons, the values of the `reason` label of autovolt_gateway_implausible_readings_total.
NOT_FINITE = "not_finite"  # NaN or infinity
NEGATIVE = "negative"  # negative power or counter
POWER_OVER_RATING = "power_over_rating"  # above POWER_MULTIPLE x the board's rated watts
ENERGY_JUMP = "energy_jump"  # the counter rose (or restarted at a value) beyond what that power allows
REASONS = (NOT_FINITE, NEGATIVE, POWER_OVER_RATING, ENERGY_JUMP)


def power_limits(campus: Campus) -> dict[str, float]:
    """Board id -> the highest power (W) its meter may report."""
    rated: dict[str, float] = defaultdict(float)
    for s in campus.switches:
        if s.board_id is not None and s.rated_watts and math.isfinite(s.rated_watts) and s.rated_watts > 0:
            rated[s.board_id] += s.rated_watts
    return {b.id: POWER_MULTIPLE * (rated.get(b.id) or DEFAULT_RATED_W) for b in campus.boards}


def energy_allowance_wh(limit_w: float, seconds: float) -> float:
    """The most energy (Wh) a board with power limit `limit_w` can use in `seconds`."""
    return limit_w * max(seconds, 0.0) / 3600.0 + COUNTER_SLACK_WH


class Implausible(Exception):
    """A value outside what the board can physically report; `reason` is one of REASONS."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
