"""A voice note the bot acted on while `nlu.speech.understand.decide` (the CLI, the speech benches) refused it: a
parse of `unknown` that the conversation still read an alert action from ("snooze it for an hour" then; the
twentieth text pass made the parser read that one as about alerts, so "silence it for an hour" stands for the case). The bot now
applies the same rule (`voice_verdict`): a voice note the parser does not read as a command changes nothing; typed,
the same words still work.

The packaged Whisper tiny does not hear "snooze" (a Piper note of "snooze it for an hour" comes back "lets news it
for an hour"), so no real note reaches this case today; the transcript is given as the speech worker would return
it (`bot.speech.Heard`), heard surely, and the conversation runs on a real store with alerts the alert book wrote."""

from __future__ import annotations

import pytest_asyncio

from bot.conversation import Sender
from bot.speech import Heard
from tests.bot.conftest import memory_conversation
from tests.bot.test_alerts_in_chat import alert, open_alerts

ADMIN = Sender(1001, 1001, "terminal")


class HeardExactly:
    """The speech worker's answer for a note whose words were heard exactly and surely."""

    def __init__(self, text: str) -> None:
        self.text = text

    def transcribe(self, audio: bytes) -> Heard:
        return Heard(self.text, 0.95, True, 2.0, 0.3, "whisper")


@pytest_asyncio.fixture
async def engine(campus, db_url):
    async with memory_conversation(campus, db_url) as conversation:
        yield conversation


async def test_a_spoken_snooze_the_parser_does_not_read_changes_nothing(engine, db_url):
    ids = open_alerts(db_url)
    acked = await engine.on_text(ADMIN, "ack the AC alert")  # the alert "it" refers to
    assert acked.outcome == "done", acked.text
    assert engine.parser.parse("silence it for an hour").intent == "unknown"  # the case the two rules disagree on
    engine.speech = HeardExactly("silence it for an hour")
    spoken = await engine.on_voice(ADMIN, b"a voice note")
    assert spoken.outcome == "not_understood" and "Snoozed" not in spoken.text, spoken.text
    assert alert(db_url, ids["high_consumption:cr-102-ac"]).snoozed_until is None
    typed = await engine.on_text(ADMIN, "silence it for an hour")
    assert typed.outcome == "done" and typed.text.startswith("Snoozed until "), typed.text


async def test_a_spoken_snooze_the_parser_reads_is_acted_on(engine, db_url):
    """"snooze it for an hour" is about alerts to the parser now (twentieth pass): spoken, it snoozes as typed."""
    ids = open_alerts(db_url)
    acked = await engine.on_text(ADMIN, "ack the AC alert")
    assert acked.outcome == "done", acked.text
    engine.speech = HeardExactly("snooze it for an hour")
    spoken = await engine.on_voice(ADMIN, b"a voice note")
    assert spoken.outcome == "done" and "\nSnoozed until " in spoken.text, spoken.text  # after "Heard: ..."
    assert alert(db_url, ids["high_consumption:cr-102-ac"]).snoozed_until is not None


async def test_a_spoken_alert_question_is_still_answered(engine, db_url):
    """What the parser reads as about alerts ("ack the AC alert": alerts_query) is acted on from a voice note too."""
    ids = open_alerts(db_url)
    engine.speech = HeardExactly("ack the AC alert")
    spoken = await engine.on_voice(ADMIN, b"a voice note")
    assert spoken.outcome == "done" and "Acknowledged: AC in Classroom 102" in spoken.text, spoken.text
    assert alert(db_url, ids["high_consumption:cr-102-ac"]).acknowledged_by == 1001
