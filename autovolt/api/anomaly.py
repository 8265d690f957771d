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

from autovolt.api.context import ApiContext, Unavailable
from analytics.series import local_hours
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
    consumption: float = Field(..., ge=0, le=1e9, description="Energy used in the interval since the previous sample")

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
    unit: Literal["Wh", "kWh"] = Field("kWh", description="Unit of `consumption`")


class AnomalyOut(BaseModel):
    timestamp: str
    consumption: float = Field(..., description="Energy in that hour, in the request's unit")
    expected: float | None = Field(None, description="The usual energy for that hour, in the request's unit")
    score: float = Field(..., description="0..1, higher = more unusual")
    confidence: float = Field(..., description="0..1, how sure the detector is that this is a fault")
    reason: str
    kind: str = Field(..., description="spike, left-on-overnight, left-on-weekend, stuck-on, high-usage, meter-zero, "
                                       "flat-line")
    severity: str


class AnomalyResponse(BaseModel):
    device_id: str
    baseline: Literal["history", "self"] = Field(..., description="history: the device's stored readings; self: the "
                                                                    "data given")
    model: str
    threshold: float
    hours_scored: int
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
    from analytics.anomalies import fit_detector, score
    from analytics.events import group_events

    factor = 1000.0 if body.unit == "kWh" else 1.0
    try:
        campus, _ = ctx.campus()
        target = find_target(campus, device_id=body.device_id)
        tz = campus.timezone
    except (Unavailable, UnknownTarget):
        campus, target, tz = None, None, None
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
