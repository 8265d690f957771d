"""Protocol adapters: each turns one firmware's MQTT messages into observations and switch commands into messages.

Every protocol quirk lives in its adapter module; the gateway only uses the `Adapter` interface below.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any

from devices.model import MALFORMED, OVERSIZED, Observation, Rejected
from store.campus import Board, Campus, Switch

# No board of either firmware sends more than a few hundred bytes; anything far larger is garbage or an attack.
MAX_PAYLOAD_BYTES = 8192


class Adapter(ABC):
    """One protocol. `send_gap_s`: least time between two commands to one board; `relay_gap_s`: to one relay."""

    name: str = ""
    topics: tuple[str, ...] = ()  # subscription filters, without the prefix
    send_gap_s: float = 0.0
    relay_gap_s: float = 0.0

    def __init__(self, campus: Campus, prefix: str = "") -> None:
        # `prefix` puts every topic under a root (isolated test runs on a shared broker); "" for real boards.
        self.prefix = prefix
        self.boards = {b.id: b for b in campus.boards if b.protocol == self.name}

    @property
    def subscriptions(self) -> tuple[str, ...]:
        return tuple(self.prefix + t for t in self.topics)

    @abstractmethod
    def owns(self, topic: str) -> bool:
        """True when messages on `topic` belong to this protocol."""

    @abstractmethod
    def decode(self, topic: str, payload: bytes) -> Sequence[Observation]:
        """The observations in one message; raises `Rejected` for anything unusable."""

    @abstractmethod
    def command(self, board: Board, relay: int, on: bool) -> tuple[str, bytes]:
        """The (topic, payload) that switches `relay` of `board`."""

    def confirmation_topics(self, board: Board) -> tuple[str, ...]:
        """The topics a board's report of a new relay state arrives on (a replica watches them while it waits)."""
        return self.subscriptions

    @abstractmethod
    def relay_of(self, switch: Switch) -> int | None:
        """The relay number this protocol uses for a switch (GPIO or channel); None if not wired."""


def load_json_object(payload: bytes) -> dict[str, Any]:
    """Parse a JSON object payload, turning every way it can be wrong into `Rejected`."""
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise Rejected(OVERSIZED, f"payload of {len(payload)} bytes")
    try:
        data = json.loads(payload.decode("utf-8"))  # decoding first skips json's encoding detection
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        raise Rejected(MALFORMED, "not JSON") from None
    if not isinstance(data, dict):
        raise Rejected(MALFORMED, "JSON is not an object")
    return data


def as_bool(value: Any, what: str) -> bool:
    """A relay state as the boards send it: JSON true/false (0/1 tolerated); anything else is malformed."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise Rejected(MALFORMED, f"{what} is not a boolean")


def as_int(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise Rejected(MALFORMED, f"{what} is not an integer")
    return value


def build_adapters(campus: Campus, prefix: str = "") -> dict[str, Adapter]:
    """One adapter per protocol, keyed by protocol name."""
    from devices.protocols.autovolt import AutoVoltAdapter
    from devices.protocols.tasmota import TasmotaAdapter

    return {a.name: a for a in (AutoVoltAdapter(campus, prefix), TasmotaAdapter(campus, prefix))}
