"""The HTTP API on the demo campus: auth, limits, validation, and real answers from the nlu and analytics cores."""

from __future__ import annotations

import datetime as dt

import pytest

from analytics.forecast import AUTO_CANDIDATES
from tests.api.support import API_KEY, NOW


def test_health_and_openapi_need_no_key(client) -> None:
    assert client.get("/health").json() == {"status": "ok"}
    schema = client.get("/openapi.json").json()
    for path in ("/api/forecast/energy", "/api/anomaly/detect", "/api/voice/process", "/api/voice/audio"):
        assert path in schema["paths"]
    assert "APIKeyHeader" in schema["components"]["securitySchemes"]


def test_ready_reports_each_check(client) -> None:
    answer = client.get("/ready")
    assert answer.status_code == 200, answer.text
    assert answer.json()["checks"] == ["database", "speech"]


def test_ready_names_what_fails(demo_db) -> None:
    from fastapi.testclient import TestClient

    from autovolt.http_api import create_app
    from tests.api.support import free_port, make_settings

    async def broken() -> str | None:
        return "connection refused"

    settings = make_settings(demo_db, mqtt_url=f"mqtt://127.0.0.1:{free_port()}")
    with TestClient(create_app({"database": broken}, settings, bind_metrics=False)) as c:
        answer = c.get("/ready")
    assert answer.status_code == 503
    failing = answer.json()["failing"]
    assert failing["database"] == "connection refused"
    assert "not reachable" in failing["broker"]


@pytest.mark.parametrize("headers", [{}, {"X-API-Key": "wrong"}, {"Authorization": "Bearer wrong"}])
def test_api_refuses_missing_or_wrong_key(client, headers) -> None:
    answer = client.post("/api/voice/process", json={"command": "lights off in room 101"}, headers=headers)
    assert answer.status_code == 401
    assert "key" in answer.json()["detail"]


def test_bearer_token_is_accepted(client) -> None:
    answer = client.post("/api/voice/process", json={"command": "lights off in room 101"},
                         headers={"Authorization": f"Bearer {API_KEY}"})
    assert answer.status_code == 200


def test_api_is_closed_without_a_configured_key(demo_db) -> None:
    from fastapi.testclient import TestClient

    from autovolt.http_api import create_app
    from autovolt.settings import load_settings

    with TestClient(create_app({}, load_settings(database_url=demo_db), bind_metrics=False)) as c:
        answer = c.post("/api/voice/process", json={"command": "hi"}, headers={"X-API-Key": ""})
    assert answer.status_code == 401
    assert "AUTOVOLT_API_KEY" in answer.json()["detail"]


def test_cors_allows_only_the_configured_origin(client) -> None:
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "X-API-Key"}
    ok = client.options("/api/voice/process", headers={"Origin": "https://ops.example.edu", **preflight})
    assert ok.headers.get("access-control-allow-origin") == "https://ops.example.edu"
    other = client.options("/api/voice/process", headers={"Origin": "https://evil.example", **preflight})
    assert "access-control-allow-origin" not in other.headers


def test_voice_text_gives_the_parsed_command(client, auth) -> None:
    answer = client.post("/api/voice/process", json={"command": "turn off the lights in room 101"}, headers=auth)
    assert answer.status_code == 200, answer.text
    command = answer.json()["command"]
    assert command["intent"] == "device_control"
    assert command["action"] == "off"
    assert command["rooms"] == ["cr-101"]
    assert command["switches"] == ["cr-101-lights"]


def test_voice_text_without_a_now_reads_times_at_the_api_clock(client, auth) -> None:
    """No `now` in the context: "at 5 pm" is 17:00 of the API clock's day (the tests' fixed `NOW`), not the wall
    clock's."""
    answer = client.post("/api/voice/process", json={"command": "turn off the fans in room 101 at 5 pm"}, headers=auth)
    assert answer.status_code == 200, answer.text
    when = dt.datetime.fromisoformat(answer.json()["command"]["when"])
    assert when == dt.datetime(2026, 11, 25, 17, 0, tzinfo=when.tzinfo) and when.utcoffset() == dt.timedelta(hours=5,
                                                                                                             minutes=30)
    assert when > NOW


def test_voice_follow_up_uses_previous_message(client, auth) -> None:
    body = {"command": "and the fans too", "context": {"previous": "turn off the lights in room 101"}}
    command = client.post("/api/voice/process", json=body, headers=auth).json()["command"]
    assert command["rooms"] == ["cr-101"]
    assert "fan" in command["device_types"]


