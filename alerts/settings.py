"""The alert knobs from the environment: `AUTOVOLT_ALERTS_<FIELD>` (e.g. AUTOVOLT_ALERTS_OFFLINE_AFTER_S=600,
AUTOVOLT_ALERTS_REMINDERS_S=1800,3600,14400, AUTOVOLT_ALERTS_DIGEST_AT=08:00,
AUTOVOLT_ALERTS_AFTER_HOURS_ON_BREAKS=false). Unset fields keep AlertConfig's defaults."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Annotated, Any

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from alerts.model import AlertConfig


class AlertSettingsError(ValueError):
    """A variable has a wrong value; one line per variable, naming it."""


class AlertSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="AUTOVOLT_ALERTS_", env_file=".env", extra="ignore")

    offline_after_s: float | None = Field(None, gt=0)
    tasmota_offline_after_s: float | None = Field(None, gt=0)
    offline_scan_s: float | None = Field(None, ge=1)
    after_hours_scan_s: float | None = Field(None, ge=1)
    anomaly_scan_s: float | None = Field(None, ge=1)
    threshold_scan_s: float | None = Field(None, ge=1)
    notify_tick_s: float | None = Field(None, ge=1)
    after_hours_grace_s: float | None = Field(None, ge=0)
    after_hours_on_breaks: bool | None = None
    cooldown_s: float | None = Field(None, ge=0)
    reminders_s: Annotated[tuple[float, ...] | None, NoDecode] = None
    max_reminders: int | None = Field(None, ge=0)
    group_min_boards: int | None = Field(None, ge=1)
    group_wait_s: float | None = Field(None, ge=0)
    forecast_max_mape: float | None = Field(None, gt=0)
    digest_at: dt.time | None = None
    snooze_s: float | None = Field(None, gt=0)

    @field_validator("reminders_s", mode="before")
    @classmethod
    def _seconds_list(cls, value: Any) -> Any:
        if isinstance(value, str):
            try:
                value = tuple(float(part) for part in value.split(",") if part.strip())
            except ValueError:
                raise ValueError("expected seconds separated by commas, e.g. 1800,3600,14400") from None
        if value is not None and any(v <= 0 for v in value):
            raise ValueError("reminder delays must be positive seconds")
        return value

    def config(self, base: AlertConfig = AlertConfig()) -> AlertConfig:
        given = {k: v for k, v in self.model_dump().items() if v is not None}
        return dataclasses.replace(base, **given)


def load_alert_config(**overrides: Any) -> AlertConfig:
    """AlertConfig from the environment; AlertSettingsError naming each wrong variable."""
    try:
        return AlertSettings(**overrides).config()
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            name = "AUTOVOLT_ALERTS_" + "_".join(str(p) for p in error["loc"][:1]).upper()
            lines.append(f"{name}: {str(error['msg']).removeprefix('Value error, ')} (got {error.get('input')!r})")
        raise AlertSettingsError("; ".join(lines)) from None
