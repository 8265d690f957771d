"""End to end: the real PTB Application against the loopback Bot API server, a simulated fleet on the real broker,
the real speech model. Each test talks to the bot the way a person would and checks what came back and what the
boards did."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import re

from sqlalchemy import select, update

from store import models as m
from store.db import session_scope
from tests.bot.conftest import until

FACULTY = 2001  # Dr. Meera Iyer: cr-101, cr-102
ADMIN = 1001
OPERATOR = 3001  # may not switch
STRANGER = 987654321


def audit_rows(h, user_id=None):
    assert h.audit.flush()
    with session_scope(h.db_url) as session:
        query = select(m.CommandAudit)
        if user_id is not None:
            query = query.where(m.CommandAudit.user_id == user_id)
        return [(r.text, r.intent, r.outcome) for r in session.scalars(query.order_by(m.CommandAudit.id))]


async def test_start_registers_commands_and_greets_by_role(harness):
    names = [c["command"] for c in harness.api.commands]
    assert names == ["start", "help", "status", "energy", "forecast", "alerts", "schedules", "myroom", "prefs", "mute",
                     "unmute", "quiet"]
    reply = await harness.say(FACULTY, "/start")
    assert "Dr. Meera Iyer" in reply.text and "faculty" in reply.text
    assert "Classroom 101 and Classroom 102" in reply.text
    helped = await harness.say(FACULTY, "/help")
    assert "Classroom 101" in helped.text and "/energy" in helped.text


async def test_voice_note_switches_the_board_and_replies_from_the_confirmed_state(harness, notes):
    await harness.gateway.switch(["cr-101-lights"], True)
    assert harness.relay("cr-101-lights") is True
    start = len(harness.api.calls)
    harness.api.send_voice(FACULTY, notes.get("turn off the lights in classroom one oh one"))
    reply = await harness.api.reply_to(FACULTY, start, timeout=30)
    assert "Classroom 101: lights off (1/1 confirmed)" in reply.text
    assert reply.text.startswith("Heard: ")
    assert harness.relay("cr-101-lights") is False
    actions = [c.params.get("action") for c in harness.api.calls[start:] if c.method == "sendChatAction"]
    assert actions and actions[0] == "record_voice"
    assert ("<voice>", "device_control", "done") in audit_rows(harness, FACULTY)


async def test_follow_up_reuses_the_room_and_switches_the_new_devices(harness):
    first = await harness.say(FACULTY, "turn on the lights in classroom 101")
    assert "Classroom 101: lights on (1/1 confirmed)" in first.text
    follow = await harness.say(FACULTY, "and the fans too")
    assert "Classroom 101: ceiling fans on (1/1 confirmed)" in follow.text
    assert harness.relay("cr-101-lights") is True and harness.relay("cr-101-fans") is True


async def test_slow_work_shows_typing_and_an_unanswering_board_is_reported(harness):
    await harness.boards.unplug("cr-102-panel")  # the board stops answering; the gateway waits for it
    start = len(harness.api.calls)
    reply = await harness.say(FACULTY, "turn on the fans in classroom 102", timeout=20)
    assert reply.text.startswith("Classroom 102: ceiling fans not switched on: board cr-102-panel did not report")
    actions = [(c.method, c.params.get("action")) for c in harness.api.calls[start:]
               if c.method in ("sendChatAction", "sendMessage")]
    assert actions[0] == ("sendChatAction", "typing") and actions[-1][0] == "sendMessage"
    assert ("turn on the fans in classroom 102", "device_control", "failed") in audit_rows(harness, FACULTY)


async def test_unknown_user_gets_one_polite_reply_and_no_device_state(harness):
    await harness.gateway.switch(["cr-101-projector"], True)
    reply = await harness.say(STRANGER, "is the projector in classroom 101 on")
    assert "only serves registered" in reply.text
    for leak in ("Classroom", "projector", "on (", "cr-101"):
        assert leak not in reply.text
    start = len(harness.api.calls)
    harness.api.send_text(STRANGER, "turn off everything")
    harness.api.send_text(STRANGER, "/status")
    await harness.say(FACULTY, "/help")  # the bot has handled everything queued before this
    assert [c for c in harness.api.calls[start:] if c.chat_id == STRANGER] == []
    assert harness.relay("cr-101-projector") is True
    outcomes = [o for _, _, o in audit_rows(harness, STRANGER)]
    assert outcomes == ["unknown_user"] * 3


async def test_faculty_outside_their_rooms_is_refused_and_nothing_switches(harness):
    reply = await harness.say(FACULTY, "turn on the lights in lab 1")
    assert "not one of your rooms" in reply.text and "Classroom 101" in reply.text
    assert harness.relay("lab-1-lights") is False
    assert harness.gateway.stats.commands_sent == 0
    assert ("turn on the lights in lab 1", "device_control", "refused") in audit_rows(harness, FACULTY)
    status = await harness.say(FACULTY, "/status lab 1")
    assert "not one of your rooms" in status.text


async def test_operator_may_ask_but_not_switch(harness):
    reply = await harness.say(OPERATOR, "turn off the fans in lab 2")
    assert "not switch devices" in reply.text
    status = await harness.say(OPERATOR, "/status lab 2")
    assert "Lab 2" in status.text and "fans off" in status.text.lower()


async def test_bulk_action_asks_first_then_switches_once_and_the_button_cannot_be_replayed(harness):
    question = await harness.say(ADMIN, "switch on everything in block a")
    assert question.buttons, question.text
    assert "Switch on" in question.text
    assert harness.gateway.stats.commands_sent == 0
    yes = question.buttons[0][0]["callback_data"]
    start = len(harness.api.calls)
    harness.api.press(ADMIN, yes, question.message)
    edited = await harness.api.wait_for(lambda c: c.method == "editMessageText", start=start, timeout=20)
    assert "Classroom 101: " in edited.text and "confirmed" in edited.text
    assert harness.relay("cr-102-fans") is True and harness.relay("seminar-hall-projector") is True
    sent = harness.gateway.stats.commands_sent
    start = len(harness.api.calls)
    harness.api.press(ADMIN, yes, question.message)  # the same press again (replay)
    answer = await harness.api.wait_for(lambda c: c.method == "answerCallbackQuery", start=start)
    assert "already used" in answer.params.get("text", "") and answer.params.get("show_alert") is True
    assert harness.gateway.stats.commands_sent == sent


async def test_forged_and_foreign_callbacks_are_refused(harness):
    question = await harness.say(ADMIN, "turn off all the lights on campus")
    yes = question.buttons[0][0]["callback_data"]
    body, mac = yes.rsplit(".", 1)
    forged = f"{body}.{'A' * len(mac)}"
    start = len(harness.api.calls)
    harness.api.press(ADMIN, forged, question.message)
    answer = await harness.api.wait_for(lambda c: c.method == "answerCallbackQuery", start=start)
    assert "not valid" in answer.params["text"]
    # The genuine data, pressed by another admin (buttons are bound to the user who asked).
    start = len(harness.api.calls)
    harness.api.press(1002, yes, question.message, chat_id=ADMIN)
    answer = await harness.api.wait_for(lambda c: c.method == "answerCallbackQuery", start=start)
    assert "not valid" in answer.params["text"]
    # Another record id under a valid-looking MAC from a different body does not pass either.
    start = len(harness.api.calls)
    other = "1c" + ("2" if yes[2:].split(".")[0] != "2" else "3")
    harness.api.press(ADMIN, other + "." + yes.split(".")[1] + "." + mac, question.message)
    answer = await harness.api.wait_for(lambda c: c.method == "answerCallbackQuery", start=start)
    assert "not valid" in answer.params["text"]
    assert harness.gateway.stats.commands_sent == 0
    outcomes = [o for _, _, o in audit_rows(harness, ADMIN)]
    assert outcomes.count("button_forged") == 2


async def test_corrupt_audio_gets_a_one_line_answer(harness):
    start = len(harness.api.calls)
    harness.api.send_voice(FACULTY, b"OggS" + os.urandom(3000))
    reply = await harness.api.reply_to(FACULTY, start)
    assert "could not use that voice note" in reply.text and "\n" not in reply.text
    assert "Traceback" not in reply.text
    assert ("<voice>", None, "bad_audio") in audit_rows(harness, FACULTY)


async def test_scheduled_action_is_stored_listed_runs_on_time_and_reports(harness):
    await harness.gateway.switch(["cr-101-projector"], True)
    reply = await harness.say(FACULTY, "switch off the projector in classroom 101 in 20 minutes")
    # "in 20 minutes" shortly before midnight on campus is "tomorrow at 00:10"
    assert re.match(r"Scheduled: projector in Classroom 101 off (tomorrow )?at \d\d:\d\d", reply.text), reply.text
    listed = await harness.say(FACULTY, "/schedules")
    assert "projector in Classroom 101 off" in listed.text and listed.buttons
    # Time passes: the action becomes due (moved in the store, as the clock would) and the scheduler is nudged.
    with session_scope(harness.db_url) as session:
        session.execute(update(m.ScheduledAction).values(run_at=dt.datetime.now(dt.timezone.utc)))
    start = len(harness.api.calls)
    harness.runner.wake()
    report = await harness.api.wait_for(lambda c: c.method == "sendMessage" and "Scheduled action" in (c.text or ""),
                                        start=start)
    assert "Classroom 101: projector off (1/1 confirmed)" in report.text
    assert harness.relay("cr-101-projector") is False
    with session_scope(harness.db_url) as session:
        assert session.scalar(select(m.ScheduledAction.status)) == "done"


async def test_scheduled_action_survives_a_restart_and_runs_once_late(harness):
    await harness.gateway.switch(["cr-102-lights"], True)
    reply = await harness.say(FACULTY, "turn off the lights in classroom 102 in 20 minutes")
    assert reply.text.startswith("Scheduled:")
    await harness.stop()
    with session_scope(harness.db_url) as session:
        session.execute(update(m.ScheduledAction).values(run_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5)))
    start = len(harness.api.calls)
    await harness.restart()
    report = await harness.api.wait_for(lambda c: c.method == "sendMessage" and "Scheduled action" in (c.text or ""),
                                        start=start)
    assert "5 minutes late" in report.text and "Classroom 102: lights off (1/1 confirmed)" in report.text
    assert harness.relay("cr-102-lights") is False
    await harness.restart()  # and again: nothing runs twice
    await harness.say(FACULTY, "/help")
    reports = [c for c in harness.api.calls[start:] if "Scheduled action" in (c.text or "")]
    assert len(reports) == 1


async def test_a_scheduled_action_found_too_late_is_skipped_and_reported_not_switched(harness):
    await harness.gateway.switch(["cr-101-fans"], True)
    await harness.say(FACULTY, "turn off the fans in classroom 101 in 20 minutes")
    await harness.stop()
    with session_scope(harness.db_url) as session:  # the service was down for two hours past its time
        session.execute(update(m.ScheduledAction).values(run_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=2)))
    start = len(harness.api.calls)
    await harness.restart()
    report = await harness.api.wait_for(lambda c: c.method == "sendMessage" and "Skipped" in (c.text or ""),
                                        start=start)
    assert report.chat_id == FACULTY and "fans in Classroom 101 off" in report.text, report.text
    assert "nothing was switched" in report.text
    assert harness.relay("cr-101-fans") is True
    with session_scope(harness.db_url) as session:
        assert session.scalar(select(m.ScheduledAction.status)) == "skipped"


async def test_cancel_the_projector_schedule_and_all_my_schedules_cancel_them(harness):
    await harness.say(FACULTY, "switch off the projector in classroom 101 at 11:58 pm")
    again = await harness.say(FACULTY, "switch off the projector in classroom 101 at 11:58 pm")
    assert again.text.startswith("You already have that scheduled: projector in Classroom 101 off"), again.text
    await harness.say(FACULTY, "turn off the lights in classroom 102 at 11:59 pm")
    await harness.say(FACULTY, "turn off the fans in classroom 102 at 11:59 pm")
    one = await harness.say(FACULTY, "cancel the projector schedule")
    assert one.text.startswith("Cancelled 1 scheduled action:\n1. projector in Classroom 101 off"), one.text
    rest = await harness.say(FACULTY, "cancel all my schedules")
    assert rest.text.startswith("Cancelled 2 scheduled actions:"), rest.text
    assert "lights in Classroom 102 off" in rest.text and "fans in Classroom 102 off" in rest.text
    listed = await harness.say(FACULTY, "/schedules")
    assert "no scheduled actions" in listed.text
    with session_scope(harness.db_url) as session:
        assert sorted(session.scalars(select(m.ScheduledAction.status))) == ["cancelled"] * 3


async def test_cancel_button_of_a_schedule(harness):
    await harness.say(FACULTY, "turn on the ac in classroom 101 at 11:59 pm")
    listed = await harness.say(FACULTY, "/schedules")
    cancel = listed.buttons[0][0]["callback_data"]
    reply_start = len(harness.api.calls)
    harness.api.press(FACULTY, cancel, listed.message)
    done = await harness.api.reply_to(FACULTY, reply_start)
    assert done.text.startswith("Cancelled: AC in Classroom 101 on")
    again = await harness.say(FACULTY, "/schedules")
    assert "no scheduled actions" in again.text


async def test_a_storm_of_429s_loses_and_duplicates_nothing(harness):
    harness.api.fail_next("sendMessage", 6, retry_after=1)
    users = [FACULTY, ADMIN, 1002, 2002, 2003, 2004, OPERATOR, 3002]
    start = len(harness.api.calls)
    for user in users:
        harness.api.send_text(user, "/help")
    for user in users:
        await harness.api.wait_for(lambda c, u=user: c.method == "sendMessage" and c.chat_id == u, start=start, timeout=30)
    await asyncio.sleep(0.5)
    replies = [c for c in harness.api.calls[start:] if c.method == "sendMessage"]
    assert sorted(c.chat_id for c in replies) == sorted(users)  # each exactly once
    assert harness.api.rejected_429["sendMessage"] == 6


async def test_rate_limit_is_per_user_and_friendly(harness):
    start = len(harness.api.calls)
    for _ in range(12):
        harness.api.send_text(2003, "/help")
    await harness.say(FACULTY, "/help")  # another user is not held up

    def to_user():
        return [c for c in harness.api.calls[start:] if c.method == "sendMessage" and c.chat_id == 2003]

    # All twelve handled (each one audited) and the eight answers and one warning sent; then a moment for any
    # reply too many to show up.
    await until(lambda: len(audit_rows(harness, 2003)) == 12 and len(to_user()) >= 9, "the burst handled")
    await asyncio.sleep(0.3)
    limited = [c for c in to_user() if "faster than I can" in (c.text or "")]
    assert len(limited) == 1 and len(to_user()) == 9
    outcomes = [o for _, _, o in audit_rows(harness, 2003)]
    assert outcomes.count("rate_limited") == 4 and len(outcomes) == 12


def grammar_pass_alone(harness):
    """The bot's pipeline as on a machine without Whisper: the campus-grammar pass alone."""
    from autovolt.vocabulary import vocabulary_from_campus
    from bot.speech import SpeechPipeline
    from nlu.speech import load_engine

    return SpeechPipeline(vocabulary_from_campus(harness.conversation.campus), engine=load_engine())


