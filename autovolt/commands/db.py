"""`autovolt db upgrade`: create or migrate the database schema."""

from __future__ import annotations

import argparse

from autovolt.cli import UserError
from autovolt.settings import load_settings


def register(subparsers: argparse._SubParsersAction) -> None:
    db = subparsers.add_parser("db", help="database schema")
    sub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    up = sub.add_parser("upgrade", help="create or migrate the schema to the latest revision")
    up.set_defaults(func=cmd_upgrade)


def cmd_upgrade(args: argparse.Namespace) -> int:
    from store.db import DatabaseError, upgrade

    settings = load_settings()
    try:
        upgrade(settings.effective_database_url)
    except DatabaseError as exc:
        raise UserError(str(exc)) from None
    print("database schema is up to date")
    return 0
