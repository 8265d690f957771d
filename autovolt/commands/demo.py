"""`autovolt demo`: a working campus from nothing: database, demo campus, eight weeks of history, the service."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
from pathlib import Path

from autovolt.cli import UserError
from autovolt.settings import Settings, load_settings

# Heavy imports (pandas, SQLAlchemy, FastAPI) happen inside the commands, so other commands start fast.

DEMO_CAMPUS_FILE = Path(__file__).resolve().parent.parent / "demo" / "campus.yaml"


def register(subparsers: argparse._SubParsersAction) -> None:
    demo = subparsers.add_parser("demo", help="set up the bundled demo campus with history and run the service")
    demo.add_argument("--weeks", type=int, default=8, help="weeks of hourly history to generate (default 8)")
    demo.add_argument("--reset", action="store_true", help="regenerate the history even if some exists")
    demo.add_argument("--no-serve", action="store_true", help="prepare the database, then exit")
    demo.add_argument("--for", dest="duration", type=float, help="stop the service after this many seconds")
    demo.set_defaults(func=cmd_demo)
    serve = subparsers.add_parser("serve", help="run the service on the configured campus, broker and bot")
    serve.add_argument("--for", dest="duration", type=float, help="stop after this many seconds")
    serve.set_defaults(func=cmd_serve)


def prepare_demo(url: str, weeks: int, reset: bool, now: dt.datetime | None = None) -> str:
    """Create the schema, load the demo campus and (once) its history; return a summary line."""
    from sqlalchemy import delete, func, select

    from autovolt.demo.history import generate_history
    from store import models as m
    from store.campus import load_campus_file
    from store.db import session_scope, upgrade
    from store.readings import insert_frame
    from store.registry import sync_campus

    campus = load_campus_file(DEMO_CAMPUS_FILE)
    upgrade(url)
    with session_scope(url) as session:
        sync_campus(session, campus)
        existing = session.scalar(select(func.count()).select_from(m.Reading)) or 0
        if existing and not reset:
            return f"demo campus ready: {len(campus.rooms)} rooms, {len(campus.switches)} switches, {existing} readings kept"
        session.execute(delete(m.Reading))
    history, faults = generate_history(campus, now or dt.datetime.now(dt.timezone.utc), weeks=weeks)
    with session_scope(url) as session:
        written = insert_frame(session, history)
    kinds = ", ".join(f.description for f in faults)
    return (f"demo campus ready: {len(campus.rooms)} rooms, {len(campus.switches)} switches, "
            f"{written} hourly readings over {weeks} weeks; injected faults: {kinds}")


def cmd_demo(args: argparse.Namespace) -> int:
    settings = load_settings()
    if args.weeks < 1:
        raise UserError("--weeks must be at least 1")
    from store.db import DatabaseError

    sock = None if args.no_serve else _bind(settings)  # before anything else: see _bind
    try:
        print(prepare_demo(settings.effective_database_url, args.weeks, args.reset), flush=True)
    except DatabaseError as exc:
        raise UserError(str(exc)) from None
    if sock is None:
        return 0
    return _serve(settings, args.duration, sock)


def cmd_serve(args: argparse.Namespace) -> int:
    settings = load_settings()
    return _serve(settings, args.duration, _bind(settings))


def _bind(settings: Settings):
    """The HTTP socket, bound first: a second service on the same port stops here, having started nothing."""
    from autovolt.service import PortInUse, bind_http

    try:
        return bind_http(settings.http_port)
    except PortInUse as exc:
        raise UserError(str(exc)) from None


def _serve(settings: Settings, duration: float | None, sock) -> int:
    from autovolt.wiring import build_service
    from store.db import DatabaseError

    try:
        service = build_service(settings)
    except DatabaseError as exc:
        sock.close()
        raise UserError(str(exc)) from None
    from autovolt.leader import ReplicaRefused

    print(f"service listening on http://127.0.0.1:{settings.http_port} (Ctrl-C to stop)", flush=True)
    try:
        asyncio.run(service.run(duration_s=duration, sock=sock))
    except ReplicaRefused as exc:
        raise UserError(str(exc)) from None
    return 0