@pytest.mark.parametrize("body, field", [
    ({}, "command"),
    ({"command": ""}, "command"),
    ({"command": "x" * 501}, "command"),
    ({"command": "hi", "context": {"user_rooms": "cr-101"}}, "context.user_rooms"),
    ({"command": "hi", "extra": 1}, "extra"),
])
def test_voice_validation_is_a_clear_422(client, auth, body, field) -> None:
    answer = client.post("/api/voice/process", json=body, headers=auth)
    assert answer.status_code == 422
    detail = answer.json()["detail"]
    assert isinstance(detail, str) and "\n" not in detail
    assert field in detail


def test_body_over_the_limit_is_413(client, auth) -> None:
    answer = client.post("/api/voice/process", content=b'{"command": "' + b"a" * 2_000_000 + b'"}',
                         headers={**auth, "Content-Type": "application/json"})
    assert answer.status_code == 413
    assert "too large" in answer.json()["detail"]


def test_streamed_body_over_the_limit_is_413(client, auth) -> None:
    def chunks():
        for _ in range(40):
            yield b"a" * 65536

    answer = client.post("/api/voice/process", content=chunks(), headers={**auth, "Content-Type": "application/json"})
    assert answer.status_code == 413


def test_invalid_json_is_422(client, auth) -> None:
    answer = client.post("/api/voice/process", content=b"{not json", headers={**auth, "Content-Type": "application/json"})
    assert answer.status_code == 422
    assert "JSON" in answer.json()["detail"]


def test_forecast_is_a_real_model_forecast(client, auth) -> None:
    # Three days: a classroom's weekend is (rightly) forecast at zero, so 24 hours on a Saturday would be flat.
    answer = client.post("/api/forecast/energy", json={"room_id": "cr-101", "periods": 72, "freq": "h"}, headers=auth)
    assert answer.status_code == 200, answer.text
    result = answer.json()
    assert result["target"] == {"kind": "room", "id": "cr-101", "name": "Classroom 101"}
    assert len(result["forecast"]) == 72
    assert result["model"]["chosen_by"] == "backtest"
    assert result["model"]["name"] in {name for name, _ in AUTO_CANDIDATES}  # whichever won this history's backtest
    assert result["model"]["backtest"]["mase"] is not None
    assert set(result["model"]["backtest"]) == {"wape", "mase", "cv_rmse"}  # no MAPE: it explodes on zero hours
    versus = result["model"]["versus_baseline"]
    assert versus["baseline"] == "same hour last week" and versus["origins"] >= 1
    # The baseline is kept unless another model clearly beat it: never a chosen model that erred more.
    assert versus["is_baseline"] or (versus["gain"] > 0 and versus["origins_better"] > versus["origins"] / 2)
    assert versus["is_baseline"] == (result["model"]["name"] == "seasonal-naive"
                                     and not result["model"]["params"]["correct"])
    values = [p["value"] for p in result["forecast"]]
    assert len(set(values)) > 3, "a classroom's day is not flat"
    assert all(p["lower"] <= p["value"] <= p["upper"] for p in result["forecast"])
    stamps = [dt.datetime.fromisoformat(p["timestamp"]) for p in result["forecast"]]
    assert all(b - a == dt.timedelta(hours=1) for a, b in zip(stamps, stamps[1:]))
    assert stamps[0].utcoffset() == dt.timedelta(hours=5, minutes=30)  # campus time, Asia/Kolkata


def test_forecast_daily_for_a_building_and_named_model(client, auth) -> None:
    answer = client.post("/api/forecast/energy", json={"building_id": "block-a", "periods": 3, "freq": "daily",
                                                       "model": "weekly-median"}, headers=auth)
    assert answer.status_code == 200, answer.text
    result = answer.json()
    assert result["model"] == {**result["model"], "name": "weekly-median", "chosen_by": "request"}
    assert len(result["forecast"]) == 3
    days = [dt.datetime.fromisoformat(p["timestamp"]) for p in result["forecast"]]
    assert all(d.hour == 0 and d.minute == 0 for d in days)
    assert result["total"]["value"] == pytest.approx(sum(p["value"] for p in result["forecast"]), rel=1e-6)


@pytest.mark.parametrize("body, status, words", [
    ({"room_id": "nope"}, 404, "no room"),
    ({"device_id": "nope"}, 404, "no switch"),
    ({"room_id": "cr-101", "building_id": "block-a"}, 422, "exactly one"),
    ({}, 422, "exactly one"),
    ({"room_id": "cr-101", "periods": 0}, 422, "periods"),
    ({"room_id": "cr-101", "freq": "weekly"}, 422, "freq"),
    ({"room_id": "cr-101", "model": "magic"}, 422, "model"),
])
def test_forecast_bad_requests(client, auth, body, status, words) -> None:
    answer = client.post("/api/forecast/energy", json=body, headers=auth)
    assert answer.status_code == status
    assert words in answer.json()["detail"]


