"""POST /api/anomaly/detect: which of a device's readings are anomalous, how sure we are, and why."""

from __future__ import annotations

import asyncio
import datetime as dt
import math
from typing import Any, Literal

import numpy as np
import pandas as pd
from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field, field_validator

from analytics.general import DEFAULT_BUDGET
from analytics.series import local_hours
from autovolt.api.context import ApiContext, Unavailable
from autovolt.api.series import UnknownTarget, find_target, hourly_history, localize

router = APIRouter(prefix="/api/anomaly", tags=["analytics"])

MAX_POINTS = 20_000
MAX_SPAN_HOURS = 366 * 24
EARLIEST, LATEST = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc), dt.datetime(2100, 1, 1, tzinfo=dt.timezone.utc)
HISTORY_DAYS = 28
MIN_HOURS = 24
_REASONS = {1: "above the usual level for this hour", 2: "reads zero where the device normally uses energy",
            3: "the same reading repeated for hours (stuck meter)"}


class Reading(BaseModel):
    """One sample; extra fields (voltage, power...) are accepted and ignored."""

    model_config = ConfigDict(extra="allow")
    timestamp: dt.datetime = Field(..., description="ISO 8601; without an offset it is read as UTC")
    consumption: float = Field(..., ge=-1e9, le=1e9, description="Energy used in the interval since the previous sample "
                               "(meter mode: not negative); in general mode any reading (a temperature, a count...)")

    @field_validator("timestamp")
    @classmethod
    def _plausible_time(cls, value: dt.datetime) -> dt.datetime:
        aware = value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
        if not EARLIEST <= aware < LATEST:
            raise ValueError("expected a time between 2000 and 2100")
        return value

    @field_validator("consumption")
    @classmethod
    def _finite(cls, value: float) -> float:
        if not math.isfinite(value):
            raise ValueError("expected a finite number")
        return value


class AnomalyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "device_id": "cr-101-ac", "unit": "kWh",
        "data": [{"timestamp": "2026-03-02T10:00:00+05:30", "consumption": 1.4}]}]})
    device_id: str = Field(..., min_length=1, max_length=64,
                           description="A switch or room id of the campus (its stored history is the baseline), "
                                       "or any other name (the data given is its own baseline)")
    data: list[Reading] = Field(..., min_length=1, max_length=MAX_POINTS)
    unit: Literal["Wh", "kWh"] = Field("kWh", description="Unit of `consumption` (meter mode)")
    mode: Literal["auto", "meter", "general"] = Field(
        "auto", description="meter: hourly energy of a campus meter (daily and weekly rhythm, faults such as left on "
        "overnight); general: any series at any frequency (a streaming robust z-test); auto: picked from the data")
    false_alarms_per_1000: float = Field(DEFAULT_BUDGET, gt=0, le=100, description="General mode: the false alarms per "
                                         "1,000 points you accept (sets the bars; lower finds fewer, smaller anomalies)")


class AnomalyOut(BaseModel):
    timestamp: str
    consumption: float = Field(..., description="Energy in that hour, in the request's unit")
    expected: float | None = Field(None, description="The usual energy for that hour, in the request's unit")
    score: float = Field(..., description="0..1, higher = more unusual")
    confidence: float = Field(..., description="0..1, how sure the detector is that this is a fault")
    reason: str
    kind: str = Field(..., description="meter mode: spike, left-on-overnight, left-on-weekend, stuck-on, high-usage, "
                                       "meter-zero, flat-line; general mode: unusual-high, unusual-low")
    severity: str


class AnomalyResponse(BaseModel):
    device_id: str
    mode: Literal["meter", "general"] = Field(..., description="The detector used (see the request's `mode`)")
    mode_reason: str = Field(..., description="Why that detector: what the data looked like")
    baseline: Literal["history", "self"] = Field(..., description="history: the device's stored readings; self: the "
                                                                    "data given")
    model: str
    threshold: float
    false_alarms_per_1000: float | None = Field(None, description="General mode: the budget the bars were set for")
    hours_scored: int = Field(..., description="Points scored (hours in meter mode)")
    anomalies: list[AnomalyOut]
    events: list[dict[str, Any]]


def _hourly(readings: list[Reading], factor: float, tz: str | None) -> pd.Series:
    # Hours are UTC hours (as in the store) shown in campus time: a +05:30 campus has hours starting at :30.
    stamps = pd.DatetimeIndex([pd.Timestamp(r.timestamp.astimezone(dt.timezone.utc) if r.timestamp.tzinfo
                                            else r.timestamp.replace(tzinfo=dt.timezone.utc)) for r in readings])
    span_h = (stamps.max() - stamps.min()) / pd.Timedelta(hours=1)
    if span_h >= MAX_SPAN_HOURS:
        raise HTTPException(422, f"data: spans {span_h:.0f} hours; at most {MAX_SPAN_HOURS} (one year)")
    values = pd.Series([r.consumption * factor for r in readings], index=stamps)
    per_hour = values.groupby(values.index.floor("h")).sum()
    per_hour = per_hour.reindex(pd.date_range(per_hour.index[0], per_hour.index[-1], freq="h"))
    per_hour.index = per_hour.index.tz_convert("UTC").tz_localize(None)
    return local_hours(per_hour, tz or "UTC")


