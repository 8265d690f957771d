"""Follow-up edits of the previous command end to end (the real PTB Application, the loopback Bot API server, the
gateway and a simulated fleet on the real broker): a new time moves the one run, another device named after "not
that one" switches that device in the same room and offers the first back; with no command before, nothing moves."""

from __future__ import annotations

import datetime as dt

import pytest

from bot import records

FACULTY = 2001  # Dr. Meera Iyer: cr-101, cr-102


@pytest.fixture
def speech():
    """These tests type; no speech model is loaded (overrides the session fixture for this module)."""
    return None


def pending_runs(h):
    return [(p.switch_ids, p.run_at.astimezone(h.conversation.tz).hour, p.on)
            for p in records.actions_with_status(h.db_url, "pending")]


async def test_change_the_time_leaves_one_run_at_the_new_time(harness):
    await harness.gateway.switch(["cr-101-fans"], True)
    first = await harness.say(FACULTY, "fans off in 101 at 5 pm")
    assert first.text.startswith("Scheduled:"), first.text
    moved = await harness.say(FACULTY, "change the time to 4 pm")
    assert moved.text.startswith("Scheduled:") and "16:00" in moved.text, moved.text
    assert "Cancelled the earlier one: ceiling fans in Classroom 101 off" in moved.text, moved.text
    assert pending_runs(harness) == [(("cr-101-fans",), 16, False)]
    assert len(records.actions_with_status(harness.db_url, "cancelled")) == 1
    assert harness.relay("cr-101-fans") is True  # nothing switched now


async def test_a_bare_hour_moves_a_timed_command(harness):
    await harness.say(FACULTY, "turn off the lights in classroom 102 at 5 pm")
    moved = await harness.say(FACULTY, "push it to 6")
    assert "18:00" in moved.text and "Cancelled the earlier one" in moved.text, moved.text
    assert pending_runs(harness) == [(("cr-102-lights",), 18, False)]


async def test_not_that_one_switches_the_device_named_and_offers_the_first_back(harness):
    await harness.gateway.switch(["cr-101-lights", "cr-101-fans"], True)
    await harness.say(FACULTY, "turn off the lights in classroom 101")
    fixed = await harness.say(FACULTY, "not that one, the fans")
    assert "Classroom 101: ceiling fans off (1/1 confirmed)" in fixed.text, fixed.text
    assert "Lights in Classroom 101 are still off. Turn them back on?" in fixed.text
    assert harness.relay("cr-101-fans") is False and harness.relay("cr-101-lights") is False  # offered, not done


async def test_an_edit_with_nothing_before_it_or_after_a_question_switches_nothing(harness):
    await harness.gateway.switch(["cr-101-lights", "cr-101-fans", "cr-101-projector"], True)
    sent = harness.gateway.stats.commands_sent
    alone = await harness.say(FACULTY, "no, the projector, not the lights")
    assert "off (" not in alone.text, alone.text
    await harness.say(FACULTY, "is the light on in classroom 101?")
    after = await harness.say(FACULTY, "not that one, the fans")
    assert "off (" not in after.text, after.text
    assert harness.gateway.stats.commands_sent == sent
    assert harness.relay("cr-101-fans") is True and harness.relay("cr-101-projector") is True
    assert pending_runs(harness) == []


async def test_a_bare_hour_after_a_command_done_now_schedules_it_and_offers_the_switch_back(harness):
    """ "make it 7" right after "turn off the lights in classroom 101" (done at once): the lights off at the next 7
    o'clock, and the switch done now offered back, as "do it at 7" is (the take-back path reads the moved time)."""
    await harness.gateway.switch(["cr-101-lights"], True)
    await harness.say(FACULTY, "turn off the lights in classroom 101")
    assert harness.relay("cr-101-lights") is False
    moved = await harness.say(FACULTY, "make it 7")
    local = dt.datetime.now(harness.conversation.tz)
    hour = 19 if 7 <= local.hour < 19 else 7  # the next 7 o'clock on the campus clock
    assert moved.text.startswith("Scheduled:") and f"{hour:02d}:00" in moved.text, moved.text
    assert "Lights in Classroom 101 are still off. Turn them back on?" in moved.text, moved.text
    assert pending_runs(harness) == [(("cr-101-lights",), hour, False)]
    assert harness.relay("cr-101-lights") is False  # offered back, not switched
