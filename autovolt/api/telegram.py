"""The Telegram webhook: updates are accepted only with the secret token set when the webhook was registered."""

from __future__ import annotations

import asyncio
import hmac
import json
import logging

from fastapi import APIRouter, HTTPException, Request

from autovolt.api.context import ApiContext

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
WEBHOOK_PATH = "/telegram/webhook"


def _first_delivery(ctx: ApiContext, update_id: int) -> bool:
    """Replicas behind a load balancer: each update is handled by the one that records it first."""
    from store.db import get_engine
    from store.models import utcnow
    from store.telegram_updates import take

    return take(get_engine(ctx.database_url), update_id, ctx.settings.replica_id, utcnow())


def webhook_router() -> APIRouter:
    router = APIRouter(tags=["telegram"])

    @router.post(WEBHOOK_PATH, include_in_schema=False)
    async def telegram_webhook(request: Request) -> dict[str, bool]:
        ctx: ApiContext = request.app.state.api
        secret = ctx.settings.telegram_webhook_secret
        given = request.headers.get(SECRET_HEADER, "")
        if secret is None or not hmac.compare_digest(given.encode(), secret.get_secret_value().encode()):
            raise HTTPException(401, "wrong or missing secret token")
        try:
            update = json.loads(await request.body())
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise HTTPException(400, "the update is not JSON") from None
        if not isinstance(update, dict) or type(update.get("update_id")) is not int:
            raise HTTPException(400, "not a Telegram update (no update_id)")
        if not await asyncio.to_thread(_first_delivery, ctx, update["update_id"]):
            log.info("telegram update already taken", extra={"kv": {"update_id": update["update_id"]}})
            return {"ok": True}  # another replica (or an earlier delivery) has it
        await ctx.telegram_handler(update)  # type: ignore[misc]
        return {"ok": True}

    return router
