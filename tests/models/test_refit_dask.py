"""The nightly refit on a Dask cluster (AUTOVOLT_DASK_SCHEDULER): the workers fit with the service's own code, this
process reads the histories and records the runs, and the result is the one the process pool gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from distributed import Client, LocalCluster

from analytics.persistence import load_model
from autovolt.model_refit import run_refit
from store import models as m
from store.db import session_scope
from store.registry import load_registry
from sqlalchemy import select


@pytest.fixture
def demo_sqlite(sqlite_url: str) -> str:
    from autovolt.commands.demo import prepare_demo

    prepare_demo(sqlite_url, weeks=6, reset=True)
    return sqlite_url


def test_the_refit_runs_on_a_two_worker_local_cluster(demo_sqlite: str, tmp_path: Path) -> None:
    with session_scope(demo_sqlite) as session:
        rooms = [r.id for r in load_registry(session).rooms][:4]
    with LocalCluster(n_workers=2, processes=False, threads_per_worker=1, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        results = run_refit(demo_sqlite, tmp_path / "dask", room_ids=rooms, dask_scheduler=cluster.scheduler_address)
        executed = client.run(lambda dask_worker: dask_worker.state.executed_count)
    assert sum(executed.values()) >= len(rooms) and all(n > 0 for n in executed.values()), executed
    assert [r.series_key for r in results] == [f"room:{r}" for r in rooms]
    assert {r.status for r in results} == {"chosen"}, [r.line() for r in results]
    with session_scope(demo_sqlite) as session:
        rows = list(session.scalars(select(m.ModelRun).order_by(m.ModelRun.id)))
        artifacts = [(row.series_key, row.model, row.artifact) for row in rows]
    assert sorted(key for key, _, _ in artifacts) == sorted(f"room:{r}" for r in rooms)
    for _, model, artifact in artifacts:
        assert Path(artifact).is_relative_to(tmp_path / "dask") and load_model(artifact).name == model
