"""The voice rule for an unsure note whose switch lacks only its room, or any note whose switch lacks only its time
(branch voice-ask): asked, marked "unsure" (the bot then confirms what the answer completes), only when heard at
least `act_from` and the judge at least `ASK_UNSURE_GAP_FROM` sure of a device command. Through the real parser and judge on the demo campus."""

from __future__ import annotations

import dataclasses

import pytest

from nlu.scoring import CORPUS_NOW
from nlu.speech.understand import ASK, ASK_UNSURE_GAP_FROM, REFUSE, VoiceRules, may_ask_unsure_gap, voice_verdict


@pytest.fixture(scope="module")
def parse(demo_vocab):
    from nlu.parser import parser_for

    parser = parser_for(demo_vocab)
    return lambda text: parser.parse(text, now=CORPUS_NOW)


@pytest.mark.parametrize("text", ["could you switch the fans off", "kill the AC please",
                                  "put the projector on in classroom 101 on friday"])
def test_an_unsure_switch_lacking_its_room_or_time_is_asked_as_unsure(parse, text):
    parsed = parse(text)
    assert parsed.intent == "device_control" and parsed.confidence >= ASK_UNSURE_GAP_FROM, parsed
    for heard, unsure in ((0.9, True), (0.6, False)):  # an unsure word, or the note under the threshold
        decision = voice_verdict(heard, unsure, parsed)
        assert (decision.verdict, decision.why, decision.sure) == (ASK, "unsure", False), (text, heard)


def test_a_sure_note_s_room_question_is_not_marked_unsure_but_its_time_question_is(parse):
    decision = voice_verdict(0.95, False, parse("turn off the lights"))
    assert (decision.verdict, decision.why) == (ASK, "")  # its answer switches as a sure note does
    timed = parse("turn off the lights in classroom 101 tomorrow")
    assert timed.needs_time, timed
    decision = voice_verdict(0.95, False, timed)  # refused before branch voice-ask; now asked, and confirmed after
    assert (decision.verdict, decision.why, decision.sure) == (ASK, "unsure", True)


def test_doubted_unheard_or_not_a_switch_stays_refused(parse):
    parsed = parse("turn off the lights")
    assert voice_verdict(0.45, True, parsed).verdict == REFUSE  # under the level anything is acted on
    doubted = dataclasses.replace(parsed, confidence=ASK_UNSURE_GAP_FROM - 0.01)
    assert voice_verdict(0.9, True, doubted).verdict == REFUSE
    status = parse("are the lights on")  # a status question's room: not a switch, not this rule's
    if status.clarification is not None:
        assert not may_ask_unsure_gap(0.9, True, status)
    assert not may_ask_unsure_gap(0.9, True, parsed, VoiceRules(), judge_from=parsed.confidence + 0.01)
