"""Why the parser asks, as a field (`Command.ask_reason`, branch text-steady, issue 16): each kind of question the
parser has carries its own reason, rules alone and with the judge, in `to_dict` and `autovolt nlu parse` output; the
predicates the bot and the voice rules use read the reason, and a reason never outlives its question."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest

from autovolt.cli import main
from nlu.command import AskReason, Command, ParseContext
from nlu.parser import Parser, asks_only_for_room, asks_which_place_or_device
from nlu.speech.lacking import asks_what_campus_lacks
from tests.conftest import DEMO_CAMPUS

NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo("Asia/Kolkata"))
R = AskReason


@pytest.mark.parametrize("text, reason", [
    ("turn off the lights", R.WHICH_ROOM),
    ("is the projector on in my lab", R.WHICH_ROOM),
    ("turn off the stage lights", R.SHARED_NAME),
    ("are the stage lights on", R.SHARED_NAME),
    ("turn it on", R.NO_DEVICE),
    ("is it on?", R.WHICH_DEVICE),
    ("switch on the lights in room 103", R.UNKNOWN_PLACE),
    ("lights off in the board room", R.UNKNOWN_PLACE),
    ("how much energy did room 909 use today", R.UNKNOWN_PLACE),
    ("turn on the heater in room 101", R.ROOM_LACKS),
    ("turn on the fake lights in the main hall", R.WHICH_NAMED),  # several named lights (voice-kinds13)
    ("switch off everything in room 101 except the stage lights", R.EXCEPTION),
    ("turn on the projector, er, the AC in room 101", R.HESITATION),
    ("turn on the lights in lab 1, i mean switch them off", R.CORRECTION),
    ("turn off the lights in room 101 yesterday", R.TIME_PASSED),
    ("turn off the lights in room 101 tomorrow", R.TIME_NEEDED),
    ("switch the fans in lab 1 on next week", R.TIME_NEEDED),
    ("turn off the lights in room 101 on 30 february", R.NOT_A_TIME),
    ("how much energy did room 101 use on 30 february", R.NOT_A_TIME),
    ("turn off the lights in room 101 at 25:00", R.NOT_A_TIME),
    ("turn off the lights in room 101 in 90 days", R.TOO_FAR),
    ("turn on the fans in room 101 for 90 days", R.TOO_FAR),
    ("turn the lights in room 101 on at 5 pm and the fans at 6 pm", R.TWO_TIMES),
    ("turn on the AC in room 101, make it 20 minutes", R.IN_OR_FOR),
])
def test_each_kind_of_question_says_why_it_asks(demo: Parser, text: str, reason: AskReason) -> None:
    command = demo.parse(text, now=NOW)
    assert command.clarification is not None and command.ask_reason is reason, (command.ask_reason, command)


def test_a_bare_small_hour_after_a_command_asks_for_a_time(demo: Parser) -> None:
    afternoon = NOW.replace(hour=14)
    previous = demo.parse("switch on the fans in classroom 202", now=afternoon)
    command = demo.parse("make it 1", context=ParseContext(previous=previous), now=afternoon)
    assert command.clarification == "At 1 am or 1 pm?" and command.ask_reason is R.TIME_NEEDED, command


@pytest.mark.parametrize("text", ["turn off the lights in room 101", "is the AC on in lab 1", "what's the weather like"])
def test_no_question_no_reason(demo: Parser, text: str) -> None:
    command = demo.parse(text, now=NOW)
    assert command.clarification is None and command.ask_reason is None


def test_the_predicates_read_the_reason_not_the_words(demo: Parser) -> None:
    room = demo.parse("turn off the lights", now=NOW)
    lacking = demo.parse("turn on the heater in room 101", now=NOW)
    # The same words under another reason: what decides is the reason (the bot's and the voice rules' predicates).
    reworded = dataclasses.replace(lacking, ask_reason=R.TIME_NEEDED)
    assert asks_only_for_room(room) and not asks_what_campus_lacks(room) and asks_which_place_or_device(room)
    assert asks_what_campus_lacks(lacking) and asks_which_place_or_device(lacking) and not asks_only_for_room(lacking)
    assert not (asks_what_campus_lacks(reworded) or asks_which_place_or_device(reworded))
    relabelled = dataclasses.replace(room, clarification="Anything at all?")
    assert asks_only_for_room(relabelled)


def test_a_reason_without_a_question_is_refused() -> None:
    asked = Command(text="turn off the lights", intent="device_control", clarification="Which room do you mean?",
                    ask_reason=R.WHICH_ROOM)
    with pytest.raises(ValueError):
        dataclasses.replace(asked, clarification=None)
    assert dataclasses.replace(asked, clarification=None, ask_reason=None).ask_reason is None


def test_to_dict_and_the_parse_command_carry_the_reason(demo: Parser, capsys) -> None:
    assert demo.parse("turn on the heater in room 101", now=NOW).to_dict()["ask_reason"] == "room_lacks"
    assert demo.parse("turn off the lights in room 101", now=NOW).to_dict()["ask_reason"] is None
    code = main(["nlu", "parse", "--campus", str(DEMO_CAMPUS), "switch on the lights in room 103"])
    out = json.loads(capsys.readouterr().out.splitlines()[0])
    assert code == 0 and out["ask_reason"] == "unknown_place" and out["clarification"].startswith("I don't know room 103")
