"""A correction in the next message ("sorry, I meant classroom 102") end to end: the real PTB Application against
the loopback Bot API server, the gateway and a simulated fleet on the real broker. The corrected command runs; what
the first command switched is never switched back unasked: the reply names it and offers a tap to put it back."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bot import records
from store import models as m
from store.db import session_scope
from tests.bot.conftest import campus_clock_at

FACULTY = 2001  # Dr. Meera Iyer: cr-101, cr-102
# "in 20 minutes" said shortly before midnight on campus is "tomorrow at 00:10": the reply says so.
LATER_TODAY_OR_TONIGHT = r"(tomorrow )?at \d\d:\d\d"
OPERATOR = 3001  # may ask, may not switch


@pytest.fixture
def speech():
    """These tests type; no speech model is loaded (overrides the session fixture for this module)."""
    return None


def audit_rows(h, user_id):
    assert h.audit.flush()
    with session_scope(h.db_url) as session:
        query = select(m.CommandAudit).where(m.CommandAudit.user_id == user_id).order_by(m.CommandAudit.id)
        return [(r.text, r.outcome) for r in session.scalars(query)]


async def both_lights_on(h):
    await h.gateway.switch(["cr-101-lights", "cr-102-lights"], True)
    assert h.relay("cr-101-lights") is True and h.relay("cr-102-lights") is True


async def test_the_correction_runs_and_a_tap_puts_the_first_room_back(harness):
    await both_lights_on(harness)
    first = await harness.say(FACULTY, "turn off the lights in classroom 101")
    assert "Classroom 101: lights off (1/1 confirmed)" in first.text and not first.buttons
    fixed = await harness.say(FACULTY, "sorry, I meant classroom 102")
    assert "Classroom 102: lights off (1/1 confirmed)" in fixed.text, fixed.text
    assert "Lights in Classroom 101 are still off. Turn them back on?" in fixed.text
    labels = [b["text"] for row in fixed.buttons for b in row]
    assert labels == ["Turn them back on", "Leave them off"]
    # Offered, not done: the first room stays as the first command left it until the tap.
    assert harness.relay("cr-101-lights") is False and harness.relay("cr-102-lights") is False
    start = len(harness.api.calls)
    harness.api.press(FACULTY, fixed.buttons[0][0]["callback_data"], fixed.message)
    done = await harness.api.wait_for(lambda c: c.method == "editMessageText", start=start, timeout=20)
    assert "Classroom 101: lights on (1/1 confirmed)" in done.text
    assert harness.relay("cr-101-lights") is True and harness.gateway.state("cr-101-lights").on is True
    assert harness.relay("cr-102-lights") is False  # the corrected command stands
    assert audit_rows(harness, FACULTY)[-1][1] == "done"
    # The offer is one tap: pressed again, nothing more is switched.
    sent = harness.gateway.stats.commands_sent
    start = len(harness.api.calls)
    harness.api.press(FACULTY, fixed.buttons[0][0]["callback_data"], fixed.message)
    again = await harness.api.wait_for(lambda c: c.method == "answerCallbackQuery", start=start)
    assert "already used" in again.params.get("text", "")
    assert harness.gateway.stats.commands_sent == sent


async def test_no_tap_changes_nothing_and_leave_it_keeps_it(harness):
    await both_lights_on(harness)
    await harness.say(FACULTY, "turn off the lights in classroom 101")
    fixed = await harness.say(FACULTY, "oops, I meant classroom 102")
    assert "still off" in fixed.text and fixed.buttons
    sent = harness.gateway.stats.commands_sent
    await harness.say(FACULTY, "/help")  # the chat moves on; the offer is never acted on by itself
    assert harness.gateway.stats.commands_sent == sent and harness.relay("cr-101-lights") is False
    start = len(harness.api.calls)
    harness.api.press(FACULTY, fixed.buttons[0][1]["callback_data"], fixed.message)
    left = await harness.api.wait_for(lambda c: c.method == "editMessageText", start=start, timeout=20)
    assert "nothing was switched" in left.text
    assert harness.gateway.stats.commands_sent == sent and harness.relay("cr-101-lights") is False


async def test_a_new_device_in_the_same_room_offers_the_first_device_back(harness):
    await harness.gateway.switch(["cr-101-lights", "cr-101-fans"], True)
    await harness.say(FACULTY, "turn off the lights in classroom 101")
    fixed = await harness.say(FACULTY, "sorry, I meant the fans")
    assert "Classroom 101: ceiling fans off (1/1 confirmed)" in fixed.text, fixed.text
    assert "Lights in Classroom 101 are still off. Turn them back on?" in fixed.text
    assert harness.relay("cr-101-lights") is False


async def test_an_addition_and_a_switch_back_offer_nothing(harness):
    await harness.gateway.switch(["cr-101-lights", "cr-101-fans"], True)
    await harness.say(FACULTY, "turn off the lights in classroom 101")
    more = await harness.say(FACULTY, "and the fans too")  # adds to the command, takes nothing back
    assert "ceiling fans off" in more.text and "still" not in more.text and not more.buttons
    back = await harness.say(FACULTY, "wait, turn them back on")  # the correction itself puts them back
    assert "ceiling fans on (1/1 confirmed)" in back.text and "still" not in back.text and not back.buttons


async def test_a_correction_of_a_question_or_of_nothing_offers_nothing(harness):
    await both_lights_on(harness)
    asked = await harness.say(FACULTY, "is the light on in classroom 101?")
    assert "Classroom 101" in asked.text
    fixed = await harness.say(FACULTY, "sorry, I meant classroom 102")
    assert "still" not in fixed.text and not fixed.buttons, fixed.text
    alone = await harness.say(OPERATOR, "sorry, I meant classroom 102")  # a first message: nothing before it
    assert "still" not in alone.text and not any("back" in b["text"] for row in alone.buttons for b in row)
    assert harness.relay("cr-101-lights") is True and harness.relay("cr-102-lights") is True


async def test_a_timed_first_command_is_cancelled_not_left_to_run(harness):
    # The campus clock fixed at 10:00 today: "tomorrow" stays one day for both messages, even across midnight.
    campus_clock_at(harness, 10)
    first = await harness.say(FACULTY, "turn off the lights in classroom 101 tomorrow at 5 pm")
    assert first.text.startswith("Scheduled:"), first.text
    fixed = await harness.say(FACULTY, "make that 6 pm")
    assert "tomorrow at 18:00" in fixed.text, fixed.text
    assert "Cancelled the earlier one: lights in Classroom 101 off tomorrow at 17:00" in fixed.text
    assert not fixed.buttons  # nothing was switched, so nothing to put back
    pending = records.actions_with_status(harness.db_url, "pending")
    assert [(p.run_at.astimezone(harness.conversation.tz).hour, p.on) for p in pending] == [(18, False)]
    assert len(records.actions_with_status(harness.db_url, "cancelled")) == 1


async def test_moving_a_timed_command_to_now_cancels_the_later_run(harness):
    await harness.gateway.switch(["cr-102-fans"], True)
    first = await harness.say(FACULTY, "switch off the fans in classroom 102 in 20 minutes")
    assert first.text.startswith("Scheduled:") and harness.relay("cr-102-fans") is True
    now = await harness.say(FACULTY, "do it right now")  # no correction word: the same command at another time
    assert "Classroom 102: ceiling fans off (1/1 confirmed)" in now.text, now.text
    assert re.search("Cancelled the earlier one: ceiling fans in Classroom 102 off " + LATER_TODAY_OR_TONIGHT, now.text)
    assert not now.buttons
    assert records.actions_with_status(harness.db_url, "pending") == []
    assert harness.relay("cr-102-fans") is False


async def test_a_command_done_now_but_meant_for_later_offers_the_switch_back(harness):
    await both_lights_on(harness)
    await harness.say(FACULTY, "turn off the lights in classroom 101")
    later = await harness.say(FACULTY, "actually in 10 minutes")
    assert re.match("Scheduled: lights in Classroom 101 off " + LATER_TODAY_OR_TONIGHT, later.text), later.text
    assert "Lights in Classroom 101 are still off. Turn them back on?" in later.text
    start = len(harness.api.calls)
    harness.api.press(FACULTY, later.buttons[0][0]["callback_data"], later.message)
    await harness.api.wait_for(lambda c: c.method == "editMessageText", start=start, timeout=20)
    assert harness.relay("cr-101-lights") is True  # on until the scheduled switch, as the user meant
    assert [p.on for p in records.actions_with_status(harness.db_url, "pending")] == [False]


async def test_a_timed_command_corrected_to_another_room_moves_there_at_the_same_time(harness):
    await both_lights_on(harness)
    await harness.say(FACULTY, "turn off the lights in classroom 101 tomorrow at 5 pm")
    fixed = await harness.say(FACULTY, "sorry, I meant classroom 102")
    assert fixed.text.startswith("Scheduled: lights in Classroom 102 off tomorrow at 17:00"), fixed.text
    assert "Cancelled the earlier one: lights in Classroom 101 off tomorrow at 17:00" in fixed.text
    assert harness.relay("cr-102-lights") is True and harness.relay("cr-101-lights") is True  # nothing now
    pending = records.actions_with_status(harness.db_url, "pending")
    assert [p.switch_ids for p in pending] == [("cr-102-lights",)]


async def test_the_same_command_said_again_for_another_time_keeps_both(harness):
    await harness.say(FACULTY, "turn off the lights in classroom 101 tomorrow at 5 pm")
    again = await harness.say(FACULTY, "turn off the lights in classroom 101 tomorrow at 7 pm")
    assert "Cancelled" not in again.text, again.text
    hours = sorted(p.run_at.astimezone(harness.conversation.tz).hour
                   for p in records.actions_with_status(harness.db_url, "pending"))
    assert hours == [17, 19]


async def test_an_unanswered_question_of_the_first_command_is_withdrawn(harness):
    await harness.gateway.switch(["cr-101-lights", "cr-102-lights"], True)
    asked = await harness.say(FACULTY, "switch off everything in classroom 101")  # "everything" always asks
    assert asked.buttons and "Switch off everything in Classroom 101" in asked.text, asked.text
    fixed = await harness.say(FACULTY, "sorry, I meant classroom 102")
    assert "The earlier question about \"switch off everything in classroom 101\" is withdrawn; nothing was switched there" in fixed.text
    sent = harness.gateway.stats.commands_sent
    start = len(harness.api.calls)
    harness.api.press(FACULTY, asked.buttons[0][0]["callback_data"], asked.message)  # the old "Yes"
    answer = await harness.api.wait_for(lambda c: c.method == "answerCallbackQuery", start=start)
    assert "already used" in answer.params.get("text", "")
    assert harness.gateway.stats.commands_sent == sent and harness.relay("cr-101-lights") is True


async def test_a_command_for_a_while_takes_its_switch_back_with_it(harness):
    await harness.gateway.switch(["cr-101-projector", "cr-102-projector"], True)
    await harness.say(FACULTY, "turn off the projector in classroom 101 for an hour")
    fixed = await harness.say(FACULTY, "sorry, I meant classroom 102")
    assert "Classroom 102: projector off (1/1 confirmed)" in fixed.text, fixed.text
    assert "Cancelled its switch back: projector in Classroom 101 on" in fixed.text
    assert "Projector in Classroom 101 is still off. Turn it back on?" in fixed.text
    pending = records.actions_with_status(harness.db_url, "pending")
    assert [(p.switch_ids, p.on) for p in pending] == [(("cr-102-projector",), True)]
    start = len(harness.api.calls)
    harness.api.press(FACULTY, fixed.buttons[0][0]["callback_data"], fixed.message)
    await harness.api.wait_for(lambda c: c.method == "editMessageText", start=start, timeout=20)
    assert harness.relay("cr-101-projector") is True and harness.relay("cr-102-projector") is False


async def test_a_question_answered_yes_is_taken_back_like_the_command(harness):
    await harness.gateway.switch(["cr-101-lights", "cr-101-fans"], True)
    asked = await harness.say(FACULTY, "switch off everything in classroom 101")
    start = len(harness.api.calls)
    harness.api.press(FACULTY, asked.buttons[0][0]["callback_data"], asked.message)
    await harness.api.wait_for(lambda c: c.method == "editMessageText", start=start, timeout=20)
    assert harness.relay("cr-101-lights") is False and harness.relay("cr-101-fans") is False
    fixed = await harness.say(FACULTY, "oops, I meant the fans")  # the fans stay off; the rest is offered back
    assert "Classroom 101: ceiling fans already off" in fixed.text, fixed.text
    assert "Turn them back on?" in fixed.text and "ceiling fans" not in fixed.text.split("\n")[-1]
    start = len(harness.api.calls)
    harness.api.press(FACULTY, fixed.buttons[0][0]["callback_data"], fixed.message)
    await harness.api.wait_for(lambda c: c.method == "editMessageText", start=start, timeout=20)
    assert harness.relay("cr-101-lights") is True and harness.relay("cr-101-fans") is False
