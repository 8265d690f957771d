"""A voice note read as a question that only reads, lacking its room ("is the AC on in here?", "how much energy did my
room use today?"), is asked "Which room?" however surely it was heard (branch voice-status, issue 15), and the typed
room answers it at once: it switches nothing. A cancelling schedule question writes, so it stays refused, as does
speech that is no campus question. The transcript is given as the speech worker returns it
(`bot.speech.Heard`), on a real store, the simulated fleet and the audit log."""

from __future__ import annotations

from bot.conversation import Sender
from tests.bot.test_voice_ask import HeardUnsure

FACULTY = Sender(2001, 2001, "terminal")  # Dr. Meera Iyer: Classroom 101 and Classroom 102, no default room


async def test_an_unsure_status_question_is_asked_its_room_and_the_answer_answers(audited_engine):
    await audited_engine.fleet.switch(["cr-101-ac"], True)
    audited_engine.speech = HeardUnsure("is the AC on in here", unsure=("ac",))
    asked = await audited_engine.on_voice(FACULTY, b"a voice note")
    assert asked.outcome == "clarify" and "Which room" in asked.text, asked.text
    assert "(I am not sure I heard all of it.)" in asked.text and "before switching" not in asked.text, asked.text
    answer = await audited_engine.on_text(FACULTY, "classroom 101")
    assert answer.outcome == "answered" and not answer.buttons, answer
    assert "Classroom 101" in answer.text and " on" in answer.text, answer.text
    assert audited_engine.fleet.state("cr-101-ac").on is True  # read, not switched


async def test_a_note_heard_under_the_threshold_is_asked_too_and_so_is_a_sure_energy_question(audited_engine):
    audited_engine.speech = HeardUnsure("are the lights on in this room", unsure=(), confidence=0.6)
    asked = await audited_engine.on_voice(FACULTY, b"a voice note")
    assert asked.outcome == "clarify" and "Which room" in asked.text, asked.text
    audited_engine.speech = HeardUnsure("how much energy did my room use today", unsure=(), confidence=0.95)
    asked = await audited_engine.on_voice(FACULTY, b"a voice note")  # refused before: "I did not hear the room of that"
    assert asked.outcome == "clarify" and "Which room" in asked.text, asked.text
    assert "not sure" not in asked.text, asked.text
    answer = await audited_engine.on_text(FACULTY, "classroom 102")
    assert answer.outcome == "answered" and "Classroom 102" in answer.text, answer.text


async def test_a_cancelling_schedule_question_and_out_of_scope_speech_stay_refused(audited_engine):
    for text in ("cancel the schedules in my room", "is my brain on in here"):
        audited_engine.speech = HeardUnsure(text, unsure=())
        reply = await audited_engine.on_voice(FACULTY, b"a voice note")
        assert "Which room" not in reply.text and reply.outcome in ("not_understood", "unsure"), (text, reply)


async def test_what_to_switch_is_asked_and_nothing_is_kept_for_the_answer(audited_engine):
    await audited_engine.fleet.switch(["cr-101-lights", "cr-101-fans"], False)
    audited_engine.speech = HeardUnsure("could you put it on", unsure=("on",))
    asked = await audited_engine.on_voice(FACULTY, b"a voice note")
    assert asked.outcome == "clarify" and "What should I switch?" in asked.text, asked.text
    after = await audited_engine.on_text(FACULTY, "classroom 101")  # a room alone completes nothing: nothing switched
    assert after.outcome not in ("done", "confirm"), after
    fleet = audited_engine.fleet
    assert fleet.state("cr-101-lights").on is False and fleet.state("cr-101-fans").on is False
