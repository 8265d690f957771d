"""What the bot does with the twelfth pass's safety kinds (branch text-kinds9): a place taken back in the message is
never switched, a thing no switch is never switches the room it is in, and a newcomer's "where do I even start"
gets help, not "What should I switch?"."""

from __future__ import annotations

from bot import records
from bot.conversation import Sender

FACULTY = Sender(2001, 2001, "terminal")  # Dr. Meera Iyer: classrooms 101 and 102
ROOM_QUESTIONS = ("Which room", "Which one do you mean", "Classroom 101 or Classroom 102")


async def test_the_place_taken_back_is_not_switched(unlimited_engine):
    await unlimited_engine.fleet.switch(["cr-101-ac", "cr-102-ac"], False)
    reply = await unlimited_engine.on_text(FACULTY, "put the ac on in classroom 101, no, the one in classroom 102")
    assert unlimited_engine.fleet.state("cr-102-ac").on is True, reply.text
    assert unlimited_engine.fleet.state("cr-101-ac").on is False, reply.text  # it was switched on too


async def test_a_thing_no_switch_is_switches_nothing_and_asks_no_room(unlimited_engine):
    switches = [s.id for s in unlimited_engine.campus.switches if s.room_id == "cr-101"]
    await unlimited_engine.fleet.switch(switches, False)
    pending = records.actions_with_status(unlimited_engine.database_url, "pending")
    reply = await unlimited_engine.on_text(FACULTY, "turn on the whiteboard in classroom 101")
    assert not any(q in reply.text for q in ROOM_QUESTIONS), reply.text
    assert all(unlimited_engine.fleet.state(s).on is False for s in switches), reply.text  # everything there went on
    assert records.actions_with_status(unlimited_engine.database_url, "pending") == pending


async def test_where_do_i_even_start_gets_help(unlimited_engine):
    reply = await unlimited_engine.on_text(FACULTY, "where do i even start with you")
    assert reply.intent == "help" and "What should I switch?" not in reply.text, reply.text
