"""Interval energy from the previous STORED sample of a switch or meter, so N replicas writing one database count
every interval once.

With a shared subscription the broker hands a board's reports to the replicas in turn, so no replica sees every
sample of a switch. Each ingest writer therefore computes `energy_wh` inside its batch transaction, in a section
the writers pass one at a time: PostgreSQL, a transaction advisory lock; SQLite (one process), a thread lock. With
partitions (`AUTOVOLT_ENERGY_PARTITIONS`, PostgreSQL, off by default) the boards are split into `PARTITIONS` by a
hash of the board id (a board's switches, meter and row go together), each with a lock of its own, and a batch is
written as one transaction per partition it touches, in ascending order. The writers follow each other through the
partitions like a pipeline: two writers hold different partitions at once instead of waiting for each other's whole
batch, and a writer never overtakes another in a partition (taking whichever partition is free would let a writer
store its newer samples before the other's older ones: late samples, which cost more). Partitioned writers take the
single lock of unpartitioned ones in shared mode, so a writer with the setting off, or of an older version, still
excludes them. In its section (for a partition, or the whole batch) a writer:
1. reads the partition's accountable rows the other writers committed since its last visit (ids above its mark for
   that partition: under its lock, the partition's ids grow in commit order), so its accountant holds the newest
   stored sample of every switch and meter of the partition. Not read: a relay's "off" row stored in order after
   an "off" (its energy is 0: it changes no interval's energy), most rows of a switch that is off. The accountant
   then knows a switch as "on" (its newest stored sample, exactly), "off" (everything stored after it says off)
   or not at all (`unsure`: an "on" row after an "off" may be a late row with unread rows after it);
2. a sample newer than that one gets the energy of the interval since it (the common case, no extra query);
3. a sample older than it (late: another writer's batch went first, or a spooled batch is replayed), an "on" sample
   of a switch known "off" and any sample of an unsure switch are placed between their two stored neighbours (one
   query per batch), and carry what inserting them changes in the sum (devices/energy.py).
Totals over the stored sequence are then exactly those of one writer that heard every sample in time order, and
no stored row is ever rewritten (the Prometheus energy counter reads each row once).

Rows written around this path (history imports with `store.readings.insert_readings`) are not seen by step 1
unless they are older than the mark; they are bulk history, not live telemetry.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import threading
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text

from devices.energy import EnergyAccountant
from devices.plausibility import Implausible

# The transaction lock's second key, after the schema's hash (as autovolt.leader's): "AVEN"; taken shared by writers
# with partitions. Partition p's key is ENERGY_LOCK + 1 + p ("AVEO", ...): every replica must use the same PARTITIONS.
ENERGY_LOCK = 0x4156454E
# Enough stages for a few writers' pipeline, few enough that a batch is not cut into many small transactions.
PARTITIONS = 4
# SQLite serves one process; writers of one process on one file pass one at a time.
_SQLITE_LOCKS: dict[str, threading.Lock] = {}
_SQLITE_LOCKS_GUARD = threading.Lock()

# The rows the read-back needs: relay samples but an "off" whose energy is 0 (stored in order after an "off"; an
# "off" right after an "on" at the same instant is stored with NULL energy so as to be read), and meter counters.
_NEEDED = ("((switch_id IS NOT NULL AND state IS NOT NULL AND (state OR energy_wh IS NULL OR energy_wh <> 0))"
           " OR (switch_id IS NULL AND meter_kwh IS NOT NULL))")

# Row layout: devices.ingest.READING_COLUMNS.
TS, BOARD, SWITCH, ROOM, STATE, POWER, ENERGY, SOURCE, METER = range(9)


@dataclass(frozen=True)
class Settled:
    """A batch's rows with their energy. `in_order`: newer than every stored sample of their switch or meter (bulk
    insert); `late`: to insert one at a time, in order, each one's energy computed against the rows stored before
    it; `refused`: (board id, Implausible) for meter counters that no power can explain (not stored)."""

    in_order: list[tuple]
    late: list[tuple]
    refused: list[tuple[str, Implausible]]


def _utc(value: Any) -> dt.datetime:
    """A stored or driver-form timestamp as a datetime in `datetime.timezone.utc` (SQLite keeps UTC text). The
    same tzinfo object as the gateway's stamps: comparing or subtracting datetimes of two tzinfo objects (e.g.
    psycopg's ZoneInfo('Etc/UTC') for a server set to it) calls utcoffset() on both, about 20x slower."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.timezone.utc)
    return value if value.tzinfo is dt.timezone.utc else value.astimezone(dt.timezone.utc)


