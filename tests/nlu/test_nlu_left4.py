"""What the text parser still left (branch text-left4, issue 16): a question about what the bot CAN do that names a
device action is help, not "Which room?"; the same modal with a room (or a bare request) stays a device command; the
machines a computer-like switch feeds ("the PCs", "the desktops") name that switch. Rules alone and with the judge."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from nlu.ability_asked import asks_what_bot_can
from nlu.command import ParseContext
from nlu.parser import Parser
from nlu.vocabulary import BuildingEntry, RoomEntry, SwitchEntry, Vocabulary

NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo("Asia/Kolkata"))


@pytest.fixture()
def parser(demo) -> Parser:
    return demo  # rules alone and with the judge (tests/nlu/conftest.py)


@pytest.mark.parametrize("text", [
    "is it true you can turn off the lights in any room",
    "can you also switch fans or only lights?",
    "are you able to schedule the AC",
    "i heard the bot can switch the projectors off",
    "can you turn the fans on in any of the rooms",
    "are you able to put the AC on a timer",
    "does this bot switch off the heater automatically",
    "can you control the projectors as well",
    "are you allowed to switch off the lights in the auditorium",
    "do you know how to switch on the fans",
])
def test_asking_what_the_bot_can_do_to_a_device_is_help(parser, text):
    command = parser.parse(text, now=NOW)
    assert command.intent == "help" and command.clarification is None, (command.intent, command.clarification)


@pytest.mark.parametrize("text, action, kind, room", [
    ("can you turn off the lights in 101", "off", "light", "cr-101"),
    ("are you able to switch the AC off in room 202", "off", "ac", "cr-202"),
    ("could you switch on the projector in lab 1", "on", "projector", "lab-1"),
])
def test_a_request_said_as_a_question_with_a_room_is_a_device_command(parser, text, action, kind, room):
    command = parser.parse(text, now=NOW)
    assert (command.intent, command.action, command.device_types, command.rooms) == (
        "device_control", action, (kind,), (room,))


def test_a_bare_request_said_as_a_question_still_asks_the_room(parser):
    command = parser.parse("can you turn off the fans", now=NOW)
    assert command.intent == "device_control" and command.clarification == "Which room do you mean?"


def test_a_timed_request_said_as_a_question_is_a_timed_command(parser):
    command = parser.parse("can you switch the lights off in 201 at 6 pm", now=NOW)
    assert command.intent == "device_control" and command.when is not None and command.when.hour == 18


@pytest.mark.parametrize("text", ["is it true the canteen closes at 5", "can you schedule a meeting with the hod",
                                  "can you control my phone", "can the bot order pizza"])
def test_asking_about_things_not_ours_stays_out_of_scope(parser, text):
    assert parser.parse(text, now=NOW).intent == "unknown"


def test_after_an_order_can_you_also_do_the_fans_is_a_follow_up(rules):
    first = rules.parse("turn off the lights in room 101", now=NOW)
    command = rules.parse("can you also do the fans", ParseContext(previous=first), now=NOW)
    assert (command.intent, command.action, command.device_types, command.rooms) == (
        "device_control", "off", ("fan",), ("cr-101",))


def test_the_rule_needs_a_device_and_a_sign_that_the_ability_is_asked():
    words = "can you turn off the lights".split()
    assert not asks_what_bot_can(words, True, False, False, False)  # a request: the room is asked
    assert asks_what_bot_can("can you turn off the lights or only the fans".split(), True, False, False, False)
    assert not asks_what_bot_can("can you schedule a meeting".split(), False, False, False, False)
    # with a time it is a request
    assert not asks_what_bot_can("are you able to schedule the ac".split(), True, False, True, False)
    assert not asks_what_bot_can("i heard you can switch off the lights please".split(), True, False, False, False)


# The computer-like switches: both computer labs have "Computer sockets" (autovolt/demo/campus.yaml).
@pytest.mark.parametrize("text, action", [("power off the PCs", "off"), ("power down the computers", "off"),
                                          ("shut the desktops", "off"), ("switch the workstations on", "on")])
def test_the_machines_name_the_computer_sockets_and_the_lab_is_asked(parser, text, action):
    command = parser.parse(text, now=NOW)
    assert (command.intent, command.action, command.device_types, command.switches) == (
        "device_control", action, ("outlet",), ())
    assert (command.clarification or "").startswith("Which one do you mean: Computer Lab 1"), command.clarification


@pytest.mark.parametrize("text, room", [("power off the PCs in lab 2", "lab-2"), ("shut the desktops in computer lab 1",
                                                                                 "lab-1")])
def test_the_machines_in_a_lab_are_its_computer_sockets(parser, text, room):
    command = parser.parse(text, now=NOW)
    assert (command.intent, command.action, command.switches) == ("device_control", "off", (f"{room}-pcs",))


def test_the_users_rooms_fix_which_computer_sockets(parser):
    command = parser.parse("power off the PCs", ParseContext(user_rooms=("lab-2", "cr-101")), now=NOW)
    assert (command.intent, command.switches, command.clarification) == ("device_control", ("lab-2-pcs",), None)


def test_one_lab_with_computers_is_switched_without_a_question():
    vocab = Vocabulary(
        buildings=(BuildingEntry("main", "Main Block", ()),),
        rooms=(RoomEntry("lab-a", "Lab A", "main", ()), RoomEntry("cr-1", "Classroom 1", "main", ())),
        switches=(SwitchEntry("lab-a-pcs", "Computer sockets", "outlet", "lab-a", ()),
                  SwitchEntry("cr-1-sockets", "Wall sockets", "outlet", "cr-1", ()),
                  SwitchEntry("cr-1-lights", "Lights", "light", "cr-1", ())))
    command = Parser(vocab).parse("shut the desktops", now=NOW)
    assert (command.intent, command.action, command.switches, command.clarification) == (
        "device_control", "off", ("lab-a-pcs",), None)


@pytest.mark.parametrize("text", ["restart my pc, it's frozen", "my desktop won't switch on", "turn off your computer",
                                  "the PCs in lab 2 are slow", "install chrome on the desktops in lab 1"])
def test_ones_own_machine_or_a_remark_about_the_pcs_switches_nothing(parser, text):
    assert parser.parse(text, now=NOW).intent == "unknown"


@pytest.mark.parametrize("text, said_back", [
    ("power off the desktops in room 101", "I found no computer sockets in Classroom 101."),
    ("switch off the stage lights in room 101", "I found no stage lights in Classroom 101."),
    ("turn off the heater in room 102", "I found no heater in Classroom 102."),  # a type said as a type stays so
])
def test_a_switch_the_room_lacks_is_said_back_by_the_name_asked_for(parser, text, said_back):
    command = parser.parse(text, now=NOW)
    assert command.intent == "device_control" and not command.switches
    assert command.clarification and command.clarification.startswith(said_back), command.clarification
