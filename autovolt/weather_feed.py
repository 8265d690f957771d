"""Open-Meteo, where the outdoor temperature comes from (no key needed): the forecast endpoint (the last two days
and the next three) and the archive endpoint (history, for a backfill). HTTP and the response's shape stay in here;
callers get typed hours or one `WeatherFeedError` line. Only the campus's coordinates are sent."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from autovolt.settings import Settings

TIMEOUT_S = 20.0
PAST_DAYS = 2
FORECAST_DAYS = 3
# A value outside this range is a broken response, not weather (the records are -89 C and +57 C).
PLAUSIBLE_C = (-90.0, 60.0)
USER_AGENT = "autovolt-assistant (campus energy forecasts)"


class WeatherFeedError(Exception):
    """The feed gave nothing usable (unreachable, timed out, an HTTP error or rate limit, a malformed response);
    the message is one line without the query."""


@dataclass(frozen=True)
class RawHour:
    """One hour as the feed gave it: ts aware UTC; temperature_c None where the feed has no value (null)."""

    ts: dt.datetime
    temperature_c: float | None


@dataclass(frozen=True)
class OpenMeteo:
    """The two endpoints (AUTOVOLT_WEATHER_FORECAST_URL / _ARCHIVE_URL) and how long a request may take."""

    forecast_url: str
    archive_url: str
    timeout_s: float = TIMEOUT_S

    @classmethod
    def from_settings(cls, settings: Settings) -> "OpenMeteo":
        return cls(settings.weather_forecast_url, settings.weather_archive_url)

    def forecast(self, latitude: float, longitude: float) -> list[RawHour]:
        """The last PAST_DAYS and next FORECAST_DAYS days, hourly, on UTC hours."""
        return self._hourly(self.forecast_url, {**_where(latitude, longitude), "past_days": PAST_DAYS,
                                                "forecast_days": FORECAST_DAYS})

    def archive(self, latitude: float, longitude: float, start: dt.date, end: dt.date) -> list[RawHour]:
        """Every hour of the days start..end (both inclusive), on UTC hours; the newest days may be null."""
        return self._hourly(self.archive_url, {**_where(latitude, longitude), "start_date": start.isoformat(),
                                               "end_date": end.isoformat()})

    def _hourly(self, url: str, params: dict[str, Any]) -> list[RawHour]:
        params = {**params, "hourly": "temperature_2m", "timezone": "UTC"}
        try:
            response = httpx.get(url, params=params, timeout=self.timeout_s, headers={"User-Agent": USER_AGENT})
        except httpx.TimeoutException:
            raise WeatherFeedError(f"{endpoint(url)} timed out after {self.timeout_s:g} s") from None
        except httpx.HTTPError as exc:
            raise WeatherFeedError(f"cannot reach {endpoint(url)}: {type(exc).__name__}") from None
        if response.status_code == 429:
            after = response.headers.get("Retry-After")
            raise WeatherFeedError(f"{endpoint(url)} is rate limiting (HTTP 429)"
                                   + (f", retry after {after[:20]} s" if after else ""))
        if response.status_code != 200:
            raise WeatherFeedError(f"{endpoint(url)} answered HTTP {response.status_code}{_reason(response)}")
        try:
            payload = response.json()
        except ValueError:
            raise WeatherFeedError(f"{endpoint(url)} sent a response that is not JSON") from None
        return parse_hourly(payload)


def _where(latitude: float, longitude: float) -> dict[str, str]:
    return {"latitude": f"{latitude:.4f}", "longitude": f"{longitude:.4f}"}


def endpoint(url: str) -> str:
    """scheme://host/path, for messages: never the query."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}{f':{parts.port}' if parts.port else ''}{parts.path}"


def _reason(response: httpx.Response) -> str:
    """Open-Meteo explains a refused request as {"error": true, "reason": "..."}."""
    try:
        reason = response.json().get("reason")
    except (ValueError, AttributeError):
        return ""
    return f": {str(reason).splitlines()[0][:200]}" if reason else ""


def parse_hourly(payload: Any) -> list[RawHour]:
    """The `hourly.time` / `hourly.temperature_2m` lists of an Open-Meteo response asked for on UTC."""
    if not isinstance(payload, dict) or not isinstance(payload.get("hourly"), dict):
        raise WeatherFeedError("malformed response: no hourly block")
    if payload.get("utc_offset_seconds", 0) != 0:
        raise WeatherFeedError("malformed response: times are not on UTC")
    times, temps = payload["hourly"].get("time"), payload["hourly"].get("temperature_2m")
    if not isinstance(times, list) or not isinstance(temps, list) or len(times) != len(temps):
        raise WeatherFeedError("malformed response: hourly time and temperature_2m are not lists of one length")
    return [RawHour(_utc(t), _celsius(v)) for t, v in zip(times, temps)]


def _utc(text: Any) -> dt.datetime:
    try:
        stamp = dt.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        raise WeatherFeedError(f"malformed response: time {str(text)[:40]!r}") from None
    return stamp.replace(tzinfo=dt.timezone.utc) if stamp.tzinfo is None else stamp.astimezone(dt.timezone.utc)


def _celsius(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or not PLAUSIBLE_C[0] <= value <= PLAUSIBLE_C[1]:
        raise WeatherFeedError(f"malformed response: temperature {str(value)[:40]!r}")
    return float(value)


def archive_chunks(start: dt.date, end: dt.date, days: int) -> Sequence[tuple[dt.date, dt.date]]:
    """start..end (inclusive) cut into runs of at most `days` days, oldest first."""
    out = []
    while start <= end:
        last = min(end, start + dt.timedelta(days=days - 1))
        out.append((start, last))
        start = last + dt.timedelta(days=1)
    return out
