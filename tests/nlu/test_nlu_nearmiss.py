"""Near misses that switched without a question (branch text-nearmiss, issue 16): a relative's place read as the
Principal's Office, Hinglish one's own things and places ("mera laptop", "ghar ki light", "car ka AC"), a Hinglish
question ending in "hai kya" read as an order, a switch supposed with "if you ... you'll ...", a colour asked of the
lights, and an order to people opening with close/open/start/stop. Each with near misses that must stay commands.
Rules alone and with the judge."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from nlu.parser import Parser

NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo("Asia/Kolkata"))


@pytest.fixture()
def parser(demo) -> Parser:
    return demo  # rules alone and with the judge (tests/nlu/conftest.py)


@pytest.mark.parametrize("text", [
    "switch off the lights in my dad's office in pune",
    "turn on the AC in my sister's office",
    "switch the lights off in my aunt's flat",
    "turn off the lights at my uncle's shop",
    "mera laptop on nahi ho raha",
    "apna laptop band kar do",
    "ghar ki light band kar do",
    "ghar ka geyser on kar do",
    "car ka AC on karo",
    "gaadi ka AC chalu karo",
    "if you turn on the lights in the seminar hall you'll see the posters",
    "if we turn off the fans in lab 1 the students will complain",
    "put the reading lamps on warm white",
    "set a warmer colour on the hall lights",
    "everyone close your laptops now",
])
def test_a_near_miss_is_no_device_command(parser, text):
    assert parser.parse(text, now=NOW).intent != "device_control"


@pytest.mark.parametrize("text, action, room, kind", [
    ("turn off the AC in the principal's office, my dad is waiting there", "off", "principal-office", "ac"),
    ("lab 2 ka AC on kar do", "on", "lab-2", "ac"),
    ("mere liye room 201 ka AC on kar do", "on", "cr-201", "ac"),
    ("if you could switch off the fans in lab 1 that would be great", "off", "lab-1", "fan"),
    ("if the lights in lab 2 are on, switch them off", "off", "lab-2", "light"),
    ("everyone stop, turn off the projector in room 202", "off", "cr-202", "projector"),
    ("switch the reading lamps on, the warm ones are fine", "on", "reading-hall", "light"),
])
def test_an_order_of_the_same_shape_stays_an_order(parser, text, action, room, kind):
    command = parser.parse(text, now=NOW)
    assert (command.intent, command.action, command.rooms, command.device_types) == (
        "device_control", action, (room,), (kind,))


@pytest.mark.parametrize("text, room, kind", [
    ("room 202 ki light on hai kya", "cr-202", "light"),
    ("lab 3 ke fans on hain kya", "lab-3", "fan"),
    ("kya lab 1 mein AC chal raha hai", "lab-1", "ac"),
    ("seminar hall ka projector chal raha hai kya", "seminar-hall", "projector"),
])
def test_a_hinglish_yes_no_question_is_asked_not_switched(parser, text, room, kind):
    command = parser.parse(text, now=NOW)
    assert (command.intent, command.rooms, command.device_types) == ("status_query", (room,), (kind,))
