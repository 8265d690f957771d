"""Self-corrections in one message: the taken-back target is never switched; when unclear, the parser asks."""

from __future__ import annotations

import datetime as dt

import pytest

from nlu.corrections import Span, take_back
from nlu.parser import Parser

NOW = dt.datetime(2026, 11, 26, 10, 0)


def _acts(command) -> bool:
    return command.intent == "device_control" and command.clarification is None


@pytest.mark.parametrize("text, rooms, switches", [
    ("switch the fans on in room 202, no sorry, 201", ("cr-201",), ("cr-201-fans",)),
    ("power off the AC in lab 2, actually make that lab 1", ("lab-1",), ("lab-1-ac",)),
    ("turn on the lights, i mean the fans, in room 101", ("cr-101",), ("cr-101-fans",)),
    ("switch off the projector, sorry the AC, in room 202", ("cr-202",), ("cr-202-ac",)),
    ("put the AC on in room 102, not the fans, just the AC", ("cr-102",), ("cr-102-ac",)),
    ("switch on the fans and the lights in lab 2, not the lights", ("lab-2",), ("lab-2-fans",)),
    ("the seminar hall AC number one, switch it off", ("seminar-hall",), ("seminar-hall-ac-1",)),
])
def test_the_taken_back_target_is_not_switched(demo: Parser, text: str, rooms, switches) -> None:
    command = demo.parse(text, now=NOW)
    assert _acts(command)
    assert command.rooms == rooms
    assert command.switches == switches


@pytest.mark.parametrize("text, hour, minute", [
    ("at three, no, make it four, switch on the AC in room 201", 16, 0),
    ("turn off the fans in lab 2 at 5 pm, no sorry, 6 pm", 18, 0),
    ("switch off the AC in room 101 at ten to six", 17, 50),
    ("turn the lights on in room 202 at 25 past 4", 16, 25),
])
def test_the_corrected_time_is_the_one_used(demo: Parser, text: str, hour: int, minute: int) -> None:
    command = demo.parse(text, now=NOW)
    assert _acts(command)
    assert command.when is not None and (command.when.hour, command.when.minute) == (hour, minute)


@pytest.mark.parametrize("text", [
    "turn off everything in room 102, not the lights",  # an exception to a whole: ask, never switch the lights
    "switch on the AC in room 201, no wait, hmm",
])
def test_an_unclear_correction_never_acts(demo: Parser, text: str) -> None:
    assert not _acts(demo.parse(text, now=NOW))


@pytest.mark.parametrize("text, rooms, when", [
    ("sorry, turn on the lights in room 201", ("cr-201",), None),
    ("switch off the fans in room 102, sorry for the bother", ("cr-102",), None),
    ("actually, turn the AC off in lab 1", ("lab-1",), None),
    ("turn off the lights in room 101, not now, at 6 pm", ("cr-101",), (18, 0)),
])
def test_apologies_and_not_now_change_nothing(demo: Parser, text: str, rooms, when) -> None:
    command = demo.parse(text, now=NOW)
    assert _acts(command)
    assert command.rooms == rooms
    assert (command.when and (command.when.hour, command.when.minute)) == when


def test_take_back_replaces_the_nearest_number_and_drops_the_marker() -> None:
    toks = ["lights", "in", "room", "101", "at", "5", "no", "sorry", "6"]
    spans = [Span("type", ("light",), 0, 1), Span("room", ("cr-101",), 2, 4), Span("time", (), 4, 6)]
    resolved = take_back(toks, spans)
    assert resolved.toks == ["lights", "in", "room", "101", "at", "6"]
    assert not resolved.unclear


def test_take_back_asks_when_the_replacement_is_unknown() -> None:
    toks = ["fans", "in", "room", "101", "i", "mean", "erm"]
    resolved = take_back(toks, [Span("type", ("fan",), 0, 1), Span("room", ("cr-101",), 2, 4)])
    assert resolved.unclear
    assert resolved.toks == toks


def test_take_back_leaves_a_message_without_markers_alone() -> None:
    toks = ["turn", "on", "the", "fans", "in", "lab", "1", "and", "lab", "2"]
    spans = [Span("type", ("fan",), 3, 4), Span("room", ("lab-1",), 5, 7), Span("room", ("lab-2",), 8, 10)]
    resolved = take_back(toks, spans)
    assert resolved.toks == toks and resolved.corrections == () and not resolved.unclear
