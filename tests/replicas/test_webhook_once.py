"""Webhook mode on every replica: an update delivered to two replicas (a load balancer's retry, Telegram's resend)
is handled by one; a resend long after a replica took it and died is handled again rather than lost."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import update

from autovolt.api.context import ApiContext
from autovolt.api.telegram import SECRET_HEADER, WEBHOOK_PATH
from autovolt.http_api import create_app
from autovolt.settings import load_settings
from store.db import get_engine, upgrade
from store.models import TelegramUpdate

SECRET = "webhook-secret-token-0123"


def replica(url: str, name: str, handled: list) -> TestClient:
    async def handler(update: dict) -> None:
        handled.append((name, update["update_id"]))

    settings = load_settings(database_url=url, replica_id=name, telegram_webhook_secret=SECRET)
    return TestClient(create_app(context=ApiContext(settings=settings, telegram_handler=handler), bind_metrics=False))


def test_each_update_is_handled_by_one_replica(db_url):
    upgrade(db_url)
    handled: list = []
    first, second = replica(db_url, "r1", handled), replica(db_url, "r2", handled)
    with first, second:
        for update_id in (1001, 1002, 1003):
            for client in (first, second, first):
                answer = client.post(WEBHOOK_PATH, json={"update_id": update_id, "message": {"text": "hi"}},
                                     headers={SECRET_HEADER: SECRET})
                assert answer.status_code == 200 and answer.json() == {"ok": True}
        assert sorted(u for _, u in handled) == [1001, 1002, 1003]
        # r1 took 1003 and died before answering; Telegram resends it minutes later: r2 handles it.
        with get_engine(db_url).begin() as conn:
            conn.execute(update(TelegramUpdate).where(TelegramUpdate.update_id == 1003)
                         .values(received_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=3)))
        second.post(WEBHOOK_PATH, json={"update_id": 1003}, headers={SECRET_HEADER: SECRET})
        assert handled[-1] == ("r2", 1003) and len(handled) == 4
        bad = first.post(WEBHOOK_PATH, json={"update_id": "1004"}, headers={SECRET_HEADER: SECRET})
        assert bad.status_code == 400
