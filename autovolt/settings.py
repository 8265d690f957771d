"""The one settings object, read from AUTOVOLT_* environment variables and an optional `.env` file."""

from __future__ import annotations

import difflib
import json
import logging
import os
import socket
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

log = logging.getLogger(__name__)

DEFAULT_DATA_DIR = Path("data")


def default_replica_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


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
    # --- speech engines (keep together) ---
    whisper_model: str = Field("auto", description="Open-vocabulary pass: a CTranslate2 Whisper folder, a size name "
                               "(tiny and base come from the packaged models, others are downloaded), auto (the "
                               "packaged tiny when installed, else none) or off")
    whisper_rescore: bool = Field(True, description="Score campus readings of a Whisper text the parser does not "
                                  "read as a command (or reads with an unsure room, device or on/off word) on the note's "
                                  "own audio, and take the best one within a margin (nlu/speech/rescore.py; the bot "
                                  "asks before switching on it)")
    whisper_device_slot: bool = Field(True, description="With whisper_rescore: where an unread Whisper text leaves a "
                                      "device slot of no campus words ('turn off I see in room 101'), score it filled "
                                      "with each device word on the note's audio (nlu/speech/deviceslot.py); a switch "
                                      "on such a reading always asks first; false turns it off")
    speech_slow_look: str = Field("no-command", description="Hear a clean note a second time slowed and lowered, and "
                                  "keep the better reading (nlu/speech/tempo.py; fast, high voices such as espeak-ng's): "
                                  "no-command (the default: when the first reading is no command the parser reads; a "
                                  "command that parses costs nothing more), unsure (every unsure reading: about twice "
                                  "the CPU of most notes) or off")
    whisper_threads: int = Field(2, ge=0, le=64, description="CTranslate2 threads Whisper decodes one note on; 0 = "
                                 "this machine's cores (docs/benchmarks.md \"speech-threads\")")
    stt_url: str | None = Field(None, description="Wyoming speech-to-text server, tcp://host:10300; tried before local "
                                "Whisper, with the local engines as fallback when it is down")
    voice_confirm_below: float = Field(0.75, ge=0.0, le=1.0,
                                       description="A spoken switch command heard with less confidence asks before switching; 0 never asks")
    schedule_expire_minutes: float = Field(15.0, gt=0, le=1440,
                                           description="A scheduled action found this many minutes after its time "
                                           "(the service was down) is skipped and reported, never switched late")
    http_port: int = Field(8002, description="Port of the HTTP API and /metrics")
    timezone: str | None = Field(None, description="IANA time zone; default the campus file's")
    api_key: SecretStr | None = Field(None, description="Key expected in the X-API-Key header of the HTTP API")
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list,
                                    description="Browser origins allowed to call the HTTP API (JSON list or comma-separated); none by default")
    http_max_body_bytes: int = Field(1_048_576, description="Largest JSON request body the HTTP API accepts, in bytes")
    telegram_webhook_secret: SecretStr | None = Field(None, description="Secret token Telegram must send to the webhook")
    readings_raw_days: int = Field(90, ge=0, le=36_500,
                                   description="Days raw telemetry is kept before the nightly job folds it into hourly rows; 0 keeps everything raw")
    weather_enabled: bool = Field(True, description="Fetch the outdoor temperature hourly (Open-Meteo, no key) when the "
                                  "campus file gives latitude and longitude; the forecasts learn from it")
    weather_forecast_url: str = Field("https://api.open-meteo.com/v1/forecast",
                                      description="Open-Meteo forecast endpoint (a self-hosted Open-Meteo works too)")
    weather_archive_url: str = Field("https://archive-api.open-meteo.com/v1/archive",
                                     description="Open-Meteo historical archive endpoint, for the start-up backfill")

    replica_id: str = Field(default_factory=lambda: default_replica_id(),
                            description="This replica's name in logs, /ready and /metrics and the leader lock; "
                            "default <hostname>-<pid>")
    mqtt_share_group: str | None = Field(None, description="Replicas: MQTT 5 shared-subscription group all replicas "
                                         "join (e.g. autovolt), so each reading is ingested once; unset = one process")
    energy_partitions: bool = Field(False, description="Replicas on PostgreSQL: the ingest writers' energy section "
                                    "split into 4 partitions by board, passed as a pipeline (devices/stored_energy.py)"
                                    "; off = one section for the whole batch. Safe to mix during a change: a writer "
                                    "with it off excludes those with it on")
    dask_scheduler: str | None = Field(None, description="tcp://host:8786 of a Dask scheduler: the nightly refit and "
                                       "large anomaly scans run on that cluster; unset = a local process pool")

    @field_validator("http_port")
    @classmethod
    def _port_in_range(cls, value: int) -> int:
        if not 1 <= value <= 65535:
            raise ValueError("expected a TCP port between 1 and 65535")
        return value

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _origins_list(cls, value: object) -> object:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                try:
                    return json.loads(text)
                except json.JSONDecodeError:
                    raise ValueError("expected a JSON list or comma-separated origins") from None
            value = [part.strip() for part in text.split(",") if part.strip()]
        return value

    @field_validator("cors_origins")
    @classmethod
    def _no_wildcard_origin(cls, value: list[str]) -> list[str]:
        for origin in value:
            if origin == "*" or not urlsplit(origin).scheme or not urlsplit(origin).netloc:
                raise ValueError("expected origins such as https://ops.example.edu (no '*')")
        return value

    @field_validator("http_max_body_bytes")
    @classmethod
    def _body_limit_sane(cls, value: int) -> int:
        if not 1024 <= value <= 64 * 1024 * 1024:
            raise ValueError("expected a size in bytes between 1024 and 67108864")
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

    @field_validator("stt_url")
    @classmethod
    def _stt_url_shape(cls, value: str | None) -> str | None:
        if not value:
            return None
        from autovolt.wyoming_stt import check_url  # raises ValueError with what is expected

        check_url(value)
        return value

    @field_validator("whisper_model")
    @classmethod
    def _whisper_model_given(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("expected a model folder, a Whisper size name, auto or off")
        return value.strip()

    @field_validator("speech_slow_look", mode="before")
    @classmethod
    def _slow_look_choice(cls, value: object) -> str:
        # true/false were this setting's values before the gate: true heard every unsure note slowed.
        text = str(value).strip().lower()
        old = {"true": "unsure", "1": "unsure", "yes": "unsure", "false": "off", "0": "off", "no": "off"}
        text = old.get(text, text)
        if text not in ("no-command", "unsure", "off"):
            raise ValueError("expected no-command, unsure or off")
        return text

    @field_validator("replica_id")
    @classmethod
    def _replica_id_shape(cls, value: str) -> str:
        if not value or len(value) > 100 or not all(c.isalnum() or c in "-_.:" for c in value):
            raise ValueError("expected up to 100 letters, digits and - _ . : (such as ops-2)")
        return value

    @field_validator("mqtt_share_group")
    @classmethod
    def _share_group_shape(cls, value: str | None) -> str | None:
        if not value:
            return None
        if len(value) > 64 or not all(c.isalnum() or c in "-_" for c in value):
            raise ValueError("expected up to 64 letters, digits, - and _ (such as autovolt)")
        return value

    @field_validator("dask_scheduler")
    @classmethod
    def _dask_address(cls, value: str | None) -> str | None:
        if not value:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("tcp", "tls") or not parts.hostname:
            raise ValueError("expected tcp://host:8786 (or tls://...)")
        return value

    @field_validator("weather_forecast_url", "weather_archive_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
            raise ValueError("expected an http(s) URL without a query, such as https://api.open-meteo.com/v1/forecast")
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url_shape(cls, value: str | None) -> str | None:
        if value and "://" not in value:
            raise ValueError("expected an SQLAlchemy URL such as sqlite:///data/autovolt.db or postgresql+psycopg://host/db")
        return value

    @field_validator("database_url")
    @classmethod
    def _database_driver_known(cls, value: str | None) -> str | None:
        # Checked here, not at the first connection: `foo://` used to end the service with a traceback.
        if not value:
            return value
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError, NoSuchModuleError

        try:
            dialect = make_url(value).get_dialect()
        except NoSuchModuleError:  # a subclass of ArgumentError: first
            raise ValueError(f"unknown database kind {value.split('://', 1)[0]!r}: expected sqlite:///... or "
                             "postgresql+psycopg://...") from None
        except ArgumentError:
            raise ValueError("expected an SQLAlchemy URL such as sqlite:///data/autovolt.db or "
                             "postgresql+psycopg://host/db") from None
        try:
            dialect.import_dbapi()
        except ImportError as exc:
            raise ValueError(f"the database driver is not installed ({exc.name or exc}): use postgresql+psycopg://"
                             " for PostgreSQL") from None
        return value

    @field_validator("vosk_model")
    @classmethod
    def _vosk_model_usable(cls, value: str | None) -> str | None:
        if not value:
            return None
        from nlu.speech.voskengine import model_problem

        problem = model_problem(value)
        if problem is not None:
            raise ValueError(problem)
        return value

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'autovolt.db').as_posix()}"


