"""The voice rule for a question that only reads and lacks only its room (branch voice-status, issue 15): a status,
energy, forecast, alerts or schedule-listing question is asked "Which room?" whether the note was heard surely or
not (marked "unsure" when not), since the answer completing it switches nothing; a cancelling schedule question, a
doubted or unheard one, and speech that is no campus question keep their outcome. Through the real parser and judge
on the demo campus."""

from __future__ import annotations

import dataclasses

import pytest

from nlu.parser import asks_only_for_room
from nlu.scoring import CORPUS_NOW
from nlu.speech.understand import (ACT, ASK, ASK_UNSURE_GAP_FROM, REFUSE, READ_INTENTS, VoiceRules,
                                   may_ask_read_room, voice_verdict)

UNSURE_WAYS = ((0.9, True), (0.6, False))  # an unsure deciding word, or the note heard under the threshold


@pytest.fixture(scope="module")
def parse(demo_vocab):
    from nlu.parser import parser_for

    parser = parser_for(demo_vocab)
    return lambda text: parser.parse(text, now=CORPUS_NOW)


@pytest.mark.parametrize("text", ["is the heater running in my room", "could you check whether the fans in here "
                                  "are off", "what did my classroom consume yesterday", "what is scheduled for this room today",
                                  "any warnings for my lab", "how much will this room use tomorrow"])
def test_a_read_only_question_lacking_its_room_is_asked_however_heard(parse, text):
    parsed = parse(text)
    assert parsed.intent in READ_INTENTS and asks_only_for_room(parsed), parsed
    assert parsed.operation != "cancel" and parsed.confidence >= ASK_UNSURE_GAP_FROM, parsed
    for heard, unsure in UNSURE_WAYS:
        decision = voice_verdict(heard, unsure, parsed)
        assert (decision.verdict, decision.why, decision.sure) == (ASK, "unsure", False), (text, heard, decision)
    decision = voice_verdict(0.95, False, parsed)  # a sure note: asked, nothing marked
    assert (decision.verdict, decision.why, decision.sure) == (ASK, "", True), (text, decision)


@pytest.mark.parametrize("text", ["cancel whatever is scheduled in my room", "drop the timers for the lights in here"])
def test_a_cancelling_schedule_question_lacking_its_room_stays_refused(parse, text):
    parsed = parse(text)
    assert parsed.intent == "schedule_query" and parsed.operation == "cancel" and asks_only_for_room(parsed), parsed
    assert not may_ask_read_room(0.95, parsed)
    for heard, unsure in (*UNSURE_WAYS, (0.95, False)):
        assert voice_verdict(heard, unsure, parsed).verdict == REFUSE, (text, heard)


def test_the_same_questions_with_their_room_or_none_needed_keep_their_outcome(parse):
    for text in ("is the heater running in the staff room", "what did classroom 102 consume yesterday",
                 "is the projector still on anywhere", "which fans are running right now"):
        parsed = parse(text)
        assert parsed.clarification is None, parsed
        for heard, unsure in (*UNSURE_WAYS, (0.95, False)):  # answered at once, as before: a question reads
            assert voice_verdict(heard, unsure, parsed).verdict == ACT, (text, heard)


def test_unheard_doubted_or_out_of_scope_speech_is_not_asked(parse):
    parsed = parse("are the lights on in this room")
    assert asks_only_for_room(parsed), parsed
    assert voice_verdict(0.45, False, parsed).verdict == REFUSE  # under the level anything is acted on
    doubted = dataclasses.replace(parsed, confidence=ASK_UNSURE_GAP_FROM - 0.01)
    assert voice_verdict(0.9, True, doubted).verdict == REFUSE
    assert not may_ask_read_room(0.9, parsed, VoiceRules(), judge_from=parsed.confidence + 0.01)
    for text in ("is my brain on in here", "are the vibes good in this room", "how much did my car use today"):
        other = parse(text)
        assert voice_verdict(0.9, True, other).verdict == REFUSE, (text, other)


# "What should I switch?" (a switch naming nothing it could be): asked as the place/device-lacking questions are
# (`may_ask_unsure`), its answer a whole command of its own; refused before with "say it again in full".
@pytest.mark.parametrize("text", ["put it on please", "could you switch that off", "turn those on"])
def test_the_what_to_switch_question_is_asked_of_any_heard_note(parse, text):
    from nlu.parser import DEVICE_QUESTION

    parsed = parse(text)
    assert parsed.intent == "device_control" and parsed.clarification == DEVICE_QUESTION, parsed
    for heard, unsure in (*UNSURE_WAYS, (0.95, False)):
        decision = voice_verdict(heard, unsure, parsed)
        assert (decision.verdict, decision.why) == (ASK, ""), (text, heard, decision)
    assert voice_verdict(0.45, False, parsed).verdict == REFUSE  # under the level anything is acted on
    doubted = dataclasses.replace(parsed, confidence=0.49)
    assert voice_verdict(0.9, True, doubted).verdict == REFUSE


def test_the_same_words_with_something_to_switch_keep_their_outcome(demo_vocab):
    from nlu.command import ParseContext
    from nlu.parser import parser_for

    parser = parser_for(demo_vocab)
    before = parser.parse("turn on the fans in classroom 101", now=CORPUS_NOW)
    parsed = parser.parse("could you switch them off", ParseContext(previous=before), CORPUS_NOW)
    assert parsed.clarification is None and parsed.action == "off", parsed
    assert voice_verdict(0.9, True, parsed).verdict == "confirm"  # a misheard on/off still asks before switching
    assert voice_verdict(0.95, False, parsed).verdict == ACT
    for text in ("put it off till tomorrow", "turn it up", "carry on"):  # no switch read: refused as before
        assert voice_verdict(0.95, False, parser.parse(text, now=CORPUS_NOW)).verdict == REFUSE, text
