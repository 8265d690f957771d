"""POST /api/forecast/energy: a forecast of a switch's, room's or building's energy from the analytics models."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from typing import Any, Literal

import numpy as np
import pandas as pd
from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from analytics.calendar import CampusCalendar
from analytics.forecast import AUTO_CANDIDATES, MODELS
from autovolt.api.context import ApiContext
from autovolt.api.series import Target, UnknownTarget, find_target, hourly_history, localize
from autovolt.metrics import record_model_fit
from store.weather import stored_temperature

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/forecast", tags=["analytics"])

# Models the API offers. "auto" backtests the fast ones; Prophet is available by name (it takes seconds to fit).
# The analytics package owns the model list and what "auto" tries; the API only exposes them.
API_MODELS = ("auto", *MODELS)
MAX_HOURS = 14 * 24
INTERVAL = {"coverage": 0.8, "method": "conformal: 10 %/90 % quantiles of the choosing backtest's errors per horizon "
            "block and forecast level (a model named in the request: of its recent in-sample errors)"}


class ForecastRequest(BaseModel):
    """Exactly one of device_id (a switch), room_id or building_id."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"room_id": "cr-101", "periods": 24,
                                                                                "freq": "h"}]})
    device_id: str | None = Field(None, min_length=1, max_length=64, description="A switch id")
    room_id: str | None = Field(None, min_length=1, max_length=64)
    building_id: str | None = Field(None, min_length=1, max_length=64)
    periods: int = Field(24, ge=1, le=MAX_HOURS, description="How many steps of `freq` to forecast")
    freq: Literal["h", "D"] = Field("h", description="h = hourly, D = daily (campus-local days)")
    model: Literal[API_MODELS] = Field("auto", description="auto: a room's model chosen by the nightly backtest, "
                                      "else chosen by rolling backtest now")  # type: ignore[valid-type]
    history_days: int = Field(56, ge=7, le=365, description="Days of history the model learns from")

    @field_validator("freq", mode="before")
    @classmethod
    def _freq_aliases(cls, value: object) -> object:
        aliases = {"H": "h", "hour": "h", "hourly": "h", "1h": "h", "d": "D", "day": "D", "daily": "D", "1d": "D"}
        return aliases.get(value, value) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _one_target(self) -> "ForecastRequest":
        given = [n for n in ("device_id", "room_id", "building_id") if getattr(self, n) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of device_id, room_id or building_id")
        if self.freq == "D" and self.periods > MAX_HOURS // 24:
            raise ValueError(f"periods: at most {MAX_HOURS // 24} days for daily forecasts")
        return self


class ForecastPoint(BaseModel):
    timestamp: str = Field(..., description="Start of the hour or local day, ISO 8601 with offset")
    value: float = Field(..., description="Forecast energy, Wh")
    lower: float | None = Field(None, description="Lower bound of the interval, Wh")
    upper: float | None = Field(None, description="Upper bound of the interval, Wh")


class VersusBaseline(BaseModel):
    """How the chosen model did in the backtest next to repeating the same hour last week, on the same weeks."""

    baseline: str = Field("same hour last week")
    is_baseline: bool = Field(..., description="True when no model beat the baseline clearly, so it is the forecast")
    mase: float | None = None
    baseline_mase: float | None = None
    wape: float | None = Field(None, description="%")
    baseline_wape: float | None = Field(None, description="%")
    gain: float = Field(..., description="Share of the baseline's error the chosen model saved (0.2 = 20 % less)")
    origins_better: int = Field(..., description="Backtest weeks on which the chosen model erred less")
    origins: int = Field(..., description="Backtest weeks compared")


class ModelInfo(BaseModel):
    name: str
    params: dict[str, Any]
    chosen_by: Literal["backtest", "request"]
    backtest: dict[str, float | None] = Field(default_factory=dict, description="Scores of the chosen model over the "
                                              "rolling-origin backtest: wape (%, total error / total use), mase (error / "
                                              "same-hour-last-week's in-sample error), cv_rmse (%)")
    versus_baseline: VersusBaseline | None = Field(None, description="The chosen model's backtest against same hour "
                                                   "last week on the same weeks (none for a named model)")
    fitted_at: str


class ForecastResponse(BaseModel):
    target: dict[str, str]
    freq: str
    unit: str
    model: ModelInfo
    interval: dict[str, Any]
    history: dict[str, Any]
    forecast: list[ForecastPoint]
    total: ForecastPoint


def _fit(history: pd.Series, calendar: Any, model: str, series_key: str,
         weather: pd.Series | None = None) -> tuple[Any, dict[str, Any]]:
    """Fit (or choose and fit) a model; return it with what the response says about it. `weather`: outdoor
    temperature on the history's clock, or None."""
    from analytics.forecast import choose_model, make_model

    if model == "auto":
        selection = choose_model(history, calendar, series_key=series_key, candidates=AUTO_CANDIDATES, weather=weather)
        fitted, run = selection.model, selection.run
        chosen = _chosen_scores(selection.candidates)
        info = {"name": run.model, "params": dict(fitted.params), "chosen_by": "backtest", "backtest": chosen,
                "versus_baseline": run.backtest.get("versus_baseline"), "fitted_at": run.created_at.isoformat()}
    else:
        fitted = make_model(model, calendar).fit(history, weather)
        info = {"name": model, "params": dict(fitted.params), "chosen_by": "request", "backtest": {},
                "fitted_at": dt.datetime.now(dt.timezone.utc).isoformat()}
    return fitted, info


def _chosen_scores(candidates: tuple[Any, ...]) -> dict[str, float | None]:
    """The backtest scores of the winning candidate (none when history was too short to backtest)."""
    from analytics.forecast import pick_best

    best = pick_best(list(candidates)) if candidates else None
    if best is None:
        return {}
    row = best.scores.as_dict()
    return _reported(row)


# The scores an answer reports: scale-free and finite on a room that reads zero all weekend (not MAPE).
REPORTED_SCORES = ("wape", "mase", "cv_rmse")


def _reported(row: dict[str, Any]) -> dict[str, float | None]:
    return {k: (None if row.get(k) is None else round(float(row[k]), 4)) for k in REPORTED_SCORES}


def _stored_model(ctx: ApiContext, series_key: str, now: dt.datetime) -> Any:
    """The series' fresh model saved by the nightly refit (autovolt.model_refit), or None; loaded models are kept
    in the context, keyed by their folder."""
    from store.model_runs import StoredModels

    models = ctx.cache.get("stored_models") or ctx.cache.setdefault("stored_models", StoredModels())
    return models.latest(ctx.database_url, series_key, now)


def _stored_info(stored: Any) -> dict[str, Any]:
    chosen = stored.chosen
    return {"name": stored.run.model, "params": dict(stored.run.params), "chosen_by": "backtest",
            "backtest": _reported(chosen), "versus_baseline": stored.run.backtest.get("versus_baseline"),
            "fitted_at": stored.run.created_at.isoformat()}


def _json_number(value: float) -> float | None:
    return round(float(value), 3) if np.isfinite(value) else None


def _run_forecast(ctx: ApiContext, body: ForecastRequest, campus: Any, target: Target) -> dict[str, Any]:
    from analytics.forecast import ForecastError

    now = ctx.clock()
    history = hourly_history(ctx.database_url, target, now - dt.timedelta(days=body.history_days), now, campus.timezone)
    if history.notna().sum() == 0:
        raise HTTPException(422, f"no energy readings for {target.kind} {target.id} in the last {body.history_days} days")
    # Drop the hour in progress: its energy is still being counted and would look like a drop.
    current_hour = pd.Timestamp(now).tz_convert(campus.timezone).tz_localize(None).floor("h")
    history = history[history.index < current_hour]
    # Outdoor temperature on the same campus-local hours: the history's (and a week before it) and the hours ahead.
    weather = stored_temperature(ctx.database_url, now - dt.timedelta(days=body.history_days + 7),
                                 now + dt.timedelta(hours=MAX_HOURS + 48), campus.timezone)
    key = (target.series_key, body.model, str(history.index[-1]) if len(history) else "", body.history_days)
    cached = ctx.cache.get(("forecast",) + key)
    stored = _stored_model(ctx, target.series_key, now) if body.model == "auto" else None
    try:
        if stored is not None:  # the nightly refit's choice: no backtest per request
            fitted, info = stored.model, _stored_info(stored)
        elif cached is not None and time.monotonic() - cached[0] < ctx.forecast_ttl_s:
            fitted, info = cached[1], cached[2]
        else:
            fitted, info = _fit(history, CampusCalendar.of_campus(campus), body.model, target.series_key, weather)
            ctx.cache[("forecast",) + key] = (time.monotonic(), fitted, info)
            record_model_fit(target.series_key, info["backtest"].get("wape"))
        last = history.index[-1]
        if body.freq == "h":
            hours = body.periods
        else:  # whole local days after the current one
            hours = int((last.normalize() + pd.Timedelta(days=1) - last) / pd.Timedelta(hours=1)) - 1 + 24 * body.periods
        frame = fitted.forecast(history, hours, weather=weather)
    except ForecastError as exc:
        raise HTTPException(422, str(exc)) from None
    except ValueError as exc:  # the analytics core's one-line reasons for series it cannot use
        raise HTTPException(422, str(exc).splitlines()[0]) from None
    if body.freq == "D":
        frame = frame[frame.index >= last.normalize() + pd.Timedelta(days=1)]
        frame = frame.groupby(frame.index.normalize()).sum(min_count=1).iloc[: body.periods]
    stamps = localize(pd.DatetimeIndex(frame.index), campus.timezone)
    points = [{"timestamp": ts.isoformat(), "value": _json_number(row.yhat), "lower": _json_number(row.yhat_lower),
               "upper": _json_number(row.yhat_upper)} for ts, row in zip(stamps, frame.itertuples())]
    total = frame.sum(min_count=1)
    return {
        "target": {"kind": target.kind, "id": target.id, "name": target.name},
        "freq": body.freq,
        "unit": "Wh",
        "model": info,
        "interval": INTERVAL,
        "history": {"start": localize(pd.DatetimeIndex([history.index[0]]), campus.timezone)[0].isoformat(),
                    "end": localize(pd.DatetimeIndex([history.index[-1]]), campus.timezone)[0].isoformat(),
                    "hours": int(history.notna().sum())},
        "forecast": [p for p in points if p["value"] is not None],
        "total": {"timestamp": points[0]["timestamp"] if points else "", "value": _json_number(total.yhat) or 0.0,
                  "lower": _json_number(total.yhat_lower), "upper": _json_number(total.yhat_upper)},
    }


@router.post("/energy", response_model=ForecastResponse,
             responses={404: {"description": "No such switch, room or building"},
                        422: {"description": "Invalid request, or not enough history to forecast"}})
async def forecast_energy(body: ForecastRequest, request: Request) -> dict[str, Any]:
    """Forecast energy use with an 80 % interval, saying which model produced it and how it scored in backtests."""
    ctx: ApiContext = request.app.state.api
    campus, _ = await asyncio.to_thread(ctx.campus)
    try:
        target = find_target(campus, device_id=body.device_id, room_id=body.room_id, building_id=body.building_id)
    except UnknownTarget as exc:
        raise HTTPException(404, str(exc)) from None
    async with ctx.fit_gate:  # CPU-bound fits one at a time; the event loop stays free for the bot
        result = await asyncio.to_thread(_run_forecast, ctx, body, campus, target)
    log.info("forecast served", extra={"kv": {"series": target.series_key, "model": result["model"]["name"],
                                              "periods": body.periods, "freq": body.freq}})
    return result
