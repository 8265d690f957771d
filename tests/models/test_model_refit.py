"""The nightly model refit on the demo campus: runs in the store, saved models, reuse of a recent choice, skipped
rooms, the command, the scheduled job, and forecasts (bot and API) that use the stored model after a restart."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from analytics.forecast import RECHOOSE_AFTER
from analytics.persistence import load_model
from autovolt.model_refit import JOB_ID, POOL_REFIT_AFTER, REFIT_AT, ModelRefitComponent, run_refit
from store import models as m
from store.db import session_scope
from store.model_runs import latest_run
from store.registry import load_registry
from tests.conftest import ROOT

API_KEY = "test-key-0123456789"


@pytest.fixture
def demo_url(db_url: str) -> str:
    from autovolt.commands.demo import prepare_demo

    prepare_demo(db_url, weeks=6, reset=True)
    return db_url


def _campus(url: str):
    with session_scope(url) as session:
        return load_registry(session)


def _rows(url: str, series_key: str | None = None) -> list[m.ModelRun]:
    with session_scope(url) as session:
        query = select(m.ModelRun).order_by(m.ModelRun.id)
        if series_key is not None:
            query = query.where(m.ModelRun.series_key == series_key)
        rows = list(session.scalars(query))
        session.expunge_all()
        return rows


def test_each_room_gets_a_run_and_a_loadable_model_and_a_recent_choice_is_reused(demo_url: str, tmp_path: Path) -> None:
    rooms = [r.id for r in _campus(demo_url).rooms]
    first = run_refit(demo_url, tmp_path)
    assert [r.series_key for r in first] == [f"room:{r}" for r in rooms]
    assert {r.status for r in first} == {"chosen"}, [r.line() for r in first]
    rows = _rows(demo_url)
    assert len(rows) == len(rooms) and {row.kind for row in rows} == {"forecast"}
    for row in rows:
        assert Path(row.artifact).is_relative_to(tmp_path / "models")
        assert load_model(row.artifact).name == row.model
        assert row.scores["backtest"]["chosen_at"] and row.scores["backtest"]["origins"]
        assert row.scores["chosen"]["mase"] is not None
        assert any(label.startswith(row.model) for label in row.scores if label not in ("backtest", "chosen"))

    second = run_refit(demo_url, tmp_path, room_ids=rooms[:3])
    assert {r.status for r in second} == {"refitted"}
    for before, after in zip(first, second):
        assert after.chosen_at == before.chosen_at and after.model == before.model
        assert after.artifact != before.artifact and load_model(after.artifact).name == after.model
    with session_scope(demo_url) as session:
        run = latest_run(session, f"room:{rooms[0]}")
    assert run.artifact_path == second[0].artifact and run.backtest["chosen_at"] == first[0].chosen_at
    assert len(_rows(demo_url)) == len(rooms) + 3

    # Once the choice is older than RECHOOSE_AFTER, the backtest runs again.
    later = dt.datetime.now(dt.timezone.utc) + RECHOOSE_AFTER + dt.timedelta(hours=1)
    third = run_refit(demo_url, tmp_path, room_ids=rooms[:1], now=later)
    assert third[0].status == "chosen" and third[0].chosen_at != first[0].chosen_at


def test_a_room_without_readings_is_skipped_with_its_reason_while_the_others_succeed(demo_url: str, tmp_path: Path,
                                                                                    caplog: pytest.LogCaptureFixture) -> None:
    with session_scope(demo_url) as session:
        session.execute(delete(m.Reading).where(m.Reading.room_id == "cr-202"))
    with caplog.at_level(logging.WARNING, logger="autovolt.model_refit"):
        results = run_refit(demo_url, tmp_path, room_ids=["cr-101", "cr-202", "lab-1"])
    assert [r.status for r in results] == ["chosen", "skipped", "chosen"]
    assert "need at least" in results[1].reason
    skipped = [rec for rec in caplog.records if rec.getMessage() == "model refit skipped"]
    assert skipped and skipped[0].kv["series"] == "room:cr-202" and "need at least" in skipped[0].kv["reason"]
    # Rows are written as the workers finish, so in any order.
    assert sorted(row.series_key for row in _rows(demo_url)) == ["room:cr-101", "room:lab-1"]
    with pytest.raises(LookupError, match="nope"):
        run_refit(demo_url, tmp_path, room_ids=["nope"])


def test_after_a_restart_the_bot_and_the_api_forecast_with_the_stored_model(demo_url: str, tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from autovolt.http_api import create_app
    from autovolt.settings import load_settings
    from bot.queries import Queries, Scope

    stored = {r.series_key: r for r in run_refit(demo_url, tmp_path, room_ids=["cr-101", "lab-1"])}
    # "Restart": fresh objects that know only the database.
    campus = _campus(demo_url)
    queries = Queries(campus, None, demo_url)
    now = dt.datetime.now(dt.timezone.utc)
    reply = queries.forecast(Scope(("lab-1",), "Lab 1"), None, now)
    assert "Forecast by the method that predicted Lab 1 best in recent weeks, chosen nightly." in reply.text, reply.text
    # The nightly check against repeating last week, in words faculty know (no model names).
    assert re.search(r"(erred \d+ % less than repeating last week's use|It repeats last week's use)", reply.text), reply.text
    assert stored["room:lab-1"].model not in reply.text  # faculty do not know model names
    assert "expected to use about" in reply.text and reply.chart is not None
    other = queries.forecast(Scope(("cr-102",), "Classroom 102"), None, now)
    assert "Forecast from the same hours of recent weeks (no fresh nightly model" in other.text, other.text

    settings = load_settings(database_url=demo_url, api_key=API_KEY)
    with TestClient(create_app({}, settings)) as client:
        answer = client.post("/api/forecast/energy", json={"room_id": "cr-101", "periods": 24},
                             headers={"X-API-Key": API_KEY})
        assert answer.status_code == 200, answer.text
        model = answer.json()["model"]
        row = _rows(demo_url, "room:cr-101")[-1]
        assert model["name"] == stored["room:cr-101"].model == row.model and model["chosen_by"] == "backtest"
        assert dt.datetime.fromisoformat(model["fitted_at"]) == row.created_at
        assert len(answer.json()["forecast"]) == 24


def test_a_stale_stored_model_is_not_used(demo_url: str, tmp_path: Path) -> None:
    from bot.queries import Queries, Scope

    run_refit(demo_url, tmp_path, room_ids=["lab-1"])
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=3)
    reply = Queries(_campus(demo_url), None, demo_url).forecast(Scope(("lab-1",), "Lab 1"), None, later)
    assert "no fresh nightly model" in reply.text, reply.text


def test_the_command_prints_a_line_per_room_or_json(tmp_path: Path) -> None:
    from autovolt.commands.demo import prepare_demo

    url = f"sqlite:///{tmp_path / 'a.db'}"
    prepare_demo(url, weeks=5, reset=True)
    env = {**os.environ, "AUTOVOLT_DATABASE_URL": url, "AUTOVOLT_DATA_DIR": str(tmp_path / "data")}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "autovolt", "analytics", "refit", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=300)

    lines = run("--room", "cr-101", "--room", "lab-1")
    assert lines.returncode == 0, lines.stderr
    # One line per room as its fit finishes (the workers may finish them in any order).
    assert sorted(line.split(":")[0] + ":" + line.split(":")[1] for line in lines.stdout.splitlines()) == ["room:cr-101", "room:lab-1"]
    assert all("(chosen, " in line for line in lines.stdout.splitlines()), lines.stdout
    as_json = run("--room", "lab-1", "--json")
    assert as_json.returncode == 0, as_json.stderr
    [result] = json.loads(as_json.stdout)
    assert result["series"] == "room:lab-1" and result["status"] == "refitted"
    assert Path(result["artifact"]).is_relative_to(tmp_path / "data" / "models")
    unknown = run("--room", "nope")
    assert unknown.returncode == 2 and "no room with id 'nope'" in unknown.stderr


def test_the_service_schedules_the_nightly_job_in_campus_time(demo_url: str, tmp_path: Path) -> None:
    from zoneinfo import ZoneInfo

    async def scenario() -> tuple[dt.datetime, int]:
        component = ModelRefitComponent(demo_url, tmp_path)
        await component.start()
        try:
            job = component.scheduler.get_job(JOB_ID)
            next_run = job.next_run_time
            results = await component.run_now()
        finally:
            await component.stop()
        return next_run, len(results)

    next_run, done = asyncio.run(scenario())
    local = next_run.astimezone(ZoneInfo(_campus(demo_url).timezone))
    assert (local.hour, local.minute) == (REFIT_AT.hour, REFIT_AT.minute)
    assert done == len(_campus(demo_url).rooms)
    with session_scope(demo_url) as session:
        assert session.scalar(select(func.count()).select_from(m.ModelRun)) == done


def _outcome(url: str) -> dict[str, tuple]:
    """Per series: the stored model, its parameters and scores (the backtest's timestamps say when, not what)."""
    return {row.series_key: (row.model, row.params, {k: v for k, v in row.scores.items() if k != "backtest"},
                             row.scores["backtest"].get("origins"))
            for row in _rows(url)}


def test_two_worker_processes_store_the_same_runs_and_models_as_one(demo_url: str, tmp_path: Path) -> None:
    rooms = [r.id for r in _campus(demo_url).rooms]
    now = dt.datetime.now(dt.timezone.utc)
    one = run_refit(demo_url, tmp_path / "one", now=now, workers=1)
    by_one = _outcome(demo_url)
    with session_scope(demo_url) as session:
        session.execute(delete(m.ModelRun))
    seen: list[str] = []
    two = run_refit(demo_url, tmp_path / "two", now=now, workers=2, on_result=lambda r: seen.append(r.series_key))
    assert [r.series_key for r in two] == [r.series_key for r in one] == [f"room:{r}" for r in rooms]
    assert sorted(seen) == sorted(r.series_key for r in two)
    assert [(r.status, r.model) for r in two] == [(r.status, r.model) for r in one]
    assert {r.status for r in two} == {"chosen"}, [r.line() for r in two]
    assert _outcome(demo_url) == by_one
    for result in two:
        assert Path(result.artifact).is_relative_to(tmp_path / "two" / "models")
        assert load_model(result.artifact).name == result.model


def test_with_two_workers_a_failing_room_is_reported_while_the_others_succeed(demo_url: str, tmp_path: Path,
                                                                            caplog: pytest.LogCaptureFixture) -> None:
    # A file where cr-202's model folder should go: saving its model fails inside the worker process.
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "room_cr-202").write_text("in the way")
    with session_scope(demo_url) as session:
        session.execute(delete(m.Reading).where(m.Reading.room_id == "cr-101"))
    with caplog.at_level(logging.WARNING, logger="autovolt.model_refit"):
        results = run_refit(demo_url, tmp_path, room_ids=["cr-101", "cr-202", "lab-1", "cr-102"], workers=2)
    assert [r.status for r in results] == ["skipped", "failed", "chosen", "chosen"], [r.line() for r in results]
    assert "need at least" in results[0].reason and "room_cr-202" in results[1].reason
    failed = [rec for rec in caplog.records if rec.getMessage() == "model refit failed"]
    assert [rec.kv["series"] for rec in failed] == ["room:cr-202"]
    assert sorted(row.series_key for row in _rows(demo_url)) == ["room:cr-102", "room:lab-1"]


