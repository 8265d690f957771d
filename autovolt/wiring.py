"""The one place that decides which components make up the running service."""

from __future__ import annotations

import logging

from autovolt.service import Service
from autovolt.settings import Settings
from store.db import upgrade

log = logging.getLogger(__name__)


def build_service(settings: Settings) -> Service:
    upgrade(settings.effective_database_url)
    if settings.campus_file is not None:
        from autovolt.commands.campus import load_into_database

        log.info(load_into_database(settings.effective_database_url, settings.campus_file))
    service = Service(settings)
    # Later issues add the device gateway (simulated fleet when no broker is set), the bot and the scheduler here.
    return service
