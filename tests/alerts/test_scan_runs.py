"""Scans are recorded as they run; a scan a stopped replica left half done is run again by the next leader, once."""

from __future__ import annotations

import asyncio
import datetime as dt

from alerts import scan_runs
from alerts.service import AlertOptions, AlertService
from store.db import get_engine
from store.models import utcnow


async def test_the_next_leader_runs_again_the_scan_a_dead_replica_left_half_done(loaded):
    engine = get_engine(loaded)
    abandoned = scan_runs.begin(engine, "offline", "replica-killed", utcnow() - dt.timedelta(minutes=1))
    done = scan_runs.begin(engine, "thresholds", "replica-killed", utcnow() - dt.timedelta(minutes=2))
    scan_runs.finish(engine, done, utcnow(), "done")
    alerts = AlertService(loaded, options=AlertOptions(schedule=False, send=False), replica_id="next-leader")
    await alerts.start()
    try:
        await alerts.start_schedule()
        deadline = asyncio.get_running_loop().time() + 30
        while True:
            runs = await asyncio.to_thread(scan_runs.recent, engine)
            again = [r for r in runs if r.replica == "next-leader" and r.scan == "offline" and r.finished_at]
            if again:
                break
            assert asyncio.get_running_loop().time() < deadline, runs
            await asyncio.sleep(0.1)
        by_id = {r.id: r for r in runs}
        assert by_id[abandoned].outcome == scan_runs.ABANDONED and by_id[abandoned].finished_at is not None
        assert again[0].outcome == "done" and len(again) == 1
        # The finished scan is not run again, and nothing is left unfinished but what runs now.
        assert not [r for r in runs if r.replica == "next-leader" and r.scan == "thresholds"]
        assert await asyncio.to_thread(scan_runs.take_abandoned, engine, utcnow(), alerts._running_runs) == []
    finally:
        await alerts.stop()
