"""Telemetry into the store, in batches, on a dedicated writer thread so the event loop never waits on the database.

The loop only appends (service-clock timestamp, observations of one message) to a buffer; the writer turns them
into `readings` rows (with interval energy), switch state changes and board last-seen/online updates, one
transaction per batch. Readings go through the driver's bulk path (PostgreSQL `COPY`, SQLite `executemany` of
plain tuples): going through the ORM's per-row parameter processing capped ingest near 5,000 readings/s.
If the database is away, batches are kept and retried. With a spool (`spool_path`, the service's data directory)
a batch the database refused is written to it and fsync'd at once, then replayed in order (at start, and as soon
as the database answers), so readings the broker already handed over survive the service being killed; without
one they wait in memory (nothing lost unless the backlog exceeds `max_backlog` rows, or the process dies).
Readings received in the last flush interval (0.25 s; 20 ms while the database is away) before a kill are in
memory only. On start the writer restores, per switch and meter, the last stored sample (so the first reading after
a restart has its energy figure) and the last stored state. Interval energy is computed in the batch's transaction
from the previous STORED sample, whoever stored it (devices/stored_energy.py), so replicas count each interval once.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
import uuid
from pathlib import Path
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, bindparam, or_, select, update

from devices.energy import EnergyAccountant
from devices.stored_energy import StoredEnergy, partition_of
from devices.plausibility import Implausible, power_limits
from devices.model import Availability, GatewayStats, Heartbeat, MeterReport, Observation, RelayReport
from store import models as m
from store.campus import Campus, Switch
from store.db import get_engine
from store.spool import already_written, mark_written, open_spool

log = logging.getLogger(__name__)

READING_COLUMNS = ("ts", "board_id", "switch_id", "room_id", "state", "power_w", "energy_wh", "source", "meter_kwh")
Row = tuple[Any, str, str | None, str | None, bool | None, float | None, float | None, str, float | None]


def _switch_then_time(row: Row) -> tuple:
    return (row[2] or row[1], row[0])


@dataclass
class _Batch:
    """What one transaction writes: reading rows, switch states that changed, board last-seen/online updates
    (`boards`: board id -> (last seen or None to keep the stored one, online))."""

    rows: list[Row] = field(default_factory=list)
    switches: dict[str, tuple[bool, dt.datetime]] = field(default_factory=dict)
    boards: dict[str, tuple[dt.datetime | None, bool]] = field(default_factory=dict)

    def empty(self) -> bool:
        return not (self.rows or self.switches or self.boards)


def _time_out(value: Any) -> Any:
    return {"t": value.isoformat()} if isinstance(value, dt.datetime) else value


def _time_in(value: Any) -> Any:
    return dt.datetime.fromisoformat(value["t"]) if isinstance(value, dict) else value


def _encode(batch: _Batch) -> dict:
    """A batch as JSON for the spool. Reading timestamps stay in the form the driver takes (SQLite: text)."""
    return {"rows": [[_time_out(r[0]), *r[1:]] for r in batch.rows],
            "switches": {k: [on, at.isoformat()] for k, (on, at) in batch.switches.items()},
            "boards": {k: [seen.isoformat() if seen else None, up] for k, (seen, up) in batch.boards.items()}}


def _decode(data: dict) -> _Batch:
    # Rows spooled before migration 0009 have no meter counter (their energy was computed as they arrived).
    return _Batch(rows=[(_time_in(r[0]), *r[1:], *([None] * (len(READING_COLUMNS) - len(r))))  # type: ignore[misc]
                        for r in data["rows"]],
                  switches={k: (on, dt.datetime.fromisoformat(at)) for k, (on, at) in data["switches"].items()},
                  boards={k: (dt.datetime.fromisoformat(seen) if seen else None, up)
                          for k, (seen, up) in data["boards"].items()})


class IngestWriter:
    """Batches observations into the database. `submit` is cheap and thread-safe; call `start` then `close`.

    `seen_resolution_s`: a board's `last_seen` column is rewritten at most this often while it stays online
    (liveness works at a 75 s scale; rewriting 1,000 boards' rows for every batch would cost more than the
    readings); online/offline changes are written at once, and the latest times are written on `close`.
    `energy_partitions` (PostgreSQL): the energy section in partitions, a pipeline of transactions per batch
    (devices/stored_energy.py); off, one transaction and one section per batch.
    """

    def __init__(self, database_url: str, campus: Campus, *, stats: GatewayStats | None = None,
                 batch_size: int = 10_000, flush_interval_s: float = 0.25, max_backlog: int = 2_000_000,
                 energy: EnergyAccountant | None = None, seen_resolution_s: float = 10.0,
                 spool_path: Path | None = None, energy_partitions: bool = False) -> None:
        self.database_url = database_url
        self.engine = get_engine(database_url)
        self.stats = stats or GatewayStats()
        self.batch_size = batch_size
        self.flush_interval_s = flush_interval_s
        self.max_backlog = max_backlog
        self.seen_resolution_s = seen_resolution_s
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
        self._power_limit_w = power_limits(campus)
        rated = {s.id: s.rated_watts for s in self._switch_at.values() if s.board_id not in self._metered}
        self._board_of = {s.id: s.board_id for s in self._switch_at.values()}
        self.ledger = StoredEnergy(self.energy, rated, self._metered, self._power_limit_w, database_url,
                                   self.engine.dialect.name, self._board_of, partitioned=energy_partitions)
        self._known_state: dict[str, bool | None] = {}
        self._implausible_logged: dict[str, float] = {}
        self._stored_board: dict[str, tuple[dt.datetime | None, bool]] = {}  # as last written (or read at start)
        self._latest_board: dict[str, tuple[dt.datetime | None, bool]] = {}  # as last observed
        # Boards heard since the last pick (`_pick_board_updates`), as last observed: only these can need a write,
        # so a batch looks at the boards it heard, not at every board heard since the start. With N replicas each
        # writes N times as many (smaller) batches for the same readings, and walking all of a fleet's boards per
        # batch (about 0.8 ms for 3,334 boards) was a per-transaction cost that grew with N.
        self._heard: dict[str, tuple[dt.datetime | None, bool]] = {}
        self._buffer: list[tuple[dt.datetime, Sequence[Observation]]] = []
        self._buffered = 0
        self._retry: _Batch | None = None
        self.spool = open_spool(spool_path)
        self.replay_every_s = 1.0  # while the database refuses, new batches keep going to the spool in between
        self.spool_flush_s = 0.02
        self._next_replay = 0.0
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._thread: threading.Thread | None = None
        dialect = self.engine.dialect
        copy = dialect.name == "postgresql"
        self._insert = self._insert_copy if copy else self._insert_many
        # For executemany: the full conversion the ORM applies to `readings.ts` (UTC, then the dialect's storage
        # form); COPY takes the aware datetime as it is.
        self._ts_to_db: Callable[[Any], Any] | None = (
            None if copy else m.Reading.__table__.c.ts.type.dialect_impl(dialect).bind_processor(dialect))

    # --- loop side --------------------------------------------------------------------------------------------

    def submit(self, ts: dt.datetime, observation: Observation) -> None:
        self.submit_many(ts, (observation,))

    def submit_many(self, ts: dt.datetime, observations: Sequence[Observation]) -> None:
        """Queue the observations of one message (the sequence is kept as is: do not modify it afterwards)."""
        with self._lock:
            self._buffer.append((ts, observations))
            self._buffered += len(observations)
            self._idle.clear()
            if self._buffered >= self.batch_size and not self._wake.is_set():
                self._wake.set()

    # --- lifecycle --------------------------------------------------------------------------------------------

    def start(self) -> None:
        self._seed_from_store()
        self._thread = threading.Thread(target=self._run, name="ingest-writer", daemon=True)
        self._thread.start()

    def close(self, timeout: float = 30.0) -> None:
        """Write what is buffered (and every board's latest last-seen time), then stop the thread."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        if self.spool is not None:
            self.spool.close()

    def drain(self, timeout: float = 30.0) -> bool:
        """Block until everything submitted so far is written (tests, benchmarks, shutdown). Not for the loop."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._wake.set()
            if self._idle.wait(0.05):
                with self._lock:
                    if not self._buffer and self._retry is None and not self.spool:
                        return True
        return False

    def _seed_from_store(self) -> None:
        """Last stored state per switch, each board's stored last-seen/online (so unchanged values are not
        rewritten), and the newest stored sample per switch and meter (the first interval after a restart)."""
        try:
            with self.engine.connect() as conn:
                for sid, state in conn.execute(select(m.Switch.id, m.Switch.state)):
                    self._known_state[sid] = state
                for bid, seen, online in conn.execute(select(m.Board.id, m.Board.last_seen, m.Board.online)):
                    self._stored_board[bid] = (seen, bool(online))
                self.ledger.seed(conn)
        except Exception as exc:  # the store may not be migrated yet; states are then learnt from the boards
            log.warning("could not read switch states from the store", extra={"kv": {"error": type(exc).__name__}})

    # --- writer thread ----------------------------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            # While the database is away, what arrives goes to the spool within `spool_flush_s`: the readings a
            # kill could take with it are only those of that short while.
            spooling = bool(self.spool)
            self._wake.wait(min(self.flush_interval_s, self.spool_flush_s) if spooling else self.flush_interval_s)
            self._wake.clear()
            stopping = self._stop.is_set()
            with self._lock:
                items = self._take(stopping)
                if self._buffer:
                    self._wake.set()  # more waiting: the next batch at once
            if items or self._retry or self.spool or stopping:
                self._write(items, final=stopping)
            with self._lock:
                if not self._buffer and self._retry is None and not self.spool:
                    self._idle.set()
                    if stopping:
                        return
            if stopping and self.spool is not None:
                return  # what the database did not take is in the spool, for the next start
            if stopping and self._retry is not None:
                # Database still away at shutdown: give up after the join timeout rather than spin.
                time.sleep(0.5)

    def _take(self, everything: bool) -> list[tuple[dt.datetime, Sequence[Observation]]]:
        """The oldest messages, up to `batch_size` observations (all of them when stopping); under the lock. A
        writer that fell behind writes its backlog in batches of that size, oldest first: each transaction (and
        the energy section the replicas' writers pass one at a time) stays short, and two replicas catching up
        move through time side by side instead of one writing minutes the other already passed (late samples)."""
        if everything or self._buffered <= self.batch_size:
            items, self._buffer, self._buffered = self._buffer, [], 0
            return items
        count = taken = 0
        for _, observations in self._buffer:
            count += len(observations)
            taken += 1
            if count >= self.batch_size:
                break
        items = self._buffer[:taken]
        del self._buffer[:taken]
        self._buffered -= count
        return items

    def _write(self, items: list[tuple[dt.datetime, Sequence[Observation]]], final: bool = False) -> None:
        batch = self._retry or _Batch()
        self._retry = None
        self._convert(items, batch)
        self._pick_board_updates(batch, final)
        if self.spool is not None:
            self._write_spooled(batch, final)
            return
        if batch.empty():
            return
        if not self._commit(batch, final=final):
            if len(batch.rows) <= self.max_backlog:
                self._retry = batch
            else:
                log.error("telemetry backlog over its limit; dropping the oldest batch",
                          extra={"kv": {"rows": len(batch.rows)}})
            time.sleep(0.5)

    def _write_spooled(self, batch: _Batch, final: bool = False) -> None:
        """Straight to the database while nothing waits in the spool; otherwise (or if the database refuses it)
        into the spool behind what waits, then replay the spool in order."""
        if not batch.empty():
            if not self.spool and self._commit(batch, final=final):
                return
            self.spool.add(uuid.uuid4().hex, _encode(batch))  # type: ignore[union-attr]
        if time.monotonic() < self._next_replay:
            return
        for batch_id, data in self.spool.pending():  # type: ignore[union-attr]
            if not self._commit(_decode(data), batch_id):
                self._next_replay = time.monotonic() + self.replay_every_s
                return
            self.spool.done(batch_id)  # type: ignore[union-attr]

    def _split(self, batch: _Batch) -> dict[int, _Batch]:
        """The batch by energy partition (devices/stored_energy.py): a board's rows, switches and row together."""
        count = self.ledger.partitions
        if count == 1:
            return {0: batch}
        parts: dict[int, _Batch] = {}
        cache: dict[str, int] = {}

        def part(board_id: str) -> _Batch:
            p = cache.get(board_id)
            if p is None:
                p = cache[board_id] = partition_of(board_id, count)
            got = parts.get(p)
            if got is None:
                got = parts[p] = _Batch()
            return got

        for row in batch.rows:
            part(row[1]).rows.append(row)
        for switch_id, change in batch.switches.items():
            board_id = self._board_of.get(switch_id)
            if board_id is not None:
                part(board_id).switches[switch_id] = change
        for board_id, seen in batch.boards.items():
            part(board_id).boards[board_id] = seen
        return parts or {0: batch}

    def _commit(self, batch: _Batch, batch_id: str | None = None, final: bool = False) -> bool:
        """One transaction per energy partition the batch touches, in ascending order (devices/stored_energy.py;
        without partitions, one for the batch); `batch_id` (a spooled batch) is recorded with each and one already
        recorded is skipped. False (logged, counted) when the database refused one: `batch` then holds only the
        partitions not written."""
        parts = self._split(batch)
        while parts:
            part = self._commit_part(parts, batch_id, final)
            if part is None:
                rest = list(parts.values())
                batch.rows = [r for b in rest for r in b.rows]
                batch.switches = {k: v for b in rest for k, v in b.switches.items()}
                batch.boards = {k: v for b in rest for k, v in b.boards.items()}
                return False
            del parts[part]
        return True

    def _commit_part(self, parts: dict[int, _Batch], batch_id: str | None, final: bool = False) -> int | None:
        """Write one of `parts` in a transaction of its own: the partition written, None if refused. `final`: the
        boards' last-seen times are written exactly (shutdown), not at the resolution."""
        batch = _Batch()
        try:
            with self.ledger.serial(), self.engine.begin() as conn:
                part = self.ledger.begin(conn, sorted(parts))
                if batch_id is not None:
                    # Each partition is recorded under an id of its own (the column holds 32 characters); a batch
                    # written whole (without partitions, or by an earlier version) has the plain id.
                    part_id = batch_id if self.ledger.partitions == 1 else f"{batch_id[:29]}p{part:02d}"
                    if already_written(conn, batch_id) or already_written(conn, part_id):
                        return part
                    mark_written(conn, part_id, "readings")
                batch = parts[part]
                settled = self.ledger.settle(batch.rows)
                refused = list(settled.refused)
                written = len(settled.in_order)
                if settled.in_order:
                    self._insert(conn, settled.in_order)
                if settled.late:
                    late_refused = self.ledger.insert_late(conn, settled.late, self._insert)
                    written += len(settled.late) - len(late_refused)
                    refused.extend(late_refused)
                self.ledger.end(conn, part)
                self._update_rows(conn, batch, final)
        except Exception as exc:
            self.ledger.rollback()
            self.stats.write_errors += 1
            log.warning("telemetry batch not written; will retry",
                        extra={"kv": {"rows": len(batch.rows), "spooled": batch_id is not None or bool(self.spool),
                                      "error": (str(exc).splitlines() or [type(exc).__name__])[0][:200]}})
            return None
        self.ledger.committed()
        for board_id, problem in refused:
            self.stats.count_implausible(problem.reason)
            self._log_implausible(board_id, problem)
        for board_id, (seen_at, online) in batch.boards.items():
            stored = self._stored_board.get(board_id)
            self._stored_board[board_id] = (seen_at if seen_at is not None else (stored[0] if stored else None), online)
        self.stats.readings_written += written
        self.stats.write_batches += 1
        return part

    # Switch and board rows, one statement each per transaction (PostgreSQL: arrays joined to the table; per-row
    # statements cost the writer and the server more than the rows' readings with two replicas). Replicas update
    # these rows only inside their energy section (a partition holds its boards and their switches), so two writers
    # never update the same rows at once.
    _SWITCHES_SQL = (
        "UPDATE switches AS s SET state = v.st, state_changed_at = v.at"
        " FROM unnest(%s::text[], %s::boolean[], %s::timestamptz[]) AS v(id, st, at)"
        " WHERE s.id = v.id AND (s.state_changed_at IS NULL OR s.state_changed_at <= v.at)")
    # A board's last-seen time is rewritten only when the stored one is older than the resolution (or the online
    # flag changes): with N replicas each hears the board and would otherwise rewrite its row N times as often.
    _BOARDS_SQL = (
        "UPDATE boards AS b SET last_seen = v.seen, online = v.up"
        " FROM unnest(%s::text[], %s::timestamptz[], %s::boolean[]) AS v(id, seen, up)"
        " WHERE b.id = v.id AND (b.last_seen IS NULL OR (b.last_seen <= v.seen AND"
        " (b.online IS DISTINCT FROM v.up OR b.last_seen <= v.seen - make_interval(secs => %s))))")

    def _update_rows(self, conn: Connection, batch: _Batch, final: bool) -> None:
        """The batch's switch state changes and board last-seen/online updates. A row another replica already moved
        on is left alone (it heard a later report of that switch or board)."""
        ordered = sorted(batch.boards.items())
        unseen = [{"bid": k, "up": v[1]} for k, v in ordered if v[0] is None]
        boards = m.Board.__table__
        if self.engine.dialect.name == "postgresql":
            if batch.switches:
                changes = sorted(batch.switches.items())
                conn.exec_driver_sql(self._SWITCHES_SQL, ([k for k, _ in changes], [v[0] for _, v in changes],
                                                          [v[1] for _, v in changes]))
            seen = [(k, v) for k, v in ordered if v[0] is not None]
            if seen:
                conn.exec_driver_sql(self._BOARDS_SQL, ([k for k, _ in seen], [v[0] for _, v in seen],
                                                        [v[1] for _, v in seen],
                                                        0.0 if final else float(self.seen_resolution_s)))
        else:
            # SQLite: one process, a few boards; rows in id order.
            if batch.switches:
                sw = m.Switch.__table__
                conn.execute(update(sw).where(sw.c.id == bindparam("sid"),
                                              or_(sw.c.state_changed_at.is_(None),
                                                  sw.c.state_changed_at <= bindparam("at")))
                             .values(state=bindparam("st"), state_changed_at=bindparam("at")),
                             [{"sid": k, "st": v[0], "at": v[1]} for k, v in sorted(batch.switches.items())])
            seen_rows = [{"bid": k, "seen": v[0], "up": v[1]} for k, v in ordered if v[0] is not None]
            if seen_rows:
                conn.execute(update(boards).where(boards.c.id == bindparam("bid"),
                                                  or_(boards.c.last_seen.is_(None),
                                                      boards.c.last_seen <= bindparam("seen")))
                             .values(last_seen=bindparam("seen"), online=bindparam("up")), seen_rows)
        if unseen:
            conn.execute(update(boards).where(boards.c.id == bindparam("bid")).values(online=bindparam("up")), unseen)

    def _insert_copy(self, conn: Connection, rows: list[Row]) -> None:
        # PostgreSQL's bulk load path, in the batch's transaction.
        raw = conn.connection.driver_connection
        with raw.cursor() as cur, cur.copy(f"COPY readings ({', '.join(READING_COLUMNS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def _insert_many(self, conn: Connection, rows: list[Row]) -> None:
        # The driver's executemany with plain tuples (timestamps already in the stored form, see `_convert`).
        # In switch order, each index of `readings` (switch, room and board with time) is walked front to back
        # instead of jumped around: half the CPU per row once the indexes outgrow SQLite's page cache.
        rows = sorted(rows, key=_switch_then_time)
        marks = ", ".join("?" for _ in READING_COLUMNS)
        conn.exec_driver_sql(f"INSERT INTO readings ({', '.join(READING_COLUMNS)}) VALUES ({marks})", rows)

    def _convert(self, items: list[tuple[dt.datetime, Sequence[Observation]]], batch: _Batch) -> None:
        rows, switches, latest = batch.rows, batch.switches, self._heard
        boards, switch_at, metered = self.boards, self._switch_at, self._metered
        known = self._known_state
        count = len(rows)
        to_db = self._ts_to_db
        for ts, observations in items:
            # Rows carry the timestamp as the driver stores it (SQLite: the ORM's text form), converted once per
            # message; the energy accounting keeps using the datetime.
            stamp = to_db(ts) if to_db is not None else ts
            for obs in observations:
                board_id = obs.board_id
                board = boards.get(board_id)
                if board is None:
                    continue
                kind = type(obs)
                if kind is RelayReport:
                    sw = switch_at.get((board_id, obs.relay))  # type: ignore[union-attr]
                    if sw is None:
                        continue  # a relay with nothing registered on it
                    on, source = obs.on, obs.source  # type: ignore[union-attr]
                    # Energy is filled in the batch's transaction (devices/stored_energy.py). A metered board's
                    # relays get none: the meter reports their energy, not counted twice.
                    if board_id in metered:
                        rows.append((stamp, board_id, sw.id, sw.room_id, on, None, None, source, None))
                    else:
                        rows.append((stamp, board_id, sw.id, sw.room_id, on, sw.rated_watts if on else 0.0,
                                     None, source, None))
                    if known.get(sw.id) is not on:
                        known[sw.id] = on
                        switches[sw.id] = (on, ts)
                    latest[board_id] = (ts, True)
                elif kind is MeterReport:
                    # An absurd counter is still a sign of life; it is refused when the batch is written.
                    latest[board_id] = (ts, True)
                    rows.append((stamp, board_id, None, board.room_id, None, obs.power_w,  # type: ignore[union-attr]
                                 None, "meter", obs.total_kwh))  # type: ignore[union-attr]
                elif kind is Heartbeat:
                    rows.append((stamp, board_id, None, board.room_id, None, None, None, "heartbeat", None))
                    latest[board_id] = (ts, True)
                elif kind is Availability:
                    previous = (latest.get(board_id) or self._latest_board.get(board_id)
                                or self._stored_board.get(board_id))
                    seen = previous[0] if previous else None
                    latest[board_id] = (ts, True) if obs.online else (seen, False)  # type: ignore[union-attr]
        self.stats.readings_queued += len(rows) - count

    def _log_implausible(self, board_id: str, exc: Implausible) -> None:
        # At most one line per board a minute: a broken meter reports every TelePeriod.
        now = time.monotonic()
        if now - self._implausible_logged.get(board_id, -1e9) >= 60:
            self._implausible_logged[board_id] = now
            log.warning("implausible meter reading refused; last good counter kept",
                        extra={"kv": {"board": board_id, "reason": exc.reason,
                                      "total": self.stats.implausible_by.get(exc.reason, 0)}})

    def _pick_board_updates(self, batch: _Batch, final: bool) -> None:
        """Board rows worth writing now: online changes, last-seen older than the resolution, everything if final.
        A board not heard since the last pick was looked at then, against the same stored row (a write that failed
        is retried with its batch), so only the boards heard since are looked at, but for the final write."""
        resolution = self.seen_resolution_s
        heard, self._heard = self._heard, {}
        self._latest_board.update(heard)
        for board_id, (seen, online) in (self._latest_board if final else heard).items():
            stored = self._stored_board.get(board_id)
            if stored is not None and stored[1] == online:
                if seen is None or stored[0] == seen:
                    continue
                if not final and stored[0] is not None and (seen - stored[0]).total_seconds() < resolution:
                    continue
            batch.boards[board_id] = (seen, online)
