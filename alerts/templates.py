"""Message texts and buttons: plain text (no parse mode, so names never break markup), times in the campus zone.

Buttons carry callback data `al:<action>:<alert id>` (actions: ack, s1h, stm, off), well under Telegram's 64
bytes; the bot routes the `al:` prefix to alerts.actions, which checks who pressed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from alerts.model import (AFTER_HOURS, ALERTMANAGER, ANOMALY, BOARD_OFFLINE, BOARD_OFFLINE_GROUP, CRITICAL,
                          FORECAST_ACCURACY, HIGH_CONSUMPTION, WARNING)

CALLBACK_PREFIX = "al"
ACTIONS = {"ack": "acknowledge", "s1h": "snooze 1 h", "stm": "snooze until tomorrow", "off": "turn it off"}
# Telegram refuses texts over 4096 characters; grouped messages list members up to this many.
MAX_TEXT = 4000
MAX_LISTED = 25

_ICON = {CRITICAL: "\U0001f6a8", WARNING: "\u26a0\ufe0f"}
_TITLE = {
    BOARD_OFFLINE: "Board offline",
    BOARD_OFFLINE_GROUP: "Boards offline",
    AFTER_HOURS: "On after hours",
    ANOMALY: "Unusual consumption",
    HIGH_CONSUMPTION: "High consumption",
    FORECAST_ACCURACY: "Forecast accuracy dropped",
    ALERTMANAGER: "Monitoring alert",
}
_RESOLVED = {
    BOARD_OFFLINE: "Back online",
    BOARD_OFFLINE_GROUP: "Boards back online",
    AFTER_HOURS: "Switched off",
    ANOMALY: "Consumption back to normal",
    HIGH_CONSUMPTION: "Consumption below threshold",
    FORECAST_ACCURACY: "Forecast accuracy recovered",
    ALERTMANAGER: "Resolved",
}


@dataclass(frozen=True)
class AlertView:
    """What a message shows about an alert.

    alert_id: the row id (buttons refer to it). type, severity, summary: as stored. room, building: the names of
    the alert's room and building ("" when it has none; a building-wide alert has only a building). devices: names
    of the devices concerned. value, unit: the measured figure. first_seen: when it started. detail: the stored
    detail (group members, reasons). can_turn_off: there are switches to turn off.
    """

    alert_id: int
    type: str
    severity: str
    summary: str
    room: str
    building: str
    devices: tuple[str, ...]
    value: float | None
    unit: str | None
    first_seen: dt.datetime
    detail: dict[str, Any] = field(default_factory=dict)
    can_turn_off: bool = False


def local_time(ts: dt.datetime, tz: ZoneInfo, *, with_day: bool = True) -> str:
    local = ts.astimezone(tz)
    fmt = "%a %d %b %H:%M" if with_day else "%H:%M"
    return f"{local.strftime(fmt)} {local.tzname() or ''}".strip()


def _value(value: float | None, unit: str | None) -> str:
    if value is None:
        return ""
    if unit in ("W", "Wh") and abs(value) >= 1000:  # "36.0 kWh", not "36000 Wh"
        return f"{value / 1000:.1f} k{unit}"
    if float(value).is_integer():
        return f"{int(value)} {unit or ''}".strip()
    return f"{value:.1f} {unit or ''}".strip()


def _base_type(alert_type: str) -> str:
    return alert_type.split(".", 1)[0]


def _says(text: str, name: str) -> bool:
    """`name` appears in `text` as whole words ("Hall 1" is not said by "Hall 10"), whatever the case."""
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE) is not None


def _where(view: AlertView) -> str | None:
    """The place line, naming only what the summary does not already say: most summaries name the room ("... in
    Classroom 101"), so the line adds its building; a building-wide summary needs no line at all."""
    room = view.room if view.room and not _says(view.summary, view.room) else ""
    building = view.building if view.building and not _says(view.summary, view.building) else ""
    if room:
        return f"Where: {room}, {building}" if building else f"Where: {room}"
    if building:
        return f"Building: {building}" if view.room else f"Where: {building}"
    return None


def _lines(view: AlertView, tz: ZoneInfo) -> list[str]:
    lines = [view.summary]
    where = _where(view)
    if where:
        lines.append(where)
    # Summaries often list the devices ("(Lights, Fans, AC)", "Board a-101-panel ..."): said once is enough.
    if view.devices and not all(_says(view.summary, d) for d in view.devices):
        shown = ", ".join(view.devices[:MAX_LISTED]) + (f" and {len(view.devices) - MAX_LISTED} more"
                                                        if len(view.devices) > MAX_LISTED else "")
        lines.append(f"Devices: {shown}")
    if (view.value is not None and view.type not in (BOARD_OFFLINE, BOARD_OFFLINE_GROUP)
            and not _says(view.summary, _value(view.value, view.unit))):
        lines.append(f"Value: {_value(view.value, view.unit)}")
    members = view.detail.get("members") or []
    if members:
        for m in members[:MAX_LISTED]:
            room = m.get("room_name") or m.get("room_id") or ""
            lines.append(f"  - {m.get('board_id')}" + (f" ({room})" if room else ""))
        if len(members) > MAX_LISTED:
            lines.append(f"  ... and {len(members) - MAX_LISTED} more")
    for reason in (view.detail.get("reasons") or [])[:5]:
        lines.append(f"  - {reason}")
    lines.append(f"Since: {local_time(view.first_seen, tz)}")
    return lines


def buttons_for(view: AlertView) -> list[list[dict[str, str]]]:
    """Inline keyboard rows: acknowledge and snoozes always; "turn it off" when there are switches."""
    ident = view.alert_id
    rows = [[{"text": "\u2705 Acknowledge", "callback_data": f"{CALLBACK_PREFIX}:ack:{ident}"}],
            [{"text": "\U0001f634 1 h", "callback_data": f"{CALLBACK_PREFIX}:s1h:{ident}"},
             {"text": "\U0001f319 Until tomorrow", "callback_data": f"{CALLBACK_PREFIX}:stm:{ident}"}]]
    if view.can_turn_off:
        rows[0].append({"text": "\u23fb Turn it off", "callback_data": f"{CALLBACK_PREFIX}:off:{ident}"})
    return rows


def _clip(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "\u2026"


def notice(view: AlertView, tz: ZoneInfo, reminder: int = 0) -> tuple[str, list[list[dict[str, str]]]]:
    """The first announcement (reminder=0) or the n-th reminder, with its buttons."""
    title = _TITLE.get(_base_type(view.type), view.type.replace("_", " ").capitalize())
    icon = _ICON.get(view.severity, "\u2139\ufe0f")
    head = f"{icon} {title}" + (f" (reminder {reminder}, not yet acknowledged)" if reminder else "")
    return _clip("\n".join([head, *_lines(view, tz)])), buttons_for(view)


def resolved(view: AlertView, tz: ZoneInfo, at: dt.datetime) -> str:
    title = _RESOLVED.get(_base_type(view.type), "Resolved")
    # The summary describes the problem as it was ("... are offline"): said as the past, not beside "back online".
    lines = [f"\u2705 {title}", f"Was: {view.summary}"]
    where = _where(view)
    if where:
        lines.append(where)
    duration = at - view.first_seen
    minutes = max(int(duration.total_seconds() // 60), 0)
    span = f"{minutes // 60} h {minutes % 60} min" if minutes >= 60 else f"{minutes} min"
    lines.append(f"At: {local_time(at, tz)} (after {span})")
    return _clip("\n".join(lines))


def acknowledged(view: AlertView, tz: ZoneInfo, by: str, at: dt.datetime) -> str:
    return _clip(f"\u2714\ufe0f {by} acknowledged: {view.summary}\nAt: {local_time(at, tz)}. No more reminders.")


def snoozed(view: AlertView, tz: ZoneInfo, by: str, until: dt.datetime) -> str:
    return _clip(f"\U0001f634 {by} snoozed: {view.summary}\nReminders resume {local_time(until, tz)} if it persists.")


def digest(day: dt.date, tz: ZoneInfo, total_kwh: float | None, top_rooms: Sequence[tuple[str, float]],
           open_alerts: Sequence[str], forecast_kwh: float | None, forecast_note: str = "") -> str:
    """The admins' morning digest of `day` (yesterday)."""
    lines = [f"\U0001f4ca Daily digest for {day.strftime('%a %d %b %Y')}"]
    lines.append(f"Energy used: {total_kwh:.1f} kWh" if total_kwh is not None else "Energy used: no readings")
    if top_rooms:
        lines.append("Top rooms:")
        lines += [f"  {i}. {name}: {kwh:.1f} kWh" for i, (name, kwh) in enumerate(top_rooms, 1)]
    if open_alerts:
        lines.append(f"Open alerts ({len(open_alerts)}):")
        lines += [f"  - {a}" for a in open_alerts[:10]]
        if len(open_alerts) > 10:
            lines.append(f"  ... and {len(open_alerts) - 10} more")
    else:
        lines.append("Open alerts: none")
    if forecast_kwh is not None:
        lines.append(f"Forecast for today: {forecast_kwh:.1f} kWh" + (f" ({forecast_note})" if forecast_note else ""))
    else:
        lines.append("Forecast for today: " + (forecast_note or "not enough history"))
    return _clip("\n".join(lines))
