"""A minimal Bot API client for the outbox: sendMessage, with every answer classified for the retry logic.

Plain httpx rather than python-telegram-bot's Bot, because the outbox needs the raw facts (HTTP status,
`retry_after`, whether the request may have reached Telegram) and does its own retries and rate limiting.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import httpx

log = logging.getLogger(__name__)

SENT, RETRY, FAILED = "sent", "retry", "failed"


@dataclass(frozen=True)
class SendResult:
    """How one sendMessage ended. kind: sent / retry (try again later) / failed (Telegram refused it for good).
    message_id: Telegram's id when sent. retry_after: seconds Telegram asked us to wait (429), else None.
    error: a short reason, never containing the token."""

    kind: str
    message_id: int | None = None
    retry_after: float | None = None
    error: str = ""


class BotApi:
    """POSTs to `<base_url><token>/sendMessage`. `client` may be shared; otherwise one is made and closed here."""

    def __init__(self, token: str, base_url: str = "https://api.telegram.org/bot", *, timeout_s: float = 15.0,
                 client: httpx.AsyncClient | None = None) -> None:
        self._url = f"{base_url}{token}/sendMessage"  # python-telegram-bot's convention: base_url ends in /bot
        self._own = client is None
        self._client = client or httpx.AsyncClient(timeout=timeout_s,
                                                   limits=httpx.Limits(max_connections=32, max_keepalive_connections=32))

    async def close(self) -> None:
        if self._own:
            await self._client.aclose()

    async def send_message(self, chat_id: int, text: str, buttons: list[Any] | None = None) -> SendResult:
        body: dict[str, Any] = {"chat_id": chat_id, "text": text, "disable_web_page_preview": True}
        if buttons:
            body["reply_markup"] = {"inline_keyboard": buttons}
        try:
            response = await self._client.post(self._url, json=body)
        except httpx.TimeoutException as exc:
            return SendResult(RETRY, error=f"timeout ({type(exc).__name__})")
        except httpx.TransportError as exc:
            return SendResult(RETRY, error=f"network error ({type(exc).__name__})")
        return classify(response.status_code, _json(response))


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def classify(status: int, data: dict[str, Any]) -> SendResult:
    """Map a Bot API answer to a SendResult."""
    description = str(data.get("description") or f"HTTP {status}")[:200]
    if status == 200 and data.get("ok"):
        result = data.get("result") or {}
        message_id = result.get("message_id") if isinstance(result, dict) else None
        return SendResult(SENT, message_id=int(message_id) if message_id is not None else None)
    params = data.get("parameters") or {}
    retry_after = params.get("retry_after") if isinstance(params, dict) else None
    if status == 429 or retry_after is not None:
        try:
            wait = float(retry_after) if retry_after is not None else 1.0
        except (TypeError, ValueError):
            wait = 1.0
        return SendResult(RETRY, retry_after=max(wait, 0.0), error=f"429 {description}")
    if status >= 500 or status == 408 or status == 200:
        # 5xx: Telegram's trouble; 200 without ok is malformed; both worth another try.
        return SendResult(RETRY, error=f"{status} {description}")
    return SendResult(FAILED, error=f"{status} {description}")
