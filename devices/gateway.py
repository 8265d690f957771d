"""The one interface the rest of the service uses to reach the fleet: switch, state, liveness.

A command is `confirmed` only when the board reports the requested state (AutoVolt: the `switch_event` it publishes
when it applies the command, or a state snapshot; Tasmota: its `stat` reply). Commands to a board known to be
offline fail fast, and so does every command while the broker link is down: a command is sent now or never, and
one still unconfirmed at the end of its window is withdrawn (`Transport.settle`), so a user told "not switched" is
never contradicted by a relay switching later. If a board still reports the requested state after the window
(it applied the command late), late listeners hear of it so the user can be told.
Commands to one board are spread to respect its firmware's pacing; boards run in parallel.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence

from devices.ingest import IngestWriter
from devices.liveness import LivenessTracker
from devices.model import (IMPLAUSIBLE, Availability, BoardLiveness, GatewayStats, LateConfirmation, Outcome,
                           Rejected, RelayReport, SwitchResult, SwitchState)
from devices.protocols import Adapter, build_adapters
from devices.transport import NetworkDown, Transport
from store.campus import Board, Campus, Switch
from store.models import utcnow

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]
ReportListener = Callable[[str, SwitchState], None]
LateListener = Callable[[LateConfirmation], None]

UNREACHABLE_REASON = "the device network is unreachable; nothing was sent"
# How long after its window an unconfirmed command is still matched with a board's report of its state.
LATE_WATCH_S = 120.0
# Reports that say a command was applied (AutoVolt switch_event from the backend, Tasmota command reply); a periodic
# snapshot or a wall switch is not evidence that our command was carried out.
COMMAND_SOURCES = frozenset({"backend", "result"})


class _Known:
    """The gateway's mutable record of a switch's last report (one per switch, updated in place for speed);
    `SwitchState` is the frozen view handed out."""

    __slots__ = ("on", "changed_at", "reported_at", "source")

    def __init__(self, on: bool, changed_at: dt.datetime | None, reported_at: dt.datetime | None,
                 source: str | None) -> None:
        self.on = on
        self.changed_at = changed_at
        self.reported_at = reported_at
        self.source = source

    def freeze(self, switch_id: str) -> SwitchState:
        return SwitchState(switch_id, self.on, self.changed_at, self.reported_at, self.source)


class Gateway:
    """Drives every board of a campus through one transport.

    `sink` receives every observation for the store (optional); `confirm_timeout_s` how long to wait for a board
    to report a commanded state; `liveness_check_s` how often to look for boards that went silent; `peer_seen`
    (replicas sharing the subscriptions) returns boards' last-seen times other replicas recorded since the last
    call, read at every liveness check; `peer_states` (replicas) returns the switch states last stored by whichever
    replica ingested the boards' reports. With replicas this gateway hears only a share of the reports, so its own
    view of a switch is never taken as "already in that state": a command waits for the board, and a silent board
    (AutoVolt firmware says nothing for a relay already so) is judged on the stored state.
    """

    def __init__(self, campus: Campus, transport: Transport, *, sink: IngestWriter | None = None,
                 clock: Clock = utcnow, confirm_timeout_s: float = 3.0, liveness_check_s: float = 5.0,
                 offline_after_s: Mapping[str, float] | None = None, stats: GatewayStats | None = None,
                 topic_prefix: str = "", peer_seen: Callable[[], Mapping[str, dt.datetime]] | None = None,
                 peer_states: Callable[[Sequence[str]], Mapping[str, bool | None]] | None = None) -> None:
        self.campus = campus
        self.peer_seen = peer_seen
        self.peer_states = peer_states
        self.transport = transport
        self.sink = sink
        self.clock = clock
        self.confirm_timeout_s = confirm_timeout_s
        self.liveness_check_s = liveness_check_s
        self.stats = stats or (sink.stats if sink else GatewayStats())
        self.adapters: dict[str, Adapter] = build_adapters(campus, topic_prefix)
        self.boards: dict[str, Board] = {b.id: b for b in campus.boards}
        self.switches: dict[str, Switch] = {s.id: s for s in campus.switches}
        self.liveness = LivenessTracker(campus.boards, offline_after_s)
        self._switch_at: dict[tuple[str, int], str] = {}
        for s in campus.switches:
            relay = self._relay(s)
            if relay is not None:
                self._switch_at[(s.board_id, relay)] = s.id  # type: ignore[index]
        self._known: dict[str, _Known] = {}  # last report per switch (mutable: updated for every reading)
        self._waiters: dict[tuple[str, int], list[tuple[bool, asyncio.Future[float]]]] = defaultdict(list)
        self._locks: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._last_send: dict[str, float] = {}
        self._last_relay_send: dict[tuple[str, int], float] = {}
        self._listeners: list[ReportListener] = []
        self._late_listeners: list[LateListener] = []
        # Unconfirmed commands whose window ended: (board, relay) -> [(requested state, switch id, window end)].
        self._expired: dict[tuple[str, int], list[tuple[bool, str, float]]] = {}
        self._rejection_logged: dict[str, float] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._dispatch = [(a.owns, a) for a in self.adapters.values()]

    # --- lifecycle --------------------------------------------------------------------------------------------

    async def start(self) -> None:
        subscriptions = [t for a in self.adapters.values() if a.boards for t in a.subscriptions]
        self.transport.on_watched = self._on_watched
        await self.transport.start(subscriptions, self._on_message)
        self._tasks.append(asyncio.create_task(self._watch_liveness(), name="gateway-liveness"))
        log.info("device gateway started", extra={"kv": {"boards": len(self.boards), "switches": len(self.switches),
                                                         "transport": self.transport.describe}})

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()
        await self.transport.stop()

    def seed_states(self, states: Mapping[str, bool | None], last_seen: Mapping[str, dt.datetime] | None = None,
                    changed_at: Mapping[str, dt.datetime | None] | None = None,
                    online: Mapping[str, bool] | None = None) -> None:
        """Start from the store's last known switch states (and when they changed) and boards' last-seen times and
        online flags, so a restart neither forgets a board that is away nor treats a live one as new."""
        changed_at = changed_at or {}
        for switch_id, on in states.items():
            if switch_id in self.switches and on is not None and switch_id not in self._known:
                self._known[switch_id] = _Known(on, changed_at.get(switch_id), None, "store")
        online = online or {}
        for board_id, seen in (last_seen or {}).items():
            if board_id in self.boards and seen is not None:
                self.liveness.seed(board_id, seen, online.get(board_id, True), self.clock())

    def add_listener(self, listener: ReportListener) -> None:
        """Called (on the loop) with every switch state change a board reports, e.g. a wall switch pressed."""
        self._listeners.append(listener)

    def add_late_listener(self, listener: LateListener) -> None:
        """Called (on the loop) when a board reports a command's state after its window (see `LateConfirmation`)."""
        self._late_listeners.append(listener)

    # --- queries ----------------------------------------------------------------------------------------------

    def state(self, switch_id: str) -> SwitchState:
        known = self._known.get(switch_id)
        return known.freeze(switch_id) if known is not None else SwitchState(switch_id, None)

    def board_liveness(self) -> dict[str, BoardLiveness]:
        return self.liveness.all(self.clock())

    # --- commands ---------------------------------------------------------------------------------------------

    async def switch(self, switch_ids: Sequence[str], on: bool) -> list[SwitchResult]:
        """Switch every switch in `switch_ids` to `on`; one result per id, in the same order."""
        results: list[SwitchResult | None] = [None] * len(switch_ids)
        per_board: dict[str, list[tuple[int, Switch, int]]] = defaultdict(list)
        now = self.clock()
        for index, switch_id in enumerate(switch_ids):
            sw = self.switches.get(switch_id)
            if sw is None:
                results[index] = SwitchResult(switch_id, on, Outcome.UNKNOWN, "no such switch")
                continue
            relay = self._relay(sw)
            if relay is None:
                results[index] = SwitchResult(switch_id, on, Outcome.UNKNOWN, "not wired to a board")
                continue
            live = self.liveness.liveness(sw.board_id, now)  # type: ignore[arg-type]
            if live.online is False:
                self.stats.refused_offline += 1
                results[index] = SwitchResult(switch_id, on, Outcome.OFFLINE, f"board {sw.board_id} is offline: {live.reason}")
                continue
            per_board[sw.board_id].append((index, sw, relay))  # type: ignore[index]
        if per_board and not self.transport.connected:
            # Refused at once and not queued: sent after the broker returns, it would switch behind the user's back.
            for items in per_board.values():
                for index, sw, _relay in items:
                    self.stats.refused_unreachable += 1
                    results[index] = SwitchResult(sw.id, on, Outcome.UNREACHABLE, UNREACHABLE_REASON)
            log.warning("commands refused: broker link down", extra={"kv": {"switches": len(switch_ids)}})
            return [r for r in results if r is not None]
        outcomes = await asyncio.gather(*(self._switch_board(self.boards[b], items, on) for b, items in per_board.items()))
        for board_results in outcomes:
            for index, result in board_results:
                results[index] = result
        return [r for r in results if r is not None]

    def _relay(self, sw: Switch) -> int | None:
        board = self.boards.get(sw.board_id) if sw.board_id else None
        if board is None or board.protocol not in self.adapters:
            return None
        return self.adapters[board.protocol].relay_of(sw)

    async def _switch_board(self, board: Board, items: list[tuple[int, Switch, int]],
                            on: bool) -> list[tuple[int, SwitchResult]]:
        adapter = self.adapters[board.protocol]
        loop = asyncio.get_running_loop()
        # Replicas: the board's report may be handed to another replica; watch its state topic here meanwhile.
        watched = adapter.confirmation_topics(board)
        await self.transport.watch(watched)
        try:
            return await self._send_and_confirm(board, adapter, items, on, loop)
        finally:
            self.transport.unwatch(watched)

    async def _send_and_confirm(self, board: Board, adapter: Adapter, items: list[tuple[int, Switch, int]], on: bool,
                                loop: asyncio.AbstractEventLoop) -> list[tuple[int, SwitchResult]]:
        sent = []
        results = []
        async with self._locks[board.id]:
            for index, sw, relay in items:
                await self._pace(adapter, board.id, relay)
                topic, payload = adapter.command(board, relay, on)
                sent_at = time.perf_counter()
                try:
                    ticket = self.transport.send_command(topic, payload)
                except NetworkDown:
                    self.stats.refused_unreachable += 1
                    results.append((index, SwitchResult(sw.id, on, Outcome.UNREACHABLE, UNREACHABLE_REASON)))
                    continue
                future: asyncio.Future[float] = loop.create_future()
                self._waiters[(board.id, relay)].append((on, future))
                self._last_send[board.id] = self._last_relay_send[(board.id, relay)] = loop.time()
                self.stats.commands_sent += 1
                # The AutoVolt firmware publishes nothing for a relay already in the requested state. A state
                # restored from the store (source "store") is not the board's word since this start: it may have
                # changed while the service was down, so such a command waits for the board like any other.
                known = self.state(sw.id)
                own_word = known.source != "store" and not self.shares_reports  # the board told us, since start
                already = known.on is on and own_word
                restored = known.on is on and not own_word
                sent.append((index, sw, relay, future, sent_at, loop.time(), already, restored, ticket))
        for index, sw, relay, future, sent_at, sent_loop, already, restored, ticket in sent:
            confirmed = False
            try:
                if already:
                    confirmed = True
                    results.append((index, SwitchResult(sw.id, on, Outcome.CONFIRMED, f"was already {'on' if on else 'off'}", 0.0)))
                    self.stats.confirmed += 1
                    continue
                remaining = sent_loop + self.confirm_timeout_s - loop.time()
                try:
                    confirmed_at = await asyncio.wait_for(asyncio.shield(future), max(remaining, 0.0))
                except asyncio.TimeoutError:
                    if self.shares_reports and await self._stored_as(sw.id, on):
                        confirmed = True  # silent because already so, as another replica stored it
                        self.stats.confirmed += 1
                        results.append((index, SwitchResult(sw.id, on, Outcome.CONFIRMED,
                                                            f"was already {'on' if on else 'off'}", 0.0)))
                        continue
                    self.stats.unconfirmed += 1
                    self._remember_expired((board.id, relay), on, sw.id, loop.time())
                    reason = f"board {board.id} did not report the new state within {self.confirm_timeout_s:g} s"
                    if restored and not self.shares_reports:  # silence fits "already so"; nothing since the restart says it
                        reason = (f"board {board.id} has not reported since the service restarted; it was "
                                  f"{'on' if on else 'off'} when last reported, and reports again within 30 s")
                    results.append((index, SwitchResult(sw.id, on, Outcome.UNCONFIRMED, reason)))
                    log.warning("command unconfirmed", extra={"kv": {"switch": sw.id, "board": board.id, "on": on}})
                    continue
                self.stats.confirmed += 1
                confirmed = True
                self._expired.pop((board.id, relay), None)  # superseded: a later report answers this command
                results.append((index, SwitchResult(sw.id, on, Outcome.CONFIRMED, "", max(confirmed_at - sent_at, 0.0))))
            finally:
                # Confirmed, or withdrawn so that it can no longer reach the board.
                self.transport.settle(ticket, confirmed)
                waiters = self._waiters.get((board.id, relay))
                if waiters is not None:
                    waiters[:] = [w for w in waiters if w[1] is not future]
                    if not waiters:
                        del self._waiters[(board.id, relay)]
        return results

    @property
    def shares_reports(self) -> bool:
        """Replicas: the broker hands each board report to one replica, so this gateway's view may be stale."""
        return self.peer_states is not None

    async def _stored_as(self, switch_id: str, on: bool) -> bool:
        try:
            stored = await asyncio.to_thread(self.peer_states, [switch_id])
        except Exception as exc:  # the store is away: the command stays unconfirmed
            log.warning("could not read stored switch state", extra={"kv": {"error": type(exc).__name__}})
            return False
        return stored.get(switch_id) is on

    async def _pace(self, adapter: Adapter, board_id: str, relay: int) -> None:
        loop = asyncio.get_running_loop()
        ready = max(self._last_send.get(board_id, 0.0) + adapter.send_gap_s,
                    self._last_relay_send.get((board_id, relay), 0.0) + adapter.relay_gap_s)
        delay = ready - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)

    # --- incoming ---------------------------------------------------------------------------------------------

    def _on_message(self, topic: str, payload: bytes) -> None:
        # The hot path of ingestion (thousands of calls a second): plain dict lookups, one clock read per message.
        stats = self.stats
        stats.messages += 1
        adapter = next((a for owns, a in self._dispatch if owns(topic)), None)
        if adapter is None:
            stats.ignored += 1
            return
        try:
            observations = adapter.decode(topic, payload)
        except Rejected as rejected:
            if rejected.kind == IMPLAUSIBLE:
                stats.count_implausible(rejected.label or rejected.kind)
            else:
                stats.count(rejected.kind)
            self._log_rejected(topic, rejected)
            return
        stats.observations += 1
        now = self.clock()
        seen = None
        for obs in observations:
            if type(obs) is RelayReport:
                self._relay_report(obs, now)
                seen = obs.board_id
            elif type(obs) is Availability:
                self.liveness.lwt(obs.board_id, obs.online, now)
            else:
                seen = obs.board_id
        if seen is not None:
            self.liveness.seen(seen, now)
        if self.sink is not None:
            self.sink.submit_many(now, observations)

    def _on_watched(self, topic: str, payload: bytes) -> None:
        """A copy received only because this replica watches for a confirmation: another replica ingests the
        message and tells its listeners; here it answers the commands waiting for it and refreshes the switch's
        known state (listeners are told by the replica that ingests the report)."""
        adapter = next((a for owns, a in self._dispatch if owns(topic)), None)
        if adapter is None or not self._waiters:
            return
        try:
            observations = adapter.decode(topic, payload)
        except Rejected:
            return  # the shared copy is counted and logged where it is ingested
        now = self.clock()
        for obs in observations:
            if type(obs) is RelayReport:
                self._relay_report(obs, now, notify=False)

    def _answer_waiters(self, obs: RelayReport) -> None:
        """Confirm the commands waiting for this report; else, a report that a command given up on was applied
        after all is a late confirmation."""
        key = (obs.board_id, obs.relay)
        waiters = self._waiters.get(key)
        if waiters:
            stamp = time.perf_counter()
            for wanted, future in waiters:
                if wanted is obs.on and not future.done():
                    future.set_result(stamp)
        elif self._expired and key in self._expired and obs.source in COMMAND_SOURCES:
            self._late_report(key, obs.on)

    def _relay_report(self, obs: RelayReport, now: dt.datetime, notify: bool = True) -> None:
        key = (obs.board_id, obs.relay)
        self._answer_waiters(obs)
        switch_id = self._switch_at.get(key)
        if switch_id is None:
            return
        known = self._known.get(switch_id)
        if known is None:
            self._known[switch_id] = _Known(obs.on, now, now, obs.source)
            return
        known.reported_at = now
        known.source = obs.source
        if known.on is obs.on:
            return
        known.on = obs.on
        known.changed_at = now
        if self._listeners and notify:
            state = known.freeze(switch_id)
            for listener in self._listeners:
                try:
                    listener(switch_id, state)
                except Exception:
                    log.exception("switch listener failed", extra={"kv": {"switch": switch_id}})

    def _remember_expired(self, key: tuple[str, int], on: bool, switch_id: str, ended: float) -> None:
        kept = [e for e in self._expired.get(key, ()) if ended - e[2] <= LATE_WATCH_S]
        kept.append((on, switch_id, ended))
        self._expired[key] = kept

    def _late_report(self, key: tuple[str, int], on: bool) -> None:
        """A board applied a command after the user was told it had not: tell the late listeners, once."""
        now = asyncio.get_running_loop().time()
        pending = [e for e in self._expired[key] if now - e[2] <= LATE_WATCH_S]
        match = next((e for e in pending if e[0] is on), None)
        if match is not None:
            pending.remove(match)
        if pending:
            self._expired[key] = pending
        else:
            del self._expired[key]
        if match is None:
            return
        late = LateConfirmation(match[1], on, now - match[2])
        self.stats.late_confirmations += 1
        log.warning("late confirmation", extra={"kv": {"switch": late.switch_id, "on": on,
                                                       "late_by_s": round(late.late_by_s, 1)}})
        for listener in self._late_listeners:
            try:
                listener(late)
            except Exception:
                log.exception("late confirmation listener failed", extra={"kv": {"switch": late.switch_id}})

    def _log_rejected(self, topic: str, rejected: Rejected) -> None:
        # Never the payload (it may hold a secret); at most one warning per kind per minute.
        if rejected.kind == "ignored":
            return
        now = time.monotonic()
        if now - self._rejection_logged.get(rejected.kind, -1e9) >= 60:
            self._rejection_logged[rejected.kind] = now
            log.warning("telemetry message rejected", extra={"kv": {"kind": rejected.kind, "topic": topic[:100],
                                                                    "reason": rejected.reason,
                                                                    "total": getattr(self.stats, rejected.kind)}})

    async def _watch_liveness(self) -> None:
        self._note_changes()  # first pass sets the baseline
        while True:
            await asyncio.sleep(self.liveness_check_s)
            if self.peer_seen is not None:
                # Replicas: the broker gives each of them a share of every board's messages; what the others heard
                # reaches us through the store, so no replica takes a board it rarely hears for offline.
                try:
                    for board_id, ts in (await asyncio.to_thread(self.peer_seen)).items():
                        self.liveness.seen_elsewhere(board_id, ts)
                except Exception as exc:  # the store is away: judge on what we heard ourselves meanwhile
                    log.warning("could not read other replicas' last-seen times", extra={"kv": {"error": type(exc).__name__}})
            self._note_changes()

    def _note_changes(self) -> None:
        now = self.clock()
        for live in self.liveness.changes(now):
            if live.online is False:
                log.warning("board offline", extra={"kv": {"board": live.board_id, "reason": live.reason}})
                if self.sink is not None:
                    self.sink.submit(now, Availability(live.board_id, False))
            elif live.online:
                log.info("board online", extra={"kv": {"board": live.board_id}})


def summarize(results: Iterable[SwitchResult]) -> str:
    """One line per switch, for terminals and logs."""
    lines = []
    for r in results:
        verb = "on" if r.on else "off"
        if r.outcome is Outcome.CONFIRMED:
            extra = f" ({r.reason})" if r.reason else (f" in {r.latency_s * 1000:.0f} ms" if r.latency_s is not None else "")
            lines.append(f"{r.switch_id}: {verb}, confirmed{extra}")
        else:
            lines.append(f"{r.switch_id}: {r.outcome.value} - {r.reason}")
    return "\n".join(lines)

