"""Another office is not the campus's "office" (issue 16, safety): "lights on at the records office" switched the
Principal's Office, whose alias is "office". The campus's own names for that room keep it."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from nlu.command import ParseContext
from nlu.lacking_places import another_named, place_words
from nlu.parser import Parser

NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo("Asia/Kolkata"))


@pytest.fixture()
def parser(demo) -> Parser:
    return demo  # rules alone and with the judge (tests/nlu/conftest.py)


@pytest.mark.parametrize("text, intent, place", [
    ("lights on at the records office", "device_control", "the records office"),
    ("could you switch the fan off in the admissions office", "device_control", "the admissions office"),
    ("turn the records office lights on", "device_control", "the records office"),
    ("kill the AC at the alumni office", "device_control", "the alumni office"),
    ("lights off in the head office", "device_control", "the head office"),
    ("is the fan still running in the transport office?", "status_query", "the transport office"),
    ("how much power did the records office use today", "energy_query", "the records office"),
    ("are the lights on in the exam office", "status_query", "the exam office"),
])
def test_another_office_is_asked_back_and_nothing_switches(parser, text, intent, place):
    command = parser.parse(text, now=NOW)
    assert command.intent == intent and command.rooms == () and command.switches == ()
    assert command.clarification is not None and command.clarification.startswith(f"I don't know {place}")


@pytest.mark.parametrize("text", [
    "lights on in the office", "lights on at the office", "turn on the lights in the principal's office",
    "switch the fan off in the principal office", "turn the office lights on", "switch off office lights",
    "switch on the fan in the main office", "turn off the lights in my office", "check the office AC",
    "please switch on the AC in the principals office", "turn off the lights in office",
])
def test_the_campus_names_for_the_office_keep_their_room(parser, text):
    command = parser.parse(text, now=NOW)
    assert command.rooms == ("principal-office",) and command.clarification is None


def test_a_user_of_the_office_is_not_switched_there_for_another_office(parser):
    # The room the user has (their default) must not stand in for a place the campus lacks.
    context = ParseContext(user_rooms=("principal-office",))
    command = parser.parse("switch off the AC in the records office", context, NOW)
    assert command.switches == () and command.clarification.startswith("I don't know the records office")


def test_a_signature_names_no_place_and_switches_what_it_says(parser):
    # "Exam Office" signing an order for the reading hall is the sender, not a place to switch nor to ask about.
    command = parser.parse("please switch the reading hall fans off. Exam Office", now=NOW)
    assert command.rooms == ("reading-hall",) and "principal-office" not in command.rooms


def test_the_rule_is_one_for_every_head(rules):
    known = place_words(rules.vocab)
    toks = "lights off in the records office".split()
    assert another_named(toks, 5, set(), known) == 4  # "records": no word of a campus place
    toks = "lights off in the principal office".split()
    assert another_named(toks, 5, set(), known) == 5  # "principal": the Principal's Office's own word
    toks = "switch lights office".split()
    assert another_named(toks, 2, {1}, known) == 2  # "lights" is a device already, and no "the" or in/at/of


# ------------------------------------------------------------------ how a place should look: dark, lit

@pytest.mark.parametrize("text, action, switches", [
    ("keep lab 1 lit", "on", ("lab-1-lights",)),
    ("please keep room 101 bright", "on", ("cr-101-lights",)),
    ("leave classroom 102 dark", "off", ("cr-102-lights",)),
    ("make the seminar hall stage dark", "off", ("seminar-hall-stage-lights",)),
    ("keep the auditorium stage lit up", "on", ("auditorium-stage-lights",)),
])
def test_a_place_left_dark_or_kept_lit_is_its_lights(parser, text, action, switches):
    command = parser.parse(text, now=NOW)
    assert command.intent == "device_control" and command.action == action
    assert command.switches == switches and command.clarification is None


def test_kept_lit_till_a_time_is_on_now_and_off_then(parser):
    command = parser.parse("keep lab 2 lit till 6 pm", now=NOW)
    assert command.action == "on" and command.switches == ("lab-2-lights",) and command.until is not None


def test_the_stage_alone_asks_which_stage(parser):
    command = parser.parse("leave the stage dark", now=NOW)
    assert command.intent == "device_control" and command.action == "off" and command.switches == ()
    assert "Auditorium" in command.clarification and "Seminar Hall" in command.clarification


@pytest.mark.parametrize("text", ["keep the screen dark", "the stage was dark", "don't leave lab 1 dark",
                                  "it is dark in lab 1", "keep the hostel lit", "leave me alone, it is dark"])
def test_dark_or_lit_without_an_order_about_a_campus_place_switches_nothing(parser, text):
    command = parser.parse(text, now=NOW)
    assert not (command.intent == "device_control" and command.clarification is None)
