"""A voice note whose device word the engine was unsure of asks "Switch ...?" instead of switching, even when the
note as a whole was heard well (issue 20: a "fans" heard as "plugs" must not switch the plugs)."""

from __future__ import annotations

import pytest

from bot.speech import SpeechPipeline

ADMIN = 1001


@pytest.fixture(scope="module")
def open_pass_pipeline(campus):
    """The bot's pipeline with the two-pass engine forced to the open pass (Whisper tiny, packaged), its own "sure"
    threshold off (`open_sure`, which would already make this note ask): only the word check is tested here."""
    from autovolt.vocabulary import vocabulary_from_campus
    from nlu.speech import load_engine
    from nlu.speech.engines import load_whisper
    from nlu.speech.twopass import JoinRules, TwoPassEngine
    from nlu.speech.whisper_models import packaged_tiny

    engine = TwoPassEngine(load_engine(), [load_whisper(str(packaged_tiny()))], closed_sure=1.01,
                           rules=JoinRules(open_sure=0.0))
    return SpeechPipeline(vocabulary_from_campus(campus), engine=engine)


async def test_an_unsure_device_word_asks_before_switching(harness, notes, open_pass_pipeline):
    from tests.speech.synth import Voice

    note = notes.get("turn off the projector in the seminar hall", Voice("en-us+f3", 170, 65))
    heard = open_pass_pipeline.transcribe(note)
    # Whisper tiny hears this voice's "projector" right but with a probability near 0.1; the note as a whole is
    # trusted and above the confirmation threshold, so only the word check can stop the switch.
    assert heard.trusted and heard.confidence >= harness.conversation.config.voice_confirm_below, heard
    assert "projector" in heard.unsure_words

    harness.conversation.speech = open_pass_pipeline
    await harness.gateway.switch(["seminar-hall-projector"], True)
    start = len(harness.api.calls)
    harness.api.send_voice(ADMIN, note)
    question = await harness.api.reply_to(ADMIN, start, timeout=60)
    assert "I may have misheard. Switch off the projector in Seminar Hall?" in question.text, question.text
    assert question.buttons
    assert harness.relay("seminar-hall-projector") is True  # nothing switched before the tap


async def test_a_speech_server_that_is_down_is_said_in_the_reply(harness, notes, campus):
    """AUTOVOLT_STT_URL's server is down: the built-in recognisers answer and the reply says why."""
    import socket

    from autovolt.vocabulary import vocabulary_from_campus
    from autovolt.wyoming_stt import WyomingEngine
    from nlu.speech import load_engine
    from nlu.speech.twopass import TwoPassEngine

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        down = f"tcp://127.0.0.1:{s.getsockname()[1]}"
    harness.conversation.speech = SpeechPipeline(vocabulary_from_campus(campus),
                                                 engine=TwoPassEngine(load_engine(), [WyomingEngine(down)]))
    start = len(harness.api.calls)
    harness.api.send_voice(ADMIN, notes.get("is the ac on in room two zero two"))
    reply = await harness.api.reply_to(ADMIN, start, timeout=60)
    assert reply.text.startswith(f"(the speech server at {down} is unreachable; used the built-in recogniser)\n"), \
        reply.text
    assert "Heard: \"is the ac on in room two zero two\"" in reply.text
