"""A voice note that names no room ("turn off the lights") gets the question typed text gets, switches nothing, and
the typed answer completes it (issue 15). Through the loopback Bot API with the real PTB Application, the simulated
fleet on the real broker and the product's two speech passes (PocketSphinx, the packaged Whisper tiny)."""

from __future__ import annotations

import pytest

from bot.speech import SpeechPipeline

FACULTY = 2001  # Dr. Meera Iyer: Classroom 101 and Classroom 102, no default room


@pytest.fixture(scope="module")
def two_pass_pipeline(campus):
    from autovolt.vocabulary import vocabulary_from_campus
    from nlu.speech import load_engine
    from nlu.speech.engines import load_whisper
    from nlu.speech.twopass import TwoPassEngine
    from nlu.speech.whisper_models import packaged_tiny

    engine = TwoPassEngine(load_engine(), [load_whisper(str(packaged_tiny()))])
    return SpeechPipeline(vocabulary_from_campus(campus), engine=engine)


async def test_a_voice_note_without_a_room_asks_which_room_and_the_typed_answer_switches(harness, notes,
                                                                                          two_pass_pipeline):
    from tests.speech.synth import PIPER_JOE

    typed = await harness.say(FACULTY, "turn off the lights")
    question_text = typed.text
    assert question_text.startswith("Which room"), question_text

    harness.conversation.speech = two_pass_pipeline
    await harness.gateway.switch(["cr-101-lights", "cr-102-lights"], True)
    start = len(harness.api.calls)
    harness.api.send_voice(FACULTY, notes.get("turn off the lights", PIPER_JOE))
    asked = await harness.api.reply_to(FACULTY, start, timeout=60)
    assert asked.text == f"Heard: \"turn off the lights\"\n{question_text}", asked.text
    assert not asked.buttons
    assert harness.relay("cr-101-lights") is True and harness.relay("cr-102-lights") is True  # no switch yet

    done = await harness.say(FACULTY, "classroom 101")
    assert "Classroom 101: lights off (1/1 confirmed)" in done.text, done.text
    assert harness.relay("cr-101-lights") is False and harness.relay("cr-102-lights") is True


async def test_an_unsure_voice_note_without_a_room_is_asked_and_its_answer_asks_before_switching(
        harness, notes, two_pass_pipeline):
    """The same note under a confirmation threshold it does not reach: refused until branch voice-ask ("I am not sure
    enough of what I heard to ask which room"); now asked, and the typed room completes a switch that asks "I may have
    misheard: ...?" first, so a misheard on/off never switches without the tap."""
    import dataclasses

    from tests.speech.synth import PIPER_JOE

    harness.conversation.speech = two_pass_pipeline
    harness.conversation.config = dataclasses.replace(harness.conversation.config, voice_confirm_below=0.99)
    await harness.gateway.switch(["cr-101-lights"], True)
    start = len(harness.api.calls)
    harness.api.send_voice(FACULTY, notes.get("turn off the lights", PIPER_JOE))
    asked = await harness.api.reply_to(FACULTY, start, timeout=60)
    assert asked.text.startswith('Heard: "turn off the lights"\nWhich room'), asked.text
    assert "I will ask before switching" in asked.text and not asked.buttons
    after = await harness.say(FACULTY, "classroom 101")
    assert "I may have misheard." in after.text and "lights off (" not in after.text, after.text
    assert after.buttons
    assert harness.relay("cr-101-lights") is True


async def test_an_unsure_voice_note_without_a_time_is_asked_and_its_answer_schedules_only_after_a_tap(
        harness, notes, two_pass_pipeline):
    """A day without a time, heard under the confirmation threshold: "At what time?" is asked (refused until branch
    voice-ask), and the typed time schedules nothing before the "Yes" of the confirmation question."""
    import dataclasses

    from tests.speech.synth import PIPER_JOE

    harness.conversation.speech = two_pass_pipeline
    harness.conversation.config = dataclasses.replace(harness.conversation.config, voice_confirm_below=0.99)
    start = len(harness.api.calls)
    harness.api.send_voice(FACULTY, notes.get("turn off the lights in classroom one oh one tomorrow", PIPER_JOE))
    asked = await harness.api.reply_to(FACULTY, start, timeout=60)
    assert "At what time" in asked.text and "I will ask before switching" in asked.text, asked.text
    after = await harness.say(FACULTY, "at 5 pm")
    assert "I may have misheard." in after.text and after.buttons, after.text
    listed = await harness.say(FACULTY, "/schedules")
    assert "no scheduled actions" in listed.text.lower(), listed.text


async def test_a_typed_room_answers_the_typed_room_question(harness):
    """The text flow the voice note follows: the bot kept no command with a question but a time question, so the
    answer "classroom 102" to "Which room: ...?" was "I can't do that"."""
    await harness.gateway.switch(["cr-102-fans"], True)
    asked = await harness.say(FACULTY, "switch off the fans")
    assert asked.text == "Which room: Classroom 101 or Classroom 102?", asked.text
    assert harness.relay("cr-102-fans") is True
    done = await harness.say(FACULTY, "classroom 102")
    assert "Classroom 102: ceiling fans off (1/1 confirmed)" in done.text, done.text
    assert harness.relay("cr-102-fans") is False