def test_with_two_workers_a_stop_ends_the_run_after_the_series_in_flight(demo_url: str, tmp_path: Path) -> None:
    import threading

    rooms = [r.id for r in _campus(demo_url).rooms]
    stop = threading.Event()
    results = run_refit(demo_url, tmp_path, workers=2, stop=stop, on_result=lambda r: stop.set())
    # The first result sets stop: only the other series already in flight may still finish.
    assert 1 <= len(results) <= 2 < len(rooms)
    assert {r.status for r in results} == {"chosen"}
    assert len(_rows(demo_url)) == len(results)


def _warn_in_worker(text: str) -> int:
    """Runs in a spawned worker: one warning (forwarded) and one info line (kept quiet)."""
    import os

    logging.getLogger("analytics.forecast").warning(text, extra={"kv": {"model": "prophet"}})
    logging.getLogger("analytics.forecast").info("model chosen")
    return os.getpid()


def test_a_worker_s_warnings_reach_the_service_log(caplog: pytest.LogCaptureFixture) -> None:
    # A spawned process starts with no logging: "backtest candidate failed" inside a worker used to vanish.
    from autovolt.model_refit import _WorkerPools

    with caplog.at_level(logging.INFO, logger="analytics.forecast"):
        with _WorkerPools() as pools:
            with pools.pool(1) as pool:
                pid = pool.submit(_warn_in_worker, "backtest candidate failed").result(timeout=60)
    got = [(r.getMessage(), r.levelname, r.process, r.kv) for r in caplog.records if r.name == "analytics.forecast"]
    assert got == [("backtest candidate failed", "WARNING", pid, {"model": "prophet"})]


