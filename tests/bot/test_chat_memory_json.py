"""The chat memory's JSON form gives back exactly what was kept: every field of a command (a time in its campus
zone, the confidence bit for bit) and of what a switch command left behind, through real JSON text."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from zoneinfo import ZoneInfo

from bot.chat_memory import (ProcessChatMemory, Recalled, Remembered, from_json, left_from_json, left_to_json, to_json)
from bot.undo import Left
from nlu.command import AskReason, Command, Period
from nlu.command_codec import command_from_json, command_to_json

ZONE = ZoneInfo("Asia/Kolkata")


def full_command() -> Command:
    """A command with no field at its default, so a field the codec forgets shows in the comparison."""
    return Command(
        text="turn off the AC and fans in 101 at 6 pm for an hour", intent="device_control", action="off",
        device_types=("ac", "fan"), rooms=("cr-101", "cr-102"), buildings=("block-a",),
        switches=("cr-101-ac", "cr-101-fans"), when=dt.datetime(2026, 12, 7, 18, 0, 0, 123456, tzinfo=ZONE),
        period=Period(dt.datetime(2026, 12, 7, tzinfo=ZONE), dt.datetime(2026, 12, 8, tzinfo=dt.timezone.utc)),
        confidence=0.1 + 0.2, clarification="Which room?", candidates=("cr-101", "lab-1"), operation="cancel",
        everything=True, needs_time=True, offers_now=True,
        until=dt.datetime(2026, 12, 7, 19, 0, tzinfo=dt.timezone(dt.timedelta(hours=-3, minutes=-30))),
        ask_reason=AskReason.WHICH_ROOM)


def through_text(data):
    return json.loads(json.dumps(data))


def test_every_command_field_survives():
    command = full_command()
    defaults = Command(text="", intent="unknown")
    unset = [f.name for f in dataclasses.fields(Command) if getattr(command, f.name) == getattr(defaults, f.name)]
    assert unset == []  # a new field must be given a value here, so the round trip below covers it
    back = command_from_json(through_text(command_to_json(command)))
    assert back == command
    for name in ("text", "intent", "action", "clarification", "operation", "everything", "needs_time", "offers_now"):
        assert getattr(back, name) == getattr(command, name), name
    assert back.confidence.hex() == command.confidence.hex()
    assert back.when.tzinfo is ZONE and back.when.microsecond == 123456  # the campus zone itself, not +05:30
    assert back.period.start.tzinfo is ZONE and back.period.end.tzinfo is dt.timezone.utc
    assert back.until.utcoffset() == dt.timedelta(hours=-3, minutes=-30)
    assert isinstance(back.rooms, tuple) and isinstance(back.candidates, tuple)
    assert type(back.ask_reason) is AskReason  # the enum again, not the string JSON holds


def test_a_minimal_command_and_a_missing_key_read_back():
    command = Command(text="hi", intent="unknown")
    assert command_from_json(through_text(command_to_json(command))) == command
    older = command_to_json(full_command())
    del older["offers_now"]  # written before the field existed: its default
    assert command_from_json(through_text(older)).offers_now is False


def test_every_field_of_what_a_switch_command_left_survives():
    left = Left(full_command(), 1_800_000_123.456789, True, changed=("cr-101-ac",), pending=(7, 9), confirming=12)
    unset = [f.name for f in dataclasses.fields(Left) if f.default is not dataclasses.MISSING
             and getattr(left, f.name) == f.default]
    assert unset == []
    assert left_from_json(through_text(left_to_json(left))) == left
    memory = Remembered(full_command(), 1_800_000_000.5, left, (4, 5), 1_800_000_001.25, context_unsure=True)
    assert from_json(through_text(to_json(memory))) == memory
    older = to_json(memory)
    del older["context_unsure"]  # written before branch voice-ask: the kept command is not marked unsure
    assert from_json(through_text(older)).context_unsure is False
    assert from_json({"format": 999, "context": None}) == Remembered()  # another layout: not used


def test_the_window_drops_each_part_by_its_own_age():
    memory = Remembered(Command("a", "status_query"), 100.0, Left(Command("b", "device_control"), 200.0, False),
                        (3,), 300.0)
    assert memory.fresh(1000.0, 900.0) == memory
    assert memory.fresh(1050.0, 900.0) == dataclasses.replace(memory, context=None, context_at=0.0)
    marked = dataclasses.replace(memory, context_unsure=True)  # the unsure mark leaves with its command
    assert marked.fresh(1000.0, 900.0).context_unsure and not marked.fresh(1050.0, 900.0).context_unsure
    assert memory.fresh(1150.0, 900.0) == Remembered(alerts=(3,), alerts_at=300.0)
    assert memory.fresh(1150.0, 900.0).expires_at(900.0) == 1200.0 and memory.fresh(1201.0, 900.0) == Remembered()
    assert Remembered().expires_at(900.0) is None


async def test_the_process_memory_keeps_and_forgets():
    memory = ProcessChatMemory(900.0)
    kept = Remembered(Command("a", "status_query"), 100.0)
    await memory.keep(5, kept, 100.0)
    assert await memory.recall(5, 5, 500.0) == Recalled(kept)  # default rooms: the conversation's own
    assert (await memory.recall(5, 5, 1001.0)).memory == Remembered()
    await memory.keep(5, Remembered(), 600.0)
    assert (await memory.recall(5, 5, 600.0)).memory == Remembered() and memory._chats == {}