def _detect(ctx: ApiContext, body: AnomalyRequest) -> dict[str, Any]:
    try:
        campus, _ = ctx.campus()
        target = find_target(campus, device_id=body.device_id)
        tz = campus.timezone
    except (Unavailable, UnknownTarget):
        campus, target, tz = None, None, None
    mode, reason = choose_mode(body, target is not None)
    if mode == "general":
        return {**_detect_general(body, tz), "mode_reason": reason}
    return {**_detect_meter(ctx, body, target, tz), "mode_reason": reason}


def _points(readings: list[Reading]) -> pd.Series:
    """The readings in time order on UTC stamps (a repeated stamp averaged), as given: no hourly grid."""
    stamps = pd.DatetimeIndex([pd.Timestamp(r.timestamp.astimezone(dt.timezone.utc) if r.timestamp.tzinfo
                                            else r.timestamp.replace(tzinfo=dt.timezone.utc)) for r in readings])
    values = pd.Series([float(r.consumption) for r in readings], index=stamps)
    return values.groupby(level=0).mean().sort_index()


def choose_mode(body: AnomalyRequest, campus_device: bool) -> tuple[str, str]:
    """meter or general, and why. A campus device, or hourly readings that are never negative and have a daily or
    weekly rhythm over at least two weeks, are a meter; anything else (another step, no rhythm, negative values,
    too short for a meter's weekly view) gets the general detector."""
    from analytics.general import find_period

    if body.mode != "auto":
        return body.mode, "asked for"
    if campus_device:
        return "meter", "a campus device: its stored hourly energy is the baseline"
    points = _points(body.data)
    if len(points) < 2:
        return "meter", "a single reading"
    step = points.index.to_series().diff().median()
    if (points < 0).any():
        return "general", "negative readings: not an energy meter"
    if step != pd.Timedelta(hours=1):
        return "general", f"one reading every {_step_text(step)}, not hourly energy"
    if points.index[-1] - points.index[0] + step < pd.Timedelta(days=14):
        return "general", "less than two weeks of hourly readings: too short to learn a weekly rhythm"
    period = find_period(points.to_numpy(), step)
    if period is None:
        return "general", "no daily or weekly rhythm in the readings"
    return "meter", f"hourly readings with a {'daily' if period == 24 else 'weekly'} rhythm"


