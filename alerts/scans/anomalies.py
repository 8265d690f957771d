"""Anomalies: the analytics detector over every switch's recent hourly energy.

The detector's baseline is learnt once a day from `anomaly_history_h` hours (four weeks: it learns per hour of the
week, so it needs a few); each scan reads the last `anomaly_context_h` hours (a week: context for the features)
and scores the last `anomaly_window_h` complete hours. An event counts while it reaches into the last
`anomaly_recent_h` hours and lasts at least three hours.

The detector was made for meters, where a zero means "no reading" and is ignored. For a relay switch zero means
"off", which is exactly the normal state that a light left on at night departs from, so every hour gets a small
constant (`OFF_WH`) added: "off" becomes a real, learnable level, and meter-zero events (meaningless here) are
left out. The fitted detector is kept and refitted once a day.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from alerts.model import ANOMALY, INFO, WARNING, AlertConfig, ScanResult, Signal
from alerts.scans.data import hourly_energy
from analytics.anomalies import Detector, fit_detector, score
from analytics.events import AnomalyEvent, group_events
from analytics.series import local_hours, utc_hours
from store.campus import Campus

log = logging.getLogger(__name__)

REFIT_AFTER = pd.Timedelta(hours=24)
# Relay loads draw their rated power or nothing, so a one- or two-hour "spike" is a schedule wobble, not a fault:
# what matters is being on, for hours, when the switch is normally off.
SKIPPED_KINDS = frozenset({"meter-zero", "spike"})
MIN_EVENT_HOURS = 3
OFF_WH = 1.0  # energy an "off" hour is given, so that the detector sees it (see above)


class AnomalyScanner:
    """Keeps the fitted detector between scans: fitting (on `anomaly_history_h` hours) is the expensive part and
    is redone once a day; each scan reads only `anomaly_context_h` hours (a week) and scores the last window."""

    def __init__(self, remote: Callable[..., Any] | None = None, remote_from_switches: int = 2000) -> None:
        # remote(fn, *args): runs the fit elsewhere (a Dask cluster, autovolt.dask_cluster) for a campus of at
        # least `remote_from_switches` switches; smaller fits stay here, where they take well under a second.
        self.remote = remote
        self.remote_from_switches = remote_from_switches
        self.detector: Detector | None = None
        self.fitted_on: frozenset[str] = frozenset()
        self.fitted_at: pd.Timestamp | None = None

    def needs_fit(self, now_hour: pd.Timestamp) -> bool:
        return self.fitted_at is None or now_hour - self.fitted_at >= REFIT_AFTER

    def fit(self, history: pd.DataFrame, config: AlertConfig, tz: ZoneInfo = ZoneInfo("UTC")) -> bool:
        """Fit on `history` (hourly Wh per switch, naive UTC hours) up to the scoring window; False when there is
        too little. The detector learns on the campus clock (`tz`): its nights and weekends are local ones."""
        self.fitted_at = history.index[-1] if len(history.index) else None
        shifted = local_hours(history, tz).fillna(0.0) + OFF_WH
        window_start = shifted.index[-1] - pd.Timedelta(hours=config.anomaly_window_h - 1)
        train = shifted[shifted.index < window_start]
        train = train.loc[:, (train > OFF_WH).sum() >= 1]  # never used: nothing to learn
        if train.shape[1] == 0 or len(train) < 24:
            self.detector = None
            return False
        try:
            judge = self.detector if self.detector is not None and set(map(str, train.columns)) <= self.fitted_on \
                else self._fit(train)
            self.detector = self._fit(_without_faults(train, judge))
        except ValueError as exc:
            log.info("anomaly scan skipped: not enough history", extra={"kv": {"reason": str(exc)}})
            self.detector = None
            return False
        self.fitted_on = frozenset(map(str, train.columns))
        return True

    def _fit(self, train: pd.DataFrame) -> Detector:
        if self.remote is not None and train.shape[1] >= self.remote_from_switches:
            return self.remote(fit_detector, train)
        return fit_detector(train)

    def events(self, hourly: pd.DataFrame, config: AlertConfig, tz: ZoneInfo = ZoneInfo("UTC")) -> list[AnomalyEvent] | None:
        """Current events in an hourly frame (index naive UTC hours, one column per switch), scored with the
        fitted detector on the campus clock; events come back in naive UTC hours. None = cannot judge (no
        detector, nothing known)."""
        if self.detector is None or hourly.empty:
            return None
        columns = [c for c in hourly.columns if c in self.fitted_on]
        if not columns:
            return None
        data = local_hours(hourly[columns], tz).fillna(0.0) + OFF_WH
        window_start = data.index[-1] - pd.Timedelta(hours=config.anomaly_window_h - 1)
        scored = score(self.detector, data, since=window_start - pd.Timedelta(hours=1))
        recent = data.index[-1] - pd.Timedelta(hours=config.anomaly_recent_h - 1)
        return [_in_utc(e, tz) for e in group_events(scored, unit="Wh")
                if e.end >= recent and e.kind not in SKIPPED_KINDS and e.hours >= MIN_EVENT_HOURS]

    def evaluate(self, campus: Campus, hourly: pd.DataFrame, now: dt.datetime, config: AlertConfig,
                 tz: ZoneInfo) -> ScanResult:
        events = self.events(hourly, config, tz)
        if events is None:
            return ScanResult()  # cannot judge: neither raise nor clear anything
        return ScanResult(covers=frozenset({ANOMALY}), signals=tuple(signals_from(campus, events, now, tz)))

    def scan(self, session: Session, campus: Campus, now: dt.datetime, config: AlertConfig) -> ScanResult:
        end = now.astimezone(dt.timezone.utc).replace(minute=0, second=0, microsecond=0)  # complete hours only
        end_hour = pd.Timestamp(end).tz_localize(None)
        known = {s.id for s in campus.switches}
        if self.needs_fit(end_hour):
            history = hourly_energy(session, end - dt.timedelta(hours=config.anomaly_history_h), end)
            self.fit(history[[c for c in history.columns if c in known]], config, ZoneInfo(campus.timezone))
        context = hourly_energy(session, end - dt.timedelta(hours=config.anomaly_context_h), end)
        context = context[[c for c in context.columns if c in known]]
        return self.evaluate(campus, context, now, config, ZoneInfo(campus.timezone))


def _without_faults(train: pd.DataFrame, judge: Detector) -> pd.DataFrame:
    """The training hours with those `judge` finds anomalous left out (missing). The daily refit learns from the last
    four weeks: an AC stuck on since yesterday would otherwise become part of "usual" overnight, its alert would
    resolve itself while the AC ran on. `judge` is yesterday's detector, fitted before the fault began (at start-up,
    a first fit on everything, which still finds a fault's first night)."""
    flagged = score(judge, train, since=train.index[0] - pd.Timedelta(hours=1)).is_anomaly.T
    if not flagged.any():
        return train
    log.info("anomaly baseline leaves out flagged hours", extra={"kv": {"hours": int(flagged.sum())}})
    return train.mask(flagged)


