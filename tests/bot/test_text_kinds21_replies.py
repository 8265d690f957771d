"""What the bot answers to the text-kinds21 kinds (issue 16, the twentieth held-out part's), end to end (the real PTB
Application, the loopback Bot API server, the gateway and a simulated fleet on the real broker): lights of a place
near a room are not the room's (nothing switched, the place asked back); a complaint about someone's habit switches
nothing; "not <room>, <other room>" right after an order runs it in the other room and offers the first one back."""

from __future__ import annotations

import pytest

from bot import records

FACULTY = 2001  # Dr. Meera Iyer: cr-101, cr-102


@pytest.fixture
def speech():
    """These tests type; no speech model is loaded (overrides the session fixture for this module)."""
    return None


async def test_lights_near_a_room_and_a_habit_told_switch_nothing(harness):
    await harness.gateway.switch(["cr-101-lights", "cr-102-fans"], True)
    pending = records.actions_with_status(harness.db_url, "pending")
    near = await harness.say(FACULTY, "the corridor lights next to classroom 101 are on, switch them off")
    assert "I don't know the corridor" in near.text, near.text  # the place asked back, not classroom 101's lights
    told = await harness.say(FACULTY, "somebody keeps switching the fans on in classroom 102, so annoying")
    assert "fans off" not in told.text and "fans on" not in told.text, told.text
    assert harness.relay("cr-101-lights") is True and harness.relay("cr-102-fans") is True
    assert records.actions_with_status(harness.db_url, "pending") == pending


async def test_not_the_room_but_another_runs_there_and_offers_the_first_back(harness):
    await harness.gateway.switch(["cr-101-fans", "cr-102-fans"], True)
    first = await harness.say(FACULTY, "fans off in classroom 101")
    assert "Classroom 101: ceiling fans off" in first.text, first.text
    fixed = await harness.say(FACULTY, "wait, not classroom 101, classroom 102")
    assert "Classroom 102: ceiling fans off" in fixed.text, fixed.text
    assert "in Classroom 101 are still off" in fixed.text and fixed.buttons, fixed.text  # offered back, one tap
    assert harness.relay("cr-102-fans") is False
    assert harness.relay("cr-101-fans") is False  # offered, not switched back unasked
