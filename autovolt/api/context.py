"""What the HTTP API needs from the rest of the service, built once per app and shared by the routers."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter

from autovolt.settings import Settings

log = logging.getLogger(__name__)

# A readiness check returns None when healthy, else a short reason.
ReadinessCheck = Callable[[], Awaitable[str | None]]
# The bot's webhook entry: one Telegram Update (decoded JSON) in.
UpdateHandler = Callable[[dict[str, Any]], Awaitable[None]]


class Unavailable(Exception):
    """A dependency the request needs is not there (no campus loaded, no speech model); answered with 503."""


@dataclass
class ApiContext:
    """Everything the routers use.

    settings: the service settings (API key, limits, CORS, database URL).
    checks: readiness checks by name (database, broker, speech...), run by GET /ready.
    routers: routers other packages mount under the API key (the alerts issue's Alertmanager webhook goes here).
    telegram_handler: the bot's webhook entry point; the webhook route exists only when this is set.
    leader_status: returns this replica's `autovolt.leader.LeaderStatus` (None: a single process, always leading).
    speech_factory: builds the speech engine on first use (default: the settings' engines, autovolt.speech_engines).
    campus_ttl_s: how long the campus vocabulary read from the store is reused before checking for a reload.
    forecast_ttl_s: how long a fitted forecast model is reused for the same series and history end.
    fit_slots: forecast or anomaly fits allowed at once (they are CPU-bound; the bot shares this machine).
    clock: the current UTC time (the forecast's history end, the voice parse's default "now"); the wall clock in
        the service, a fixed time in tests (the demo history is made relative to it, so results hang on the hour).
    """

    settings: Settings
    checks: dict[str, ReadinessCheck] = field(default_factory=dict)
    routers: list[APIRouter] = field(default_factory=list)
    telegram_handler: UpdateHandler | None = None
    leader_status: Callable[[], Any] | None = None
    speech_factory: Callable[[], Any] | None = None
    campus_ttl_s: float = 30.0
    forecast_ttl_s: float = 3600.0
    fit_slots: int = 1
    clock: Callable[[], dt.datetime] = field(default=lambda: dt.datetime.now(dt.timezone.utc))
    _campus: tuple[float, Any, Any] | None = field(default=None, repr=False)
    _campus_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _speech: Any = field(default=None, repr=False)
    _speech_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _fit_gate: asyncio.Semaphore | None = field(default=None, repr=False)
    cache: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def database_url(self) -> str:
        return self.settings.effective_database_url

    @property
    def fit_gate(self) -> asyncio.Semaphore:
        if self._fit_gate is None:
            self._fit_gate = asyncio.Semaphore(self.fit_slots)
        return self._fit_gate

    # --- campus ----------------------------------------------------------------------------------------------
    def campus(self) -> tuple[Any, Any]:
        """(Campus, nlu Vocabulary) from the store's registry; reloaded when the registry was loaded again."""
        cached = self._campus
        if cached is not None and time.monotonic() - cached[0] < self.campus_ttl_s:
            return cached[1], cached[2]
        with self._campus_lock:
            cached = self._campus
            if cached is not None and time.monotonic() - cached[0] < self.campus_ttl_s:
                return cached[1], cached[2]
            campus, vocabulary = self._load_campus(cached)
            self._campus = (time.monotonic(), campus, vocabulary)
            return campus, vocabulary

    def _load_campus(self, cached: tuple[float, Any, Any] | None) -> tuple[Any, Any]:
        from autovolt.vocabulary import vocabulary_from_campus
        from store.registry import load_registry
        from store.db import session_scope

        with session_scope(self.database_url) as session:
            campus = load_registry(session)
        if campus is None:
            raise Unavailable("no campus is loaded; run `autovolt campus load FILE` first")
        if cached is not None and cached[1] == campus:
            return cached[1], cached[2]  # same registry: keep the vocabulary object so the parser stays compiled
        log.info("campus vocabulary loaded", extra={"kv": {"rooms": len(campus.rooms), "switches": len(campus.switches)}})
        return campus, vocabulary_from_campus(campus)

    # --- speech ----------------------------------------------------------------------------------------------
    def speech(self) -> Any:
        """The speech engine, loaded on first use (a second or so) and kept."""
        if self._speech is not None:
            return self._speech
        with self._speech_lock:
            if self._speech is None:
                factory = self.speech_factory or _default_speech_engine
                self._speech = factory()
        return self._speech


def _default_speech_engine() -> Any:
    from autovolt.settings import load_settings
    from autovolt.speech_engines import speech_engine

    return speech_engine(load_settings())
