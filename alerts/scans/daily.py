"""The daily jobs: the admins' digest (yesterday's energy, top rooms, open alerts, today's forecast) and the
forecast accuracy check (yesterday's forecast against what was used)."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts import outbox, templates
from alerts.model import FIRING, FORECAST_ACCURACY, WARNING, AlertConfig, ScanResult, Signal
from alerts.scans.data import hourly_energy
from analytics.forecast import ForecastError, make_model
from analytics.metrics import score, seasonal_naive_scale
from analytics.series import DAY_HOURS, WEEK_HOURS
from store import models as m
from store.campus import Campus

log = logging.getLogger(__name__)

REFERENCE_MODEL = "weekly-median"  # robust and instant; the analytics package chooses models for the bot
HISTORY_DAYS = 29
OFF_WH = 1.0


@dataclass(frozen=True)
class DayWindow:
    """One local calendar day as a UTC range: `day` local date, [start, end) aware UTC datetimes."""

    day: dt.date
    start: dt.datetime
    end: dt.datetime


def local_day(day: dt.date, tz: ZoneInfo) -> DayWindow:
    start = dt.datetime.combine(day, dt.time(0), tzinfo=tz)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    return DayWindow(day, start.astimezone(dt.timezone.utc), end.astimezone(dt.timezone.utc))


def campus_hourly(session: Session, start: dt.datetime, end: dt.datetime) -> pd.Series:
    """Campus energy (Wh) per UTC hour in [start, end), NaN for hours without any reading."""
    frame = hourly_energy(session, start, end, by="room_id")
    if frame.shape[1] == 0:
        return pd.Series(np.nan, index=frame.index, dtype=float)
    return frame.sum(axis=1, min_count=1)


def forecast_day(history: pd.Series, hours: int) -> pd.Series | None:
    """Reference forecast of the `hours` after the history's end; None when the history is too short.

    The analytics models read zero as "no reading" (meters); here a quiet night really uses nothing, so a small
    constant is added before fitting and taken off the forecast, which keeps such hours at zero."""
    if history.gt(0).sum() < DAY_HOURS + 1:
        return None
    shifted = history.fillna(0.0) + OFF_WH
    try:
        model = make_model(REFERENCE_MODEL).fit(shifted)
        return (model.forecast(shifted, hours, intervals=False)["yhat"] - OFF_WH).clip(lower=0.0)
    except (ForecastError, ValueError) as exc:
        log.info("no forecast", extra={"kv": {"reason": str(exc)}})
        return None


def build_digest(session: Session, campus: Campus, now: dt.datetime, tz: ZoneInfo) -> str:
    today = now.astimezone(tz).date()
    yesterday = local_day(today - dt.timedelta(days=1), tz)
    rooms = hourly_energy(session, yesterday.start, yesterday.end, by="room_id")
    total = float(np.nansum(rooms.to_numpy())) / 1000 if rooms.shape[1] else None
    names = {r.id: r.name for r in campus.rooms}
    per_room = rooms.sum(axis=0).sort_values(ascending=False) if rooms.shape[1] else pd.Series(dtype=float)
    top = [(names.get(k, k), float(v) / 1000) for k, v in per_room.head(3).items() if v > 0]
    open_alerts = list(session.scalars(select(m.Alert.summary).where(m.Alert.status == FIRING)
                                       .order_by(m.Alert.first_seen)))
    window = local_day(today, tz)
    history = campus_hourly(session, window.start - dt.timedelta(days=HISTORY_DAYS), window.start)
    predicted = forecast_day(history, DAY_HOURS)
    forecast_kwh = float(predicted.sum()) / 1000 if predicted is not None else None
    note = f"{REFERENCE_MODEL} over the last {min(HISTORY_DAYS // 7, 4)} weeks" if predicted is not None else ""
    return templates.digest(yesterday.day, tz, total, top, open_alerts, forecast_kwh, note)


def enqueue_digest(session: Session, campus: Campus, now: dt.datetime, tz: ZoneInfo) -> int:
    """Write today's digest for every admin into the outbox (once per day: the dedupe key holds the date)."""
    text = build_digest(session, campus, now, tz)
    today = now.astimezone(tz).date().isoformat()
    added = 0
    for user in campus.users:
        if user.role == "admin":
            added += outbox.enqueue(session, dedupe_key=f"digest:{today}:{user.telegram_id}", chat_id=user.telegram_id,
                                    text=text, now=now)
    return added


def forecast_accuracy(session: Session, campus: Campus, now: dt.datetime, tz: ZoneInfo,
                      config: AlertConfig) -> ScanResult:
    """Yesterday's reference forecast against yesterday's readings; an alert when MAPE exceeds the limit."""
    yesterday = local_day(now.astimezone(tz).date() - dt.timedelta(days=1), tz)
    history = campus_hourly(session, yesterday.start - dt.timedelta(days=HISTORY_DAYS), yesterday.start)
    actual = campus_hourly(session, yesterday.start, yesterday.end)
    predicted = forecast_day(history, len(actual))
    if predicted is None or actual.gt(0).sum() < DAY_HOURS // 2:
        return ScanResult()  # cannot judge
    scores = score(actual.to_numpy(), predicted.to_numpy(), seasonal_naive_scale(history, WEEK_HOURS))
    if not np.isfinite(scores.mape):
        return ScanResult()
    signals: tuple[Signal, ...] = ()
    if scores.mape > config.forecast_max_mape:
        signals = (Signal(type=FORECAST_ACCURACY, target="campus", severity=WARNING,
                          summary=(f"Yesterday's forecast was off by {scores.mape:.0f}% on average "
                                   f"(limit {config.forecast_max_mape:.0f}%)"),
                          observed_at=now, value=round(scores.mape, 1), unit="%",
                          detail={"model": REFERENCE_MODEL, "day": yesterday.day.isoformat(),
                                  "cv_rmse": scores.cv_rmse, "hours": scores.n}),)
    return ScanResult(covers=frozenset({FORECAST_ACCURACY}), signals=signals)
