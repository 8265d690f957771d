"""The database schema: SQLAlchemy 2 typed models. `position` keeps the campus file's order. Changes go through an Alembic migration (store/migrations)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (JSON, BigInteger, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint, text)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Store aware datetimes as UTC; always give back aware UTC datetimes (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use an aware datetime")
        return value.astimezone(dt.timezone.utc)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value.astimezone(dt.timezone.utc)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON, dt.datetime: UTCDateTime}


class CampusInfo(Base):
    """A single row: the campus's name, time zone, holiday country and region, terms, closures, and the loaded file's
    fingerprint. Terms and closures are lists of {name, start, end} with ISO dates."""

    __tablename__ = "campus"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64))
    country: Mapped[str | None] = mapped_column(String(8))
    subdivision: Mapped[str | None] = mapped_column(String(32))
    terms: Mapped[list[Any]] = mapped_column(default=list)
    # The server default fills the row an older schema already holds (migration 0004).
    closures: Mapped[list[Any]] = mapped_column(default=list, server_default=text("'[]'"))
    latitude: Mapped[float | None] = mapped_column(Float)  # migration 0005, with longitude: both or neither
    longitude: Mapped[float | None] = mapped_column(Float)
    tariff: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # migration 0006: store.tariff's JSON form
    source_sha256: Mapped[str | None] = mapped_column(String(64))
    loaded_at: Mapped[dt.datetime | None]


class Building(Base):
    __tablename__ = "buildings"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    aliases: Mapped[list[Any]] = mapped_column(default=list)
    power_threshold_w: Mapped[float | None] = mapped_column(Float)
    position: Mapped[int] = mapped_column(Integer, default=0)
    rooms: Mapped[list[Room]] = relationship(back_populates="building", cascade="all, delete-orphan")


class Room(Base):
    __tablename__ = "rooms"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    building_id: Mapped[str] = mapped_column(ForeignKey("buildings.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    aliases: Mapped[list[Any]] = mapped_column(default=list)
    class_hours: Mapped[dict[str, Any]] = mapped_column(default=dict)
    power_threshold_w: Mapped[float | None] = mapped_column(Float)
    position: Mapped[int] = mapped_column(Integer, default=0)
    building: Mapped[Building] = relationship(back_populates="rooms")


class Board(Base):
    """An ESP32 board. `secret` is the firmware's shared secret: kept here, never logged or shown."""

    __tablename__ = "boards"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    room_id: Mapped[str] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"), index=True)
    protocol: Mapped[str] = mapped_column(String(16))
    mac: Mapped[str | None] = mapped_column(String(32), unique=True)
    topic: Mapped[str] = mapped_column(String(128))
    secret: Mapped[str | None] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    last_seen: Mapped[dt.datetime | None]
    online: Mapped[bool] = mapped_column(Boolean, default=False)


