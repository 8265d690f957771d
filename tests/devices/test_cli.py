"""`autovolt simulate`: one-line errors, and boards that a gateway on the same broker can switch."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import pytest

from autovolt.cli import main
from devices.gateway import Gateway
from devices.model import Outcome
from devices.mqtt import MqttConfig, MqttTransport

from .conftest import ROOT


def test_simulate_without_a_broker_says_so_in_one_line(monkeypatch, capsys):
    monkeypatch.delenv("AUTOVOLT_MQTT_URL", raising=False)
    assert main(["simulate", "--boards", "2"]) == 2
    err = capsys.readouterr().err.strip()
    assert "AUTOVOLT_MQTT_URL" in err and "\n" not in err and "Traceback" not in err


@pytest.mark.parametrize("args,message", [(["--boards", "0"], "--boards must be at least 1"),
                                          (["--state-interval", "-1"], "--state-interval must be a positive number")])
def test_simulate_rejects_bad_numbers(monkeypatch, capsys, args, message):
    monkeypatch.setenv("AUTOVOLT_MQTT_URL", "mqtt://127.0.0.1:1")
    assert main(["simulate", *args]) == 2
    assert message in capsys.readouterr().err


@pytest.mark.broker
async def test_simulate_command_boards_answer_a_gateway(campus, private_broker):
    broker = private_broker()
    env = {**os.environ, "AUTOVOLT_MQTT_URL": broker.url()}
    proc = subprocess.Popen([sys.executable, "-m", "autovolt", "simulate", "--protocol", "tasmota", "--for", "20"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    gateway = Gateway(campus, MqttTransport(MqttConfig.from_url(broker.url()), clean_session=True))
    try:
        line = await asyncio.to_thread(proc.stdout.readline)
        assert line.startswith("simulating 3 boards on mqtt://127.0.0.1:")
        await gateway.start()
        result = []
        for _ in range(50):  # until the subprocess's boards are connected
            result = await gateway.switch(["auditorium-projector"], True)
            if result[0].outcome is Outcome.CONFIRMED:
                break
            await asyncio.sleep(0.1)
        assert result[0].outcome is Outcome.CONFIRMED
    finally:
        await gateway.stop()
        proc.terminate()
        proc.wait(10)
