"""The alerts component in the service's composition, configured from the environment."""

from __future__ import annotations

import pytest

from alerts.service import AlertService
from autovolt.settings import SettingsError, load_settings
from autovolt.wiring import build_service
from tests.conftest import MINIMAL_CAMPUS


def test_service_has_the_alerts_component_with_settings_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("AUTOVOLT_ALERTS_OFFLINE_AFTER_S", "600")
    monkeypatch.delenv("AUTOVOLT_TELEGRAM_TOKEN", raising=False)
    settings = load_settings(data_dir=tmp_path, campus_file=MINIMAL_CAMPUS, telegram_token=None)
    service = build_service(settings)
    [alerts] = [c for c in service.components if isinstance(c, AlertService)]
    assert alerts.name == "alerts" and alerts.config.offline_after_s == 600
    assert alerts.sender is None  # no token: messages wait in the outbox
    monkeypatch.setenv("AUTOVOLT_ALERTS_OFFLINE_AFTER_S", "never")
    with pytest.raises(SettingsError, match="AUTOVOLT_ALERTS_OFFLINE_AFTER_S"):
        build_service(settings)