def test_the_night_fits_one_campus_pool_and_the_rooms_it_helps_load_it(demo_url: str, tmp_path: Path) -> None:
    from analytics.forecast import POOL_SHARE

    results = run_refit(demo_url, tmp_path, workers=1)
    assert {r.status for r in results} == {"chosen"}, [r.line() for r in results]
    pools = sorted((tmp_path / "models" / "_campus").glob("pool-*.skops"))
    assert len(pools) == 1  # one pool for the campus, not one per room
    rows = _rows(demo_url)
    checks = [row.scores["backtest"].get("pool") for row in rows]
    # Every room that did not keep the baseline had its backtest asked whether the pool helps.
    assert any(c is not None for c in checks)
    for row, check in zip(rows, checks):
        meta = json.loads((Path(row.artifact) / "meta.json").read_text())
        model = load_model(row.artifact)
        if check is not None and check["helps"]:
            assert row.params["pooled"] == POOL_SHARE and meta["pool_artifact"] == str(pools[0].resolve())
            assert model.pooled is not None and model.pooled.model is not None
        else:
            assert meta["pool_artifact"] is None and model.pooled is None
    # A run over a few rooms, and the nights of the same week, use the saved pool instead of fitting another; the
    # pool is refitted weekly and the two newest are kept.
    run_refit(demo_url, tmp_path, room_ids=[rows[0].series_key.split(":", 1)[1]], workers=1)
    run_refit(demo_url, tmp_path, workers=1, now=dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1))
    assert sorted((tmp_path / "models" / "_campus").glob("pool-*.skops")) == pools
    later = dt.datetime.now(dt.timezone.utc) + POOL_REFIT_AFTER + dt.timedelta(hours=1)
    for week in range(2):
        run_refit(demo_url, tmp_path, workers=1, now=later + week * POOL_REFIT_AFTER)
    saved = sorted((tmp_path / "models" / "_campus").glob("pool-*.skops"))
    assert len(saved) == 2 and pools[0] not in saved
