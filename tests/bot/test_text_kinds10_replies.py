"""What the bot does with the thirteenth pass's safety kinds (branch text-kinds10): a room taken back with "scratch
that" is never switched, "turn that one off" after a question switches only the device asked about, and an order
timed by people arriving switches nothing until the time is given."""

from __future__ import annotations

from bot import records
from bot.conversation import Sender

FACULTY = Sender(2001, 2001, "terminal")  # Dr. Meera Iyer: classrooms 101 and 102


async def test_the_room_scratched_is_not_switched(unlimited_engine):
    await unlimited_engine.fleet.switch(["cr-101-lights", "cr-102-lights"], False)
    reply = await unlimited_engine.on_text(FACULTY, "lights on in classroom 102, scratch that, classroom 101")
    assert unlimited_engine.fleet.state("cr-101-lights").on is True, reply.text
    assert unlimited_engine.fleet.state("cr-102-lights").on is False, reply.text  # it was switched on too


async def test_that_one_after_a_question_switches_only_that_device(unlimited_engine):
    switches = [s.id for s in unlimited_engine.campus.switches if s.room_id == "cr-101"]
    await unlimited_engine.fleet.switch(switches, True)
    await unlimited_engine.on_text(FACULTY, "is the ac on in classroom 101")
    reply = await unlimited_engine.on_text(FACULTY, "ok then switch that one off")
    assert unlimited_engine.fleet.state("cr-101-ac").on is False, reply.text
    # all went off
    assert all(unlimited_engine.fleet.state(s).on is True for s in switches if s != "cr-101-ac"), reply.text


async def test_people_arriving_is_asked_for_and_switches_nothing(unlimited_engine):
    await unlimited_engine.fleet.switch(["cr-101-fans"], False)
    pending = records.actions_with_status(unlimited_engine.database_url, "pending")
    reply = await unlimited_engine.on_text(FACULTY, "switch the fans on in classroom 101 when the students arrive")
    assert "At what time?" in reply.text, reply.text
    assert unlimited_engine.fleet.state("cr-101-fans").on is False, reply.text  # they were switched on at once
    assert records.actions_with_status(unlimited_engine.database_url, "pending") == pending