class Switch(Base):
    __tablename__ = "switches"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    room_id: Mapped[str] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"), index=True)
    board_id: Mapped[str | None] = mapped_column(ForeignKey("boards.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(16))
    aliases: Mapped[list[Any]] = mapped_column(default=list)
    gpio: Mapped[int | None] = mapped_column(Integer)
    channel: Mapped[int | None] = mapped_column(Integer)
    rated_watts: Mapped[float] = mapped_column(Float)
    position: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[bool | None] = mapped_column(Boolean)
    state_changed_at: Mapped[dt.datetime | None]


class User(Base):
    """A person the bot serves, keyed by Telegram id. Alert preferences live here too."""

    __tablename__ = "users"
    telegram_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    can_control: Mapped[bool] = mapped_column(Boolean, default=False)
    muted_alert_types: Mapped[list[Any]] = mapped_column(default=list)
    quiet_hours: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    default_room_id: Mapped[str | None] = mapped_column(String(64))


class UserRoom(Base):
    """Rooms assigned to a user (faculty control and alerts)."""

    __tablename__ = "user_rooms"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.telegram_id", ondelete="CASCADE"), primary_key=True)
    room_id: Mapped[str] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"), primary_key=True, index=True)


class DeviceOwner(Base):
    """Who owns a switch or a board (device alerts go to owners). `device_id` is a switch or board id."""

    __tablename__ = "device_owners"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.telegram_id", ondelete="CASCADE"), primary_key=True)
    device_id: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)


class Reading(Base):
    """One telemetry sample. `switch_id` null = a whole-board reading. Stamped with the service clock.

    `power_w` is instantaneous power, `energy_wh` the energy of the interval since the previous sample (not a
    counter), so sums over a range are the range's energy. `room_id` is copied in for per-room range queries.
    `meter_kwh` is a meter's own counter as reported (meter rows only, migration 0009): the writer that stores the
    next meter sample takes its interval energy from it, whichever replica stored this one.
    """

    __tablename__ = "readings"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    ts: Mapped[dt.datetime]
    board_id: Mapped[str | None] = mapped_column(String(64))
    switch_id: Mapped[str | None] = mapped_column(String(64))
    room_id: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[bool | None] = mapped_column(Boolean)
    power_w: Mapped[float | None] = mapped_column(Float)
    energy_wh: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str | None] = mapped_column(String(16))
    meter_kwh: Mapped[float | None] = mapped_column(Float)

    __table_args__ = (
        Index("ix_readings_switch_ts", "switch_id", "ts"),
        Index("ix_readings_room_ts", "room_id", "ts"),
        Index("ix_readings_board_ts", "board_id", "ts"),
        Index("ix_readings_ts", "ts"),  # retention's day-at-a-time compaction (migration 0003)
    )


class OutdoorTemperature(Base):
    """The campus's outdoor air temperature for one UTC hour (the hour's start). kind: "observed" or "forecast";
    source: where it came from (open-meteo, open-meteo-archive, csv:<file>); fetched_at: when, so a newer fetch of
    the same hour replaces an older one (store/weather.py)."""

    __tablename__ = "outdoor_temperature"
    ts: Mapped[dt.datetime] = mapped_column(primary_key=True)
    temperature_c: Mapped[float] = mapped_column(Float)
    kind: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(64))
    fetched_at: Mapped[dt.datetime]


class CommandAudit(Base):
    """Every command anybody gave, allowed or refused, with its outcome."""

    __tablename__ = "command_audit"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    ts: Mapped[dt.datetime] = mapped_column(index=True)
    user_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    channel: Mapped[str] = mapped_column(String(16), default="telegram")
    text: Mapped[str] = mapped_column(Text)
    intent: Mapped[str | None] = mapped_column(String(32))
    outcome: Mapped[str] = mapped_column(String(32))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Alert(Base):
    """One alert per key (type + target) episode: fired, reminded, acknowledged, snoozed, resolved."""

    __tablename__ = "alerts"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(200), index=True)
    type: Mapped[str] = mapped_column(String(32))
    severity: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="firing")
    building_id: Mapped[str | None] = mapped_column(String(64))
    room_id: Mapped[str | None] = mapped_column(String(64))
    board_id: Mapped[str | None] = mapped_column(String(64))
    switch_id: Mapped[str | None] = mapped_column(String(64))
    summary: Mapped[str] = mapped_column(Text)
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    first_seen: Mapped[dt.datetime]
    last_seen: Mapped[dt.datetime]
    last_notified: Mapped[dt.datetime | None]
    reminders_sent: Mapped[int] = mapped_column(Integer, default=0)
    acknowledged_by: Mapped[int | None] = mapped_column(BigInteger)
    acknowledged_at: Mapped[dt.datetime | None]
    snoozed_until: Mapped[dt.datetime | None]
    resolved_at: Mapped[dt.datetime | None]

    __table_args__ = (
        Index("ix_alerts_status_key", "status", "key"),
        # One firing episode per key, even with two alert components on one database (migration 0002).
        Index("uq_alerts_firing_key", "key", unique=True, sqlite_where=text("status = 'firing'"),
              postgresql_where=text("status = 'firing'")),
    )


