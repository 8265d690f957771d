"""The service as `autovolt serve` composes it: devices, bot, alerts and the HTTP API in one loop, wired together.

Telegram is the loopback Bot API server; the fleet is the in-process simulated one (no AUTOVOLT_MQTT_URL).
"""

from __future__ import annotations

import asyncio
import socket

import httpx

from autovolt.settings import load_settings
from autovolt.wiring import build_service
from tests.bot.fake_bot_api import FakeBotApi
from tests.conftest import DEMO_CAMPUS

API_KEY = "integration-key-0123456789"
ADMIN, FACULTY = 1001, 2001


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def wait_http(url: str, timeout: float = 30.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    async with httpx.AsyncClient() as client:
        while True:
            try:
                if (await client.get(url, timeout=2)).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            assert asyncio.get_running_loop().time() < deadline, f"{url} never answered"
            await asyncio.sleep(0.2)


async def test_text_command_alertmanager_alert_and_its_acknowledge_button_cross_the_whole_service(tmp_path, monkeypatch):
    telegram = FakeBotApi()
    await telegram.start()
    port = free_port()
    monkeypatch.setenv("AUTOVOLT_ALERTS_GROUP_WAIT_S", "0")
    settings = load_settings(data_dir=tmp_path, campus_file=DEMO_CAMPUS, http_port=port, api_key=API_KEY,
                             telegram_token=telegram.token, telegram_base_url=telegram.base_url, mqtt_url=None)
    service = build_service(settings)
    stop = asyncio.Event()
    running = asyncio.create_task(service.run(stop))
    try:
        await wait_http(f"http://127.0.0.1:{port}/health")
        # A faculty member switches their room by text; the simulated board confirms.
        start = len(telegram.calls)
        telegram.send_text(FACULTY, "turn on the fans in classroom 101")
        reply = await telegram.reply_to(FACULTY, start, timeout=30)
        assert "Classroom 101" in reply.text and "confirmed" in reply.text, reply.text

        # Prometheus's Alertmanager reports a critical problem: the admins get it on Telegram, with buttons.
        body = {"version": "4", "status": "firing", "receiver": "autovolt", "groupKey": "k", "groupLabels": {},
                "commonLabels": {}, "commonAnnotations": {}, "externalURL": "http://am", "truncatedAlerts": 0,
                "alerts": [{"status": "firing", "fingerprint": "f1", "startsAt": "2026-11-26T06:00:00Z",
                            "endsAt": "0001-01-01T00:00:00Z",
                            "labels": {"alertname": "AutoVoltStoreUnreachable", "severity": "critical"},
                            "annotations": {"summary": "The database does not answer"}}]}
        async with httpx.AsyncClient() as client:
            unauthorised = await client.post(f"http://127.0.0.1:{port}/api/alerts/alertmanager", json=body)
            assert unauthorised.status_code == 401
            answer = await client.post(f"http://127.0.0.1:{port}/api/alerts/alertmanager", json=body,
                                       headers={"X-API-Key": API_KEY})
            assert answer.status_code == 200, answer.text
        alert_msg = await telegram.wait_for(
            lambda c: c.method == "sendMessage" and c.chat_id == ADMIN and "database" in (c.text or "").lower(),
            timeout=30)
        buttons = [b for row in alert_msg.params["reply_markup"]["inline_keyboard"] for b in row]
        ack = next(b["callback_data"] for b in buttons if b["callback_data"].startswith("al:ack:"))

        # The admin presses "Acknowledge": the bot hands the press to the alerts component, which answers.
        start = len(telegram.calls)
        telegram.press(ADMIN, ack, alert_msg.message)
        answered = await telegram.wait_for(lambda c: c.method == "answerCallbackQuery", start=start, timeout=30)
        assert "acknowledged" in answered.params.get("text", "").lower(), answered.params
    finally:
        stop.set()
        await asyncio.wait_for(running, 60)
        await telegram.stop()
