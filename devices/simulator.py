"""A fleet of simulated boards that behave like the real firmware, for the demo, the tests and the benchmarks.

AutoVolt boards: every board hears every `esp32/switches` command and acts only when MAC and secret match; a queue
of 16 commands with at most one pending per relay; one relay switched per 150 ms, one relay at most once per
300 ms (later toggles are postponed, not dropped); a `switch_event` (source "backend") when a command is applied
and nothing when the relay already was in that state; `esp32/state` on start, after a wall-switch change and
periodically; heartbeats; the firmware's truthiness quirks (a string state switches ON, no state switches OFF).
Tasmota boards: `cmnd/<topic>/POWER<n>`, `stat` replies, periodic `tele` STATE and SENSOR with an energy counter,
retained LWT.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import random
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from devices.protocols.autovolt import (STATE_TOPIC, STATUS_TOPIC, SWITCHES_TOPIC, TELEMETRY_TOPIC, normalize_mac,
                                        secret_matches)
from devices.transport import Transport
from store.campus import (AUTOVOLT_GPIOS, Board, Building, Campus, ClassHours, Room, Switch)

log = logging.getLogger(__name__)

_COMPACT = (",", ":")


@dataclass(frozen=True)
class SimTiming:
    """Firmware timings. Shorten the intervals for tests and benchmarks; keep the pacing as the firmware has it."""

    state_interval_s: float = 30.0  # AutoVolt esp32/state period
    heartbeat_interval_s: float = 30.0  # AutoVolt heartbeat period
    tele_period_s: float = 300.0  # Tasmota TelePeriod
    relay_gap_s: float = 0.150  # AutoVolt: one relay per 150 ms while busy
    same_relay_gap_s: float = 0.300  # AutoVolt: one relay at most once per 300 ms
    queue_slots: int = 16  # AutoVolt command queue
    command_doc_bytes: int = 256  # AutoVolt command JSON document


# Boards that report only what they are told to: no periodic state, heartbeat or telemetry within an hour (the first
# is sent at a random point of its interval), so it never lands in a test's or bench's confirmation window.
QUIET_TIMING = SimTiming(state_interval_s=3600, heartbeat_interval_s=3600, tele_period_s=3600)


def _dumps(data: dict) -> bytes:
    return json.dumps(data, separators=_COMPACT).encode()


class SimulatedAutoVoltBoard:
    """One AutoVolt board. `relays` maps GPIO to state; `ignored` counts commands dropped by the MAC/secret check."""

    def __init__(self, board: Board, transport: Transport, timing: SimTiming, gpios: Sequence[int] = AUTOVOLT_GPIOS,
                 prefix: str = "") -> None:
        self.board = board
        self.prefix = prefix
        self.transport = transport
        self.timing = timing
        self.mac_key = normalize_mac(board.mac or "")
        self.relays: dict[int, bool] = {g: False for g in gpios}
        self.manual_override: dict[int, bool] = {g: False for g in gpios}
        self.ignored = 0
        self.dropped = 0
        self.applied = 0
        self._queue: OrderedDict[int, bool] = OrderedDict()
        self._wake = asyncio.Event()
        self._last_switch = 0.0
        self._relay_last: dict[int, float] = {}
        self._boot = time.monotonic()
        self._tasks: list[asyncio.Task[None]] = []
        self.alive = False

    def uptime_ms(self) -> int:
        return int((time.monotonic() - self._boot) * 1000)

    # commands ----------------------------------------------------------------------------------------------------

    def handle_command(self, payload: bytes) -> None:
        if not self.alive:
            return
        if len(payload) > self.timing.command_doc_bytes:
            self.ignored += 1  # does not fit the 256-byte JSON document: deserialization fails
            return
        try:
            data = json.loads(payload)
        except ValueError:
            self.ignored += 1
            return
        if not isinstance(data, dict) or not isinstance(data.get("mac"), str):
            self.ignored += 1
            return
        if normalize_mac(data["mac"]) != self.mac_key or not secret_matches(self.board.secret, data.get("secret")):
            self.ignored += 1  # silently, as the firmware does
            return
        gpio = self._target_gpio(data)
        if gpio is None:
            self.ignored += 1
            return
        value = data["state"] if "state" in data else data.get("value", False)
        state = bool(value)  # the firmware's conversion: any non-empty string is true, a missing state is false
        if gpio not in self._queue and len(self._queue) >= self.timing.queue_slots:
            self.dropped += 1
            return
        self._queue[gpio] = state  # at most one pending command per relay: the newest wins
        self._wake.set()

    def _target_gpio(self, data: dict) -> int | None:
        for key in ("gpio", "relayGpio"):
            value = data.get(key)
            if isinstance(value, int) and not isinstance(value, bool):
                return value if value in self.relays else None
        index = data.get("index")
        gpios = list(self.relays)
        if isinstance(index, int) and not isinstance(index, bool) and 0 <= index < len(gpios):
            return gpios[index]
        return None

    async def _process(self) -> None:
        while True:
            if not self._queue:
                self._wake.clear()
                await self._wake.wait()
                continue
            gpio = next(iter(self._queue))
            now = time.monotonic()
            ready = max(self._last_switch + self.timing.relay_gap_s,
                        self._relay_last.get(gpio, -1e9) + self.timing.same_relay_gap_s)
            if ready > now:
                # Another relay may be ready sooner; the firmware postpones the early toggle, it does not drop it.
                other = next((g for g in self._queue if self._relay_last.get(g, -1e9) + self.timing.same_relay_gap_s <= now
                              and self._last_switch + self.timing.relay_gap_s <= now), None)
                if other is None:
                    await asyncio.sleep(ready - now)
                    continue
                gpio = other
            state = self._queue.pop(gpio)
            self._apply(gpio, state, "backend")

    def _apply(self, gpio: int, state: bool, source: str) -> None:
        now = time.monotonic()
        if self.relays[gpio] == state:
            return  # already there: the firmware publishes nothing
        self.relays[gpio] = state
        self._last_switch = self._relay_last[gpio] = now
        self.applied += 1
        self.transport.publish(self.prefix + TELEMETRY_TOPIC, _dumps({
            "mac": self.board.mac, "secret": self.board.secret, "type": "switch_event", "gpio": gpio,
            "state": state, "source": source, "timestamp": self.uptime_ms()}))

    def press(self, gpio: int) -> None:
        """Someone toggles the wall switch of relay `gpio`."""
        state = not self.relays[gpio]
        self.relays[gpio] = state
        self.manual_override[gpio] = True
        self.transport.publish(self.prefix + TELEMETRY_TOPIC, _dumps({
            "mac": self.board.mac, "secret": self.board.secret, "type": "manual_switch", "gpio": gpio,
            "state": state, "physicalPin": gpio + 10, "timestamp": self.uptime_ms()}))
        self.publish_state()

    # telemetry ---------------------------------------------------------------------------------------------------

    def publish_state(self) -> None:
        self.transport.publish(self.prefix + STATE_TOPIC, _dumps({
            "mac": self.board.mac, "secret": self.board.secret,
            "switches": [{"gpio": g, "state": s, "manual_override": self.manual_override[g]} for g, s in self.relays.items()]}))

    def publish_heartbeat(self) -> None:
        self.transport.publish(self.prefix + TELEMETRY_TOPIC, _dumps({
            "mac": self.board.mac, "status": "heartbeat", "heap": 180_000 + random.randint(0, 9999),
            "uptime": self.uptime_ms() // 1000}))

    async def _every(self, interval: float, action) -> None:
        await asyncio.sleep(random.uniform(0, interval))  # boards are not in phase
        while True:
            action()
            await asyncio.sleep(interval)

    def start(self) -> None:
        self.alive = True
        self.publish_state()  # on (re)connect
        self._tasks = [asyncio.create_task(self._process()),
                       asyncio.create_task(self._every(self.timing.state_interval_s, self.publish_state)),
                       asyncio.create_task(self._every(self.timing.heartbeat_interval_s, self.publish_heartbeat))]

    async def stop(self) -> None:
        self.alive = False
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []


class SimulatedTasmotaBoard:
    """One Tasmota device with `channels` relays and an energy meter (`total_kwh`, resettable)."""

    def __init__(self, board: Board, transport: Transport, timing: SimTiming, watts: dict[int, float],
                 prefix: str = "") -> None:
        self.board = board
        self.prefix = prefix
        self.transport = transport
        self.timing = timing
        self.watts = watts
        self.relays: dict[int, bool] = {c: False for c in watts}
        self.total_kwh = 0.0
        self._metered_at = time.monotonic()
        self._tasks: list[asyncio.Task[None]] = []
        self.alive = False

    def power_w(self) -> float:
        return sum(w for c, w in self.watts.items() if self.relays[c])

    def _meter(self) -> None:
        now = time.monotonic()
        self.total_kwh += self.power_w() * (now - self._metered_at) / 3_600_000
        self._metered_at = now

    def handle_command(self, leaf: str, payload: bytes) -> None:
        if not self.alive or not leaf.upper().startswith("POWER"):
            return
        digits = leaf[5:]
        channel = int(digits) if digits.isdigit() else 1
        if channel not in self.relays:
            return
        word = payload.decode("utf-8", "replace").strip().upper()
        self._meter()
        if word in ("ON", "1", "TRUE"):
            self.relays[channel] = True
        elif word in ("OFF", "0", "FALSE"):
            self.relays[channel] = False
        elif word in ("TOGGLE", "2"):
            self.relays[channel] = not self.relays[channel]
        elif word:
            return  # Tasmota answers {"Command":"Error"}; nothing to switch
        text = "ON" if self.relays[channel] else "OFF"
        topic = self.board.topic
        self.transport.publish(f"{self.prefix}stat/{topic}/RESULT", _dumps({f"POWER{channel}": text}))
        self.transport.publish(f"{self.prefix}stat/{topic}/POWER{channel}", text.encode())

    def reset_counter(self) -> None:
        self._meter()
        self.total_kwh = 0.0

    def _now_text(self) -> str:
        return dt.datetime.now().replace(microsecond=0).isoformat()

    def publish_tele(self) -> None:
        self._meter()
        topic = self.board.topic
        state = {"Time": self._now_text(), "Uptime": "0T00:00:00"}
        state.update({f"POWER{c}": "ON" if s else "OFF" for c, s in self.relays.items()})
        self.transport.publish(f"{self.prefix}tele/{topic}/STATE", _dumps(state))
        power = self.power_w()
        self.transport.publish(f"{self.prefix}tele/{topic}/SENSOR", _dumps({"Time": self._now_text(), "ENERGY": {
            "TotalStartTime": "2026-01-01T00:00:00", "Total": round(self.total_kwh, 5), "Yesterday": 0.0,
            "Today": round(self.total_kwh, 5), "Power": round(power), "Voltage": 230,
            "Current": round(power / 230, 3)}}))

    def start(self) -> None:
        self.alive = True
        self._metered_at = time.monotonic()
        self.transport.publish(f"{self.prefix}tele/{self.board.topic}/LWT", b"Online", retain=True)
        self.publish_tele()

        async def tele() -> None:
            await asyncio.sleep(random.uniform(0, self.timing.tele_period_s))
            while True:
                self.publish_tele()
                await asyncio.sleep(self.timing.tele_period_s)

        self._tasks = [asyncio.create_task(tele())]

    async def stop(self, goodbye: bool = True) -> None:
        self.alive = False
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []
        if goodbye:  # what the broker would publish from the device's last will
            self.transport.publish(f"{self.prefix}tele/{self.board.topic}/LWT", b"Offline", retain=True)


SimBoard = SimulatedAutoVoltBoard | SimulatedTasmotaBoard


class SimulatedFleet:
    """Boards of a campus, sharing one transport (one connection for the whole fleet)."""

    def __init__(self, campus: Campus, transport: Transport, timing: SimTiming = SimTiming(),
                 board_ids: Sequence[str] | None = None, topic_prefix: str = "") -> None:
        self.campus = campus
        self.prefix = topic_prefix
        self.transport = transport
        self.timing = timing
        wanted = set(board_ids) if board_ids is not None else None
        self.autovolt: dict[str, SimulatedAutoVoltBoard] = {}
        self.tasmota: dict[str, SimulatedTasmotaBoard] = {}
        for b in campus.boards:
            if wanted is not None and b.id not in wanted:
                continue
            switches = [s for s in campus.switches if s.board_id == b.id]
            if b.protocol == "autovolt" and b.mac:
                self.autovolt[b.id] = SimulatedAutoVoltBoard(b, transport, timing, prefix=topic_prefix)
            elif b.protocol == "tasmota":
                watts = {s.channel: s.rated_watts for s in switches if s.channel is not None}
                self.tasmota[b.id] = SimulatedTasmotaBoard(b, transport, timing, watts or {1: 100.0}, prefix=topic_prefix)
        self._by_mac = {sim.mac_key: sim for sim in self.autovolt.values()}
        self._by_topic = {sim.board.topic: sim for sim in self.tasmota.values()}

    @property
    def boards(self) -> dict[str, SimBoard]:
        return {**self.autovolt, **self.tasmota}

    async def start(self) -> None:
        p = self.prefix
        subscriptions = ([p + SWITCHES_TOPIC] if self.autovolt else []) + ([p + "cmnd/+/+"] if self.tasmota else [])
        await self.transport.start(subscriptions, self._on_message)
        if self.autovolt:
            self.transport.publish(self.prefix + STATUS_TOPIC, b"online", retain=True)
        for sim in self.boards.values():
            sim.start()
        log.info("simulated fleet started", extra={"kv": {"autovolt": len(self.autovolt), "tasmota": len(self.tasmota),
                                                          "transport": self.transport.describe}})

    async def stop(self) -> None:
        for sim in self.boards.values():
            await sim.stop()
        if self.autovolt:
            self.transport.publish(self.prefix + STATUS_TOPIC, b"offline", retain=True)
        await self.transport.flush(5.0)
        await self.transport.stop()

    async def unplug(self, board_id: str) -> None:
        """The board loses power: it stops talking and listening (Tasmota's broker publishes its LWT)."""
        await self.boards[board_id].stop()

    def _on_message(self, topic: str, payload: bytes) -> None:
        topic = topic[len(self.prefix):]
        if topic == SWITCHES_TOPIC:
            # Every board receives every command; only the one whose MAC matches acts (others ignore it).
            try:
                mac = json.loads(payload).get("mac") if len(payload) <= 4096 else None
            except (ValueError, AttributeError):
                return
            sim = self._by_mac.get(normalize_mac(mac)) if isinstance(mac, str) else None
            if sim is not None:
                sim.handle_command(payload)
            return
        parts = topic.split("/")
        if len(parts) == 3 and parts[0] == "cmnd":
            sim_t = self._by_topic.get(parts[1])
            if sim_t is not None:
                sim_t.handle_command(parts[2], payload)


def synthetic_campus(boards: int, protocol: str = "autovolt", relays: int = 6, rooms_per_building: int = 50,
                     name: str = "Simulated campus") -> Campus:
    """A campus of `boards` boards (one per room), for load tests and simulations larger than a campus file."""
    buildings, rooms, board_list, switches = [], [], [], []
    hours = ClassHours(dt.time(8, 30), dt.time(17, 0), frozenset(range(5)))
    kinds = (("light", 320.0), ("fan", 300.0), ("projector", 250.0), ("ac", 1500.0), ("outlet", 200.0), ("other", 50.0))
    for i in range(boards):
        building_id = f"sim-b{i // rooms_per_building + 1:03d}"
        if not buildings or buildings[-1].id != building_id:
            buildings.append(Building(building_id, f"Simulated block {i // rooms_per_building + 1}", (), None))
        room_id = f"sim-r{i + 1:04d}"
        rooms.append(Room(room_id, building_id, f"Simulated room {i + 1}", (), hours, None))
        board_id = f"sim-{i + 1:04d}"
        mac = "02:00:00:" + ":".join(f"{(i + 1) >> s & 0xFF:02X}" for s in (16, 8, 0))
        board_list.append(Board(board_id, room_id, protocol, mac if protocol == "autovolt" else None,
                                f"sim_{i + 1:04d}", f"sim-secret-{i + 1:04d}" if protocol == "autovolt" else None))
        for r in range(relays):
            kind, watts = kinds[r % len(kinds)]
            gpio = AUTOVOLT_GPIOS[r] if protocol == "autovolt" else None
            channel = r + 1 if protocol == "tasmota" else None
            switches.append(Switch(f"{board_id}-{r + 1}", room_id, building_id, f"{kind} {r + 1}", kind, (), board_id,
                                   gpio, channel, watts))
    return Campus(name, "UTC", None, (), tuple(buildings), tuple(rooms), tuple(board_list), tuple(switches), ())
