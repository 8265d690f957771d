"""The one settings object, read from AUTOVOLT_* environment variables and an optional `.env` file."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATA_DIR = Path("data")


class SettingsError(Exception):
    """A setting has a wrong value; the message names the variable and what was expected."""


class Settings(BaseSettings):
    """Every knob of the service. Field `x` is read from the variable `AUTOVOLT_X`."""

    model_config = SettingsConfigDict(env_prefix="AUTOVOLT_", env_file=".env", extra="ignore")

    data_dir: Path = Field(DEFAULT_DATA_DIR, description="Folder for the SQLite file, models and charts")
    database_url: str | None = Field(None, description="SQLAlchemy URL; default sqlite:///<data_dir>/autovolt.db")
    mqtt_url: str | None = Field(None, description="mqtt://user:pass@host:port (mqtts:// for TLS); unset = simulated fleet")
    campus_file: Path | None = Field(None, description="Campus registry YAML loaded at start-up")
    telegram_token: SecretStr | None = Field(None, description="Bot token from @BotFather")
    telegram_base_url: str = Field("https://api.telegram.org/bot", description="Bot API base URL")
    vosk_model: str | None = Field(None, description="Path to a Vosk model folder, or a language code to download")
    http_port: int = Field(8002, description="Port of the HTTP API and /metrics")
    timezone: str | None = Field(None, description="IANA time zone; default the campus file's")
    api_key: SecretStr | None = Field(None, description="Key expected in the X-API-Key header of the HTTP API")

    @field_validator("http_port")
    @classmethod
    def _port_in_range(cls, value: int) -> int:
        if not 1 <= value <= 65535:
            raise ValueError("expected a TCP port between 1 and 65535")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str | None) -> str | None:
        if value is None:
            return value
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("expected an IANA time zone such as Asia/Kolkata") from None
        return value

    @field_validator("mqtt_url")
    @classmethod
    def _mqtt_url_shape(cls, value: str | None) -> str | None:
        if not value:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("mqtt", "mqtts") or not parts.hostname:
            raise ValueError("expected mqtt://[user:pass@]host[:port] or mqtts://...")
        try:
            parts.port
        except ValueError:
            raise ValueError("expected a numeric port in the MQTT URL") from None
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url_shape(cls, value: str | None) -> str | None:
        if value and "://" not in value:
            raise ValueError("expected an SQLAlchemy URL such as sqlite:///data/autovolt.db or postgresql+psycopg://host/db")
        return value

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'autovolt.db').as_posix()}"


def load_settings(**overrides: object) -> Settings:
    """Read the settings, turning pydantic's report into one line per wrong variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            name = "AUTOVOLT_" + "_".join(str(p) for p in error["loc"]).upper()
            message = error["msg"].removeprefix("Value error, ")
            lines.append(f"{name}: {message} (got {error.get('input')!r})")
        raise SettingsError("; ".join(lines)) from None