def partition_of(board_id: str, partitions: int) -> int:
    """The energy partition of a board (and of its switches and meter): stable across processes and versions."""
    return zlib.crc32(board_id.encode()) % partitions if partitions > 1 else 0


class StoredEnergy:
    """The energy accounting of one ingest writer. `rated`: switch id -> rated watts, for relay switches whose
    energy is on-time x rated watts (switches on metered boards are not listed); `metered`: board ids with a meter;
    `limits`: board id -> power limit (W) for the counter plausibility check; `boards`: switch id -> board id for
    every switch on a board (a partition is a set of boards; its rows are read back by board id); `partitioned`:
    the section in `PARTITIONS` partitions (PostgreSQL only), else one section as before them."""

    def __init__(self, accountant: EnergyAccountant, rated: dict[str, float], metered: set[str],
                 limits: dict[str, float], database_url: str, dialect: str, boards: dict[str, str],
                 partitioned: bool = False) -> None:
        self.accountant = accountant
        self.rated = rated
        self.metered = metered
        self.limits = limits
        self.dialect = dialect
        self.partitions = PARTITIONS if dialect == "postgresql" and partitioned else 1
        self.members: list[list[str]] = [[] for _ in range(self.partitions)]
        self._board_of = boards
        for board_id in sorted(set(boards.values()) | metered):
            self.members[partition_of(board_id, self.partitions)].append(board_id)
        # Each partition's board ids as one array literal, built once: psycopg dumping a list of ~1,000 ids for
        # every transaction cost more than the query.
        self._member_arrays = ["{" + ",".join('"' + b.replace("\\", "\\\\").replace('"', '\\"') + '"' for b in m) + "}"
                               for m in self.members]
        # The read-back (`_refresh`). The board ids go as an untyped text-format parameter (%t), read as text[]
        # once (a parameter typed text could be cast row by row; the ids as a constant in the statement cost
        # PostgreSQL's planner more than the query: about 0.03 CPU s per 10,000 readings for one writer).
        # `id <= <the largest bigint>` changes no result: it makes `id` a closed range, which PostgreSQL estimates at
        # 0.5 % of the table when it has no statistics for it (a new or never analysed table: autovacuum off, as on
        # this project's test server, or a day's new partition) and under a generic plan, instead of a third; with
        # `id > %s` alone it then read the whole table on every read-back (88 ms of server CPU at 300,000 rows,
        # against 1.4 ms through the primary key), a cost per transaction that grew with the table.
        self._refresh_sql = (
            "SELECT coalesce(switch_id, board_id), ts, state, meter_kwh FROM readings"
            f" WHERE id > %s AND id <= {2 ** 63 - 1} AND {_NEEDED}"
            + (" AND board_id = ANY(%t::text[])" if self.partitions > 1 else ""))
        # Switches whose newest stored sample this writer does not know for sure (see `offer_many`).
        self.unsure: set[str] = set()
        # Per partition, the highest reading id this writer took into account (None: not visited yet).
        self.marks: list[int | None] = [0] * self.partitions
        self.seeded = False  # `seed` ran (at start, or in the first batch if the store was away then)
        self._staged_mark: tuple[int, int] | None = None  # (partition, mark) of the open transaction
        self._saved: tuple[dict, dict, dict] | None = None
        self._saved_unsure: tuple[set[str], set[str]] | None = None  # (the batch's switches, those unsure)
        if dialect == "sqlite":
            with _SQLITE_LOCKS_GUARD:
                self._thread_lock: threading.Lock | None = _SQLITE_LOCKS.setdefault(database_url, threading.Lock())
        else:
            self._thread_lock = None
        q = "?" if dialect == "sqlite" else "%s"
        relay = f"switch_id = {q} AND state IS NOT NULL"
        meter = f"board_id = {q} AND switch_id IS NULL AND meter_kwh IS NOT NULL"
        self._newest = {"relay": ("state", "switch_id = v.k AND state IS NOT NULL"),
                        "meter": ("meter_kwh", "board_id = v.k AND switch_id IS NULL AND meter_kwh IS NOT NULL")}
        self._sql = {
            "relay_newest": f"SELECT ts, state FROM readings WHERE {relay} ORDER BY ts DESC LIMIT 1",
            "meter_newest": f"SELECT meter_kwh, ts FROM readings WHERE {meter} ORDER BY ts DESC LIMIT 1",
        }

    def seed(self, conn: Connection) -> None:
        """The newest stored sample of every switch and meter (one indexed lookup each), else a switch's stored
        state and the time it changed; and the mark, read first, so rows committed meanwhile are read again by the
        first batch rather than missed."""
        mark = int(conn.exec_driver_sql("SELECT max(id) FROM readings").scalar() or 0)
        # With partitions, a writer of another partition may still commit rows with lower ids than this mark: each
        # partition is looked up again on this writer's first visit, under its lock (`_seed_partition`).
        self.marks = [mark] if self.partitions == 1 else [None] * self.partitions
        for switch_id in self.rated:
            row = conn.exec_driver_sql(self._sql["relay_newest"], (switch_id,)).first()
            if row is not None:
                self.accountant.offer_relay(switch_id, _utc(row[0]), bool(row[1]))
        for board_id in sorted(self.metered):
            row = conn.exec_driver_sql(self._sql["meter_newest"], (board_id,)).first()
            if row is not None:
                self.accountant.offer_meter(board_id, float(row[0]), _utc(row[1]))
        for switch_id, state, changed_at in conn.exec_driver_sql("SELECT id, state, state_changed_at FROM switches"):
            if switch_id in self.rated and state is not None and changed_at is not None \
                    and self.accountant.newest_relay(switch_id) is None:
                self.accountant.seed_relay(switch_id, _utc(changed_at), bool(state))
        self.seeded = True

    # --- the serial section ------------------------------------------------------------------------------------

    @contextlib.contextmanager
    def serial(self) -> Iterator[None]:
        """Around the whole transaction (SQLite): one writer of this process at a time."""
        if self._thread_lock is None:
            yield
            return
        with self._thread_lock:
            yield

    def begin(self, conn: Connection, pending: list[int]) -> int:
        """First thing in a transaction: wait for the lowest of the `pending` partitions (without partitions: for
        the one section), then read what the others stored in it. Returns the partition taken. One lock per
        transaction: no deadlock."""
        part = pending[0]
        key = "hashtext(current_schema())"
        # With the lock, the transaction's time zone is set to 'UTC' (values are unchanged: timestamptz): psycopg
        # then returns the read-back's datetimes in `datetime.timezone.utc`, the tzinfo of the gateway's stamps they
        # are compared with (for a server set to 'Etc/UTC' or any other zone it returns ZoneInfo datetimes, and each
        # comparison of the two kinds cost about 2 us: with two writers, about 0.02 CPU s per 10,000 readings).
        utc = "set_config('TimeZone', 'UTC', true)"
        if self.dialect == "postgresql" and self.partitions == 1:
            conn.exec_driver_sql(f"SELECT {utc}, pg_advisory_xact_lock({key}, {ENERGY_LOCK})")
        elif self.dialect == "postgresql":
            conn.exec_driver_sql(f"SELECT {utc}, pg_advisory_xact_lock_shared({key}, {ENERGY_LOCK}), "
                                 f"pg_advisory_xact_lock({key}, {ENERGY_LOCK + 1 + part})")
        if not self.seeded:
            self.seed(conn)
        if self.marks[part] is None:
            self._seed_partition(conn, part)
        self._refresh(conn, part)
        return part

    def _seed_partition(self, conn: Connection, part: int) -> None:
        """First visit to a partition, under its lock: every row of it is committed, so its mark and the newest
        stored sample of each of its switches and meters are exact."""
        self.marks[part] = int(conn.exec_driver_sql("SELECT max(id) FROM readings").scalar() or 0)
        boards = set(self.members[part])
        switches = [k for k in self.rated if self._board_of.get(k) in boards]
        for kind, keys in (("relay", switches), ("meter", sorted(self.metered & boards))):
            column, where = self._newest[kind]
            rows = conn.exec_driver_sql(
                f"SELECT v.k, x.ts, x.val FROM unnest(%s::text[]) AS v(k) CROSS JOIN LATERAL "
                f"(SELECT ts, {column} AS val FROM readings WHERE {where} ORDER BY ts DESC LIMIT 1) x", (keys,)).all()
            for key, ts, value in rows:
                if kind == "relay":
                    self.accountant.offer_relay(key, _utc(ts), bool(value))
                else:
                    self.accountant.offer_meter(key, float(value), _utc(ts))

    def _refresh(self, conn: Connection, part: int) -> None:
        """Offer the accountant the partition's rows the others committed since this writer's mark. The mark itself
        moves only in `end` (the max id at commit): a transaction that fails reads these rows again, harmlessly."""
        mark = self.marks[part]
        # Narrow rows: the key (switch, or board for a meter), time, state, counter; the id is not needed.
        columns = "coalesce(switch_id, board_id), ts, state, meter_kwh"
        if self.dialect != "postgresql":
            rows = conn.exec_driver_sql(f"SELECT {columns} FROM readings WHERE id > ? AND {_NEEDED}", (mark,)).all()
            rows = [(k, _utc(ts), state, kwh) for k, ts, state, kwh in rows]
        else:
            # The raw cursor with binary results: psycopg's C loaders build the aware datetimes, no result wrapping.
            with conn.connection.driver_connection.cursor(binary=True) as cur:
                cur.execute(self._refresh_sql, (mark,) if self.partitions == 1 else (mark, self._member_arrays[part]))
                rows = cur.fetchall()
        self.accountant.offer_many(rows, self.rated, self.unsure)

    def settle(self, rows: list[tuple]) -> Settled:
        """Energy for the batch's accountable rows (others pass unchanged). The accountant's changes can be undone
        with `rollback` until `committed`."""
        times: dict[Any, dt.datetime] = {}

        def when(row: tuple) -> dt.datetime:
            stamp = row[TS]
            got = times.get(stamp)
            if got is None:
                got = times[stamp] = _utc(stamp)
            return got

        rated, acc, unsure = self.rated, self.accountant, self.unsure
        relays = [(r[SWITCH], when(r), i) for i, r in enumerate(rows)
                  if r[SWITCH] is not None and r[STATE] is not None and r[SWITCH] in rated]
        meters = [(r[BOARD], when(r), i) for i, r in enumerate(rows)
                  if r[SWITCH] is None and r[METER] is not None]
        keys = {k for k, _, _ in relays}
        self._saved = acc.save(keys, {k for k, _, _ in meters})
        self._saved_unsure = (keys, keys & unsure)
        out = list(rows)
        late: list[int] = []
        refused: list[tuple[str, Implausible]] = []
        drop: set[int] = set()
        exact: set[str] = set()  # switches whose samples from here on take their neighbours from the database
        for key, ts, i in sorted(relays, key=lambda x: (x[0], x[1])):
            newest = acc.newest_relay(key)
            row = rows[i]
            on = bool(row[STATE])
            if key in exact or key in unsure or newest is None or (on and not newest[1]):
                # Unsure, nothing kept (unread "off" rows may exist), or "on" after a kept "off" (unread "off" rows
                # may lie after it): this sample and the switch's next ones in the batch are placed among the
                # stored samples. Rare once running: a switch turning on, or the first batch after a start.
                exact.add(key)
                late.append(i)
                continue
            if newest is not None and ts < newest[0]:
                late.append(i)
                continue
            used = acc.relay(key, rated[key], ts, on)
            if used == 0.0 and not on and newest is not None and newest[1]:
                used = None  # "off" right after "on", at the same instant: NULL so that the read-back sees it
            out[i] = (*row[:ENERGY], used, *row[ENERGY + 1:])
        for key, ts, i in sorted(meters, key=lambda x: (x[0], x[1])):
            newest = acc.newest_meter(key)
            if newest is not None and newest[1] is not None and ts < newest[1]:
                late.append(i)
                continue
            row = rows[i]
            try:
                used = acc.meter(key, float(row[METER]), ts, self.limits.get(key))
            except Implausible as exc:
                refused.append((key, exc))
                drop.add(i)
                continue
            out[i] = (*row[:ENERGY], used, *row[ENERGY + 1:])
        late_set = set(late)
        late.sort(key=lambda i: (rows[i][SWITCH] or rows[i][BOARD], when(rows[i])))
        return Settled(in_order=[r for i, r in enumerate(out) if i not in late_set and i not in drop],
                       late=[rows[i] for i in late], refused=refused)

    def insert_late(self, conn: Connection, rows: list[tuple],
                    insert: Callable[[Connection, list[tuple]], None]) -> list[tuple[str, Implausible]]:
        """Insert the late rows, each with the correction its stored neighbours call for; returns the refused
        meter counters. The neighbours of every late row come from one query per kind (PostgreSQL), so a writer
        that falls behind (its batches then hold many late rows) does not fall further behind doing them."""
        out: list[tuple] = []
        refused: list[tuple[str, Implausible]] = []
        for kind in ("relay", "meter"):
            mine = [r for r in rows if (r[SWITCH] is not None) == (kind == "relay")]
            if not mine:
                continue
            keyed: dict[str, list[tuple]] = defaultdict(list)
            for row in mine:
                keyed[row[SWITCH] if kind == "relay" else row[BOARD]].append(row)
            spans = {k: (min(r[TS] for r in v), max(r[TS] for r in v)) for k, v in keyed.items()}
            stored = self._neighbours(conn, kind, spans)
            for key, late in keyed.items():
                sequence = stored.get(key, [])
                times = [t for t, _ in sequence]
                newest = None  # the batch's sample that is now the newest stored one, if any
                kept = self.accountant.newest_relay(key) if kind == "relay" else None
                for row in sorted(late, key=lambda r: _utc(r[TS])):
                    ts = _utc(row[TS])
                    i = bisect.bisect_left(times, ts)  # before: newest stored < ts; after: first stored >= ts
                    before = sequence[i - 1] if i > 0 else None
                    after = sequence[i] if i < len(sequence) else None
                    if kind == "relay":
                        value: Any = bool(row[STATE])
                        used = self.accountant.relay_inserted(
                            self.rated[key], None if before is None else (before[0], before[1]), (ts, value),
                            None if after is None else (after[0], after[1]))
                        if after is None:
                            newest = (ts, value)
                            if used == 0.0 and not value and before is not None and before[1]:
                                used = None  # as in `settle`: read back by the others
                    else:
                        value = float(row[METER])
                        try:
                            used = self.accountant.meter_inserted(
                                None if before is None else (before[1], before[0]), (value, ts),
                                None if after is None else (after[1], after[0]), self.limits.get(key))
                        except Implausible as exc:
                            refused.append((key, exc))
                            continue
                    sequence.insert(i, (ts, value))
                    times.insert(i, ts)
                    out.append((*row[:ENERGY], used, *row[ENERGY + 1:]))
                if kind == "relay":
                    if newest is not None:
                        # Nothing stored after it: the newest stored sample is this batch's, known exactly.
                        self.accountant.seed_relay(key, newest[0], newest[1])
                        self.unsure.discard(key)
                    elif kept is None or not kept[1] and any(_utc(r[TS]) > kept[0] for r in late):
                        # Placed after a kept "off" with stored samples after it: what is kept no longer holds.
                        self.unsure.add(key)
        if out:
            insert(conn, out)
        return refused

    def _neighbours(self, conn: Connection, kind: str, spans: dict[str, tuple[Any, Any]]) \
            -> dict[str, list[tuple[dt.datetime, Any]]]:
        """Per key, in time order: the stored sample before its span, those within it, and the first after it."""
        column, where = (("state", "switch_id = {k} AND state IS NOT NULL") if kind == "relay" else
                         ("meter_kwh", "board_id = {k} AND switch_id IS NULL AND meter_kwh IS NOT NULL"))
        found: dict[str, list[tuple[dt.datetime, Any]]] = defaultdict(list)
        if self.dialect == "postgresql":
            cond = where.format(k="v.k")
            sql = (f"SELECT v.k, x.ts, x.val FROM unnest(%s::text[], %s::timestamptz[], %s::timestamptz[]) "
                   f"AS v(k, lo, hi) CROSS JOIN LATERAL ("
                   f"(SELECT ts, {column} AS val FROM readings WHERE {cond} AND ts < v.lo ORDER BY ts DESC LIMIT 1)"
                   f" UNION ALL (SELECT ts, {column} FROM readings WHERE {cond} AND ts >= v.lo AND ts <= v.hi)"
                   f" UNION ALL (SELECT ts, {column} FROM readings WHERE {cond} AND ts > v.hi ORDER BY ts LIMIT 1)"
                   f") x")
            keys = list(spans)
            rows = conn.exec_driver_sql(sql, ([k for k in keys], [spans[k][0] for k in keys],
                                              [spans[k][1] for k in keys])).all()
        else:
            cond = where.format(k="?")
            rows = []
            for key, (lo, hi) in spans.items():
                for sql, args in ((f"SELECT ts, {column} FROM readings WHERE {cond} AND ts < ? ORDER BY ts DESC LIMIT 1",
                                   (key, lo)),
                                  (f"SELECT ts, {column} FROM readings WHERE {cond} AND ts >= ? AND ts <= ?",
                                   (key, lo, hi)),
                                  (f"SELECT ts, {column} FROM readings WHERE {cond} AND ts > ? ORDER BY ts LIMIT 1",
                                   (key, hi))):
                    rows.extend((key, *r) for r in conn.exec_driver_sql(sql, args).all())
        for key, ts, value in rows:
            found[key].append((_utc(ts), bool(value) if kind == "relay" else float(value)))
        for sequence in found.values():
            sequence.sort(key=lambda x: x[0])
        return found

    def end(self, conn: Connection, part: int) -> None:
        """Last thing in the transaction: the partition's new mark (this batch's rows need not be read back). Rows
        of other partitions committed later may have lower ids; a row of this partition committed later has a
        higher one (its writer takes ids after this transaction releases the partition)."""
        q = conn.exec_driver_sql("SELECT max(id) FROM readings").scalar()
        self._staged_mark = (part, max(self.marks[part] or 0, int(q or 0)))

    def committed(self) -> None:
        if self._staged_mark is not None:
            part, mark = self._staged_mark
            self.marks[part] = mark
        self._staged_mark = None
        self._saved = None
        self._saved_unsure = None

    def rollback(self) -> None:
        """The transaction failed: the accountant forgets this batch's samples (they were not stored)."""
        if self._saved is not None:
            self.accountant.restore(self._saved)
        if self._saved_unsure is not None:
            keys, were = self._saved_unsure
            self.unsure.difference_update(keys)
            self.unsure.update(were)
        self._saved = None
        self._saved_unsure = None
        self._staged_mark = None
