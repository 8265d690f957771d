"""Schemathesis fuzzes every operation of the OpenAPI schema: whatever it sends, the API never answers 500, and every
answer (its status, content type and body) is one the document declares, with or without the API key."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                               status_code_conformance)

from tests.api.support import API_KEY, fixed_context, prepare_database

# Operations as (method, path), read from the schema itself so a new endpoint is fuzzed without editing this file.
OPERATIONS = [("POST", "/api/forecast/energy"), ("POST", "/api/anomaly/detect"), ("POST", "/api/voice/process"),
              ("POST", "/api/voice/audio"), ("POST", "/api/alerts/alertmanager"), ("GET", "/health"),
              ("GET", "/ready"), ("GET", "/metrics")]
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def fuzz_schema(tmp_path_factory: pytest.TempPathFactory):
    from alerts.alertmanager import router
    from alerts.service import AlertService
    from autovolt.http_api import create_app

    url = prepare_database(tmp_path_factory.mktemp("fuzz"), weeks=1)
    alerts = AlertService(url)  # the webhook is mounted as the service mounts it
    app = create_app(context=fixed_context(url, routers=[router(lambda: alerts.book)]),
                     bind_metrics=False)
    return schemathesis.openapi.from_asgi("/openapi.json", app)


def test_fuzzed_operations_cover_the_schema(fuzz_schema) -> None:
    found = {(op.ok().method.upper(), op.ok().path) for op in fuzz_schema.get_all_operations()}
    assert found == set(OPERATIONS)


@pytest.mark.parametrize("keyed", [True, False], ids=["with-key", "without-key"])
@pytest.mark.parametrize("method, path", OPERATIONS)
def test_no_operation_answers_500_or_off_its_schema(fuzz_schema, method: str, path: str, keyed: bool) -> None:
    operation = fuzz_schema[path][method]
    headers = {"X-API-Key": API_KEY} if keyed else {}

    @given(case=operation.as_strategy())
    @settings(max_examples=30 if keyed else 5, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def fuzz(case) -> None:
        response = case.call(headers=headers)
        assert response.status_code < 500, f"{method} {path}: {response.status_code} {response.text[:300]}"
        case.validate_response(response, checks=CHECKS)
        if response.status_code == 422:
            detail = response.json()["detail"]
            assert isinstance(detail, str) and "\n" not in detail, detail

    fuzz()


def test_the_document_declares_the_answers_the_api_gives(fuzz_schema) -> None:
    raw = fuzz_schema.raw_schema
    webhook = raw["paths"]["/api/alerts/alertmanager"]["post"]
    payload = webhook["requestBody"]["content"]["application/json"]["schema"]
    assert {"version", "alerts"} <= set(payload["required"]) and "$ref" not in str(payload)
    for path, operations in raw["paths"].items():
        for operation in operations.values():
            if path.startswith("/api/"):
                assert "401" in operation["responses"], path
            if "422" in operation["responses"]:
                ref = operation["responses"]["422"]["content"]["application/json"]["schema"]["$ref"]
                assert ref.endswith("/ValidationProblem"), path
    assert "HTTPValidationError" not in raw["components"]["schemas"]
