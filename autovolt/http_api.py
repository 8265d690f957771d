"""The HTTP API served beside the bot, in the same event loop: one router per area under autovolt/api/.

Open: /health, /ready, /metrics, /openapi.json, /docs (Swagger UI, served locally). Everything else needs the API key (`X-API-Key` header, or
`Authorization: Bearer`). Other packages mount their routers through `ApiContext.routers` (the alerts issue's
`POST /api/alerts/alertmanager` goes there) and are put behind the same key.
"""

from __future__ import annotations

import logging
from importlib.metadata import PackageNotFoundError, version

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware

from autovolt.api import anomaly, forecast, ops, voice
from autovolt.api.context import ApiContext, ReadinessCheck
from autovolt.api.docs_page import serve_docs
from autovolt.api.errors import install_error_handlers
from autovolt.api.middleware import BodyLimitMiddleware, MetricsMiddleware
from autovolt.api.openapi_doc import complete_schema
from autovolt.api.readiness import broker_check, database_check, speech_check
from autovolt.api.security import require_api_key
from autovolt.api.telegram import WEBHOOK_PATH, webhook_router
from autovolt.metrics import bind_store, set_build_info
from autovolt.settings import Settings, load_settings

log = logging.getLogger(__name__)

# Audio uploads may be as large as the speech limits allow, plus the multipart framing.
AUDIO_PATH = "/api/voice/audio"
AUDIO_BODY_BYTES = 2 * 1024 * 1024 + 64 * 1024

__all__ = ["ApiContext", "ReadinessCheck", "create_app"]


def _version() -> str:
    try:
        return version("autovolt-assistant")
    except PackageNotFoundError:
        return "0.1.0"


def create_app(checks: dict[str, ReadinessCheck] | None = None, settings: Settings | None = None, *,
               context: ApiContext | None = None, bind_metrics: bool = True) -> FastAPI:
    """Build the app. `checks` are readiness checks (the service passes its own); `settings` default to the
    environment's. Pass a full `context` to mount routers from other packages or the bot's webhook handler."""
    if context is None:
        context = ApiContext(settings=settings or load_settings(), checks=dict(checks or {}))
    elif checks:
        context.checks.update(checks)
    cfg = context.settings
    context.checks.setdefault("database", database_check(cfg.effective_database_url))
    if cfg.mqtt_url:
        context.checks.setdefault("broker", broker_check(cfg.mqtt_url))
    context.checks.setdefault("speech", speech_check(context))

    app = FastAPI(title="AutoVolt Assistant", version=_version(), docs_url=None, redoc_url=None,
                  description="Campus energy automation: forecasts, anomalies, voice commands. Send the API key in "
                              "the X-API-Key header.")
    serve_docs(app)  # Swagger UI from local files, not a CDN
    app.state.api = context
    install_error_handlers(app)
    app.include_router(ops.router)
    secured = [Depends(require_api_key)]
    for router in (forecast.router, anomaly.router, voice.router, *context.routers):
        app.include_router(router, dependencies=secured)
    if context.telegram_handler is not None:
        if cfg.telegram_webhook_secret is None:
            log.error("Telegram webhook not served: set AUTOVOLT_TELEGRAM_WEBHOOK_SECRET")
        else:
            app.include_router(webhook_router())
    complete_schema(app)

    def body_limit(path: str) -> int:
        return AUDIO_BODY_BYTES if path == AUDIO_PATH else cfg.http_max_body_bytes

    # Starlette runs the last added middleware first: metrics see every answer, including 413s and CORS refusals.
    app.add_middleware(BodyLimitMiddleware, limit_for=body_limit)
    if cfg.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(cfg.cors_origins), allow_methods=["GET", "POST"],
                           allow_headers=["X-API-Key", "Content-Type", "Authorization"], max_age=600)
    app.add_middleware(MetricsMiddleware)
    if bind_metrics:
        set_build_info(_version())
        bind_store(cfg.effective_database_url)
    log.info("HTTP API built", extra={"kv": {"routers": len(app.routes), "cors_origins": len(cfg.cors_origins),
                                             "webhook": WEBHOOK_PATH if context.telegram_handler else "off"}})
    return app
