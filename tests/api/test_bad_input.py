"""Bad input that used to answer 500 (issue 18, item 10): each gets a 4xx with a one-line reason."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.support import API_KEY, fixed_context
from tests.bad_audio import cut_short_wav, lying_length_wav, pure_tone

AUTH = {"X-API-Key": API_KEY}


@pytest.fixture(scope="module")
def with_alerts(demo_db):
    """The API with the Alertmanager route mounted, as the service mounts it."""
    from alerts.alertmanager import router
    from alerts.service import AlertService
    from autovolt.http_api import create_app

    alerts = AlertService(demo_db)
    app = create_app(context=fixed_context(demo_db, routers=[router(lambda: alerts.book)]),
                     bind_metrics=False)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.mark.parametrize("now", ["0001-01-01T00:00:00", "9999-12-31T23:59:59", "0001-01-01T00:00:00+05:00",
                                 "9999-12-31T23:00:00-05:00"])
@pytest.mark.parametrize("command", ["turn off the lights at 5pm", "energy today", "turn on the fans tomorrow",
                                     "usage last week"])
def test_voice_process_refuses_a_reference_time_off_the_calendar(with_alerts, now, command) -> None:
    answer = with_alerts.post("/api/voice/process", json={"command": command, "context": {"now": now}}, headers=AUTH)
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"] == "context.now: expected a time between 2000 and 2099"


def test_voice_process_still_takes_a_plausible_reference_time(with_alerts) -> None:
    answer = with_alerts.post("/api/voice/process", json={"command": "turn off the lights at 5pm",
                                                          "context": {"now": "2026-03-02T09:00:00+05:30"}}, headers=AUTH)
    assert answer.status_code == 200, answer.text
    assert answer.json()["command"]["when"].startswith("2026-03-02T17:00")


@pytest.mark.parametrize("body, words", [
    ("[" * 5000 + "]" * 5000, "nested too deeply"),
    ('{"a":' * 3000 + "1" + "}" * 3000, "nested too deeply"),
    ('{"version":"4","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"\\ud800x"}}]}',
     "lone surrogate"),
    ('{"version":"4","alerts":[{"status":"firing","labels":{"alertname":"Hot"},"annotations":{"summary":"\\udc00"}}]}',
     "lone surrogate"),
])
def test_alertmanager_refuses_deep_nesting_and_lone_surrogates(with_alerts, body, words) -> None:
    answer = with_alerts.post("/api/alerts/alertmanager", content=body,
                              headers={**AUTH, "Content-Type": "application/json"})
    assert answer.status_code == 400, answer.text
    assert words in answer.json()["detail"]


@pytest.mark.parametrize("audio", [pure_tone(), lying_length_wav(), cut_short_wav()],
                         ids=["pure-tone", "header-lies-about-length", "cut-short"])
def test_voice_audio_without_words_gets_a_clear_422(with_alerts, audio) -> None:
    answer = with_alerts.post("/api/voice/audio", files={"audio": ("note.wav", audio, "audio/wav")}, headers=AUTH)
    # Never a 500: no words at all is a 422; a word the open pass made of a tone comes back unsure and unacted on.
    assert answer.status_code in (200, 422), answer.text
    if answer.status_code == 422:
        assert "no words could be made out" in answer.json()["detail"]
    else:
        body = answer.json()
        assert body["command"]["intent"] == "unknown" and body["transcript"]["confidence"] < 0.5, body
