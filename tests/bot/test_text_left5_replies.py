"""What the bot answers to the text-left5 kinds (issue 16), end to end (the real PTB Application, the loopback Bot API
server, the gateway and a simulated fleet on the real broker): a bare clock time already passed today is asked about
with tomorrow at that time offered, nothing switched or scheduled; "yes" schedules tomorrow's run."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.bot.conftest import campus_clock_at, pending_runs

FACULTY = 2001  # Dr. Meera Iyer: cr-101, cr-102


@pytest.fixture
def speech():
    """These tests type; no speech model is loaded (overrides the session fixture for this module)."""
    return None


async def test_a_passed_clock_time_is_asked_and_yes_schedules_tomorrow(harness):
    ten = campus_clock_at(harness, 10)  # 7 am has passed; tomorrow's 07:00 is still ahead on the runner's clock
    await harness.gateway.switch(["cr-101-fans"], True)
    asked = await harness.say(FACULTY, "switch off the fans in classroom 101 at 7 am")
    assert "07:00 has already passed today" in asked.text and "tomorrow at 07:00" in asked.text, asked.text
    assert pending_runs(harness) == [] and harness.relay("cr-101-fans") is True  # nothing done unasked
    done = await harness.say(FACULTY, "yes")
    assert done.text.startswith("Scheduled:") and "07:00" in done.text, done.text
    tomorrow_seven = (ten + dt.timedelta(days=1)).replace(hour=7)
    assert pending_runs(harness) == [(("cr-101-fans",), tomorrow_seven, False)]
    assert harness.relay("cr-101-fans") is True  # scheduled, not switched now


@pytest.mark.parametrize("user, text, lacking", [
    (2003, "is the AC on in the electronics lab", "I found no ac in Electronics Lab"),  # Dr. Sara Thomas: lab 3
    (2001, "are the stage lights on in classroom 102", "I found no stage lights in Classroom 102"),
])
async def test_the_state_of_a_switch_a_room_lacks_says_so(harness, user, text, lacking):
    reply = await harness.say(user, text)
    assert reply.text.startswith(lacking), reply.text
    # No room question, and no other switch's state passed off as the answer ("Electronics Lab: lights on, ...").
    assert "Which room" not in reply.text and " on," not in reply.text and ": " not in reply.text, reply.text
