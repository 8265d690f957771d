"""Outdoor temperature in the day-ahead model: an air-conditioned room follows the weather, which last week's
readings only see a week late."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.dayahead import BASE_FEATURES, WEATHER_FEATURES, DayAhead
from analytics.forecast import choose_model, forecast, make_model
from analytics.persistence import load_model, save_model

from .conftest import classroom, spells

WEEKS = 40


def weather(weeks: int = WEEKS, seed: int = 11) -> pd.Series:
    """A hot-climate outdoor temperature: a daily cycle on top of spells of hot and mild days (2-6 days each)."""
    rng = np.random.default_rng(seed)
    idx = pd.date_range("2025-01-06", periods=weeks * 168, freq="h")
    spell = spells(len(idx), rng, (2, 7), (24.0, 40.0))
    daily = 5.0 * np.sin((idx.hour.to_numpy() - 9) / 24 * 2 * np.pi)
    return pd.Series(spell + daily + rng.normal(0, 0.5, len(idx)), index=idx, name="temperature")


def cooled_classroom(temp: pd.Series) -> pd.Series:
    """A classroom whose AC draws 0.15 kW per degree above 26 C while classes run."""
    room = classroom(weeks=WEEKS, seed=4, noise=0.02)
    in_class = room.to_numpy() > 0.5
    return room + in_class * 0.15 * np.clip(temp.to_numpy() - 26.0, 0.0, None)


def _day_ahead_rmse(model, series: pd.Series, temp: pd.Series | None, origins: list[pd.Timestamp]) -> float:
    errors = []
    for origin in origins:
        past = series[: origin - pd.Timedelta(hours=1)]
        actual = series[origin : origin + pd.Timedelta(hours=23)].to_numpy()
        errors.append(model.forecast(past, 24, intervals=False, weather=temp)["yhat"].to_numpy() - actual)
    return float(np.sqrt(np.mean(np.square(errors))))


def test_temperature_cuts_the_day_ahead_error_of_a_weather_driven_room():
    temp = weather()
    series = cooled_classroom(temp)
    train = series[: series.index[0] + pd.Timedelta(weeks=32) - pd.Timedelta(hours=1)]
    origins = [train.index[-1] + pd.Timedelta(hours=1 + 31 * k) for k in range(40)]
    plain = make_model("blend", day_ahead=0.5).fit(train)
    informed = make_model("blend", day_ahead=0.5).fit(train, temp)
    assert not plain.direct.uses_weather and informed.direct.uses_weather
    assert informed.direct.model.n_features_in_ == BASE_FEATURES + WEATHER_FEATURES
    assert _day_ahead_rmse(informed, series, temp, origins) < 0.85 * _day_ahead_rmse(plain, series, None, origins)


def test_a_model_fitted_with_weather_still_forecasts_without_it():
    temp = weather()
    series = cooled_classroom(temp)
    past = series.iloc[:-168]  # up to Sunday night: the next 48 h are class days
    model = make_model("blend", day_ahead=0.5).fit(past, temp)
    blind = model.forecast(past, 48, weather=None)
    assert np.isfinite(blind["yhat"]).all() and (blind["yhat"] >= 0).all()
    # ... and the weather it is given is what moves the forecast: a hotter Monday means more AC.
    hotter = temp.copy()
    hotter.iloc[-168:-120] += 8.0
    usual = model.forecast(past, 48, weather=temp)["yhat"].sum()
    assert model.forecast(past, 48, weather=hotter)["yhat"].sum() > 1.05 * usual


def test_weather_that_covers_too_little_of_the_history_is_not_learnt_from():
    temp = weather()
    series = cooled_classroom(temp)
    recent_only = temp.iloc[-3 * 168 :]  # a feed that started three weeks ago
    model = DayAhead().fit(series, recent_only)
    assert model.model is not None and not model.uses_weather
    assert model.model.n_features_in_ == BASE_FEATURES


def test_a_weather_model_is_saved_and_reloaded_with_its_temperature_features(tmp_path):
    temp = weather()
    series = cooled_classroom(temp)
    selection = choose_model(series.iloc[:-48], weather=temp)
    folder = save_model(selection.model, tmp_path / "room")
    restored = load_model(folder)
    before = selection.model.forecast(series.iloc[:-48], 48, weather=temp)["yhat"].to_numpy()
    after = restored.forecast(series.iloc[:-48], 48, weather=temp)["yhat"].to_numpy()
    np.testing.assert_allclose(after, before, rtol=1e-9)
    assert restored.direct.uses_weather and selection.model.state()["day_ahead_weather"]


def test_forecast_entry_point_takes_the_weather():
    temp = weather()
    series = cooled_classroom(temp)
    frame, selection = forecast(series.iloc[:-24], 24, weather=temp)
    assert len(frame) == 24 and selection.model.direct.uses_weather
