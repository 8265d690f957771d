"""An unsure voice note whose switch lacks only its room or its time is asked (branch voice-ask, issue 15), and the
answer that completes it asks "I may have misheard: ...?" before switching: a misheard on/off never switches without
a tap. The transcript is given as the speech worker returns it (`bot.speech.Heard`: the on/off word unsure), on a real
store, the simulated fleet and the audit log; a real Piper note of the kind is in tests/bot/test_voice_asks_room.py."""

from __future__ import annotations

from sqlalchemy import select

from bot.conversation import Sender
from bot.speech import Heard
from store import models as m
from store.db import session_scope

FACULTY = Sender(2001, 2001, "terminal")  # Dr. Meera Iyer: Classroom 101 and Classroom 102, no default room


class HeardUnsure:
    """The speech worker's answer: the words heard, trusted, with the on/off word (or another) unsure."""

    def __init__(self, text: str, unsure: tuple[str, ...] = ("off",), confidence: float = 0.9) -> None:
        self.text, self.unsure, self.confidence = text, unsure, confidence

    def transcribe(self, audio: bytes) -> Heard:
        return Heard(self.text, self.confidence, True, 2.0, 0.3, "whisper", self.unsure)


def on(audited_engine, switch_id: str) -> bool | None:
    return audited_engine.fleet.state(switch_id).on


async def test_the_room_is_asked_the_answer_confirms_and_yes_switches_audited(audited_engine, db_url):
    await audited_engine.fleet.switch(["cr-101-fans", "cr-102-fans"], True)
    audited_engine.speech = HeardUnsure("turn off the fans")
    asked = await audited_engine.on_voice(FACULTY, b"a voice note")
    assert asked.outcome == "clarify" and asked.detail.get("asks_first") is True, asked
    assert asked.text.startswith('Heard: "turn off the fans"\nWhich room'), asked.text
    assert "I will ask before switching" in asked.text and not asked.buttons
    assert on(audited_engine, "cr-101-fans") is True and on(audited_engine, "cr-102-fans") is True

    answer = await audited_engine.on_text(FACULTY, "classroom 101")
    assert answer.outcome == "confirm" and "I may have misheard." in answer.text, answer.text
    assert "Switch off the ceiling fans in Classroom 101?" in answer.text, answer.text
    assert answer.buttons and on(audited_engine, "cr-101-fans") is True  # nothing switched before the tap

    done = await audited_engine.on_button(FACULTY, answer.buttons[0][0].data)
    assert "Classroom 101: ceiling fans off (1/1 confirmed)" in done.text, done.text
    assert on(audited_engine, "cr-101-fans") is False and on(audited_engine, "cr-102-fans") is True
    assert audited_engine.audit.flush()
    with session_scope(db_url) as session:
        outcomes = session.execute(select(m.CommandAudit.outcome).where(m.CommandAudit.user_id == FACULTY.user_id)
                                   .order_by(m.CommandAudit.id)).scalars().all()
    assert outcomes[-3:] == ["clarify", "confirm", done.outcome], outcomes


async def test_a_spoken_room_answer_confirms_too(audited_engine):
    """The answer said as a voice note, heard surely: still the confirmation, the completed switch is the unsure one."""
    await audited_engine.fleet.switch(["cr-102-lights"], True)
    audited_engine.speech = HeardUnsure("switch off the lights")
    asked = await audited_engine.on_voice(FACULTY, b"a voice note")
    assert "Which room" in asked.text, asked.text
    audited_engine.speech = HeardUnsure("classroom 102", unsure=(), confidence=0.95)
    answer = await audited_engine.on_voice(FACULTY, b"a voice note")
    assert answer.outcome == "confirm" and "I may have misheard." in answer.text, answer.text
    assert on(audited_engine, "cr-102-lights") is True


async def test_the_time_is_asked_and_the_answer_schedules_only_after_yes(audited_engine):
    from bot import records

    audited_engine.speech = HeardUnsure("turn off the lights in classroom 101 tomorrow")
    asked = await audited_engine.on_voice(FACULTY, b"a voice note")
    assert asked.outcome == "clarify" and "At what time" in asked.text, asked.text
    answer = await audited_engine.on_text(FACULTY, "at 5 pm")
    assert answer.outcome == "confirm" and "I may have misheard." in answer.text, answer.text
    assert not records.actions_with_status(audited_engine.database_url, "pending")  # no schedule before the tap
    await audited_engine.on_button(FACULTY, answer.buttons[0][0].data)
    assert len(records.actions_with_status(audited_engine.database_url, "pending")) == 1


async def test_a_whole_command_after_the_question_is_its_own(audited_engine):
    """A new complete command typed after the question is not the unsure note's completion: it runs as typed."""
    await audited_engine.fleet.switch(["cr-101-lights"], False)
    audited_engine.speech = HeardUnsure("turn off the fans")
    await audited_engine.on_voice(FACULTY, b"a voice note")
    typed = await audited_engine.on_text(FACULTY, "turn on the lights in classroom 101")
    assert typed.outcome == "done" and on(audited_engine, "cr-101-lights") is True, typed.text


async def test_a_sure_note_s_room_answer_still_switches_at_once(audited_engine):
    await audited_engine.fleet.switch(["cr-101-fans"], True)
    audited_engine.speech = HeardUnsure("turn off the fans", unsure=(), confidence=0.95)
    asked = await audited_engine.on_voice(FACULTY, b"a voice note")
    assert "Which room" in asked.text and "ask before switching" not in asked.text, asked.text
    done = await audited_engine.on_text(FACULTY, "classroom 101")
    assert "ceiling fans off (1/1 confirmed)" in done.text and on(audited_engine, "cr-101-fans") is False, done.text


async def test_an_out_of_scope_unsure_note_is_still_refused(audited_engine):
    for text in ("turn off my brain please", "switch off the party lights at my flat"):
        audited_engine.speech = HeardUnsure(text)
        reply = await audited_engine.on_voice(FACULTY, b"a voice note")
        assert "Which room" not in reply.text and reply.outcome in ("not_understood", "unsure"), (text, reply)
        after = await audited_engine.on_text(FACULTY, "classroom 101")
        assert after.outcome != "confirm" and "off (" not in after.text, (text, after.text)


async def test_a_sure_note_s_time_question_is_asked_and_confirmed_too(audited_engine):
    from bot import records

    audited_engine.speech = HeardUnsure("turn on the fans in classroom 102 tomorrow", unsure=(), confidence=0.95)
    asked = await audited_engine.on_voice(FACULTY, b"a voice note")
    assert "At what time" in asked.text and "(I will ask before switching.)" in asked.text, asked.text
    answer = await audited_engine.on_text(FACULTY, "at 9 am")
    assert answer.outcome == "confirm" and "I may have misheard." in answer.text, answer.text
    assert not records.actions_with_status(audited_engine.database_url, "pending")
