"""Domain objects of the device gateway: command results, switch states, board liveness, and what adapters observe.

Adapters translate a protocol's messages into the protocol-neutral observations below; the gateway, the liveness
tracker and the ingest writer only ever see these.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from enum import StrEnum


class Outcome(StrEnum):
    """How a switch command ended."""

    CONFIRMED = "confirmed"  # the board reported the requested state
    UNCONFIRMED = "unconfirmed"  # sent, but the board did not report the new state in time
    OFFLINE = "offline"  # not sent: the board is known to be offline
    UNREACHABLE = "unreachable"  # not sent, and never sent later: the link to the broker is down
    UNKNOWN = "unknown"  # not sent: no such switch, or it is not wired to any board


@dataclass(frozen=True)
class SwitchResult:
    """The result of switching one switch.

    `switch_id` the registry id; `on` the requested state; `outcome` see `Outcome`; `reason` a short human phrase
    (empty when confirmed normally); `latency_s` seconds from sending to confirmation, None when not confirmed.
    """

    switch_id: str
    on: bool
    outcome: Outcome
    reason: str = ""
    latency_s: float | None = None

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.CONFIRMED


@dataclass(frozen=True)
class SwitchState:
    """The last known state of a switch: `on` None = never reported; `changed_at`/`reported_at` service clock times."""

    switch_id: str
    on: bool | None
    changed_at: dt.datetime | None = None
    reported_at: dt.datetime | None = None
    source: str | None = None


@dataclass(frozen=True)
class LateConfirmation:
    """A board reported the state of a command after its confirmation window ended (the user was told "not
    switched"). `switch_id`, `on` the requested (and now reported) state; `late_by_s` seconds after the window."""

    switch_id: str
    on: bool
    late_by_s: float


@dataclass(frozen=True)
class BoardLiveness:
    """Whether a board is alive. `online` None = never heard from since start; `age_s` since its last message."""

    board_id: str
    online: bool | None
    last_seen: dt.datetime | None
    age_s: float | None
    reason: str


# --- observations (adapter output) -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RelayReport:
    """A board said relay `relay` (AutoVolt GPIO or Tasmota channel) is `on`.

    `source`: "state" (periodic or on-connect snapshot), "backend" (a command was applied), "manual" (wall switch),
    "motion" (PIR), "result" (Tasmota command reply).
    """

    board_id: str
    relay: int
    on: bool
    source: str


@dataclass(frozen=True)
class Heartbeat:
    """A board's sign of life with nothing else in it (AutoVolt heartbeat, Tasmota STATE without relays)."""

    board_id: str


@dataclass(frozen=True)
class MeterReport:
    """A metered board's energy counter `total_kwh` (resets to 0 after a board reset) and current `power_w`."""

    board_id: str
    total_kwh: float
    power_w: float | None


@dataclass(frozen=True)
class Availability:
    """A per-board availability statement (Tasmota LWT, or the liveness checker deciding a board went silent)."""

    board_id: str
    online: bool


Observation = RelayReport | Heartbeat | MeterReport | Availability


class Rejected(Exception):
    """A message that cannot be used. `kind` names the counter it goes to; `reason` is safe to log (no payload);
    `label` the finer cause counted for IMPLAUSIBLE (a devices.plausibility reason)."""

    def __init__(self, kind: str, reason: str, label: str | None = None) -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason
        self.label = label


# Counter names for `Rejected.kind`.
MALFORMED = "malformed"  # not JSON, wrong types, missing fields
OVERSIZED = "oversized"  # larger than any real board sends
UNKNOWN_BOARD = "unknown_board"  # a MAC or topic not in the registry
BAD_SECRET = "bad_secret"  # right MAC, wrong or missing secret
IGNORED = "ignored"  # valid but of no interest (our own commands, motion events, shared status topic)
IMPLAUSIBLE = "implausible"  # well-formed, but a value the board cannot physically report (devices.plausibility)


@dataclass
class GatewayStats:
    """Counters the metrics layer reads (monotonic since start). Updated on the event loop and the writer thread."""

    messages: int = 0  # every message received
    observations: int = 0  # messages that yielded observations
    malformed: int = 0
    oversized: int = 0
    unknown_board: int = 0
    bad_secret: int = 0
    ignored: int = 0
    implausible: int = 0  # meter values rejected (at decoding or against the previous sample); by reason below
    implausible_by: dict[str, int] = field(default_factory=dict)
    readings_queued: int = 0
    readings_written: int = 0
    write_batches: int = 0
    write_errors: int = 0
    commands_sent: int = 0
    confirmed: int = 0
    unconfirmed: int = 0
    refused_offline: int = 0
    refused_unreachable: int = 0  # commands refused at once because the broker link was down
    late_confirmations: int = 0  # boards that reported a command's state after its window had ended
    reconnects: int = field(default=0)

    def count(self, kind: str) -> None:
        setattr(self, kind, getattr(self, kind) + 1)

    def count_implausible(self, reason: str) -> None:
        self.implausible += 1
        self.implausible_by[reason] = self.implausible_by.get(reason, 0) + 1

    @property
    def rejected(self) -> int:
        return self.malformed + self.oversized + self.unknown_board + self.bad_secret

    def snapshot(self) -> dict[str, int]:
        """Every counter; `implausible_by` flattened to `implausible_<reason>` keys."""
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "implausible_by"}
        out.update({f"implausible_{reason}": n for reason, n in list(self.implausible_by.items())})
        return out
