from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.support import API_KEY, fixed_context, prepare_database


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    return prepare_database(tmp_path_factory.mktemp("api-demo"))


@pytest.fixture(scope="session")
def app(demo_db: str):
    from autovolt.http_api import create_app

    return create_app(context=fixed_context(demo_db, cors_origins=["https://ops.example.edu"]))


@pytest.fixture(scope="session")
def client(app) -> TestClient:
    with TestClient(app) as c:
        yield c


@pytest.fixture
def auth() -> dict[str, str]:
    return {"X-API-Key": API_KEY}
