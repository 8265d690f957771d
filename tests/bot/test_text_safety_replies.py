"""What the bot does with an hour range and with a time tied to an event (branch text-safety): a window schedules
both ends and switches nothing now; "after the test" is a question, never a switch."""

from __future__ import annotations

import datetime as dt

from bot import records
from bot.conversation import Sender

FACULTY = Sender(2001, 2001, "terminal")  # Dr. Meera Iyer: classrooms 101 and 102


async def test_an_hour_range_schedules_both_ends_and_switches_nothing_now(unlimited_engine):
    await unlimited_engine.fleet.switch(["cr-101-fans"], False)
    before = {p.id for p in records.actions_with_status(unlimited_engine.database_url, "pending")}
    reply = await unlimited_engine.on_text(FACULTY, "switch on the fans in classroom 101 tomorrow between 2 and 5 pm")
    assert unlimited_engine.fleet.state("cr-101-fans").on is False, reply
    pending = [p for p in records.actions_with_status(unlimited_engine.database_url, "pending") if p.id not in before]
    tomorrow = (unlimited_engine.clock().astimezone(unlimited_engine.tz) + dt.timedelta(days=1)).date()
    local = [p.run_at.astimezone(unlimited_engine.tz) for p in pending]
    assert sorted((t.date(), t.hour, p.on) for t, p in zip(local, pending)) == [
        (tomorrow, 14, True), (tomorrow, 17, False)], reply.text
    assert reply.text.count("Scheduled: ") == 2, reply.text


async def test_a_time_tied_to_an_event_is_asked_for(unlimited_engine):
    await unlimited_engine.fleet.switch(["cr-101-lights"], True)
    pending = records.actions_with_status(unlimited_engine.database_url, "pending")
    reply = await unlimited_engine.on_text(FACULTY, "turn off the lights in classroom 101 after the test")
    assert reply.outcome == "clarify" and reply.text.endswith("?") and "At what time?" in reply.text, reply.text
    assert unlimited_engine.fleet.state("cr-101-lights").on is True
    assert records.actions_with_status(unlimited_engine.database_url, "pending") == pending


async def test_the_room_answer_keeps_the_window(unlimited_engine):
    await unlimited_engine.fleet.switch(["cr-102-fans"], False)
    before = {p.id for p in records.actions_with_status(unlimited_engine.database_url, "pending")}
    asked = await unlimited_engine.on_text(FACULTY, "switch on the fans tomorrow between 2 and 5 pm")
    assert asked.outcome == "clarify", asked.text
    reply = await unlimited_engine.on_text(FACULTY, "classroom 102")
    assert unlimited_engine.fleet.state("cr-102-fans").on is False, reply.text  # nothing now
    pending = [p for p in records.actions_with_status(unlimited_engine.database_url, "pending") if p.id not in before]
    hours = sorted((p.run_at.astimezone(unlimited_engine.tz).hour, p.on) for p in pending)
    assert hours == [(14, True), (17, False)], reply.text
