"""Telemetry into the store, in batches, on a dedicated writer thread so the event loop never waits on the database.

The loop only appends (service-clock timestamp, observation) pairs to a buffer; the writer turns them into
`readings` rows (with interval energy), switch state changes and board last-seen/online updates, one transaction
per batch. If the database is away, batches are kept and retried: nothing is lost unless the backlog exceeds
`max_backlog` rows.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Iterable

from sqlalchemy import bindparam, insert, select, update

from devices.energy import EnergyAccountant
from devices.model import Availability, GatewayStats, Heartbeat, MeterReport, Observation, RelayReport
from store import models as m
from store.campus import Campus, Switch
from store.db import get_engine

log = logging.getLogger(__name__)


class IngestWriter:
    """Batches observations into the database. `submit` is cheap and thread-safe; call `start` then `close`."""

    def __init__(self, database_url: str, campus: Campus, *, stats: GatewayStats | None = None,
                 batch_size: int = 5000, flush_interval_s: float = 0.25, max_backlog: int = 2_000_000,
                 energy: EnergyAccountant | None = None) -> None:
        self.database_url = database_url
        self.engine = get_engine(database_url)
        self.stats = stats or GatewayStats()
        self.batch_size = batch_size
        self.flush_interval_s = flush_interval_s
        self.max_backlog = max_backlog
        self.energy = energy or EnergyAccountant()
        self.boards = {b.id: b for b in campus.boards}
        self._switch_at: dict[tuple[str, int], Switch] = {}
        for s in campus.switches:
            if s.board_id is None:
                continue
            relay = s.gpio if self.boards[s.board_id].protocol == "autovolt" else s.channel
            if relay is not None:
                self._switch_at[(s.board_id, relay)] = s
        self._metered = {b.id for b in campus.boards if b.protocol == "tasmota"}
        self._known_state: dict[str, bool | None] = {}
        self._buffer: list[tuple[dt.datetime, Observation]] = []
        self._retry: list[dict] | None = None
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._thread: threading.Thread | None = None

    # --- loop side --------------------------------------------------------------------------------------------

    def submit(self, ts: dt.datetime, observation: Observation) -> None:
        with self._lock:
            self._buffer.append((ts, observation))
            self._idle.clear()
            if len(self._buffer) >= self.batch_size:
                self._wake.set()

    def submit_many(self, ts: dt.datetime, observations: Iterable[Observation]) -> None:
        with self._lock:
            self._buffer.extend((ts, o) for o in observations)
            self._idle.clear()
            if len(self._buffer) >= self.batch_size:
                self._wake.set()

    # --- lifecycle --------------------------------------------------------------------------------------------

    def start(self) -> None:
        self._seed_from_store()
        self._thread = threading.Thread(target=self._run, name="ingest-writer", daemon=True)
        self._thread.start()

    def close(self, timeout: float = 30.0) -> None:
        """Write what is buffered, then stop the thread."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def drain(self, timeout: float = 30.0) -> bool:
        """Block until everything submitted so far is written (tests, benchmarks, shutdown). Not for the loop."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._wake.set()
            if self._idle.wait(0.05):
                with self._lock:
                    if not self._buffer and self._retry is None:
                        return True
        return False

    def _seed_from_store(self) -> None:
        try:
            with self.engine.connect() as conn:
                for sid, state in conn.execute(select(m.Switch.id, m.Switch.state)):
                    self._known_state[sid] = state
        except Exception as exc:  # the store may not be migrated yet; states are then learnt from the boards
            log.warning("could not read switch states from the store", extra={"kv": {"error": type(exc).__name__}})

    # --- writer thread ----------------------------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            self._wake.wait(self.flush_interval_s)
            self._wake.clear()
            with self._lock:
                items, self._buffer = self._buffer, []
            if items or self._retry:
                self._write(items)
            with self._lock:
                if not self._buffer and self._retry is None:
                    self._idle.set()
                    if self._stop.is_set():
                        return
            if self._stop.is_set() and self._retry is not None:
                # Database still away at shutdown: give up after the join timeout rather than spin.
                time.sleep(0.5)

    def _write(self, items: list[tuple[dt.datetime, Observation]]) -> None:
        batch = self._retry or {"rows": [], "switches": {}, "boards": {}}
        self._retry = None
        self._convert(items, batch)
        try:
            with self.engine.begin() as conn:
                if batch["rows"]:
                    conn.execute(insert(m.Reading.__table__), batch["rows"])
                if batch["switches"]:
                    conn.execute(update(m.Switch.__table__).where(m.Switch.__table__.c.id == bindparam("sid"))
                                 .values(state=bindparam("st"), state_changed_at=bindparam("at")),
                                 [{"sid": k, "st": v[0], "at": v[1]} for k, v in batch["switches"].items()])
                boards = m.Board.__table__
                seen = [{"bid": k, "seen": v[0], "up": v[1]} for k, v in batch["boards"].items() if v[0] is not None]
                if seen:
                    conn.execute(update(boards).where(boards.c.id == bindparam("bid"))
                                 .values(last_seen=bindparam("seen"), online=bindparam("up")), seen)
                unseen = [{"bid": k, "up": v[1]} for k, v in batch["boards"].items() if v[0] is None]
                if unseen:
                    conn.execute(update(boards).where(boards.c.id == bindparam("bid")).values(online=bindparam("up")),
                                 unseen)
        except Exception as exc:
            self.stats.write_errors += 1
            log.warning("telemetry batch not written; will retry",
                        extra={"kv": {"rows": len(batch["rows"]), "error": str(exc).splitlines()[0][:200]}})
            if len(batch["rows"]) <= self.max_backlog:
                self._retry = batch
            else:
                log.error("telemetry backlog over its limit; dropping the oldest batch",
                          extra={"kv": {"rows": len(batch["rows"])}})
            time.sleep(0.5)
            return
        self.stats.readings_written += len(batch["rows"])
        self.stats.write_batches += 1

    def _convert(self, items: list[tuple[dt.datetime, Observation]], batch: dict) -> None:
        rows, switches, boards = batch["rows"], batch["switches"], batch["boards"]
        for ts, obs in items:
            board = self.boards.get(obs.board_id)
            if board is None:
                continue
            if isinstance(obs, RelayReport):
                sw = self._switch_at.get((obs.board_id, obs.relay))
                if sw is None:
                    continue  # a relay with nothing registered on it
                energy = None if obs.board_id in self._metered else self.energy.relay(sw.id, sw.rated_watts, ts, obs.on)
                power = None if obs.board_id in self._metered else (sw.rated_watts if obs.on else 0.0)
                rows.append({"ts": ts, "board_id": obs.board_id, "switch_id": sw.id, "room_id": sw.room_id,
                             "state": obs.on, "power_w": power, "energy_wh": energy, "source": obs.source})
                if self._known_state.get(sw.id) != obs.on:
                    self._known_state[sw.id] = obs.on
                    switches[sw.id] = (obs.on, ts)
                boards[obs.board_id] = (ts, True)
            elif isinstance(obs, MeterReport):
                energy = self.energy.meter(obs.board_id, obs.total_kwh)
                rows.append({"ts": ts, "board_id": obs.board_id, "switch_id": None, "room_id": board.room_id,
                             "state": None, "power_w": obs.power_w, "energy_wh": energy, "source": "meter"})
                boards[obs.board_id] = (ts, True)
            elif isinstance(obs, Heartbeat):
                rows.append({"ts": ts, "board_id": obs.board_id, "switch_id": None, "room_id": board.room_id,
                             "state": None, "power_w": None, "energy_wh": None, "source": "heartbeat"})
                boards[obs.board_id] = (ts, True)
            elif isinstance(obs, Availability):
                previous = boards.get(obs.board_id)
                seen = previous[0] if previous else None
                if obs.online:
                    boards[obs.board_id] = (ts, True)
                elif seen is not None:
                    boards[obs.board_id] = (seen, False)
                else:
                    boards[obs.board_id] = (None, False)  # keep the stored last_seen
        self.stats.readings_queued += len(rows)