async def test_a_voice_command_heard_with_a_small_margin_asks_before_switching(harness, notes):
    """Voice control below `voice_confirm_below` goes through the confirm buttons. Both notes are real
    benchmark cases: the first is heard right but another command scored almost as well; the second is misheard
    ("off" as "on") and is stopped by the question instead of switching the fans on. Grammar pass alone: with the
    open pass, Whisper hears the first one too (next test)."""
    from tests.speech.synth import Voice

    harness.conversation.speech = grammar_pass_alone(harness)
    await harness.gateway.switch(["lab-2-ac"], True)
    start = len(harness.api.calls)
    harness.api.send_voice(ADMIN, notes.get("turn off the ac in computer lab two", Voice("en-us", 160, 50)))
    question = await harness.api.reply_to(ADMIN, start, timeout=30)
    assert question.text.startswith("Heard: \"turn off the ac in computer lab two\"")
    assert "Switch off the AC in Computer Lab 2?" in question.text, question.text
    assert [b["text"] for b in question.buttons[0]] == ["Yes, switch off", "Cancel"]
    assert harness.relay("lab-2-ac") is True  # nothing switched before the tap
    start = len(harness.api.calls)
    harness.api.press(ADMIN, question.buttons[0][0]["callback_data"], question.message)
    edited = await harness.api.wait_for(lambda c: c.method == "editMessageText", start=start, timeout=20)
    assert "Computer Lab 2: AC off (1/1 confirmed)" in edited.text, edited.text
    assert harness.relay("lab-2-ac") is False

    await harness.gateway.switch(["cr-101-fans"], False)
    start = len(harness.api.calls)
    harness.api.send_voice(FACULTY, notes.get("fan off in room one oh one", Voice("en-us+f1", 175, 60)))
    misheard = await harness.api.reply_to(FACULTY, start, timeout=30)
    assert misheard.text.startswith("Heard: \"fan on in room one oh one\"\nI may have misheard. Switch on the")
    assert misheard.buttons, misheard.text
    start = len(harness.api.calls)
    harness.api.press(FACULTY, misheard.buttons[0][1]["callback_data"], misheard.message)
    declined = await harness.api.reply_to(FACULTY, start)
    assert "nothing was switched" in declined.text
    assert harness.relay("cr-101-fans") is False
    assert ("<voice>", "device_control", "confirm") in audit_rows(harness, FACULTY)