# AUTOVOLT_* variables read outside the Settings classes (by os.environ) or by the project's scripts.
OTHER_VARIABLES = ("AUTOVOLT_TELEGRAM_WEBHOOK_URL", "AUTOVOLT_TELEGRAM_WEBHOOK_PORT", "AUTOVOLT_TELEGRAM_WEBHOOK_VIA_API",
                   "AUTOVOLT_MLFLOW_URI", "AUTOVOLT_SETUP_SERVICES", "AUTOVOLT_TEST_POSTGRES")
_warned: set[str] = set()


def known_variables() -> set[str]:
    """Every AUTOVOLT_* variable some part of AutoVolt reads."""
    from alerts.settings import AlertSettings

    names = {f"AUTOVOLT_{field.upper()}" for field in Settings.model_fields}
    names |= {f"AUTOVOLT_ALERTS_{field.upper()}" for field in AlertSettings.model_fields}
    return names | set(OTHER_VARIABLES)


def unknown_variables(environ: Mapping[str, str], env_file: Path = Path(".env")) -> list[tuple[str, str | None]]:
    """(name, closest known name or None) for each AUTOVOLT_* variable in `environ` or the `.env` file that
    nothing reads: a misspelt name would otherwise be ignored without a word."""
    given = {name for name in environ if name.startswith("AUTOVOLT_")}
    if env_file.is_file():
        from dotenv import dotenv_values

        given |= {name for name in dotenv_values(env_file) if name.upper().startswith("AUTOVOLT_")}
    known = known_variables()
    return [(name, next(iter(difflib.get_close_matches(name.upper(), known, n=1, cutoff=0.75)), None))
            for name in sorted(given) if name.upper() not in known]


def warn_unknown_variables(environ: Mapping[str, str] | None = None) -> None:
    """Log one warning per unknown AUTOVOLT_* variable (once per process), naming the closest known one."""
    for name, closest in unknown_variables(os.environ if environ is None else environ):
        if name in _warned:
            continue
        _warned.add(name)
        hint = f"did you mean {closest}? " if closest else ""
        log.warning(f"{name} is not a setting AutoVolt reads; {hint}it is ignored",
                    extra={"kv": {"variable": name, "closest": closest or "none"}})


def load_settings(**overrides: object) -> Settings:
    """Read the settings, turning pydantic's report into one line per wrong variable; warn about AUTOVOLT_*
    variables nothing reads (a misspelt name)."""
    warn_unknown_variables()
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            name = "AUTOVOLT_" + "_".join(str(p) for p in error["loc"]).upper()
            message = error["msg"].removeprefix("Value error, ")
            lines.append(f"{name}: {message} (got {error.get('input')!r})")
        raise SettingsError("; ".join(lines)) from None
