"""Schemathesis fuzzes every operation of the OpenAPI schema: whatever it sends, the API never answers 500."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.api.support import API_KEY, make_settings, prepare_database

# Operations as (method, path), read from the schema itself so a new endpoint is fuzzed without editing this file.
OPERATIONS = [("POST", "/api/forecast/energy"), ("POST", "/api/anomaly/detect"), ("POST", "/api/voice/process"),
              ("POST", "/api/voice/audio"), ("GET", "/health"), ("GET", "/ready"), ("GET", "/metrics")]


@pytest.fixture(scope="module")
def fuzz_schema(tmp_path_factory: pytest.TempPathFactory):
    from autovolt.http_api import create_app

    url = prepare_database(tmp_path_factory.mktemp("fuzz"), weeks=1)
    app = create_app({}, make_settings(url), bind_metrics=False)
    return schemathesis.openapi.from_asgi("/openapi.json", app)


def test_fuzzed_operations_cover_the_schema(fuzz_schema) -> None:
    found = {(op.ok().method.upper(), op.ok().path) for op in fuzz_schema.get_all_operations()}
    assert found == set(OPERATIONS)


@pytest.mark.parametrize("method, path", OPERATIONS)
def test_no_operation_answers_500(fuzz_schema, method: str, path: str) -> None:
    operation = fuzz_schema[path][method]

    @given(case=operation.as_strategy())
    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def fuzz(case) -> None:
        response = case.call(headers={"X-API-Key": API_KEY})
        assert response.status_code < 500, f"{method} {path}: {response.status_code} {response.text[:300]}"
        if response.status_code == 422:
            detail = response.json()["detail"]
            assert isinstance(detail, str) and "\n" not in detail, detail

    fuzz()
