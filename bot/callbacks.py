"""Inline-keyboard callback data that cannot be forged, replayed or used late.

Telegram returns `callback_data` (at most 64 bytes) verbatim, and anybody can craft a callback query with any data,
so each button carries `kind`, a record id, an expiry and an HMAC over those and the Telegram id of the only user
allowed to press it. Single use is enforced where the record lives: pressing moves it out of its waiting status
atomically (see bot.records), so the second press of the same button finds nothing to do.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

# kind letters: c = confirm a pending action, n = decline it, x = cancel a scheduled action, e = send the /help
# example of that index (offered when a message was not understood)
KINDS = frozenset("cnxe")
_MAC_BYTES = 12
_VERSION = "1"


class CallbackError(ValueError):
    """The button cannot be honoured; `reason` is `malformed`, `forged` or `expired`, the message is for the user."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class ButtonPress:
    """A verified press: `kind` (one of KINDS) on record `ident`, by the user the button was made for."""

    kind: str
    ident: int


def key_from_token(token: str) -> bytes:
    """A signing key derived from the bot token, so buttons stay valid across restarts of the same bot."""
    return hmac.new(b"autovolt-callback-v1", token.encode(), hashlib.sha256).digest()


def random_key() -> bytes:
    """A key for one process (the terminal chat), where buttons never outlive the process."""
    return secrets.token_bytes(32)


class CallbackSigner:
    """Makes and checks callback data: `1<kind><id base36>.<expiry base36>.<mac>`, well under 64 bytes."""

    def __init__(self, key: bytes, clock: Callable[[], float] = time.time) -> None:
        self._key = key
        self.clock = clock

    def _mac(self, body: str, user_id: int) -> str:
        digest = hmac.new(self._key, f"{body}|{user_id}".encode(), hashlib.sha256).digest()[:_MAC_BYTES]
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def sign(self, kind: str, ident: int, user_id: int, ttl_s: float) -> str:
        if kind not in KINDS:
            raise ValueError(f"unknown callback kind {kind!r}")
        expires = int(self.clock() + ttl_s)
        body = f"{_VERSION}{kind}{_b36(ident)}.{_b36(expires)}"
        data = f"{body}.{self._mac(body, user_id)}"
        assert len(data.encode()) <= 64, data
        return data

    def verify(self, data: str | None, user_id: int) -> ButtonPress:
        """The press, or CallbackError. The MAC is checked before anything in the data is believed."""
        parts = (data or "").split(".")
        if len(parts) != 3 or len(parts[0]) < 3 or parts[0][0] != _VERSION or parts[0][1] not in KINDS:
            raise CallbackError("malformed", "This button is not one of mine.")
        body = f"{parts[0]}.{parts[1]}"
        if not hmac.compare_digest(self._mac(body, user_id), parts[2]):
            raise CallbackError("forged", "This button is not valid for you.")
        try:
            ident, expires = int(parts[0][2:], 36), int(parts[1], 36)
        except ValueError:
            raise CallbackError("malformed", "This button is not one of mine.") from None
        if self.clock() > expires:
            raise CallbackError("expired", "This button has expired; please ask again.")
        return ButtonPress(parts[0][1], ident)


def _b36(value: int) -> str:
    if value < 0:
        raise ValueError("negative")
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        value, rest = divmod(value, 36)
        out = digits[rest] + out
        if value == 0:
            return out
