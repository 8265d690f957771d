"""Readings retention: raw telemetry older than a cut is folded into one row per device and time bucket.

A bucket row has `ts` = the bucket start (UTC), `energy_wh` = the bucket's summed interval energy, `power_w` = the
mean of the samples' power, `state` = the last known state in the bucket and `source` = "hourly". Because energy is
per interval (not a counter), every sum over whole buckets is unchanged, and so are the hourly frames the analytics
and the alert scans read.

The bucket is an hour unless the campus's UTC offset is not a whole hour (Asia/Kolkata is +5:30): then local days
and local hours start mid-UTC-hour, and hour rows would move energy across them, so the bucket shrinks to the
largest divisor of 60 minutes that both clocks share (30 min for India, 15 for Nepal).

The work is pure SQL, one UTC day per transaction: a crash loses nothing (a day is compacted or not) and a large
backlog never holds one long transaction. Each bucket row reuses the id of the bucket's first raw row, so ids never
grow (the Prometheus energy counter reads only ids above the last one it saw) and nothing is counted twice.
Running it again changes nothing: buckets holding a single "hourly" row are left alone.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import time
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, bindparam, select, text
from sqlalchemy.orm import Session

from store import models as m
from store.db import get_engine

log = logging.getLogger(__name__)

COMPACTED_SOURCE = "hourly"
CHUNK = dt.timedelta(days=1)
_SOURCE_TABLE = "retention_src"  # temporary: the chunk's rows as read, so only rows that were summed get deleted
_BUCKET_TABLE = "retention_bucket"  # temporary: one row per (board, switch, room, bucket) with its aggregates


@dataclass(frozen=True)
class CompactionResult:
    """What one compaction did. Row counts cover the days scanned: from the first raw row older than `cut` to `cut`.

    rows_before / rows_after: rows older than the cut before and after; buckets_written: bucket rows (re)written;
    chunks: day transactions committed; bucket_minutes: the bucket width used; seconds: wall time.
    """

    cut: dt.datetime
    bucket_minutes: int
    rows_before: int
    rows_after: int
    buckets_written: int
    chunks: int
    seconds: float

    @property
    def rows_removed(self) -> int:
        return self.rows_before - self.rows_after

    def line(self) -> str:
        return (f"compacted readings older than {self.cut:%Y-%m-%d %H:%M}Z into {self.bucket_minutes}-minute rows: "
                f"{self.rows_before:,} -> {self.rows_after:,} rows ({self.rows_removed:,} removed, "
                f"{self.buckets_written:,} bucket rows written, {self.chunks} day chunks, {self.seconds:.1f} s)")


def bucket_minutes_for(timezone: str | None) -> int:
    """The widest bucket (a divisor of 60 min) whose boundaries are also the zone's local hour boundaries, checked
    at both solstices (DST changes the offset)."""
    if not timezone:
        return 60
    zone = ZoneInfo(timezone)
    width = 60
    for month in (1, 7):
        offset = dt.datetime(2026, month, 1, 12, tzinfo=zone).utcoffset() or dt.timedelta()
        width = math.gcd(width, int(offset.total_seconds() // 60) % 60)
    return width


def _bucket_sql(dialect: str, minutes: int) -> str:
    """SQL for the UTC bucket start of `ts`, in the column's storage form (SQLite: SQLAlchemy's UTC text). Colons
    are escaped: the SQL goes through text(), where `:name` is a parameter."""
    if dialect == "sqlite":
        if minutes == 60:
            return r"substr(ts, 1, 13) || '\:00\:00.000000'"
        return (f"substr(ts, 1, 14) || printf('%02d', (CAST(substr(ts, 15, 2) AS INTEGER) / {minutes}) * {minutes})"
                r" || '\:00.000000'")
    utc = "(ts AT TIME ZONE 'UTC')"
    if minutes == 60:
        return f"(date_trunc('hour', {utc}) AT TIME ZONE 'UTC')"
    return (f"((date_trunc('hour', {utc}) + floor(extract(minute FROM {utc}) / {minutes}) * {minutes}"
            " * interval '1 minute') AT TIME ZONE 'UTC')")


def _chunk_statements(dialect: str, minutes: int) -> list[str]:
    bucket = _bucket_sql(dialect, minutes)
    return [
        f"DROP TABLE IF EXISTS {_SOURCE_TABLE}",
        f"DROP TABLE IF EXISTS {_BUCKET_TABLE}",
        f"""CREATE TEMPORARY TABLE {_SOURCE_TABLE} AS
            SELECT id, ts, board_id, switch_id, room_id, {bucket} AS bucket,
                   CASE WHEN state THEN 1 WHEN NOT state THEN 0 END AS st, power_w, energy_wh,
                   CASE WHEN source = '{COMPACTED_SOURCE}' THEN 0 ELSE 1 END AS is_raw
            FROM readings WHERE ts >= :lo AND ts < :hi""",
        # The last state = the newest non-null one (ingest restores a switch's state from the newest such row).
        f"""CREATE TEMPORARY TABLE {_BUCKET_TABLE} AS
            SELECT min(id) AS keep_id, bucket, sum(energy_wh) AS energy_wh, avg(power_w) AS power_w,
                   max(CASE WHEN rn = 1 THEN st END) AS st,
                   CASE WHEN count(*) > 1 OR sum(is_raw) > 0 THEN 1 ELSE 0 END AS todo
            FROM (SELECT s.*, row_number() OVER (
                      PARTITION BY board_id, switch_id, room_id, bucket
                      ORDER BY CASE WHEN st IS NULL THEN 1 ELSE 0 END, ts DESC, id DESC) AS rn
                  FROM {_SOURCE_TABLE} s) ranked
            GROUP BY board_id, switch_id, room_id, bucket""",
        f"""UPDATE readings SET ts = b.bucket, energy_wh = b.energy_wh, power_w = b.power_w,
                   state = CASE b.st WHEN 1 THEN TRUE WHEN 0 THEN FALSE END, source = '{COMPACTED_SOURCE}'
            FROM {_BUCKET_TABLE} b WHERE readings.id = b.keep_id AND b.todo = 1""",
        f"""DELETE FROM readings WHERE id IN (SELECT id FROM {_SOURCE_TABLE})
            AND id NOT IN (SELECT keep_id FROM {_BUCKET_TABLE})""",
    ]


def _compact_chunk(conn: Connection, lo: dt.datetime, hi: dt.datetime, minutes: int) -> tuple[int, int, int]:
    """Compact [lo, hi) on `conn` (the caller commits): (rows before, rows after, buckets written)."""
    ts_type = m.Reading.__table__.c.ts.type
    statements = _chunk_statements(conn.dialect.name, minutes)
    for sql in statements[:2]:
        conn.execute(text(sql))
    conn.execute(text(statements[2]).bindparams(bindparam("lo", type_=ts_type), bindparam("hi", type_=ts_type)),
                 {"lo": lo, "hi": hi})
    conn.execute(text(statements[3]))
    before = conn.execute(text(f"SELECT count(*) FROM {_SOURCE_TABLE}")).scalar_one()
    after, written = conn.execute(text(f"SELECT count(*), coalesce(sum(todo), 0) FROM {_BUCKET_TABLE}")).one()
    if written:
        conn.execute(text(statements[4]))
        conn.execute(text(statements[5]))
    for sql in statements[:2]:
        conn.execute(text(sql))
    return int(before), int(after), int(written)


def _run_chunk(target: str | Session, lo: dt.datetime, hi: dt.datetime, minutes: int) -> tuple[int, int, int]:
    """One chunk in its own transaction: on the URL's engine, or on the session (then committed)."""
    if isinstance(target, Session):
        counts = _compact_chunk(target.connection(), lo, hi, minutes)
        target.commit()
        return counts
    with get_engine(target).begin() as conn:
        return _compact_chunk(conn, lo, hi, minutes)