async def test_a_sure_voice_note_without_a_time_is_asked_and_its_answer_asks_before_scheduling(
        harness, notes, two_pass_pipeline):
    """A note heard surely whose parse asks "At what time?": refused until branch voice-ask (the typed time would
    have scheduled without a tap), now asked as an unsure note's is, and the typed time comes back as the
    confirmation question, so nothing is scheduled before "Yes". The bot and `decide` (the benches) agree (ASK)."""
    from nlu.speech.understand import ASK_ROOM_FROM
    from tests.speech.synth import PIPER_JOE

    note = notes.get("turn off the fans in classroom one oh one tomorrow", PIPER_JOE)
    heard = two_pass_pipeline.transcribe(note)
    assert heard.confidence >= ASK_ROOM_FROM and not heard.unsure_words, heard  # a sure note
    harness.conversation.speech = two_pass_pipeline
    start = len(harness.api.calls)
    harness.api.send_voice(FACULTY, note)
    asked = await harness.api.reply_to(FACULTY, start, timeout=60)
    assert "At what time" in asked.text and "(I will ask before switching.)" in asked.text, asked.text
    assert not asked.buttons
    after = await harness.say(FACULTY, "at 5 pm")
    assert "I may have misheard." in after.text and after.buttons, after.text
    listed = await harness.say(FACULTY, "/schedules")
    assert "no scheduled actions" in listed.text.lower(), listed.text


async def test_a_sure_voice_note_naming_a_device_the_room_lacks_is_asked_and_switches_nothing(harness, notes,
                                                                                              two_pass_pipeline):
    """The question typed text gets for a device the room lacks ("the heater") is asked of a sure voice note too (it
    was refused until branch voice-kinds5): its answer names what to switch, so asking never switches. As typed, the
    command is not kept for the answer to complete: "the fans" after it switches nothing."""
    from tests.speech.synth import PIPER_JOE

    typed = await harness.say(FACULTY, "switch on the heater in classroom 101")
    assert typed.text == "I found no heater in Classroom 101. Which device do you mean?", typed.text

    harness.conversation.speech = two_pass_pipeline
    await harness.gateway.switch(["cr-101-fans", "cr-101-lights"], False)
    start = len(harness.api.calls)
    harness.api.send_voice(FACULTY, notes.get("switch on the heater in classroom one oh one", PIPER_JOE))
    asked = await harness.api.reply_to(FACULTY, start, timeout=60)
    assert asked.text.startswith('Heard: "switch on the heater'), asked.text
    assert asked.text.endswith("\n" + typed.text), asked.text
    assert not asked.buttons
    after = await harness.say(FACULTY, "the fans")
    assert "fans on" not in after.text, after.text
    assert harness.relay("cr-101-fans") is False and harness.relay("cr-101-lights") is False


async def test_an_unsure_voice_note_naming_a_device_the_room_lacks_is_asked_and_switches_nothing(harness, notes,
                                                                                                two_pass_pipeline):
    """Under a confirmation threshold the note does not reach, the device question is asked too (refused until branch
    voice-sound6, which told a note heard word for word it was not understood): its answer names what to switch and
    is a command of its own, so nothing misheard is completed by it. The room question of an unsure note is asked
    too, its answer confirming first (above)."""
    import dataclasses

    from tests.speech.synth import PIPER_JOE

    harness.conversation.speech = two_pass_pipeline
    harness.conversation.config = dataclasses.replace(harness.conversation.config, voice_confirm_below=0.99)
    await harness.gateway.switch(["cr-101-fans", "cr-101-lights"], False)
    start = len(harness.api.calls)
    harness.api.send_voice(FACULTY, notes.get("switch on the heater in classroom one oh one", PIPER_JOE))
    asked = await harness.api.reply_to(FACULTY, start, timeout=60)
    assert asked.text.startswith('Heard: "switch on the heater'), asked.text
    assert asked.text.endswith("Which device do you mean?"), asked.text
    assert not asked.buttons
    after = await harness.say(FACULTY, "the fans")
    assert "fans on" not in after.text, after.text
    assert harness.relay("cr-101-fans") is False and harness.relay("cr-101-lights") is False


def test_the_benches_default_thresholds_are_the_bots():
    """The speech benches score `voice_verdict` with its default rules; the bot's defaults must be the same."""
    from bot.conversation import ConversationConfig
    from bot.speech import TRUST_CONFIDENCE
    from nlu.speech.understand import VoiceRules

    config, rules = ConversationConfig(), VoiceRules()
    assert (config.voice_confirm_below, config.understood_below, TRUST_CONFIDENCE) == (
        rules.confirm_below, rules.understood_below, rules.act_from)
