"""Domain objects of the alerts package: what a scan signals, what a scan covers, and the tuning knobs.

A `Signal` says "this is wrong right now"; the engine (alerts.engine) turns signals into alert episodes (one
`store.models.Alert` row per episode of a key) and into outbox messages. Everything here is plain data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# Severities, most urgent first. Critical alerts also go to admins and pass mutes and quiet hours.
CRITICAL = "critical"
WARNING = "warning"
INFO = "info"
SEVERITIES = (CRITICAL, WARNING, INFO)

# Alert types (the part of the key before the first colon). Users mute by these names.
BOARD_OFFLINE = "board_offline"
BOARD_OFFLINE_GROUP = "board_offline_group"
AFTER_HOURS = "after_hours"
ANOMALY = "anomaly"
HIGH_CONSUMPTION = "high_consumption"
FORECAST_ACCURACY = "forecast_accuracy"
ALERTMANAGER = "alertmanager"
ALERT_TYPES = (BOARD_OFFLINE, BOARD_OFFLINE_GROUP, AFTER_HOURS, ANOMALY, HIGH_CONSUMPTION, FORECAST_ACCURACY,
               ALERTMANAGER)
# Alerts that may be folded into a group, and so wait `group_wait_s` before their first announcement.
GROUPABLE = (BOARD_OFFLINE,)
# Muting "board_offline" also mutes the grouped form of it: a user thinks of both as one kind of alert.
MUTE_ALIASES = {BOARD_OFFLINE_GROUP: BOARD_OFFLINE}

# Alert statuses in the `alerts` table.
FIRING = "firing"
RESOLVED = "resolved"
GROUPED = "grouped"  # closed silently because a building-wide group alert took it over


@dataclass(frozen=True)
class Signal:
    """One thing a scan (or Alertmanager) reports as wrong at `observed_at`.

    type: one of ALERT_TYPES. target: what it is about (board, room, switch or building id, or a label), so that
    `key` = "type:target" identifies the alert across scans. severity: one of SEVERITIES. summary: one plain line.
    building_id, room_id: where it is (for routing and templates). board_ids, switch_ids: the devices involved
    (device owners are recipients; switch_ids are what "turn it off" switches off). value, unit: the measured
    figure, if any. detail: JSON-able extras for templates (e.g. group members, reasons). observed_at: aware time.
    """

    type: str
    target: str
    severity: str
    summary: str
    observed_at: dt.datetime
    building_id: str | None = None
    room_id: str | None = None
    board_ids: tuple[str, ...] = ()
    switch_ids: tuple[str, ...] = ()
    value: float | None = None
    unit: str | None = None
    detail: Mapping[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.type}:{self.target}"


@dataclass(frozen=True)
class ScanResult:
    """What one scan found.

    covers: alert types this scan is the authority on: a firing alert of these types that is not among `signals`
    has cleared and is resolved (with a message to whoever was told). signals: what is wrong now. resolved: keys
    cleared explicitly (Alertmanager). absorbed: member key -> group key, alerts closed silently because a group
    alert now speaks for them. scope: optional key prefixes limiting `covers` (e.g. one Alertmanager sender).
    """

    covers: frozenset[str] = frozenset()
    signals: tuple[Signal, ...] = ()
    resolved: tuple[str, ...] = ()
    absorbed: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class AlertConfig:
    """Tuning of scans and noise control. Durations are in seconds.

    offline_after_s: a board silent this long is offline (the ingest writer refreshes `boards.last_seen` every
    10 s, so keep this well above that). tasmota_offline_after_s: a Tasmota board speaks only at its TelePeriod
    (300 s by default), so it is offline after the larger of this and offline_after_s. offline_scan_s, after_hours_scan_s, anomaly_scan_s, threshold_scan_s:
    scan intervals. notify_tick_s: how often reminders and held first notices are checked.
    after_hours_grace_s: time after class end before loads left on count. after_hours_types: switch types that
    matter after hours. cooldown_s: after an episode was announced, the same key is not announced again within
    this time (a flapping board makes one message). reminders_s: escalating delays between reminders while
    unacknowledged (the last repeats), at most `max_reminders`. group_min_boards: boards of one building offline
    together that make one grouped alert. group_wait_s: a new offline board is announced only after this wait,
    so that boards going down a few seconds apart end up in one group message (Alertmanager's group_wait).
    anomaly_history_h: hours the anomaly baseline learns from (refitted daily). anomaly_context_h: hours each
    anomaly scan reads. anomaly_window_h: the last hours it scores. anomaly_recent_h: an event must reach this
    close to now to be current. forecast_max_mape: forecast error (%) above which admins are told. digest_at:
    local time of the daily digest. snooze_s: the short snooze button. after_hours_on_breaks: public holidays and
    term breaks count as whole days outside class hours (turn off for a campus that teaches in breaks).
    """

    offline_after_s: float = 300.0
    tasmota_offline_after_s: float = 700.0
    offline_scan_s: float = 60.0
    after_hours_scan_s: float = 600.0
    anomaly_scan_s: float = 900.0
    threshold_scan_s: float = 300.0
    notify_tick_s: float = 30.0
    after_hours_grace_s: float = 0.0
    after_hours_types: frozenset[str] = frozenset({"light", "fan", "ac"})
    after_hours_on_breaks: bool = True
    cooldown_s: float = 300.0
    reminders_s: tuple[float, ...] = (1800.0, 3600.0, 14400.0)
    max_reminders: int = 3
    group_min_boards: int = 3
    group_wait_s: float = 30.0
    anomaly_history_h: int = 28 * 24
    anomaly_context_h: int = 7 * 24
    anomaly_window_h: int = 24
    anomaly_recent_h: int = 2
    forecast_max_mape: float = 35.0
    digest_at: dt.time = dt.time(7, 30)
    snooze_s: float = 3600.0