def _first_raw_day(target: str | Session, cut: dt.datetime) -> dt.datetime | None:
    query = select(m.Reading.ts).where(m.Reading.ts < cut, m.Reading.source.is_distinct_from(COMPACTED_SOURCE))
    query = query.order_by(m.Reading.ts).limit(1)
    if isinstance(target, Session):
        first = target.execute(query).scalar()
    else:
        with get_engine(target).connect() as conn:
            first = conn.execute(query).scalar()
    if first is None:
        return None
    return first.replace(hour=0, minute=0, second=0, microsecond=0)


def compact_readings(target: str | Session, older_than: dt.datetime, *, bucket_minutes: int = 60,
                     chunk: dt.timedelta = CHUNK) -> CompactionResult:
    """Fold raw readings older than `older_than` (rounded down to the hour) into bucket rows, a day per transaction.

    `target` is a database URL or a Session (then committed after each chunk). Needs SQLite >= 3.33 (UPDATE FROM).
    """
    if older_than.tzinfo is None:
        raise ValueError("older_than must be an aware datetime")
    if bucket_minutes <= 0 or 60 % bucket_minutes:
        raise ValueError("bucket_minutes must divide 60")
    started = time.perf_counter()
    cut = older_than.astimezone(dt.timezone.utc).replace(minute=0, second=0, microsecond=0)
    totals = [0, 0, 0]
    chunks = 0
    lo = _first_raw_day(target, cut)
    while lo is not None and lo < cut:
        hi = min(lo + chunk, cut)
        for i, value in enumerate(_run_chunk(target, lo, hi, bucket_minutes)):
            totals[i] += value
        chunks += 1
        lo = hi
    result = CompactionResult(cut, bucket_minutes, totals[0], totals[1], totals[2], chunks,
                              time.perf_counter() - started)
    log.info("readings compacted", extra={"kv": {"cut": cut.isoformat(), "rows_before": result.rows_before,
                                                  "rows_after": result.rows_after, "chunks": chunks,
                                                  "seconds": round(result.seconds, 1)}})
    return result


def campus_timezone(target: str | Session) -> str | None:
    """The loaded campus's time zone (None before `autovolt campus load`)."""
    query = select(m.CampusInfo.timezone).limit(1)
    if isinstance(target, Session):
        return target.execute(query).scalar()
    with get_engine(target).connect() as conn:
        return conn.execute(query).scalar()


def compact_due(database_url: str, raw_days: int, *, timezone: str | None = None,
                now: dt.datetime | None = None) -> CompactionResult | None:
    """The nightly policy: keep `raw_days` days raw (0 = keep everything raw, returns None); buckets fit the
    campus's time zone (`timezone` overrides the campus file's, like AUTOVOLT_TIMEZONE)."""
    if raw_days <= 0:
        return None
    now = now or dt.datetime.now(dt.timezone.utc)
    minutes = bucket_minutes_for(timezone or campus_timezone(database_url))
    return compact_readings(database_url, now - dt.timedelta(days=raw_days), bucket_minutes=minutes)
