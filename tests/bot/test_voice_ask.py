"""An unsure voice note whose switch lacks only its room or its time is asked (branch voice-ask, issue 15), and the
answer that completes it asks "I may have misheard: ...?" before switching: a misheard on/off never switches without
a tap. The transcript is given as the speech worker returns it (`bot.speech.Heard`: the on/off word unsure), on a real
store, the simulated fleet and the audit log; a real Piper note of the kind is in tests/bot/test_voice_asks_room.py."""

from __future__ import annotations

import pytest_asyncio
from sqlalchemy import select

from bot.conversation import Sender
from bot.records import AuditLog
from bot.speech import Heard
from store import models as m
from store.db import session_scope
from tests.bot.conftest import memory_conversation

FACULTY = Sender(2001, 2001, "terminal")  # Dr. Meera Iyer: Classroom 101 and Classroom 102, no default room


class HeardUnsure:
    """The speech worker's answer: the words heard, trusted, with the on/off word (or another) unsure."""

    def __init__(self, text: str, unsure: tuple[str, ...] = ("off",), confidence: float = 0.9) -> None:
        self.text, self.unsure, self.confidence = text, unsure, confidence

    def transcribe(self, audio: bytes) -> Heard:
        return Heard(self.text, self.confidence, True, 2.0, 0.3, "whisper", self.unsure)


@pytest_asyncio.fixture
async def engine(campus, db_url):
    audit = AuditLog(db_url)
    async with memory_conversation(campus, db_url, audit) as conversation:
        yield conversation
    audit.close()


def on(engine, switch_id: str) -> bool | None:
    return engine.fleet.state(switch_id).on


async def test_the_room_is_asked_the_answer_confirms_and_yes_switches_audited(engine, db_url):
    await engine.fleet.switch(["cr-101-fans", "cr-102-fans"], True)
    engine.speech = HeardUnsure("turn off the fans")
    asked = await engine.on_voice(FACULTY, b"a voice note")
    assert asked.outcome == "clarify" and asked.detail.get("asks_first") is True, asked
    assert asked.text.startswith('Heard: "turn off the fans"\nWhich room'), asked.text
    assert "I will ask before switching" in asked.text and not asked.buttons
    assert on(engine, "cr-101-fans") is True and on(engine, "cr-102-fans") is True

    answer = await engine.on_text(FACULTY, "classroom 101")
    assert answer.outcome == "confirm" and "I may have misheard." in answer.text, answer.text
    assert "Switch off the ceiling fans in Classroom 101?" in answer.text, answer.text
    assert answer.buttons and on(engine, "cr-101-fans") is True  # nothing switched before the tap

    done = await engine.on_button(FACULTY, answer.buttons[0][0].data)
    assert "Classroom 101: ceiling fans off (1/1 confirmed)" in done.text, done.text
    assert on(engine, "cr-101-fans") is False and on(engine, "cr-102-fans") is True
    assert engine.audit.flush()
    with session_scope(db_url) as session:
        outcomes = session.execute(select(m.CommandAudit.outcome).where(m.CommandAudit.user_id == FACULTY.user_id)
                                   .order_by(m.CommandAudit.id)).scalars().all()
    assert outcomes[-3:] == ["clarify", "confirm", done.outcome], outcomes


async def test_a_spoken_room_answer_confirms_too(engine):
    """The answer said as a voice note, heard surely: still the confirmation, the completed switch is the unsure one."""
    await engine.fleet.switch(["cr-102-lights"], True)
    engine.speech = HeardUnsure("switch off the lights")
    asked = await engine.on_voice(FACULTY, b"a voice note")
    assert "Which room" in asked.text, asked.text
    engine.speech = HeardUnsure("classroom 102", unsure=(), confidence=0.95)
    answer = await engine.on_voice(FACULTY, b"a voice note")
    assert answer.outcome == "confirm" and "I may have misheard." in answer.text, answer.text
    assert on(engine, "cr-102-lights") is True


async def test_the_time_is_asked_and_the_answer_schedules_only_after_yes(engine):
    from bot import records

    engine.speech = HeardUnsure("turn off the lights in classroom 101 tomorrow")
    asked = await engine.on_voice(FACULTY, b"a voice note")
    assert asked.outcome == "clarify" and "At what time" in asked.text, asked.text
    answer = await engine.on_text(FACULTY, "at 5 pm")
    assert answer.outcome == "confirm" and "I may have misheard." in answer.text, answer.text
    assert not records.actions_with_status(engine.database_url, "pending")  # no schedule before the tap
    await engine.on_button(FACULTY, answer.buttons[0][0].data)
    assert len(records.actions_with_status(engine.database_url, "pending")) == 1


async def test_a_whole_command_after_the_question_is_its_own(engine):
    """A new complete command typed after the question is not the unsure note's completion: it runs as typed."""
    await engine.fleet.switch(["cr-101-lights"], False)
    engine.speech = HeardUnsure("turn off the fans")
    await engine.on_voice(FACULTY, b"a voice note")
    typed = await engine.on_text(FACULTY, "turn on the lights in classroom 101")
    assert typed.outcome == "done" and on(engine, "cr-101-lights") is True, typed.text


async def test_a_sure_note_s_room_answer_still_switches_at_once(engine):
    await engine.fleet.switch(["cr-101-fans"], True)
    engine.speech = HeardUnsure("turn off the fans", unsure=(), confidence=0.95)
    asked = await engine.on_voice(FACULTY, b"a voice note")
    assert "Which room" in asked.text and "ask before switching" not in asked.text, asked.text
    done = await engine.on_text(FACULTY, "classroom 101")
    assert "ceiling fans off (1/1 confirmed)" in done.text and on(engine, "cr-101-fans") is False, done.text


async def test_an_out_of_scope_unsure_note_is_still_refused(engine):
    for text in ("turn off my brain please", "switch off the party lights at my flat"):
        engine.speech = HeardUnsure(text)
        reply = await engine.on_voice(FACULTY, b"a voice note")
        assert "Which room" not in reply.text and reply.outcome in ("not_understood", "unsure"), (text, reply)
        after = await engine.on_text(FACULTY, "classroom 101")
        assert after.outcome != "confirm" and "off (" not in after.text, (text, after.text)


async def test_a_sure_note_s_time_question_is_asked_and_confirmed_too(engine):
    from bot import records

    engine.speech = HeardUnsure("turn on the fans in classroom 102 tomorrow", unsure=(), confidence=0.95)
    asked = await engine.on_voice(FACULTY, b"a voice note")
    assert "At what time" in asked.text and "(I will ask before switching.)" in asked.text, asked.text
    answer = await engine.on_text(FACULTY, "at 9 am")
    assert answer.outcome == "confirm" and "I may have misheard." in answer.text, answer.text
    assert not records.actions_with_status(engine.database_url, "pending")