class Delivery(Base):
    """The outbox: one row per message per recipient, written before sending; `dedupe_key` makes resends impossible."""

    __tablename__ = "deliveries"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("alerts.id", ondelete="SET NULL"), index=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    text: Mapped[str] = mapped_column(Text)
    buttons: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime]
    created_at: Mapped[dt.datetime]
    sent_at: Mapped[dt.datetime | None]
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    last_error: Mapped[str | None] = mapped_column(Text)

    # (chat_id, id): a claim checks cheaply whether an earlier message of the same chat is still on its way.
    __table_args__ = (Index("ix_deliveries_status_next", "status", "next_attempt_at"),
                      Index("ix_deliveries_chat_id_id", "chat_id", "id"))


class ScheduledAction(Base):
    """A device action to run later ("switch off the projector at 5 pm"); survives restarts."""

    __tablename__ = "scheduled_actions"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    created_at: Mapped[dt.datetime]
    created_by: Mapped[int] = mapped_column(BigInteger)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    run_at: Mapped[dt.datetime] = mapped_column(index=True)
    action: Mapped[str] = mapped_column(String(8))
    switch_ids: Mapped[list[Any]] = mapped_column(default=list)
    text: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Migration 0006: the channel that set it (telegram, terminal), the report for its owner, and when a terminal
    # chat showed that report (Telegram reports go through the outbox instead).
    channel: Mapped[str] = mapped_column(String(16), default="telegram", server_default="telegram")
    report: Mapped[str | None] = mapped_column(Text)
    reported_at: Mapped[dt.datetime | None]


class ModelRun(Base):
    """A fitted or chosen analytics model for one series, with its backtest scores."""

    __tablename__ = "model_runs"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    series_key: Mapped[str] = mapped_column(String(128), index=True)
    kind: Mapped[str] = mapped_column(String(32), default="forecast")
    model: Mapped[str] = mapped_column(String(64))
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    scores: Mapped[dict[str, Any]] = mapped_column(default=dict)
    artifact: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime]

    __table_args__ = (UniqueConstraint("series_key", "kind", "created_at", name="uq_model_runs_series_kind_time"),)


class SpooledBatch(Base):
    """A batch replayed from the local spool (store.spool): its id is written with its rows, in one transaction,
    so a replay after a crash never writes it twice. `kind`: readings or audit."""

    __tablename__ = "spooled_batches"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    written_at: Mapped[dt.datetime]
class ScanRun(Base):
    """One run of a scheduled job on the leader replica: written when it starts, `finished_at` when it ends. A run
    left unfinished (its replica died) is run again by the next leader; the jobs are idempotent on their window."""

    __tablename__ = "scan_runs"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    scan: Mapped[str] = mapped_column(String(64))
    replica: Mapped[str] = mapped_column(String(128))
    started_at: Mapped[dt.datetime]
    finished_at: Mapped[dt.datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (Index("ix_scan_runs_unfinished", "finished_at", "scan"),)


class TelegramUpdate(Base):
    """A webhook update taken by one replica; the primary key makes a second delivery of it a no-op."""

    __tablename__ = "telegram_updates"
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    replica: Mapped[str] = mapped_column(String(128))
    received_at: Mapped[dt.datetime]


class ChatMemory(Base):
    """What a chat's conversation keeps between its messages (bot.chat_memory), so the next message may land on any
    replica: `state` is its JSON form, `turn_at` when the message that wrote it started (a slower, earlier message
    never overwrites a later one's), `expires_at` when nothing in it may be used any more (rows past it are
    ignored, and deleted now and then)."""

    __tablename__ = "chat_memory"
    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    state: Mapped[dict[str, Any]] = mapped_column(JSON)
    turn_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime] = mapped_column(index=True)
