"""What the bot does with the fifteenth pass's safety kinds (branch text-kinds12): an out-of-scope message naming a
real room switches nothing there, an exception with no state said leaves its switch, and one naming a thing the
parser does not know is asked about with nothing switched."""

from __future__ import annotations

from bot.conversation import Sender

FACULTY = Sender(2001, 2001, "terminal")  # Dr. Meera Iyer: classrooms 101 and 102


def _room(unlimited_engine, room: str) -> list[str]:
    return [s.id for s in unlimited_engine.campus.switches if s.room_id == room]


async def test_out_of_scope_lines_about_a_room_switch_nothing(unlimited_engine):
    switches = _room(unlimited_engine, "cr-101")
    for text in ("whiteboard in classroom 101 on please", "Rahul switched on the fans in classroom 101",
                 "we had the lights on in classroom 101 all evening", "thanks for turning the AC on in classroom 101"):
        reply = await unlimited_engine.on_text(FACULTY, text)
        assert not any(unlimited_engine.fleet.state(s).on for s in switches), (text, reply.text)
        assert "which room" not in reply.text.lower(), (text, reply.text)


async def test_an_exception_with_no_state_leaves_the_switch_on(unlimited_engine):
    await unlimited_engine.fleet.switch(["cr-102-lights", "cr-102-fans"], True)
    reply = await unlimited_engine.on_text(FACULTY, "switch off the lights and fans in classroom 102 but keep the fans")
    assert unlimited_engine.fleet.state("cr-102-lights").on is False, reply.text
    assert unlimited_engine.fleet.state("cr-102-fans").on is True, reply.text


async def test_an_exception_naming_an_unknown_thing_switches_nothing(unlimited_engine):
    switches = _room(unlimited_engine, "cr-101")
    await unlimited_engine.fleet.switch(switches, True)
    reply = await unlimited_engine.on_text(FACULTY, "turn off everything in classroom 101 except the speakers")
    assert all(unlimited_engine.fleet.state(s).on is True for s in switches), reply.text
