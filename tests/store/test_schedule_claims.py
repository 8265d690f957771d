"""Scheduled actions are claimed before they run (bot.records.claim_due): on SQLite and PostgreSQL, claimers
racing on one store never both get an action, and only due pending ones are taken."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

from bot import records
from store.db import upgrade

NOW = dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.timezone.utc)


def test_racing_claimers_never_share_an_action(db_url):
    upgrade(db_url)
    due = [records.create_action(db_url, created_by=2001, chat_id=2001, run_at=NOW - dt.timedelta(minutes=i), on=False,
                                 switch_ids=["cr-101-lights"], text="off", status="pending", now=NOW)
           for i in range(40)]
    later = records.create_action(db_url, created_by=2001, chat_id=2001, run_at=NOW + dt.timedelta(hours=1), on=True,
                                  switch_ids=["cr-101-fans"], text="on", status="pending", now=NOW)
    waiting = records.create_action(db_url, created_by=2001, chat_id=2001, run_at=NOW - dt.timedelta(hours=1), on=True,
                                    switch_ids=["cr-101-ac"], text="on", status="confirming", now=NOW)
    with ThreadPoolExecutor(4) as pool:
        batches = list(pool.map(lambda _: records.claim_due(db_url, NOW, limit=7), range(12)))
    claimed = [r.id for batch in batches for r in batch]
    assert sorted(claimed) == sorted(due)  # each due action once, by exactly one claimer
    assert later not in claimed and waiting not in claimed
    assert all(r.status == "running" for r in records.actions_with_status(db_url, "running"))
    assert records.claim_due(db_url, NOW) == []
