"""Time words where the switched thing goes ("turn this year on in lab 1") are no order for the place's every switch:
Whisper tiny heard "the AC" as "this year" and the room's five switches were read (nlu/parser.py `_time_as_object`)."""

from __future__ import annotations

import pytest

from autovolt.vocabulary import vocabulary_from_campus
from nlu.parser import Parser, default_judge
from nlu.scoring import CORPUS_NOW
from store.campus import load_campus_file
from tests.conftest import DEMO_CAMPUS


@pytest.fixture(scope="module", params=["rules", "judged"])
def parser(request):
    vocab = vocabulary_from_campus(load_campus_file(DEMO_CAMPUS))
    return Parser(vocab, default_judge() if request.param == "judged" else None)


@pytest.mark.parametrize("text", ["turn this year on in lab 1, please", "switch today off in room 101",
                                  "turn this week on in computer lab 2"])
def test_a_time_in_the_things_place_switches_nothing(parser, text):
    command = parser.parse(text, now=CORPUS_NOW)
    assert command.intent != "device_control" or (not command.switches and command.clarification is not None)


@pytest.mark.parametrize("text, room", [("switch off today in room 101", "cr-101"),
                                        ("switch in ten minutes off room 101", "cr-101"),
                                        ("turn it on in lab 1", "lab-1"), ("turn off room 102 today", "cr-102")])
def test_a_time_beside_the_order_keeps_it(parser, text, room):
    command = parser.parse(text, now=CORPUS_NOW)
    assert command.intent == "device_control" and command.rooms == (room,) and command.switches