def _in_utc(event: AnomalyEvent, tz: ZoneInfo) -> AnomalyEvent:
    """The event's campus wall-clock hours back on naive UTC hours (as the rest of the alert pipeline keeps time)."""
    start, end = utc_hours(pd.DatetimeIndex([event.start, event.end]), tz)
    return dataclasses.replace(event, start=start, end=end)


def _kwh(value: float) -> str:
    return f"{value / 1000:.2f} kWh" if np.isfinite(value) else "?"


def describe(event: AnomalyEvent, tz: ZoneInfo) -> str:
    """The event in plain words, in local time, without the detector's offset."""
    start = event.start.tz_localize("UTC").tz_convert(tz)
    end = (event.end + pd.Timedelta(hours=1)).tz_localize("UTC").tz_convert(tz)
    span = f"{start:%H:%M}-{end:%H:%M}" if start.date() == end.date() else f"{start:%a %H:%M}-{end:%a %H:%M}"
    usual = max(event.usual_value - OFF_WH, 0.0)
    used = max(event.mean_value - OFF_WH, 0.0)
    habit = "usually off then" if usual < 5 else f"usually {usual:.0f} Wh per hour"
    label = {"left-on-overnight": "left on overnight", "left-on-weekend": "left on over the weekend",
             "stuck-on": "stuck on", "spike": "spiked", "flat-line": "on without a break"}.get(event.kind, "unusual use")
    return f"{label}: {used:.0f} Wh per hour {span} ({event.hours} h), {habit}"


def signals_from(campus: Campus, events: list[AnomalyEvent], now: dt.datetime,
                 tz: ZoneInfo = ZoneInfo("UTC")) -> list[Signal]:
    """One signal per switch (its strongest current event); low-severity events are not worth a message."""
    switches = {s.id: s for s in campus.switches}
    rooms = {r.id: r for r in campus.rooms}
    best: dict[str, AnomalyEvent] = {}
    for event in events:
        if event.severity == "low" or event.series_key not in switches:
            continue
        if event.series_key not in best or event.score > best[event.series_key].score:
            best[event.series_key] = event
    out = []
    for key, event in sorted(best.items()):
        switch = switches[key]
        room = rooms.get(switch.room_id)
        where = room.name if room else switch.room_id
        out.append(Signal(
            type=ANOMALY, target=key, severity=WARNING if event.severity == "high" else INFO,
            summary=f"{switch.name} in {where}: {describe(event, tz)}", observed_at=now,
            building_id=switch.building_id, room_id=switch.room_id, switch_ids=(key,),
            value=round(float(event.excess), 1), unit="Wh",
            detail={"kind": event.kind, "score": event.score, "start": event.start.isoformat(),
                    "end": event.end.isoformat(), "reasons": [f"{_kwh(event.excess)} above usual"]}))
    return out
