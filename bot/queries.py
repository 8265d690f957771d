"""Answers to questions: device status, energy used, forecasts and alerts, each as a `Reply` (text, maybe a chart).

Blocking (database reads, pandas, matplotlib): the conversation runs these in a worker thread.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol
from zoneinfo import ZoneInfo

import pandas as pd

from analytics.series import local_hours, utc_hours
from bot import charts, records
from bot.replies import Reply, room_list
from devices.model import BoardLiveness, SwitchState
from nlu.command import Period
from store.campus import Campus
from store.db import session_scope
from store.model_runs import StoredModel, StoredModels, room_series_key
from store.readings import readings_frame
from store.weather import stored_temperature

log = logging.getLogger(__name__)

# A room's reply uses the model the nightly refit chose and saved (autovolt.model_refit): loading it takes
# milliseconds. Without a fresh one (a building, a new room, the job not run) a quick model keeps the reply fast.
FORECAST_MODEL = "weekly-median"
FORECAST_HISTORY = dt.timedelta(weeks=6)
DEFAULT_FORECAST_HOURS = 24
MAX_FORECAST_HOURS = 7 * 24
# Outdoor temperature read for a forecast: a week before the history (the day-ahead model compares each hour with
# the same hour a week before) to a day past the longest reply.
WEATHER_LEAD = dt.timedelta(weeks=1)
WEATHER_AHEAD = dt.timedelta(hours=MAX_FORECAST_HOURS + 24)


class StateSource(Protocol):
    """The part of the device gateway the questions need."""

    def state(self, switch_id: str) -> SwitchState: ...

    def board_liveness(self) -> dict[str, BoardLiveness]: ...


@dataclass(frozen=True)
class Scope:
    """The rooms a question is about and how to name them ("Classroom 101", "Block A", "the campus")."""

    room_ids: tuple[str, ...]
    label: str


class Queries:
    def __init__(self, campus: Campus, fleet: StateSource, database_url: str) -> None:
        self.campus = campus
        self.fleet = fleet
        self.database_url = database_url
        self.tz = ZoneInfo(campus.timezone)
        self.models = StoredModels()

    # --- status ---------------------------------------------------------------------------------------------

    def status(self, scope: Scope, switch_ids: Sequence[str] = (), summary: bool = False) -> Reply:
        """On/off of the scope's switches (only `switch_ids` when given). Over more than three rooms, the rooms with
        something on are listed; so too for `switch_ids` with `summary` (a kind of device asked about everywhere)."""
        live = self.fleet.board_liveness()
        by_room: dict[str, list] = {}
        wanted = set(switch_ids)
        for sw in self.campus.switches:
            if sw.room_id in scope.room_ids and (not wanted or sw.id in wanted):
                by_room.setdefault(sw.room_id, []).append(sw)
        if not by_room:
            return Reply("I found no devices there.", "answered")
        lines: list[str] = []
        many = len(by_room) > 3 and (not wanted or summary)
        on_total = 0
        for room_id, switches in by_room.items():
            room = self.campus.room(room_id)
            states = [(sw, self.fleet.state(sw.id).on) for sw in switches]
            on = [sw for sw, st in states if st]
            on_total += len(on)
            offline = sorted({sw.board_id for sw in switches if sw.board_id and live.get(sw.board_id)
                              and live[sw.board_id].online is False})
            note = f" (board {', '.join(offline)} offline: states may be stale)" if offline else ""
            if many:
                if on or offline:
                    lines.append(f"{room.name}: {', '.join(_word(sw.name) for sw in on) + ' on' if on else 'all off'}{note}")
                continue
            parts = [f"{_word(sw.name)} {'on' if st else 'off' if st is False else 'unknown'}" for sw, st in states]
            lines.append(f"{room.name}: {', '.join(parts)}{note}")
        if many:
            head = f"{scope.label}: {on_total} device{'s' if on_total != 1 else ''} on"
            lines = [head] + (lines or ["Everything is off."])
        return Reply("\n".join(lines), "answered")

    # --- energy ---------------------------------------------------------------------------------------------

    def _energy_rows(self, room_ids: Sequence[str], start: dt.datetime, end: dt.datetime) -> pd.DataFrame:
        """Every energy row of the rooms: per switch, and room totals (switch_id missing) from metered boards."""
        with session_scope(self.database_url) as session:
            frame = readings_frame(session, start, end, room_ids=list(room_ids))
        return frame if frame.empty else frame[frame["energy_wh"].notna()]

    def _energy_frame(self, room_ids: Sequence[str], start: dt.datetime, end: dt.datetime) -> pd.DataFrame:
        return _without_double_count(self._energy_rows(room_ids, start, end))

    def energy(self, scope: Scope, period: Period | None, now: dt.datetime, switch_ids: Sequence[str] = (),
               cost: bool = False, peak: bool = False) -> Reply:
        """Energy used by the scope's rooms in the period, or by `switch_ids` only ("the AC in Classroom 102").
        `cost`: say what it cost at the campus tariff; `peak`: lead with the peak hour's demand."""
        period = period or self.today(now)
        end = min(period.end, now.astimezone(self.tz)) if period.start < now else period.end
        rows = self._energy_rows(scope.room_ids, period.start, end)
        span = self.period_text(period, now, so_far=True)
        label = scope.label
        if switch_ids:
            frame = rows[rows["switch_id"].isin(list(switch_ids))] if not rows.empty else rows
            label = f"{self._devices_text(switch_ids)} in {scope.label}"
            if frame.empty and not rows.empty:
                return Reply(f"{scope.label} is metered as a whole, so the energy of the "
                             f"{self._devices_text(switch_ids, lower=True)} on its own is not measured. Ask about the "
                             "room for its total.", "answered")
        else:
            frame = _without_double_count(rows)
        if frame.empty:
            return Reply(f"No energy readings for {label} {span}.", "answered")
        total = frame["energy_wh"].sum() / 1000
        per_room = frame.groupby("room_id")["energy_wh"].sum().sort_values(ascending=False) / 1000
        lines = [f"{label} used {total:,.1f} kWh {span}."]
        first = frame["ts"].min().tz_convert(self.tz)
        if first - pd.Timestamp(period.start).tz_convert(self.tz) > pd.Timedelta(days=1):
            # "energy in October" with readings from the 10th: the total covers less than the month.
            lines[0] = (f"{label} used {total:,.1f} kWh {span}; readings start on {first.strftime('%a %d %b')}, "
                        "so that is all it covers.")
        if cost:
            lines.append(self._cost_line(frame))
        if peak:
            hourly = frame.groupby(frame["ts"].dt.tz_convert(self.tz).dt.floor("h"))["energy_wh"].sum() / 1000
            at = hourly.idxmax()
            hour = at.strftime("%H:%M") if len(set(hourly.index.date)) == 1 else at.strftime("%a %d %b %H:%M")
            lines.insert(0, f"Peak demand {span}: {hourly.max():,.1f} kW (the average over the hour from {hour}) "
                            f"in {label}.")
        if len(per_room) > 1:
            top = [f"{self.campus.room(r).name} {v:,.1f} kWh" for r, v in per_room.head(5).items() if v > 0]
            lines.append("Most: " + ", ".join(top) + ".")
        days = (end - period.start).total_seconds() / 86400
        local = frame["ts"].dt.tz_convert(self.tz)
        step = "D" if days > 2 else "h"
        series = frame.groupby(local.dt.floor(step))["energy_wh"].sum() / 1000
        if len(series) > 1:
            peak_at, peak = series.idxmax(), series.max()
            when = peak_at.strftime("%a %d %b") if step == "D" else peak_at.strftime("%H:%M")
            lines.append(f"Peak: {peak:,.1f} kWh {'on' if step == 'D' else 'in the hour from'} {when}.")
            chart = charts.energy_chart(series, f"{label}: energy {span}", self.campus.timezone)
            return Reply("\n".join(lines), "answered", chart=chart, chart_name="energy.png")
        return Reply("\n".join(lines), "answered")

    def _cost_line(self, frame: pd.DataFrame) -> str:
        """What the readings cost at the campus tariff, hour by hour (time-of-day bands apply to their hours)."""
        from store.tariff import format_money

        tariff = self.campus.tariff
        if tariff is None:
            return "No tariff is set in the campus file, so I cannot put a price on it (see the operator guide)."
        local = frame["ts"].dt.tz_convert(self.tz)
        hourly = frame.groupby(local.dt.floor("h"))["energy_wh"].sum() / 1000
        amount = sum(kwh * tariff.price_at(ts.time()) for ts, kwh in hourly.items())
        # "INR 8.5/kWh, 11/kWh from 18:00 to 22:00": each band's price says what it is a price of.
        rates = f"{tariff.per_kwh:g}/kWh" + "".join(
            f", {b.per_kwh:g}/kWh from {b.start.strftime('%H:%M')} to {b.end.strftime('%H:%M')}" for b in tariff.bands)
        return f"Cost: about {format_money(amount, tariff.currency)} at the campus tariff ({tariff.currency} {rates})."

    def compare(self, places: Sequence[Scope], period: Period | None, now: dt.datetime, cost: bool = False) -> Reply:
        """Energy of each place side by side in one period ("compare block A and block B this week")."""
        from store.tariff import format_money

        period = period or self.today(now)
        end = min(period.end, now.astimezone(self.tz)) if period.start < now else period.end
        span = self.period_text(period, now, so_far=True)
        totals = []
        for place in places:
            frame = self._energy_frame(place.room_ids, period.start, end)
            kwh = frame["energy_wh"].sum() / 1000 if not frame.empty else 0.0
            money = ""
            if cost and self.campus.tariff is not None and not frame.empty:
                local = frame["ts"].dt.tz_convert(self.tz)
                hourly = frame.groupby(local.dt.floor("h"))["energy_wh"].sum() / 1000
                amount = sum(v * self.campus.tariff.price_at(ts.time()) for ts, v in hourly.items())
                money = f", {format_money(amount, self.campus.tariff.currency)}"
            totals.append((place.label, kwh, money))
        lines = [f"Energy {span}:"] + [f"- {label}: {kwh:,.1f} kWh{money}" for label, kwh, money in totals]
        ranked = sorted(totals, key=lambda t: t[1], reverse=True)
        if len(ranked) >= 2 and ranked[1][1] > 0:
            more = (ranked[0][1] / ranked[1][1] - 1) * 100
            lines.append(f"{ranked[0][0]} used {more:,.0f}% more than {ranked[1][0]}.")
        return Reply("\n".join(lines), "answered")

    def offline_boards(self, room_ids: Sequence[str] | None) -> Reply:
        """The boards that do not answer, in the rooms given (all when None) — not the alert list."""
        live = self.fleet.board_liveness()
        wanted = set(room_ids) if room_ids is not None else None
        boards = [b for b in self.campus.boards if wanted is None or b.room_id in wanted]
        down = [(b, live.get(b.id)) for b in boards if live.get(b.id) is not None and live[b.id].online is False]
        unheard = [b for b in boards if live.get(b.id) is None or live[b.id].online is None]
        if not down and not unheard:
            return Reply(f"Every board is online ({len(boards)} boards).", "answered")
        lines = [f"Offline boards ({len(down)} of {len(boards)}):" if down
                 else f"No board is offline ({len(boards)} boards)."]
        lines += [f"- {b.id} ({self.campus.room(b.room_id).name}): {state.reason or 'not answering'}"
                  for b, state in down]
        if unheard:
            lines.append("Not heard from yet: " + ", ".join(b.id for b in unheard[:10]) + (
                f" and {len(unheard) - 10} more" if len(unheard) > 10 else ""))
        return Reply("\n".join(lines), "answered")

    def _devices_text(self, switch_ids: Sequence[str], lower: bool = False) -> str:
        """"The AC", "The lights and fans", "The projector and 3 more devices"."""
        by_id = {sw.id: sw for sw in self.campus.switches}
        kinds: list[str] = []
        for sid in switch_ids:
            sw = by_id.get(sid)
            if sw is not None and _word(sw.name) not in kinds:
                kinds.append(_word(sw.name))
        text = " and ".join(kinds) if len(kinds) <= 2 else f"{kinds[0]} and {len(kinds) - 1} more devices"
        return ("the " if lower else "The ") + text

    # --- forecast -------------------------------------------------------------------------------------------

    def forecast(self, scope: Scope, period: Period | None, now: dt.datetime) -> Reply:
        from analytics.forecast import ForecastError, forecast

        frame = self._energy_frame(scope.room_ids, now - FORECAST_HISTORY, now)
        if frame.empty:
            return Reply(f"There is no history for {scope.label} to forecast from yet.", "answered")
        hourly = frame.groupby(frame["ts"].dt.floor("h"))["energy_wh"].sum() / 1000
        index = hourly.index.tz_convert("UTC").tz_localize(None)
        history = pd.Series(hourly.to_numpy(), index=index)
        history = history.reindex(pd.date_range(index[0], index[-1], freq="h"))
        last = index[-1].tz_localize("UTC")
        horizon = DEFAULT_FORECAST_HOURS
        if period is not None and period.end > last:
            horizon = int(min(MAX_FORECAST_HOURS, max(1, (period.end - last).total_seconds() // 3600)))
        stored = self._stored_model(scope, now)
        try:
            if stored is not None:
                weather = self._weather(now, self.campus.timezone)
                predicted = self._forecast_stored(stored, history, horizon, now, weather)
                local_now = pd.Timestamp(now).tz_convert(self.tz).tz_localize(None)
                with_weather = " with the outdoor temperature forecast" if _uses_weather_ahead(
                    stored.model, weather, local_now) else ""
                how = (f"Forecast by the method that predicted {scope.label} best in recent weeks, "
                       f"chosen nightly{with_weather}."
                       + _track_record(stored.run.backtest.get("versus_baseline")))
            else:
                predicted, _selection = forecast(history, horizon, model=FORECAST_MODEL)  # no day-ahead part: no weather
                how = "Forecast from the same hours of recent weeks" + (
                    f" (no fresh nightly model for {scope.label})." if len(scope.room_ids) == 1 else ".")
        except (ForecastError, ValueError) as exc:
            return Reply(f"I cannot forecast {scope.label} yet: {exc}", "answered")
        if period is not None:
            start, end = period.start.astimezone(dt.timezone.utc).replace(tzinfo=None), period.end.astimezone(dt.timezone.utc).replace(tzinfo=None)
            window = predicted[(predicted.index >= start) & (predicted.index < end)]
            if not window.empty:
                predicted_span = window
                span = self.period_text(period, now)
            else:
                predicted_span, span = predicted, f"in the next {horizon} hours"
        else:
            predicted_span, span = predicted, f"in the next {horizon} hours"
        total = predicted_span["yhat"].sum()
        low, high = predicted_span["yhat_lower"].sum(), predicted_span["yhat_upper"].sum()
        used = self._used_before(history, period, predicted_span.index[0]) if period is not None else 0.0
        if used > 0:
            # "this week" on a Thursday: the days gone are readings, not a forecast; say both and add them up.
            so_far = self.period_text(period, now, so_far=True)
            text = (f"{scope.label} has used {used:,.1f} kWh {so_far} and is expected to use about {total:,.1f} kWh "
                    f"more: {used + total:,.1f} kWh {span} (likely between {used + low:,.1f} and {used + high:,.1f} kWh). {how}")
        else:
            text = (f"{scope.label} is expected to use about {total:,.1f} kWh {span} "
                    f"(likely between {low:,.1f} and {high:,.1f} kWh). {how}")
        chart = charts.forecast_chart(history.tail(72).dropna(), predicted, f"{scope.label}: forecast", self.campus.timezone)
        return Reply(text, "answered", chart=chart, chart_name="forecast.png")

    @staticmethod
    def _used_before(history: pd.Series, period: Period, first_forecast: pd.Timestamp) -> float:
        """kWh read within the period before the first forecast hour (0 when the period starts later)."""
        start = pd.Timestamp(period.start).tz_convert("UTC").tz_localize(None)
        return float(history[(history.index >= start) & (history.index < first_forecast)].sum())

    def _stored_model(self, scope: Scope, now: dt.datetime) -> StoredModel | None:
        """The room's fresh nightly model, if any (only single rooms have one); a store error means none."""
        if len(scope.room_ids) != 1:
            return None
        try:
            return self.models.latest(self.database_url, room_series_key(scope.room_ids[0]), now)
        except Exception:  # the quick model still answers
            log.exception("stored model lookup failed")
            return None

    def _forecast_stored(self, stored: StoredModel, history: pd.Series, horizon: int, now: dt.datetime,
                         weather: pd.Series | None = None) -> pd.DataFrame:
        """Forecast with a stored model. It was fitted on Wh per campus-local hour, without the hour in progress
        (as autovolt.model_refit reads the store); the reply works in kWh per UTC hour, so convert both ways."""
        current = pd.Timestamp(now).tz_convert("UTC").tz_localize(None).floor("h")
        kept = history[history.index < current]
        if kept.notna().sum() == 0:
            raise ValueError("no complete hour of readings yet")
        wh = local_hours(kept * 1000, self.tz)
        last_utc = history.index[-1]
        # The hour in progress was left out: forecast it too, then keep the hours after the reply's history.
        frame = stored.model.forecast(wh, horizon + int((last_utc - kept.index[-1]) / pd.Timedelta(hours=1)),
                                      weather=weather)
        stamps = utc_hours(pd.DatetimeIndex(frame.index), self.tz)
        frame = frame[["yhat", "yhat_lower", "yhat_upper"]] / 1000
        frame.index = stamps
        return frame[frame.index > last_utc].iloc[:horizon]

    def _weather(self, now: dt.datetime, tz: str) -> pd.Series | None:
        """Stored outdoor temperature around a reply's history and hours ahead, on campus-local hours of `tz`; None
        without a feed."""
        return stored_temperature(self.database_url, now - FORECAST_HISTORY - WEATHER_LEAD, now + WEATHER_AHEAD, tz)

    # --- alerts ---------------------------------------------------------------------------------------------

    def alerts(self, room_ids: Sequence[str] | None, place: str = "") -> Reply:
        """Open alerts and offline boards of the rooms (all when None); `place` names them in the all-clear."""
        from bot.alert_chat import line

        rows = records.firing_alerts(self.database_url, room_ids)
        wanted = set(room_ids) if room_ids is not None else None
        lines = [f"- {line(self.campus, alert)}" for alert in rows]
        live = self.fleet.board_liveness()
        for board in self.campus.boards:
            state = live.get(board.id)
            if state is not None and state.online is False and (wanted is None or board.room_id in wanted):
                lines.append(f"- {self.campus.room(board.room_id).name}: board {board.id} offline ({state.reason})")
        if not lines and place:
            return Reply(f"Nothing wrong that I can see in {place}: no open alerts, and every board there is reachable.",
                         "answered")
        if not lines:
            return Reply("No open alerts and every board is reachable.", "answered")
        hint = "\n(\"ack 12\" acknowledges #12, \"snooze it for an hour\" snoozes it)" if rows else ""
        return Reply("Open alerts:\n" + "\n".join(lines[:25]) + hint, "answered",
                     detail={"alerts": [a.id for a in rows[:25]]})

    # --- helpers --------------------------------------------------------------------------------------------

    def today(self, now: dt.datetime) -> Period:
        local = now.astimezone(self.tz)
        start = local.replace(hour=0, minute=0, second=0, microsecond=0)
        return Period(start, start + dt.timedelta(days=1))

    def period_text(self, period: Period, now: dt.datetime, so_far: bool = False) -> str:
        """How a reply names `period`. `so_far`: the figures stop at `now` (energy used), so a period still
        running ends "so far" rather than at a date that has not come yet."""
        start, end = period.start.astimezone(self.tz), period.end.astimezone(self.tz)
        local_now = now.astimezone(self.tz)
        today = local_now.date()
        running = so_far and start <= local_now < end
        if end - start == dt.timedelta(days=1) and start.time() == dt.time(0):
            if start.date() == today:
                return "today so far" if running else "today"
            if start.date() == today - dt.timedelta(days=1):
                return "yesterday"
            if start.date() == today + dt.timedelta(days=1):
                return "tomorrow"
            return f"on {start.strftime('%a %d %b')}"
        if running:
            since = start.strftime('%a %d %b') + (f" {start.strftime('%H:%M')}" if start.time() != dt.time(0) else "")
            return f"from {since} until now (so far)"
        last = end - dt.timedelta(seconds=1)
        return f"from {start.strftime('%d %b')} to {last.strftime('%d %b')}"

    def scope_label(self, room_ids: Sequence[str], building_ids: Sequence[str] = ()) -> str:
        if building_ids:
            names = [b.name for b in self.campus.buildings if b.id in building_ids]
            return " and ".join(names)
        if len(room_ids) == len(self.campus.rooms):
            return "The campus"
        if len(room_ids) <= 3:
            return room_list(self.campus, room_ids)
        return f"{len(room_ids)} rooms"


def _without_double_count(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows that add up to the rooms' use: a metered board reports its room's total; where one exists, that room's
    switch rows would count twice."""
    if frame.empty:
        return frame
    metered = set(frame.loc[frame["switch_id"].isna(), "room_id"])
    return frame[frame["switch_id"].isna() | ~frame["room_id"].isin(metered)]


def _word(name: str) -> str:
    return name if name.isupper() else name.lower()




def _track_record(versus: dict | None) -> str:
    """The nightly check against simply repeating last week, in words (no model names): " In the last 12 weeks it
    erred 23 % less than repeating last week's use (better in 9 of them)." Empty without a check."""
    if not versus or not versus.get("origins"):
        return ""
    weeks = int(versus["origins"])
    if versus.get("is_baseline") or float(versus.get("gain") or 0.0) <= 0:
        return (f" It repeats last week's use: nothing forecast this room better in the last {weeks} weeks' checks."
                if weeks > 1 else " It repeats last week's use.")
    return (f" In the last {weeks} weeks' checks it erred {float(versus['gain']) * 100:.0f} % less than repeating last week's "
            f"use (closer in {int(versus['origins_better'])} of {weeks} weeks).")


def _uses_weather_ahead(model, weather: pd.Series | None, local_now: pd.Timestamp) -> bool:
    """True when the model learnt from the temperature and the stored weather has a forecast for an hour after
    `local_now` (naive campus-local time, the clock `weather` is on): then the reply can say the forecast used it."""
    direct = getattr(model, "direct", None)
    if weather is None or direct is None or direct.model is None or not direct.uses_weather:
        return False
    return bool(weather[weather.index > local_now].notna().any())