async def test_two_recognisers_that_hear_the_same_command_switch_without_asking(harness, notes):
    """The first note above, with the default two-pass engine: the grammar pass is unsure (a rival command scored
    almost as well), Whisper hears the same command, and two recognisers agreeing are sure enough."""
    from tests.speech.synth import Voice

    await harness.gateway.switch(["lab-2-ac"], True)
    start = len(harness.api.calls)
    harness.api.send_voice(ADMIN, notes.get("turn off the ac in computer lab two", Voice("en-us", 160, 50)))
    reply = await harness.api.reply_to(ADMIN, start, timeout=60)
    assert "Computer Lab 2: AC off (1/1 confirmed)" in reply.text and not reply.buttons, reply.text
    assert harness.relay("lab-2-ac") is False


async def test_a_voice_question_is_answered_without_asking(harness, notes):
    """Questions need no confirmation whatever the confidence: with the threshold above every confidence, a spoken
    status question is still answered at once. (The neural voice: Whisper tiny hears espeak-ng's "is the ac on ..."
    as "this is the ac on in room 202 to", a switch command; the open text wins a disagreement, so that note gets
    "Switch on ...?" with buttons instead of an answer, nothing switched; docs/benchmarks.md, speech rules. A question
    gets no grammar pass, so what is shown is Whisper's text.)"""
    from tests.speech.synth import PIPER_JOE

    await harness.restart(voice_confirm_below=1.01)
    start = len(harness.api.calls)
    harness.api.send_voice(ADMIN, notes.get("is the ac on in room two zero two", PIPER_JOE))
    reply = await harness.api.reply_to(ADMIN, start, timeout=30)
    assert reply.text.startswith("Heard: \"is the ac on in room 202\"\nClassroom 202: AC "), reply.text
    assert not reply.buttons and "Switch" not in reply.text, reply.text
    assert [row[1:] for row in audit_rows(harness, ADMIN)] == [("status_query", "answered")]


async def test_everything_with_a_default_room_asks_with_buttons_naming_the_room(harness):
    await harness.say(FACULTY, "/myroom classroom 102")
    await harness.gateway.switch(["cr-102-lights"], True)
    question = await harness.say(FACULTY, "switch everything off")
    assert "Switch off everything in Classroom 102 (your default room)?" in question.text, question.text
    assert [b["text"] for b in question.buttons[0]] == ["Yes, switch off", "Cancel"]
    assert harness.relay("cr-102-lights") is True


async def test_a_voice_question_with_no_room_heard_says_which_room_it_answered_for(harness, notes):
    start = len(harness.api.calls)
    harness.api.send_voice(FACULTY, notes.get("how much energy did we use today"))
    reply = await harness.api.reply_to(FACULTY, start, timeout=30)
    assert "I did not hear a room, so this is about Classroom 101 and Classroom 102." in reply.text, reply.text
