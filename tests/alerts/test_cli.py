"""`autovolt alerts ...` as a user runs it: exit codes, one-line errors, nothing lost. One real process; the
other commands run in-process through the same entry point (each process costs seconds of imports)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update

from autovolt.cli import main
from store import models as m
from store.db import session_scope
from tests.cli.test_campus_cli import run

from .conftest import build_campus, load


def test_scan_once_list_and_outbox_on_a_loaded_campus(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'a.db'}"
    env = {"AUTOVOLT_DATABASE_URL": url, "AUTOVOLT_ALERTS_GROUP_WAIT_S": "0"}
    for name in ("AUTOVOLT_TELEGRAM_TOKEN", "AUTOVOLT_DATA_DIR", "AUTOVOLT_TIMEZONE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    assert main(["alerts", "scan", "--once"]) == 2
    assert capsys.readouterr().err.strip().splitlines()[-1].startswith("autovolt: no campus loaded")
    load(url, build_campus())
    with session_scope(url) as session:
        long_ago = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1)
        session.execute(update(m.Board).where(m.Board.id == "a-101-panel").values(last_seen=long_ago))
    scanned = run(["alerts", "scan", "--once", "offline"], tmp_path, **env)
    assert scanned.returncode == 0, scanned.stderr
    assert scanned.stdout.strip() == "offline: 1 opened, 0 resolved, 1 announced, 0 reminders, 2 messages queued"
    assert main(["alerts", "list"]) == 0
    listed = capsys.readouterr().out
    assert "warning  board_offline:a-101-panel: Board a-101-panel in Classroom 101" in listed
    assert "unacknowledged" in listed
    assert main(["alerts", "outbox"]) == 0
    assert capsys.readouterr().out.strip().startswith("pending 2, sending 0, sent 0")
    assert main(["alerts", "send"]) == 2
    assert "AUTOVOLT_TELEGRAM_TOKEN is not set" in capsys.readouterr().err
    assert main(["alerts", "scan", "--once", "everything"]) == 2
    assert "unknown scan 'everything'" in capsys.readouterr().err
    monkeypatch.setenv("AUTOVOLT_ALERTS_COOLDOWN_S", "soon")
    assert main(["alerts", "scan", "--once"]) == 2
    assert "AUTOVOLT_ALERTS_COOLDOWN_S:" in capsys.readouterr().err


def test_ack_and_snooze_from_the_command_line(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'a.db'}"
    for name in ("AUTOVOLT_TELEGRAM_TOKEN", "AUTOVOLT_DATA_DIR", "AUTOVOLT_TIMEZONE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AUTOVOLT_DATABASE_URL", url)
    monkeypatch.setenv("AUTOVOLT_ALERTS_GROUP_WAIT_S", "0")
    monkeypatch.chdir(tmp_path)
    load(url, build_campus())
    with session_scope(url) as session:
        long_ago = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1)
        session.execute(update(m.Board).where(m.Board.id == "a-101-panel").values(last_seen=long_ago))
    assert main(["alerts", "scan", "--once", "offline"]) == 0
    capsys.readouterr()
    with session_scope(url) as session:
        ident = session.query(m.Alert.id).scalar()
    assert main(["alerts", "snooze", str(ident), "--for", "90m"]) == 0
    assert capsys.readouterr().out.startswith("Snoozed until ")
    assert main(["alerts", "list"]) == 0
    assert "unacknowledged, snoozed until " in capsys.readouterr().out
    assert main(["alerts", "ack", str(ident)]) == 0
    assert capsys.readouterr().out.startswith("Acknowledged: Board a-101-panel")
    assert main(["alerts", "ack", str(ident)]) == 2
    assert "Already acknowledged by" in capsys.readouterr().err
    assert main(["alerts", "snooze", "999"]) == 2
    assert "This alert no longer exists." in capsys.readouterr().err
    assert main(["alerts", "snooze", str(ident), "--for", "forever"]) == 2
    assert "unknown snooze 'forever'" in capsys.readouterr().err
