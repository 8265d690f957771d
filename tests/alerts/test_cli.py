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
