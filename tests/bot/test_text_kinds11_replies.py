"""What the bot does with the fourteenth pass's safety kinds (branch text-kinds11): a switch excepted in the order
("... but leave the fans on") stays as it is while the rest is switched, and an exception it cannot tell is asked
about with nothing switched."""

from __future__ import annotations

from bot.conversation import Sender

FACULTY = Sender(2001, 2001, "terminal")  # Dr. Meera Iyer: classrooms 101 and 102


async def test_the_excepted_switch_stays_on(unlimited_engine):
    await unlimited_engine.fleet.switch(["cr-101-lights", "cr-101-fans"], True)
    reply = await unlimited_engine.on_text(FACULTY, "switch off the lights in classroom 101 but leave the fans on")
    assert unlimited_engine.fleet.state("cr-101-lights").on is False, reply.text
    assert unlimited_engine.fleet.state("cr-101-fans").on is True, reply.text


async def test_everything_but_one_type_leaves_that_type(unlimited_engine):
    switches = [s.id for s in unlimited_engine.campus.switches if s.room_id == "cr-102"]
    await unlimited_engine.fleet.switch(switches, True)
    reply = await unlimited_engine.on_text(FACULTY, "turn everything off in classroom 102 apart from the projector")
    assert unlimited_engine.fleet.state("cr-102-projector").on is True, reply.text  # it alone was switched off
    assert unlimited_engine.fleet.state("cr-102-lights").on is False, reply.text


async def test_an_exception_it_cannot_tell_switches_nothing(unlimited_engine):
    switches = [s.id for s in unlimited_engine.campus.switches if s.room_id == "cr-101"]
    await unlimited_engine.fleet.switch(switches, True)
    reply = await unlimited_engine.on_text(FACULTY, "switch off everything in classroom 101 except the stage lights")
    assert "leave" in reply.text, reply.text
    assert all(unlimited_engine.fleet.state(s).on is True for s in switches), reply.text
