"""The Telegram webhook: updates are accepted only with the secret token set when the webhook was registered."""

from __future__ import annotations

import hmac
import json
import logging

from fastapi import APIRouter, HTTPException, Request

from autovolt.api.context import ApiContext

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
WEBHOOK_PATH = "/telegram/webhook"


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
        if not isinstance(update, dict) or "update_id" not in update:
            raise HTTPException(400, "not a Telegram update (no update_id)")
        await ctx.telegram_handler(update)  # type: ignore[misc]
        return {"ok": True}

    return router
