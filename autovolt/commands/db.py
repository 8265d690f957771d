"""`autovolt db upgrade`: create or migrate the database schema. `autovolt db compact`: apply readings retention."""

from __future__ import annotations

import argparse
import dataclasses
import json

from autovolt.cli import UserError
from autovolt.settings import load_settings


def register(subparsers: argparse._SubParsersAction) -> None:
    db = subparsers.add_parser("db", help="database schema and retention")
    sub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    up = sub.add_parser("upgrade", help="create or migrate the schema to the latest revision")
    up.set_defaults(func=cmd_upgrade)
    compact = sub.add_parser("compact", help="fold raw readings older than N days into hourly rows (what the "
                                             "nightly job does)")
    compact.add_argument("--older-than-days", type=int, metavar="N",
                         help="keep the last N days raw (default AUTOVOLT_READINGS_RAW_DAYS)")
    compact.add_argument("--json", action="store_true", help="print the result as JSON")
    compact.set_defaults(func=cmd_compact)


def cmd_upgrade(args: argparse.Namespace) -> int:
    from store.db import DatabaseError, upgrade

    settings = load_settings()
    try:
        upgrade(settings.effective_database_url)
    except DatabaseError as exc:
        raise UserError(str(exc)) from None
    print("database schema is up to date")
    return 0


def cmd_compact(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import OperationalError

    from store.retention import compact_due

    settings = load_settings()
    days = settings.readings_raw_days if args.older_than_days is None else args.older_than_days
    if args.older_than_days is not None and days < 1:
        raise UserError("--older-than-days: expected a number of days of at least 1")
    try:
        result = compact_due(settings.effective_database_url, days, timezone=settings.timezone)
    except OperationalError as exc:
        raise UserError(f"cannot compact readings: {str(exc.orig).strip().splitlines()[0]}") from None
    if result is None:
        message = "retention is off (AUTOVOLT_READINGS_RAW_DAYS=0): every reading is kept raw"
        print(json.dumps({"compacted": False, "reason": message}) if args.json else message)
        return 0
    if args.json:
        fields = dataclasses.asdict(result) | {"cut": result.cut.isoformat(), "rows_removed": result.rows_removed,
                                               "seconds": round(result.seconds, 3), "compacted": True}
        print(json.dumps(fields))
    else:
        print(result.line())
    return 0