def _step_text(step: pd.Timedelta) -> str:
    seconds = step.total_seconds()
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            n = int(seconds // size)
            return f"{n} {unit}{'s' if n > 1 else ''}" if n > 1 else unit
    return f"{seconds:g} seconds"


def _detect_general(body: AnomalyRequest, tz: str | None) -> dict[str, Any]:
    from analytics.general import detect

    points = _points(body.data)
    step = points.index.to_series().diff().median() if len(points) > 1 else None
    try:
        result = detect(points.to_numpy(), step=step, budget=body.false_alarms_per_1000)
    except ValueError as exc:
        raise HTTPException(422, str(exc).splitlines()[0]) from None
    thr = result.thresholds
    stamps = [ts.isoformat() for ts in points.index.tz_convert(tz or "UTC")]  # campus time, or UTC as given
    out, events = [], []
    for e in result.events:
        strength = abs(e.peak_z) / thr[0]
        severity = "high" if strength >= 2 else "medium" if strength >= 1.4 else "low"
        reason = (f"{abs(e.peak_z):.1f} spreads {'above' if e.kind == 'high' else 'below'} the expected value"
                  f"{' for this time of the ' + _period_text(result.period, step) if result.period else ' (the recent level)'}")
        events.append({"start": stamps[e.start], "end": stamps[e.end], "kind": f"unusual-{e.kind}",
                       "reason": reason, "score": round(min(1.0, strength / 2), 4), "severity": severity,
                       "hours": int(e.end - e.start + 1), "excess": None})
        for t in range(e.start, e.end + 1):
            if not result.flags[t]:
                continue
            z = float(np.nan_to_num(result.z[t]))
            s = min(1.0, abs(z) / (2 * thr[0]))
            expected = float(result.expected[t])
            out.append({"timestamp": stamps[t], "consumption": round(float(points.iloc[t]), 6),
                        "expected": round(expected, 6) if np.isfinite(expected) else None, "score": round(s, 4),
                        "confidence": round(0.5 + 0.5 * min(1.0, max(0.0, strength - 1)), 4), "reason": reason,
                        "kind": f"unusual-{e.kind}", "severity": severity})
    return {
        "device_id": body.device_id, "mode": "general", "baseline": "self",
        "model": f"streaming robust z ({'same phase of past periods' if result.mode == 'rhythm' else 'recent level'}, "
                 f"adaptive spread)",
        "threshold": thr[0], "false_alarms_per_1000": body.false_alarms_per_1000,
        "hours_scored": int(len(points)), "anomalies": out, "events": events,
    }


def _period_text(period: int | None, step: pd.Timedelta | None) -> str:
    return "week" if step is not None and period is not None and period * step >= pd.Timedelta(days=7) else "day"


def _detect_meter(ctx: ApiContext, body: AnomalyRequest, target: Any, tz: str | None) -> dict[str, Any]:
    from analytics.anomalies import fit_detector, score
    from analytics.events import group_events

    if any(r.consumption < 0 for r in body.data):
        raise HTTPException(422, "consumption: energy readings are never negative (for another kind of series, "
                                 "send mode general)")
    factor = 1000.0 if body.unit == "kWh" else 1.0
    data = _hourly(body.data, factor, tz)
    key = body.device_id
    history = pd.Series(dtype=float, index=pd.DatetimeIndex([]))
    if target is not None:
        first_utc = localize(pd.DatetimeIndex([data.index[0]]), tz)[0].to_pydatetime()
        history = hourly_history(ctx.database_url, target, first_utc - dt.timedelta(days=HISTORY_DAYS), first_utc, tz)
        history = history[history.index < data.index[0]]
    if (history > 0).sum() >= MIN_HOURS:
        baseline = "history"
        train = history.rename(key).to_frame()
        joined = pd.concat([history, data])
        series = joined.reindex(pd.date_range(joined.index[0], joined.index[-1], freq="h")).rename(key)
        since = history.index[-1]
    elif (data > 0).sum() >= MIN_HOURS:
        baseline = "self"
        train = data.rename(key).to_frame()
        series = data.rename(key)
        since = data.index[0] - pd.Timedelta(hours=1)
    else:
        raise HTTPException(422, f"need at least {MIN_HOURS} hours with use: give more data, or the id of a campus "
                                 f"device with stored history")
    try:
        detector = fit_detector(train)
        scored = score(detector, series.to_frame(), since=since)
    except ValueError as exc:
        raise HTTPException(422, str(exc).splitlines()[0]) from None
    levels = {key: float(detector.baselines.level[0])}
    events = group_events(scored, unit="Wh", levels=levels)
    threshold = float(detector.table.threshold)
    out = []
    for t in np.flatnonzero(scored.is_anomaly[0]):
        stamp = scored.index[t]
        event = next((e for e in events if e.start <= stamp <= e.end), None)
        code = int(scored.reason_code[0, t])
        s = float(scored.score[0, t])
        confidence = s if code >= 2 else 0.5 + 0.5 * min(1.0, max(0.0, (s - threshold) / max(1e-9, 1 - threshold)))
        usual = float(scored.usual[0, t])
        value = float(scored.values[0, t])
        out.append({
            "timestamp": _iso(stamp, tz),
            "consumption": round((value if np.isfinite(value) else 0.0) / factor, 6),
            "expected": round(usual / factor, 6) if np.isfinite(usual) else None,
            "score": round(s, 4),
            "confidence": round(confidence, 4),
            "reason": event.reason if event else _REASONS.get(code, "unusual reading"),
            "kind": event.kind if event else "high-usage",
            "severity": event.severity if event else "low",
        })
    return {
        "device_id": body.device_id,
        "mode": "meter",
        "baseline": baseline,
        "model": "isolation-forest + dead-meter rules",
        "threshold": round(threshold, 4),
        "hours_scored": int(len(scored.index)),
        "anomalies": out,
        "events": [{"start": _iso(e.start, tz), "end": _iso(e.end, tz), "kind": e.kind, "reason": e.reason,
                    "score": e.score, "severity": e.severity, "hours": e.hours,
                    "excess": round(e.excess / factor, 6) if np.isfinite(e.excess) else None} for e in events],
    }


def _iso(stamp: pd.Timestamp, tz: str | None) -> str:
    if tz:
        return localize(pd.DatetimeIndex([stamp]), tz)[0].isoformat()
    return stamp.tz_localize("UTC").isoformat()


@router.post("/detect", response_model=AnomalyResponse,
             responses={422: {"description": "Invalid request, or too little data to learn what is normal"}})
async def detect(body: AnomalyRequest, request: Request) -> dict[str, Any]:
    """Score each hour of the data against what is normal for the device; list the anomalous hours and events."""
    ctx: ApiContext = request.app.state.api
    async with ctx.fit_gate:
        return await asyncio.to_thread(_detect, ctx, body)
