"""The judge: out-of-scope veto and calibrated confidence on top of the rules (issue 16), and switch names that
tell their room."""

from __future__ import annotations

import json

import pytest

from nlu.command import ParseContext
from nlu.judge import JUDGE_FILE, Judge
from nlu.parser import Parser, default_judge
from tests.nlu.test_nlu_followups import NOW, demo  # noqa: F401 - fixture


@pytest.fixture(scope="module")
def judged(demo: Parser) -> Parser:  # noqa: F811
    return Parser(demo.vocab, default_judge())


def test_the_shipped_weights_round_trip_and_are_small() -> None:
    judge = default_judge()
    assert judge is not None and Judge.from_dict(json.loads(json.dumps(judge.to_dict()))) == judge
    # Its n-gram vocabulary grows with dev.txt (3,212 sentences: 295 KiB; 8,751 after the tenth fresh part moved in:
    # 396 KiB; 10,620 after the thirteenth: 446 KiB, over the 450,000-byte bound from that move on; 12,423 after the
    # fifteenth and text-nearmiss's 428 near misses: 497 KiB, over 500,000; 15,083 after the nineteenth moved in:
    # 559 KiB, over 560,000); small next to the spaCy model it sits beside, and a bound that still catches weights
    # written with full precision or every feature kept.
    assert JUDGE_FILE.stat().st_size < 620_000


@pytest.mark.parametrize("text", ["flip the phone to dark mode", "put on some tunes", "turn on the espresso machine",
                                  "my patience has run out, power off", "switch on the smart fridge",
                                  "that talk switched me off completely"])
def test_out_of_scope_that_the_keywords_take_for_a_command_is_vetoed(demo, judged, text) -> None:  # noqa: F811
    assert judged.parse(text, now=NOW).intent == "unknown", text


@pytest.mark.parametrize("text", ["turn off the lights in room 101", "is anything on in lab 2",
                                  "how much energy did block a use last week", "what can you do"])
def test_requests_keep_their_parse_with_a_high_confidence(demo, judged, text) -> None:  # noqa: F811
    rules, judge = demo.parse(text, now=NOW), judged.parse(text, now=NOW)
    assert judge.intent == rules.intent != "unknown" and judge.switches == rules.switches
    assert judge.confidence >= 0.9


def test_confidence_is_lower_when_the_parse_is_doubtful(judged) -> None:
    sure = judged.parse("switch off the fans in classroom 102", now=NOW).confidence
    doubtful = judged.parse("swtch of the fnas in clasroom 102 maybe", now=NOW).confidence
    assert 0.0 <= doubtful < sure <= 1.0


def test_a_switch_name_unique_among_the_users_rooms_tells_the_room(demo) -> None:  # noqa: F811
    # "computer sockets" are in Computer Lab 1 and 2; a user whose rooms hold only one of them means that one.
    mine = demo.parse("turn on the computer sockets", ParseContext(user_rooms=("lab-2", "lab-3")), NOW)
    assert (mine.rooms, mine.switches, mine.clarification) == (("lab-2",), ("lab-2-pcs",), None)
    # Without rooms of one's own the question names the rooms that have such a switch.
    both = demo.parse("turn on the stage lights", now=NOW)
    assert both.switches == () and set(both.candidates) == {"seminar-hall", "auditorium"}
    assert "Seminar Hall" in both.clarification and "Auditorium" in both.clarification
    # Unique in the campus: no question at all.
    kettle = demo.parse("switch off the kettle", now=NOW)
    assert (kettle.rooms, kettle.switches) == (("staff-room",), ("staff-room-kettle",))
