"""Scheduled scans recorded as they run (`scan_runs`), so a scan its replica left half done is run again.

A scan's work is one transaction, so a scan interrupted half way (the leader killed) wrote nothing; its row stays
unfinished. The next leader (or the same process after a restart) takes the unfinished rows, closes them as
abandoned and runs those scans once more. Running a scan twice over the same window changes nothing: an alert has
one firing episode per subject and every message a unique dedupe key.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from sqlalchemy import Engine, delete, insert, select, update

from store.models import ScanRun

ABANDONED = "abandoned: its replica stopped before it finished"
KEEP = dt.timedelta(days=7)  # finished runs are kept this long, for the operator to look back


def begin(engine: Engine, scan: str, replica: str, now: dt.datetime) -> int:
    with engine.begin() as conn:
        return int(conn.execute(insert(ScanRun).values(scan=scan, replica=replica, started_at=now)
                                .returning(ScanRun.id)).scalar_one())


def finish(engine: Engine, run_id: int, now: dt.datetime, outcome: str) -> None:
    with engine.begin() as conn:
        conn.execute(update(ScanRun).where(ScanRun.id == run_id).values(finished_at=now, outcome=outcome[:200]))
        conn.execute(delete(ScanRun).where(ScanRun.finished_at < now - KEEP))


def take_abandoned(engine: Engine, now: dt.datetime, running: Collection[int] = ()) -> list[str]:
    """Close every unfinished run not in `running` (this process's own runs in progress) as abandoned; returns the
    scans to run again, each once, oldest first."""
    with engine.begin() as conn:
        rows = conn.execute(update(ScanRun).where(ScanRun.finished_at.is_(None), ScanRun.id.not_in(list(running)))
                            .values(finished_at=now, outcome=ABANDONED)
                            .returning(ScanRun.id, ScanRun.scan)).all()
    scans: list[str] = []
    for _, scan in sorted(rows):
        if scan not in scans:
            scans.append(scan)
    return scans


def recent(engine: Engine, limit: int = 50) -> list[ScanRun]:
    """The latest runs, newest first (for tests and the operator)."""
    from sqlalchemy.orm import Session

    with Session(engine) as session:
        return list(session.scalars(select(ScanRun).order_by(ScanRun.id.desc()).limit(limit)))
