"""Kinds of message issue 16's thirteenth fresh held-out read got wrong (branch text-kinds14), in words of their own:
none of the sentences parsed here is in the corpus. Safety first: "turn the bass down on the sound system" switched
the sound system on, and (rules alone) "a youtube video on the room 201 projector" the projector, "some tunes" the
lights."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from nlu.command import ParseContext
from nlu.parser import Parser

TZ = ZoneInfo("Asia/Kolkata")
NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=TZ)  # a Thursday

# `demo` (rules alone and judged) and `rules` come from tests/nlu/conftest.py.


def test_a_thing_on_a_device_is_not_the_device(demo: Parser) -> None:
    for text in ("play a cartoon on the lab 2 projector", "turn the treble up on the seminar hall speakers",
                 "open excel on the lab 1 computers", "raise the volume on the sound system a little"):
        command = demo.parse(text, now=NOW)
        assert command.intent != "device_control", (text, command)


def test_a_device_named_first_keeps_its_order(demo: Parser) -> None:
    # Near misses: the "on the stage" after a device, the device switched with "on" after it.
    command = demo.parse("turn on the lights on the stage in the seminar hall", now=NOW)
    assert command.action == "on" and "seminar-hall-stage-lights" in command.switches, command
    command = demo.parse("switch the sound system on in the seminar hall", now=NOW)
    assert command.action == "on" and command.switches == ("seminar-hall-sound",), command


def test_ordinary_words_are_not_bent_into_devices(demo: Parser) -> None:
    command = demo.parse("put on a few tunes in room 202 during the break", now=NOW)
    assert command.intent != "device_control", command
    command = demo.parse("lights on in the seminar hall for the skit", now=NOW)
    assert command.action == "on" and command.device_types == ("light",), command


def test_a_reason_after_an_order_does_not_undo_it(demo: Parser) -> None:
    command = demo.parse("shut down block B, all the staff have gone home", now=NOW)
    assert command.intent == "device_control" and command.action == "off" and "lab-1-ac" in command.switches, command
    command = demo.parse("bench sockets in the physics lab off, somebody left a soldering job plugged in", now=NOW)
    assert command.intent == "device_control" and command.action == "off", command
    command = demo.parse("switch off every AC on campus, heat wave warning on the news", now=NOW)
    assert command.intent == "device_control" and command.action == "off", command


def test_a_place_a_word_came_from_is_not_where_to_act(rules: Parser) -> None:
    command = rules.parse("turn off the ACs in all rooms, storm warning from the met office", now=NOW)
    assert "cr-101-ac" in command.switches and len(command.rooms) > 1, command
    command = rules.parse("switch off the fans in lab 1, the principal's office called", now=NOW)
    assert command.switches == ("lab-1-fans",), command


def test_a_report_or_chat_with_the_same_words_stays_no_order(demo: Parser) -> None:
    for text in ("someone left the fans on in room 202", "switch off, go home, sleep well"):
        command = demo.parse(text, now=NOW)
        assert command.intent != "device_control", (text, command)
    assert demo.parse("any warnings for the lab block?", now=NOW).intent == "alerts_query"


def test_a_status_question_on_a_shared_name_asks_which(rules: Parser) -> None:
    command = rules.parse("is the stage lighting on right now?", now=NOW)
    assert command.intent == "status_query" and command.clarification and command.device_types == ("light",), command
    command = rules.parse("are the seminar hall's stage lights on at the moment", now=NOW)
    assert command.clarification is None and command.switches == ("seminar-hall-stage-lights",), command


def test_a_forecast_for_a_weekday_is_the_coming_one(demo: Parser) -> None:
    command = demo.parse("estimate the reading hall's consumption for tuesday", now=NOW)
    assert command.intent == "forecast_query" and command.period.start.date() == dt.date(2026, 12, 1), command
    command = demo.parse("how much did the reading hall use on tuesday", now=NOW)  # near miss: the past one
    assert command.intent == "energy_query" and command.period.start.date() == dt.date(2026, 11, 24), command


def test_a_forecast_for_a_place_the_campus_lacks_asks(demo: Parser) -> None:
    command = demo.parse("energy forecast for the canteen on monday", now=NOW)
    assert command.intent == "forecast_query" and command.clarification, command
    command = demo.parse("forecast the usage of lab 2 for tomorrow", now=NOW)
    assert command.clarification is None and command.rooms == ("lab-2",), command


def test_how_to_use_the_bot_for_a_task_is_help(demo: Parser) -> None:
    for text in ("how can i set a timer for the projector", "how does scheduling work", "how do I ask about the bill"):
        assert demo.parse(text, now=NOW).intent == "help", text
    assert demo.parse("how do I set a timer on my phone", now=NOW).intent == "unknown"  # near miss: one's own


def test_what_is_going_to_switch_at_a_time_is_a_schedule_question(demo: Parser) -> None:
    command = demo.parse("what is going to turn on at 7 pm", now=NOW)
    assert command.intent == "schedule_query" and command.when == NOW.replace(hour=19), command
    assert demo.parse("what is going on in lab 1", now=NOW).intent != "schedule_query"


def test_a_message_for_a_named_person_is_no_request(demo: Parser) -> None:
    for text in ("tell Suresh the fans in room 201 are faulty",
                 "ask Meena to check why the projector in lab 2 is offline"):
        assert demo.parse(text, now=NOW).intent == "unknown", text
    command = demo.parse("tell me if the fans in room 201 are on", now=NOW)  # near miss: "me" is the user
    assert command.intent == "status_query" and command.switches == ("cr-201-fans",), command


def test_what_did_it_cost_after_an_energy_question(rules: Parser) -> None:
    first = rules.parse("how much power did lab 1 use yesterday", now=NOW)
    command = rules.parse("what did that cost us", context=ParseContext(previous=first), now=NOW)
    assert command.intent == "energy_query" and command.rooms == ("lab-1",) and command.period == first.period, command
    order = rules.parse("switch the lab 1 fans off", now=NOW)  # near miss: after an order it asks nothing of cost
    assert rules.parse("what did that cost us", context=ParseContext(previous=order), now=NOW).intent != "energy_query"
