"""What the bot answers to the text-left6 kinds (issue 16), end to end (the real PTB Application, the loopback Bot API
server, the gateway and a simulated fleet on the real broker): a clock time passed today with a length is asked about
with tomorrow at that time offered, and "yes" schedules both ends of it; a room said by a description that fits
several asks which room even for a user with one room; a Hinglish state question is never an order."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.bot.conftest import campus_clock_at, pending_runs

FACULTY = 2001  # Dr. Meera Iyer: cr-101, cr-102
LAB_FACULTY = 2003  # Dr. Sara Thomas: lab-3 only


@pytest.fixture
def speech():
    """These tests type; no speech model is loaded (overrides the session fixture for this module)."""
    return None


async def test_a_passed_time_with_a_length_is_asked_and_yes_keeps_the_length(harness):
    ten = campus_clock_at(harness, 10)  # 7 am has passed; tomorrow's 07:00 and 08:00 are ahead on the runner's clock
    assert harness.relay("cr-101-fans") is False
    asked = await harness.say(FACULTY, "switch on the fans in classroom 101 at 7 am for an hour")
    assert "07:00 has already passed today" in asked.text and "tomorrow at 07:00 for 1 hour" in asked.text, asked.text
    assert pending_runs(harness) == [] and harness.relay("cr-101-fans") is False  # nothing done unasked
    done = await harness.say(FACULTY, "yes")
    assert done.text.startswith("Scheduled:"), done.text
    tomorrow_seven = (ten + dt.timedelta(days=1)).replace(hour=7)
    # On tomorrow at 7 and off again at 8: "yes" kept the hour (it switched on with no end before text-left6).
    assert pending_runs(harness) == [(("cr-101-fans",), tomorrow_seven, True),
                                     (("cr-101-fans",), tomorrow_seven + dt.timedelta(hours=1), False)]
    assert harness.relay("cr-101-fans") is False  # scheduled, not switched now


async def test_a_described_room_asks_which_room_for_a_user_with_one_room(harness):
    await harness.gateway.switch(["lab-3-lights"], True)
    reply = await harness.say(LAB_FACULTY, "turn off the lights in the first floor lab")
    # Her one room (the Electronics Lab) was switched off: the campus records no floors.
    assert "Which room do you mean by the first floor lab?" in reply.text, reply.text
    assert harness.relay("lab-3-lights") is True


@pytest.mark.parametrize("text, said", [
    ("canteen AC on hai kya check karo", "I don't know the canteen"),
    ("room 101 ka projector on hai kya dekh lo", "Classroom 101"),  # answered ("dekh lo" made it the order "on")
])
async def test_a_hinglish_state_question_is_never_an_order(harness, text, said):
    reply = await harness.say(FACULTY, text)
    assert said in reply.text and "Which room" not in reply.text, reply.text
    assert harness.relay("cr-101-projector") is False and not reply.text.startswith("Done"), reply.text
