""""can you do the fans too" right after an order, end to end (twenty-first pass): it is that order for the fans,
switched and confirmed; the same words after a question stay a question and switch nothing."""

from __future__ import annotations

import pytest

FACULTY = 2001  # Dr. Meera Iyer: cr-101, cr-102


@pytest.fixture
def speech():
    """These tests type; no speech model is loaded (overrides the session fixture for this module)."""
    return None


async def test_do_the_fans_too_after_an_order_switches_them(harness):
    await harness.gateway.switch(["cr-102-lights", "cr-102-fans"], True)
    first = await harness.say(FACULTY, "turn off the lights in classroom 102")
    assert "Classroom 102: lights off (1/1 confirmed)" in first.text, first.text
    more = await harness.say(FACULTY, "can you do the fans too")  # read as a status question about every fan before
    assert "Classroom 102: ceiling fans off (1/1 confirmed)" in more.text, more.text
    assert harness.relay("cr-102-fans") is False and harness.relay("cr-102-lights") is False


async def test_do_the_fans_too_after_a_question_switches_nothing(harness):
    await harness.gateway.switch(["cr-101-lights", "cr-101-fans"], True)
    await harness.say(FACULTY, "are the lights on in classroom 101?")
    sent = harness.gateway.stats.commands_sent
    more = await harness.say(FACULTY, "can you do the fans too")
    assert "Classroom 101" in more.text, more.text
    assert harness.gateway.stats.commands_sent == sent and harness.relay("cr-101-fans") is True
