"""`autovolt campus load FILE` and `autovolt campus show`: the campus registry in the database."""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from autovolt.cli import UserError
from autovolt.settings import load_settings

if TYPE_CHECKING:
    from store.campus import Campus

# Heavy imports (SQLAlchemy, Alembic) happen inside the commands, so `autovolt --help` and other commands start fast.


def register(subparsers: argparse._SubParsersAction) -> None:
    campus = subparsers.add_parser("campus", help="load or show the campus registry")
    sub = campus.add_subparsers(dest="campus_command", metavar="ACTION", required=True)
    load = sub.add_parser("load", help="load a campus YAML file into the database (idempotent)")
    load.add_argument("file", type=Path)
    load.set_defaults(func=cmd_load)
    show = sub.add_parser("show", help="print the registry held in the database")
    show.add_argument("--json", action="store_true", help="machine-readable output")
    show.set_defaults(func=cmd_show)
    check = sub.add_parser("check", help="validate a campus file without touching the database")
    check.add_argument("file", type=Path)
    check.set_defaults(func=cmd_check)


def _read(path: Path) -> tuple[str, bytes]:
    try:
        raw = path.read_bytes()
        return raw.decode("utf-8"), raw
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: cannot read: {exc}") from None


def load_into_database(url: str, path: Path) -> str:
    """Validate fully before writing, then sync in one transaction; return a one-line summary."""
    from store.campus import CampusFileError, parse_campus_text
    from store.db import DatabaseError, session_scope, upgrade
    from store.registry import sync_campus

    text, raw = _read(path)
    try:
        campus = parse_campus_text(text, str(path))
    except CampusFileError as exc:
        raise UserError(str(exc)) from None
    try:
        upgrade(url)
        with session_scope(url) as session:
            report = sync_campus(session, campus, hashlib.sha256(raw).hexdigest())
    except DatabaseError as exc:
        raise UserError(str(exc)) from None
    if not report.changed:
        return f"{path}: {campus.name} is already loaded; nothing changed"
    return f"{path}: loaded {campus.name}: {report.summary()}"


def cmd_load(args: argparse.Namespace) -> int:
    settings = load_settings()
    print(load_into_database(settings.effective_database_url, args.file))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from store.campus import CampusFileError, parse_campus_text

    text, _ = _read(args.file)
    try:
        campus = parse_campus_text(text, str(args.file))
    except CampusFileError as exc:
        for problem in exc.problems:  # every fault of the file at once, each with its line
            print(problem, file=sys.stderr)
        count = len(exc.problems)
        raise UserError(f"{args.file}: {count} problem{'s' if count > 1 else ''} found; nothing was loaded") from None
    closures = f", {len(campus.closures)} closures" if campus.closures else ""
    print(f"{args.file}: ok: {len(campus.buildings)} buildings, {len(campus.rooms)} rooms, "
          f"{len(campus.switches)} switches, {len(campus.boards)} boards, {len(campus.users)} users{closures}")
    return 0


def _holidays_of(campus: Campus) -> str:
    """", holidays IN" or ", holidays IN-MH" (ISO 3166-2 style), or nothing without a country."""
    if not campus.country:
        return ""
    return f", holidays {campus.country}" + (f"-{campus.subdivision}" if campus.subdivision else "")


def _days(start: dt.date, end: dt.date) -> str:
    return start.isoformat() if start == end else f"{start.isoformat()} to {end.isoformat()}"


def cmd_show(args: argparse.Namespace) -> int:
    from store.campus import campus_to_dict
    from store.db import DatabaseError, session_scope, upgrade
    from store.registry import load_registry

    settings = load_settings()
    url = settings.effective_database_url
    try:
        upgrade(url)
        with session_scope(url) as session:
            campus = load_registry(session)
    except DatabaseError as exc:
        raise UserError(str(exc)) from None
    if campus is None:
        raise UserError("no campus loaded yet: run `autovolt campus load FILE`")
    if args.json:
        print(json.dumps(campus_to_dict(campus), indent=2, ensure_ascii=False))
        return 0
    print(f"{campus.name} ({campus.timezone}{_holidays_of(campus)})")
    if campus.coordinates is not None:
        print(f"  Location: {campus.latitude:g}, {campus.longitude:g} (outdoor temperature from the weather feed)")
    if campus.closures:
        print("  Closures:")
        for c in campus.closures:
            print(f"    {c.name}: {_days(c.start, c.end)}")
    for b in campus.buildings:
        print(f"  {b.name} [{b.id}]")
        for r in (r for r in campus.rooms if r.building_id == b.id):
            aliases = f" aka {', '.join(r.aliases)}" if r.aliases else ""
            print(f"    {r.name} [{r.id}]{aliases}")
            for s in campus.switches_in_room(r.id):
                where = f" on {s.board_id}" + (f" gpio {s.gpio}" if s.gpio is not None else "") + (
                    f" POWER{s.channel}" if s.channel is not None else "") if s.board_id else " (no board)"
                print(f"      - {s.name} [{s.id}] {s.type}, {s.rated_watts:g} W{where}")
    if campus.users:
        print("  Users:")
        for u in campus.users:
            rooms = f" rooms {', '.join(u.rooms)}" if u.rooms else ""
            print(f"    {u.name} ({u.role}, telegram {u.telegram_id}){rooms}")
    return 0