def _hours(start: dt.datetime, values: list[float]) -> list[dict]:
    return [{"timestamp": (start + dt.timedelta(hours=i)).isoformat(), "consumption": v} for i, v in enumerate(values)]


def test_anomaly_against_stored_history_finds_a_spike(client, auth) -> None:
    # The lights of cr-201 (no injected fault in their history): 3 kWh in an hour is far from normal.
    now = NOW.replace(minute=0)
    start = now - dt.timedelta(hours=6)
    values = [0.0, 0.0, 0.0, 3.0, 3.0, 0.0]
    answer = client.post("/api/anomaly/detect", json={"device_id": "cr-201-lights", "unit": "kWh",
                                                      "data": _hours(start, values)}, headers=auth)
    assert answer.status_code == 200, answer.text
    result = answer.json()
    assert result["baseline"] == "history"
    flagged = {a["timestamp"]: a for a in result["anomalies"]}
    spikes = [a for a in flagged.values() if a["consumption"] == 3.0]
    assert len(spikes) == 2, result
    for a in spikes:
        assert 0.5 <= a["confidence"] <= 1 and 0 <= a["score"] <= 1
        assert a["reason"] and a["expected"] is not None and a["expected"] < 3.0


def test_anomaly_without_history_learns_from_the_data(client, auth) -> None:
    import numpy as np

    # Two weeks of a day-time load with 10 % noise, left on through the night of day 10.
    start = dt.datetime(2026, 3, 2, tzinfo=dt.timezone.utc)
    rng = np.random.default_rng(1)
    values = [max(0.0, (5.0 if 8 <= h % 24 < 17 else 0.5) * (1 + 0.1 * rng.standard_normal())) for h in range(24 * 14)]
    night = range(24 * 10, 24 * 10 + 6)
    for h in night:
        values[h] = 5.0
    answer = client.post("/api/anomaly/detect", json={"device_id": "meter-x", "unit": "Wh",
                                                      "data": _hours(start, values)}, headers=auth)
    assert answer.status_code == 200, answer.text
    result = answer.json()
    assert result["baseline"] == "self"
    assert result["mode"] == "meter" and "daily rhythm" in result["mode_reason"]
    flagged = {a["timestamp"]: a for a in result["anomalies"]}
    expected = {(start + dt.timedelta(hours=h)).isoformat() for h in night}
    assert expected <= set(flagged), result["anomalies"]
    assert len(flagged) <= len(expected) + 3, "a noisy but normal fortnight is not full of anomalies"
    assert {flagged[t]["kind"] for t in expected} == {"left-on-overnight"}


@pytest.mark.parametrize("body, words", [
    ({"device_id": "meter-x", "data": []}, "data"),
    ({"device_id": "meter-x", "data": [{"timestamp": "yesterday", "consumption": 1}]}, "timestamp"),
    ({"device_id": "meter-x", "mode": "meter", "data": [{"timestamp": "2026-03-02T00:00:00Z", "consumption": -1}]},
     "consumption"),
    ({"device_id": "meter-x", "data": [{"timestamp": "2026-03-02T00:00:00Z", "consumption": 1}]}, "at least 24"),
    ({"device_id": "meter-x", "mode": "general", "data": [{"timestamp": "2026-03-02T00:00:00Z", "consumption": -1}]},
     "at least 50"),
    ({"device_id": "meter-x", "false_alarms_per_1000": 0, "data": [{"timestamp": "2026-03-02T00:00:00Z",
                                                                   "consumption": 1}]}, "false_alarms_per_1000"),
])
def test_anomaly_bad_requests_are_422(client, auth, body, words) -> None:
    answer = client.post("/api/anomaly/detect", json=body, headers=auth)
    assert answer.status_code == 422
    assert words in answer.json()["detail"]


def test_metrics_count_requests_by_route_template(client, auth) -> None:
    client.post("/api/voice/process", json={"command": "is the fan on in room 101"}, headers=auth)
    text = client.get("/metrics").text
    assert 'autovolt_http_requests_total{method="POST",route="/api/voice/process",status="200"}' in text
    assert 'autovolt_messages_total{intent="status_query",type="text"}' in text
    assert 'autovolt_energy_wh_total{building="block-a",room="cr-101",type="ac"}' in text
    assert 'autovolt_boards{building="block-a"} 5.0' in text


def test_docs_page_loads_every_asset_from_the_service_itself(client) -> None:
    """/docs must work on a campus with no internet: no script, style or icon from elsewhere."""
    import re

    page = client.get("/docs")
    assert page.status_code == 200 and "SwaggerUIBundle" in page.text
    links = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", page.text)
    links += re.findall(r"""url:\s*["']([^"']+)["']""", page.text)
    assert links and not [link for link in links if "//" in link], links
    for link in links:
        answer = client.get(link)
        assert answer.status_code == 200 and answer.content, link
    script = client.get(next(link for link in links if link.endswith("swagger-ui-bundle.js")))
    assert "javascript" in script.headers["content-type"] and b"SwaggerUIBundle" in script.content
    assert client.get("/redoc").status_code == 404  # ReDoc would load from a CDN: it is off rather than blank


