"""With the database really gone (a private PostgreSQL, stopped), the API answers 503 with the reason /ready gives,
never a 500; once the database is back, the same requests succeed again."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests import postgres_server
from tests.api.support import API_KEY, make_settings

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not postgres_server.available(), reason="needs initdb and pg_ctl")]

REQUESTS = [("/api/voice/process", {"command": "turn off the lights in classroom 101"}),
            ("/api/forecast/energy", {"room_id": "cr-101", "periods": 6, "freq": "h", "model": "weekly-median"}),
            ("/api/anomaly/detect", {"device_id": "cr-101-ac",
                                     "data": [{"timestamp": "2026-03-02T10:00:00Z", "consumption": 1.0}]})]


@pytest.fixture(scope="module")
def server():
    pg = postgres_server.PostgresServer()
    try:
        pg.start()
        yield pg
    finally:
        from store.db import get_engine

        get_engine(pg.url).dispose()
        pg.close()


def test_api_answers_503_with_the_ready_reason_while_the_database_is_stopped(server) -> None:
    from autovolt.commands.demo import prepare_demo
    from autovolt.http_api import create_app

    prepare_demo(server.url, weeks=2, reset=True)
    app = create_app({}, make_settings(server.url), bind_metrics=False)
    app.state.api.campus_ttl_s = 0  # read the campus from the store on every request, as after the cache expires
    auth = {"X-API-Key": API_KEY}
    with TestClient(app) as client:
        for path, body in REQUESTS:
            assert client.post(path, json=body, headers=auth).status_code in (200, 422), path
        server.stop()
        try:
            ready = client.get("/ready")
            assert ready.status_code == 503
            reason = ready.json()["failing"]["database"]
            assert "OperationalError" in reason
            for path, body in REQUESTS:
                answer = client.post(path, json=body, headers=auth)
                assert answer.status_code == 503, (path, answer.status_code, answer.text)
                assert answer.json()["failing"]["database"] == reason
                assert reason in answer.json()["detail"] and "not reachable" in answer.json()["detail"]
                assert answer.headers["Retry-After"]
        finally:
            server.start()
        assert client.post(*REQUESTS[0][:1], json=REQUESTS[0][1], headers=auth).status_code == 200
