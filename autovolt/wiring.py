"""The one place that decides which components make up the running service."""

from __future__ import annotations

import logging

from autovolt.service import Service
from autovolt.settings import Settings
from store.db import session_scope, upgrade
from store.registry import load_registry

log = logging.getLogger(__name__)


def build_service(settings: Settings) -> Service:
    upgrade(settings.effective_database_url)
    if settings.campus_file is not None:
        from autovolt.commands.campus import load_into_database

        log.info(load_into_database(settings.effective_database_url, settings.campus_file))
    service = Service(settings)
    _add_devices(service, settings)
    _add_bot(service, settings)
    return service


def _add_devices(service: Service, settings: Settings) -> None:
    """The device gateway, on the configured broker or a simulated in-process fleet, for the registry's campus."""
    from autovolt.components import DevicesComponent

    url = settings.effective_database_url
    with session_scope(url) as session:
        campus = load_registry(session)
    if campus is None:
        log.warning("no campus loaded: devices are not started; run `autovolt campus load FILE`")
        return
    component = DevicesComponent(campus, settings.mqtt_url, url)
    service.components.append(component)
    service.checks["broker"] = component.ready


def _add_bot(service: Service, settings: Settings) -> None:
    """The Telegram bot with its scheduler, when a token is set. It uses the gateway of a devices component wired
    before it (a component with `.gateway` or `.runtime.gateway`), else starts its own device runtime.
    Without a token, say how to talk to the assistant in a terminal instead."""
    if settings.telegram_token is None:
        print("no AUTOVOLT_TELEGRAM_TOKEN set: talk to the assistant in a terminal with `autovolt chat` "
              "(e.g. `autovolt chat --as 2001`)", flush=True)
        return
    from bot.component import BotComponent

    def wired_gateway():
        for component in service.components:
            gateway = getattr(component, "gateway", None) or getattr(getattr(component, "runtime", None), "gateway", None)
            if gateway is not None:
                return gateway
        return None

    service.components.append(BotComponent(settings, wired_gateway))
