"""API-key authentication: `X-API-Key: <key>` (or `Authorization: Bearer <key>`, which Alertmanager can send)."""

from __future__ import annotations

import hmac

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import APIKeyHeader

API_KEY_HEADER = "X-API-Key"
_scheme = APIKeyHeader(name=API_KEY_HEADER, auto_error=False, description="The service's AUTOVOLT_API_KEY")


def _presented(request: Request, header_key: str | None) -> str | None:
    if header_key:
        return header_key
    auth = request.headers.get("authorization", "")
    scheme, _, credentials = auth.partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    return None


async def require_api_key(request: Request, header_key: str | None = Depends(_scheme)) -> None:
    """Refuse the request unless it carries the configured key. With no key configured the API stays closed."""
    expected = request.app.state.api.settings.api_key
    if expected is None or not expected.get_secret_value():
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "the HTTP API is closed until AUTOVOLT_API_KEY is set")
    given = _presented(request, header_key)
    if given is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, f"missing API key: send it in the {API_KEY_HEADER} header",
                            headers={"WWW-Authenticate": "Bearer"})
    # Constant-time comparison so the key cannot be guessed byte by byte from response times.
    if not hmac.compare_digest(given.encode("utf-8", "surrogateescape"),
                               expected.get_secret_value().encode("utf-8", "surrogateescape")):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "wrong API key", headers={"WWW-Authenticate": "Bearer"})
