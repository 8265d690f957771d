"""The bot end to end (the real PTB Application, the loopback Bot API server, the gateway and a simulated fleet on the
real broker): the answer to "In 20 minutes, or for 20 minutes?" completes the command it asked about."""

from __future__ import annotations

import pytest

from bot import records

FACULTY = 2001  # Dr. Meera Iyer: cr-101, cr-102


@pytest.fixture
def speech():
    """These tests type; no speech model is loaded (overrides the session fixture for this module)."""
    return None


def pending_runs(h):
    return [(p.switch_ids, p.on) for p in records.actions_with_status(h.db_url, "pending")]


@pytest.mark.parametrize("answer", ["for", "for 20 minutes"])
async def test_for_switches_now_and_back_after_the_amount(harness, answer):
    asked = await harness.say(FACULTY, "turn on the AC in classroom 101, make it 20 minutes")
    assert asked.text == "In 20 minutes, or for 20 minutes?"
    assert harness.relay("cr-101-ac") is False and pending_runs(harness) == []
    done = await harness.say(FACULTY, answer)
    assert "Classroom 101: AC on" in done.text, done.text
    assert harness.relay("cr-101-ac") is True
    assert pending_runs(harness) == [(("cr-101-ac",), False)]  # and off again after the 20 minutes


async def test_in_schedules_it(harness):
    await harness.say(FACULTY, "switch on the fans in classroom 102, make it 20 minutes")
    done = await harness.say(FACULTY, "in")
    assert done.text.startswith("Scheduled:"), done.text
    assert harness.relay("cr-102-fans") is False and pending_runs(harness) == [(("cr-102-fans",), True)]


async def test_for_with_no_question_before_switches_nothing(harness):
    await harness.say(FACULTY, "turn on the AC in classroom 101")
    sent = harness.gateway.stats.commands_sent
    await harness.say(FACULTY, "for")
    assert harness.gateway.stats.commands_sent == sent and pending_runs(harness) == []


async def test_a_pause_between_two_devices_asks_and_switches_nothing(harness):
    sent = harness.gateway.stats.commands_sent
    asked = await harness.say(FACULTY, "turn on the projector, er, the AC in classroom 102")
    assert asked.text.startswith("Did you mean AC only, or projector and AC?"), asked.text
    assert harness.gateway.stats.commands_sent == sent
    assert harness.relay("cr-102-ac") is False and harness.relay("cr-102-projector") is False
    both = await harness.say(FACULTY, "turn on the lights, uh, and the fans in classroom 102")
    assert "on (2/2 confirmed)" in both.text, both.text


async def test_a_room_the_campus_lacks_is_said_so_and_its_answer_switches_nothing(harness):
    sent = harness.gateway.stats.commands_sent
    told = await harness.say(FACULTY, "turn off the lights in the board room")
    assert told.text.startswith("I don't know the board room on this campus."), told.text
    await harness.say(FACULTY, "classroom 101")  # no "Which room?" was asked: a room alone completes nothing
    assert harness.gateway.stats.commands_sent == sent
