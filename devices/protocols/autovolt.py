"""The deployed AutoVolt ESP32 firmware's protocol (see docs: autovolt-esp32-mqtt).

Quirks handled here: one set of topics shared by every board (boards are told apart by MAC), a shared secret in
commands and most telemetry, heartbeats without a secret, no command acknowledgement (the `switch_event` with
source "backend" is the confirmation), a 256-byte command parser, and relay pacing on the board.
"""

from __future__ import annotations

import hmac
import json
import re
from collections.abc import Sequence

from devices.model import (BAD_SECRET, IGNORED, MALFORMED, UNKNOWN_BOARD, Heartbeat, Observation, Rejected,
                           RelayReport)
from devices.protocols import Adapter, as_bool, as_int, load_json_object
from store.campus import Board, Campus, Switch

SWITCHES_TOPIC = "esp32/switches"
CONFIG_TOPIC = "esp32/config"
STATE_TOPIC = "esp32/state"
TELEMETRY_TOPIC = "esp32/telemetry"
STATUS_TOPIC = "esp32/status"
# The firmware parses commands into a 256-byte JSON document.
COMMAND_LIMIT_BYTES = 256
EVENT_SOURCES = ("backend", "motion", "manual")

_NOT_ALNUM = re.compile(r"[^0-9A-Za-z]")


def normalize_mac(mac: str) -> str:
    """The firmware's MAC comparison: drop every non-alphanumeric character, ignore case."""
    return _NOT_ALNUM.sub("", mac).upper()


def secret_matches(expected: str | None, given: object) -> bool:
    if expected is None or not isinstance(given, str):
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


class AutoVoltAdapter(Adapter):
    name = "autovolt"
    topics = (STATE_TOPIC, TELEMETRY_TOPIC, STATUS_TOPIC)
    send_gap_s = 0.150  # the board switches at most one relay per 150 ms while busy
    relay_gap_s = 0.300  # and one relay at most once per 300 ms

    def __init__(self, campus: Campus, prefix: str = "") -> None:
        super().__init__(campus, prefix)
        self.by_mac = {normalize_mac(b.mac): b for b in self.boards.values() if b.mac}
        # The MAC exactly as registered (what the firmware sends): found without normalizing.
        self.by_exact_mac = {b.mac: b for b in self.boards.values() if b.mac}

    def owns(self, topic: str) -> bool:
        return topic.startswith(self.prefix + "esp32/")

    def relay_of(self, switch: Switch) -> int | None:
        return switch.gpio

    def confirmation_topics(self, board: Board) -> tuple[str, ...]:
        return (self.prefix + STATE_TOPIC,)  # one topic for every board: the payload names the board

    def command(self, board: Board, relay: int, on: bool) -> tuple[str, bytes]:
        # Exactly the four fields, compact, JSON booleans only (a string state would switch the relay ON).
        payload = json.dumps({"mac": board.mac, "secret": board.secret, "gpio": relay, "state": bool(on)},
                             separators=(",", ":")).encode()
        if len(payload) > COMMAND_LIMIT_BYTES:
            raise ValueError(f"command for board {board.id} exceeds the firmware's {COMMAND_LIMIT_BYTES}-byte limit")
        return self.prefix + SWITCHES_TOPIC, payload

    def _board(self, data: dict) -> Board:
        mac = data.get("mac")
        if not isinstance(mac, str):
            raise Rejected(MALFORMED, "no mac")
        board = self.by_exact_mac.get(mac) or self.by_mac.get(normalize_mac(mac))
        if board is None:
            raise Rejected(UNKNOWN_BOARD, "unknown mac")
        return board

    def _authentic(self, board: Board, data: dict) -> None:
        if not secret_matches(board.secret, data.get("secret")):
            raise Rejected(BAD_SECRET, f"wrong secret for board {board.id}")

    def decode(self, topic: str, payload: bytes) -> Sequence[Observation]:
        topic = topic[len(self.prefix):]
        if topic == STATUS_TOPIC:
            # Shared by all boards: cannot say which board it is about. Liveness comes from per-board messages.
            raise Rejected(IGNORED, "shared status topic")
        if topic not in (STATE_TOPIC, TELEMETRY_TOPIC):
            raise Rejected(IGNORED, "not a board-to-service topic")
        data = load_json_object(payload)
        board = self._board(data)
        if topic == STATE_TOPIC:
            self._authentic(board, data)
            return self._state(board, data)
        if data.get("status") == "heartbeat" and "type" not in data:
            return (Heartbeat(board.id),)  # heartbeats carry no secret in this firmware
        self._authentic(board, data)
        kind = data.get("type")
        if kind == "switch_event":
            source = data.get("source")
            if source not in EVENT_SOURCES:
                raise Rejected(MALFORMED, "switch_event with an unknown source")
            return (RelayReport(board.id, as_int(data.get("gpio"), "gpio"), as_bool(data.get("state"), "state"),
                                source),)
        if kind == "manual_switch":
            return (RelayReport(board.id, as_int(data.get("gpio"), "gpio"), as_bool(data.get("state"), "state"),
                                "manual"),)
        if not isinstance(kind, str):
            raise Rejected(MALFORMED, "telemetry without a type")
        # Motion and future event types: authentic, so a sign of life, but nothing to record yet.
        return (Heartbeat(board.id),)

    def _state(self, board: Board, data: dict) -> Sequence[Observation]:
        switches = data.get("switches")
        if not isinstance(switches, list) or len(switches) > 64:
            raise Rejected(MALFORMED, "switches is not a list")
        out: list[Observation] = []
        board_id = board.id
        for item in switches:  # the ingest hot path: exact type checks first, the general ones only on a miss
            if type(item) is not dict:
                raise Rejected(MALFORMED, "switch entry is not an object")
            gpio, state = item.get("gpio"), item.get("state")
            if type(gpio) is not int:
                gpio = as_int(gpio, "gpio")
            if type(state) is not bool:
                state = as_bool(state, "state")
            out.append(RelayReport(board_id, gpio, state, "state"))
        return out or (Heartbeat(board_id),)
