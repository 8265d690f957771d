"""The stored outdoor temperature reaches the models: the nightly refit learns from it when a year is stored (and
not without), and the bot's and the API's forecasts pass the temperature ahead, so a hotter forecast means more AC."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analytics.persistence import load_model
from autovolt.model_refit import run_refit
from store.campus import parse_campus_text
from store.db import session_scope, upgrade
from store.readings import insert_frame
from store.registry import sync_campus
from store.weather import TemperatureHour, upsert_temperatures
from tests.analytics.conftest import spells
from tests.weather.conftest import CAMPUS_WITH_COORDS

API_KEY = "test-key-0123456789"
WEEKS = 20
TZ = "Asia/Kolkata"


def _year_of_weather(hours: pd.DatetimeIndex) -> np.ndarray:
    """A hot climate: spells of mild and hot days (2-6 days each) and a daily cycle peaking mid-afternoon IST."""
    rng = np.random.default_rng(5)
    local_hour = hours.tz_convert(TZ).hour.to_numpy()
    return spells(len(hours), rng, (2, 7), (24.0, 40.0)) + 5.0 * np.sin((local_hour - 9) / 24 * 2 * np.pi)


def _ac_room(hours: pd.DatetimeIndex, temp: np.ndarray) -> np.ndarray:
    """A reading room's AC, on 09-21 IST every day: 1.4 kWh an hour plus 0.15 kWh per degree above 26 C."""
    rng = np.random.default_rng(6)
    local_hour = hours.tz_convert(TZ).hour.to_numpy()
    open_ = (local_hour >= 9) & (local_hour < 21)
    wh = 100.0 + open_ * (1400.0 + 150.0 * np.clip(temp - 26.0, 0.0, None))
    return wh * (1 + rng.normal(0, 0.02, len(hours)))


@pytest.fixture
def campus_url(sqlite_url: str) -> tuple[str, dt.datetime, pd.DatetimeIndex, np.ndarray]:
    """The campus, WEEKS of hourly readings up to the last whole hour, and a year of temperature (not stored yet)
    with three days of forecast."""
    upgrade(sqlite_url)
    now = dt.datetime.now(dt.timezone.utc)
    this_hour = pd.Timestamp(now).floor("h")
    hours = pd.date_range(this_hour - pd.Timedelta(days=365), this_hour + pd.Timedelta(hours=71), freq="h")
    temp = _year_of_weather(hours)
    readings = hours[(hours >= this_hour - pd.Timedelta(weeks=WEEKS)) & (hours < this_hour)]
    energy = _ac_room(readings, temp[hours.get_indexer(readings)])
    with session_scope(sqlite_url) as s:
        sync_campus(s, parse_campus_text(CAMPUS_WITH_COORDS))
        insert_frame(s, pd.DataFrame({"ts": readings, "switch_id": "cr-101-ac", "room_id": "cr-101",
                                      "energy_wh": energy, "power_w": energy}))
    return sqlite_url, now, hours, temp


def _store_weather(url: str, hours: pd.DatetimeIndex, temp: np.ndarray, now: dt.datetime, fetched_at: dt.datetime) -> None:
    batch = [TemperatureHour(ts.to_pydatetime(), float(t), "observed" if ts <= now else "forecast")
             for ts, t in zip(hours, temp)]
    with session_scope(url) as s:
        upsert_temperatures(s, batch, "test", fetched_at)


def _state(result) -> dict:
    """The state saved in the model's folder, which the reloaded model reports too."""
    saved = json.loads((Path(result.artifact) / "meta.json").read_text())["state"]
    assert load_model(result.artifact).state()["day_ahead_weather"] == saved["day_ahead_weather"]
    return saved


def _api_total(url: str) -> float:
    from fastapi.testclient import TestClient

    from autovolt.http_api import create_app
    from autovolt.settings import load_settings

    with TestClient(create_app({}, load_settings(database_url=url, api_key=API_KEY))) as client:
        answer = client.post("/api/forecast/energy", json={"room_id": "cr-101", "periods": 24},
                             headers={"X-API-Key": API_KEY})
    assert answer.status_code == 200, answer.text
    assert answer.json()["model"]["chosen_by"] == "backtest"
    return answer.json()["total"]["value"]


def _bot_kwh(url: str, now: dt.datetime, how: str = "chosen nightly") -> float:
    from bot.queries import Queries, Scope
    from store.registry import load_registry

    with session_scope(url) as s:
        campus = load_registry(s)
    reply = Queries(campus, None, url).forecast(Scope(("cr-101",), "Classroom 101"), None, now)
    assert how in reply.text, reply.text
    return float(re.search(r"expected to use about ([\d,.]+) kWh", reply.text).group(1).replace(",", ""))


def test_the_refit_learns_from_a_year_of_weather_and_forecasts_follow_the_forecast_temperature(campus_url, tmp_path: Path):
    url, now, hours, temp = campus_url
    blind = run_refit(url, tmp_path, workers=1)[0]
    assert blind.status == "chosen", blind.line()
    assert _state(blind)["has_day_ahead"] and not _state(blind)["day_ahead_weather"]
    _bot_kwh(url, now, "chosen nightly.")  # no temperature learnt: the reply does not claim one

    _store_weather(url, hours, temp, now, now)
    informed = run_refit(url, tmp_path, workers=1)[0]
    assert informed.status == "refitted", informed.line()
    assert _state(informed)["day_ahead_weather"]

    usual_api, usual_bot = _api_total(url), _bot_kwh(url, now, "chosen nightly with the outdoor temperature forecast")
    # A newer forecast says the next three days run 8 C hotter: more AC, in both the API and the bot.
    ahead = hours > pd.Timestamp(now)
    _store_weather(url, hours[ahead], temp[ahead] + 8.0, now, now + dt.timedelta(minutes=1))
    hotter_api, hotter_bot = _api_total(url), _bot_kwh(url, now)
    assert hotter_api > 1.05 * usual_api, (usual_api, hotter_api)
    assert hotter_bot > 1.05 * usual_bot, (usual_bot, hotter_bot)
