"""The service runs the weather feed only when it is enabled and the campus file gives coordinates."""

from __future__ import annotations

import pytest

from autovolt.settings import SettingsError, load_settings
from autovolt.wiring import build_service
from tests.conftest import DEMO_CAMPUS
from tests.weather.conftest import CAMPUS_WITH_COORDS, COORDS


def _names(tmp_path, campus_text: str, **settings) -> list[str]:
    campus = tmp_path / "campus.yaml"
    campus.write_text(campus_text)
    service = build_service(load_settings(database_url=f"sqlite:///{tmp_path / 'a.db'}", data_dir=tmp_path,
                                          campus_file=campus, **settings))
    return [c.name for c in _parts(service)]


def _parts(service) -> list:
    """The components and the leader's duties (the feed runs on the leader replica only)."""
    return service.components + [d for c in service.components for d in getattr(c, "duties", [])]


def test_a_campus_with_coordinates_gets_the_feed_with_the_configured_endpoints(tmp_path, open_meteo):
    campus = tmp_path / "campus.yaml"
    campus.write_text(CAMPUS_WITH_COORDS)
    service = build_service(load_settings(database_url=f"sqlite:///{tmp_path / 'a.db'}", data_dir=tmp_path,
                                          campus_file=campus, weather_forecast_url=open_meteo.forecast_url))
    weather = next(c for c in _parts(service) if c.name == "weather")
    assert weather.coordinates == COORDS and weather.feed.forecast_url == open_meteo.forecast_url
    assert weather.feed.archive_url == "https://archive-api.open-meteo.com/v1/archive"


def test_no_feed_when_disabled_or_without_coordinates(tmp_path):
    assert "weather" not in _names(tmp_path, CAMPUS_WITH_COORDS, weather_enabled=False)
    assert "weather" not in _names(tmp_path, DEMO_CAMPUS.read_text())  # the demo never uses the network


def test_a_weather_url_must_be_http_without_a_query():
    with pytest.raises(SettingsError, match="AUTOVOLT_WEATHER_ARCHIVE_URL: expected an http"):
        load_settings(weather_archive_url="ftp://archive.example/v1")
    with pytest.raises(SettingsError, match="AUTOVOLT_WEATHER_FORECAST_URL"):
        load_settings(weather_forecast_url="https://api.open-meteo.com/v1/forecast?apikey=x")
