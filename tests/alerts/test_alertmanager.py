"""POST /api/alerts/alertmanager through the service's HTTP app: mapping, resolution, noise control, bad input."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from alerts import outbox
from alerts.alertmanager import PATH, router
from autovolt.api.context import ApiContext
from autovolt.http_api import create_app
from autovolt.settings import Settings
from store import models as m
from store.db import get_engine

from .conftest import ADMIN, ADMIN2, FACULTY, OWNER, make_book

KEY = "test-api-key-123"


def payload(status: str = "firing", *alerts: dict) -> dict:
    return {"version": "4", "groupKey": "{}:{}", "status": status, "receiver": "autovolt", "groupLabels": {},
            "commonLabels": {}, "commonAnnotations": {}, "externalURL": "http://am", "truncatedAlerts": 0,
            "alerts": list(alerts)}


def am_alert(status: str = "firing", **labels: str) -> dict:
    return {"status": status, "labels": {"alertname": "BoardRSSILow", **labels},
            "annotations": {"summary": f"Weak Wi-Fi on {labels.get('device_id', 'campus')}"},
            "startsAt": "2026-11-26T06:00:00Z", "endsAt": "0001-01-01T00:00:00Z", "fingerprint": "abc123"}


@pytest.fixture
def client(loaded, clock, tmp_path):
    book = make_book(loaded, clock)
    settings = Settings(database_url=loaded, api_key=KEY, data_dir=tmp_path)
    app = create_app(context=ApiContext(settings=settings, routers=[router(lambda: book)]), bind_metrics=False)
    with TestClient(app) as test_client:
        test_client.headers["X-API-Key"] = KEY
        yield test_client


def counts(url: str) -> tuple[int, int]:
    with Session(get_engine(url)) as session:
        return (session.scalar(select(func.count()).select_from(m.Alert)),
                session.scalar(select(func.count()).select_from(m.Delivery)))


def chats(url: str, like: str) -> list[int]:
    with Session(get_engine(url)) as session:
        return sorted(session.scalars(select(m.Delivery.chat_id).where(m.Delivery.dedupe_key.like(like))))


def test_firing_alert_is_routed_by_labels_and_deduplicated_then_resolved(client, loaded):
    body = payload("firing", am_alert(device_id="a-101-panel", severity="warning"))
    answer = client.post(PATH, json=body)
    assert answer.status_code == 200 and answer.json()["opened"] == 1
    assert chats(loaded, "alert:%:n0:%") == [FACULTY, OWNER]  # board owner and the room's faculty
    assert client.post(PATH, json=body).json()["opened"] == 0  # Alertmanager repeats: nothing new
    assert counts(loaded) == (1, 2)
    # Pretend those were delivered, so the resolution is sent to the same people.
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=365)
    for item in outbox.claim(get_engine(loaded), later, 100):
        outbox.mark_sent(get_engine(loaded), item.id, 1, later)
    done = client.post(PATH, json=payload("resolved", am_alert("resolved", device_id="a-101-panel")))
    assert done.status_code == 200 and done.json()["resolved"] == 1
    assert chats(loaded, "alert:%:resolved:%") == [FACULTY, OWNER]


def test_critical_without_device_or_room_goes_to_admins(client, loaded):
    answer = client.post(PATH, json=payload("firing", am_alert(severity="critical", instance="db:5432")))
    assert answer.status_code == 200
    assert chats(loaded, "alert:%") == [ADMIN, ADMIN2]


@pytest.mark.parametrize("body,reason", [
    (b"not json", "not valid JSON"),
    (b"[1, 2]", "expected a JSON object"),
    (json.dumps({"version": "3", "alerts": [am_alert()]}).encode(), "unsupported webhook version"),
    (json.dumps(payload("firing")).encode(), "alerts"),
    (json.dumps(payload("firing", am_alert(), {"status": "firing", "labels": {"severity": "x"}})).encode(),
     "alertname label is required"),
    (json.dumps(payload("firing", {**am_alert(), "status": "burning"})).encode(), "expected firing or resolved"),
])
def test_invalid_payloads_get_400_with_a_reason_and_write_nothing(client, loaded, body, reason):
    answer = client.post(PATH, content=body, headers={"Content-Type": "application/json"})
    assert answer.status_code == 400 and reason in answer.json()["detail"]
    assert "\n" not in answer.json()["detail"]
    assert counts(loaded) == (0, 0)


def test_the_webhook_needs_the_api_key_bearer_works_too(client):
    body = payload("firing", am_alert(room="a-101"))
    assert client.post(PATH, json=body, headers={"X-API-Key": "wrong"}).status_code == 401
    client.headers.pop("X-API-Key")
    assert client.post(PATH, json=body, headers={"Authorization": f"Bearer {KEY}"}).status_code == 200


def test_labels_of_the_projects_own_prometheus_rules_are_understood(client, loaded):
    # monitoring/alert.rules.yml labels boards as `board` and keeps `room` and `building`.
    alert = {"status": "firing", "labels": {"alertname": "AutoVoltBoardOffline", "severity": "warning",
                                             "board": "a-101-panel", "room": "a-101", "building": "block-a"},
             "annotations": {"summary": "Board a-101-panel in a-101 (block-a) is offline"}}
    assert client.post(PATH, json=payload("firing", alert)).status_code == 200
    assert chats(loaded, "alert:%") == [FACULTY, OWNER]
    by_name = {"status": "firing", "labels": {"alertname": "AutoVoltPowerSpike", "room": "Classroom 101",
                                               "severity": "warning"}}
    assert client.post(PATH, json=payload("firing", by_name)).json()["opened"] == 1
    with Session(get_engine(loaded)) as session:
        spike = session.scalar(select(m.Alert).where(m.Alert.key.like("alertmanager:AutoVoltPowerSpike%")))
    assert spike.room_id == "a-101" and spike.building_id == "block-a"
