"""`autovolt alerts ...`: run the alert scans once, look at open alerts and the outbox, deliver the outbox.

    autovolt alerts scan --once [offline after_hours ...]   run scans now (default: all but the digest)
    autovolt alerts list                                    open alerts
    autovolt alerts outbox                                  messages per delivery status
    autovolt alerts send [--for SECONDS]                    deliver what is due (needs AUTOVOLT_TELEGRAM_TOKEN)
    autovolt alerts ack ID [--as TELEGRAM_ID]               acknowledge: reminders stop for everybody
    autovolt alerts snooze ID [--for 1h|tomorrow|90m] [--as TELEGRAM_ID]   hold reminders until then
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt

from autovolt.cli import UserError
from autovolt.settings import load_settings

DEFAULT_SCANS = ("offline", "after_hours", "thresholds", "anomalies", "notify")


def register(subparsers: argparse._SubParsersAction) -> None:
    alerts = subparsers.add_parser("alerts", help="proactive alerts: scans, open alerts, the Telegram outbox")
    sub = alerts.add_subparsers(dest="alerts_command", metavar="ACTION", required=True)
    scan = sub.add_parser("scan", help="run alert scans now (writes alerts and outbox messages)")
    scan.add_argument("--once", action="store_true", help="run once and exit (the service runs them on a schedule)")
    scan.add_argument("scans", nargs="*", metavar="SCAN",
                      help="offline, after_hours, anomalies, thresholds, forecast, digest, notify "
                           f"(default: {' '.join(DEFAULT_SCANS)})")
    scan.set_defaults(func=cmd_scan)
    sub.add_parser("list", help="open alerts").set_defaults(func=cmd_list)
    sub.add_parser("outbox", help="outbox messages per status").set_defaults(func=cmd_outbox)
    send = sub.add_parser("send", help="deliver due outbox messages to Telegram")
    send.add_argument("--for", dest="duration", type=float, default=30.0,
                      help="give up after this many seconds (default 30)")
    send.set_defaults(func=cmd_send)
    ack = sub.add_parser("ack", help="acknowledge an open alert (as the buttons do): reminders stop")
    ack.add_argument("alert_id", type=int, metavar="ID", help="the alert's number, as `alerts list` shows it")
    ack.add_argument("--as", dest="user_id", type=int, help="registered user acting (default: the first admin)")
    ack.set_defaults(func=cmd_act, action="ack")
    snooze = sub.add_parser("snooze", help="snooze an open alert's reminders")
    snooze.add_argument("alert_id", type=int, metavar="ID", help="the alert's number, as `alerts list` shows it")
    snooze.add_argument("--for", dest="length", default="1h",
                        help="1h (the configured short snooze), tomorrow (08:00), or minutes such as 90m")
    snooze.add_argument("--as", dest="user_id", type=int, help="registered user acting (default: the first admin)")
    snooze.set_defaults(func=cmd_act, action="snooze")


def _book(url: str):
    from alerts.engine import AlertBook
    from alerts.settings import AlertSettingsError, load_alert_config
    from store.db import DatabaseError, get_engine, upgrade

    try:
        config = load_alert_config()
        upgrade(url)
    except (DatabaseError, AlertSettingsError) as exc:
        raise UserError(str(exc)) from None
    settings = load_settings()
    return AlertBook(get_engine(url), config, tz=settings.timezone)


def cmd_scan(args: argparse.Namespace) -> int:
    from alerts.engine import NoCampus
    from alerts.scanner import SCANS, Scanner

    if not args.once:
        raise UserError("scans run on a schedule inside the service (autovolt serve); use --once to run them now")
    names = args.scans or list(DEFAULT_SCANS)
    unknown = [n for n in names if n not in SCANS]
    if unknown:
        raise UserError(f"unknown scan {unknown[0]!r}; known scans: {', '.join(SCANS)}")
    settings = load_settings()
    scanner = Scanner(_book(settings.effective_database_url))
    for name in names:
        try:
            report = scanner.run(name)
        except NoCampus as exc:
            raise UserError(str(exc)) from None
        print(f"{name}: {report.opened} opened, {report.resolved} resolved, {report.announced} announced, "
              f"{report.reminded} reminders, {report.enqueued} messages queued")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from alerts import templates

    book = _book(load_settings().effective_database_url)
    try:
        tz = book.timezone()
    except Exception as exc:
        raise UserError(str(exc)) from None
    alerts = book.open_alerts()
    if not alerts:
        print("no open alerts")
    for alert in alerts:
        state = f"acknowledged by {alert.acknowledged_by}" if alert.acknowledged_at else "unacknowledged"
        if alert.snoozed_until is not None and alert.snoozed_until > dt.datetime.now(dt.timezone.utc):
            state += f", snoozed until {templates.local_time(alert.snoozed_until, tz)}"
        print(f"#{alert.id} {alert.severity:8} {alert.key}: {alert.summary} "
              f"(since {templates.local_time(alert.first_seen, tz)}; {state})")
    return 0


def cmd_act(args: argparse.Namespace) -> int:
    """Acknowledge or snooze with the alert book's rules (an admin, or someone the alert was sent to)."""
    from alerts.engine import NoCampus
    from store.db import session_scope
    from store.registry import load_registry

    book = _book(load_settings().effective_database_url)
    user_id = args.user_id
    if user_id is None:
        with session_scope(load_settings().effective_database_url) as session:
            campus = load_registry(session)
        admin = next((u for u in campus.users if u.role == "admin"), None) if campus is not None else None
        if admin is None:
            raise UserError("no admin user in the campus: pass --as TELEGRAM_ID")
        user_id = admin.telegram_id
    try:
        outcome = (book.acknowledge(args.alert_id, user_id) if args.action == "ack"
                   else book.snooze(args.alert_id, user_id, args.length))
    except NoCampus as exc:
        raise UserError(str(exc)) from None
    if not outcome.ok:
        raise UserError(outcome.text)
    print(outcome.text)
    return 0


def cmd_outbox(args: argparse.Namespace) -> int:
    from alerts import outbox
    from store.db import get_engine

    url = load_settings().effective_database_url
    _book(url)
    counts = outbox.counts(get_engine(url))
    print(", ".join(f"{status} {n}" for status, n in counts.items()))
    return 0


def cmd_send(args: argparse.Namespace) -> int:
    from alerts.sender import OutboxSender
    from alerts.telegram import BotApi
    from store.db import get_engine

    settings = load_settings()
    if settings.telegram_token is None:
        raise UserError("AUTOVOLT_TELEGRAM_TOKEN is not set: messages stay in the outbox until it is")
    if not args.duration > 0:
        raise UserError(f"--for must be a positive number of seconds (got {args.duration:g})")
    url = settings.effective_database_url
    _book(url)

    async def run() -> int:
        api = BotApi(settings.telegram_token.get_secret_value(), settings.telegram_base_url)
        sender = OutboxSender(get_engine(url), api)
        try:
            return await sender.drain(args.duration)
        finally:
            await api.close()

    handled = asyncio.run(run())
    print(f"handled {handled} messages")
    return 0