@pytest.mark.parametrize("kind", ["machine-temperature", "cloud-metric", "traffic"])
def test_anomaly_general_mode_for_series_that_are_not_meters(client, auth, kind) -> None:
    from tests.analytics.labelled_series import generate

    series = generate(kind, seed=3)
    data = [{"timestamp": ts.tz_localize("UTC").isoformat(), "consumption": float(v)} for ts, v in series.values.items()]
    answer = client.post("/api/anomaly/detect", json={"device_id": f"{kind}-7", "data": data}, headers=auth)
    assert answer.status_code == 200, answer.text
    result = answer.json()
    assert result["mode"] == "general" and "not hourly" in result["mode_reason"], result["mode_reason"]
    assert result["false_alarms_per_1000"] == 1.0
    stamps = list(series.values.index)
    found = [any(dt.datetime.fromisoformat(e["start"]).replace(tzinfo=None) <= stamps[w1]
                 and dt.datetime.fromisoformat(e["end"]).replace(tzinfo=None) >= stamps[w0] for e in result["events"])
             for w0, w1 in series.windows]
    assert sum(found) >= len(found) - 1, (found, result["events"])
    # Quiet between the anomalies (an anomaly's end can raise one more event as the level comes back).
    assert len(result["events"]) <= 2 * len(series.windows), result["events"]


def test_anomaly_budget_is_the_callers_and_the_mode_says_why(client, auth) -> None:
    import numpy as np

    start = dt.datetime(2026, 3, 2, tzinfo=dt.timezone.utc)
    rng = np.random.default_rng(4)
    values = list(40.0 + rng.standard_t(3, 2000))  # heavy-tailed, no rhythm, every 10 minutes
    data = [{"timestamp": (start + dt.timedelta(minutes=10 * i)).isoformat(), "consumption": v} for i, v in enumerate(values)]
    strict = client.post("/api/anomaly/detect", json={"device_id": "probe", "data": data, "false_alarms_per_1000": 0.2},
                         headers=auth).json()
    loose = client.post("/api/anomaly/detect", json={"device_id": "probe", "data": data, "false_alarms_per_1000": 20},
                        headers=auth).json()
    assert strict["mode"] == loose["mode"] == "general"
    assert "10 minutes" in strict["mode_reason"]
    assert strict["threshold"] > loose["threshold"]
    assert len(strict["events"]) < len(loose["events"])


def test_forecast_hours_that_were_zero_every_past_week_stay_near_zero(client, auth, demo_db) -> None:
    """Issue 20: a classroom's weekends and nights read 0 every week; the forecast must not fill them with a weekday
    shape (zero readings are use, not gaps), and the backtest error is WAPE, not a MAPE blown up by zeros."""
    from autovolt.api.series import Target, hourly_history

    answer = client.post("/api/forecast/energy", json={"room_id": "cr-101", "periods": 168, "freq": "h"}, headers=auth)
    assert answer.status_code == 200, answer.text
    result = answer.json()
    now = NOW
    history = hourly_history(demo_db, Target("room", "cr-101", "Classroom 101"), now - dt.timedelta(days=56), now,
                             "Asia/Kolkata")
    by_hour_of_week = history.groupby(history.index.day_of_week * 24 + history.index.hour).max()
    peak = max(p["value"] for p in result["forecast"])
    always_zero = [p for p in result["forecast"]
                   if by_hour_of_week.get(dt.datetime.fromisoformat(p["timestamp"]).weekday() * 24
                                          + dt.datetime.fromisoformat(p["timestamp"]).hour, 1.0) == 0.0]
    assert len(always_zero) >= 24, "the demo classroom is off at night and at weekends"
    assert max(p["value"] for p in always_zero) <= 0.05 * peak, always_zero[:5]
    # WAPE, not a MAPE blown up by the zero hours (that would be thousands of %), and no worse than the seasonal-naive
    # baseline it was chosen against. Not "< 100 %": when the backtest's weeks hold the demo's injected faults (room
    # 101's lights left on overnight 10 days before its end) a good model's WAPE passes 100 (101.4 with the history
    # ending at 2026-12-07 01:14 UTC, the baseline's 133.3, MASE 0.68). The tests now end it at a fixed `NOW`.
    backtest = result["model"]["versus_baseline"]
    assert result["model"]["backtest"]["wape"] < 200
    assert backtest["wape"] <= backtest["baseline_wape"], backtest
