"""Open-text kinds of the fourteenth spoken part's unasked wrong switches (branch voice-safety14): what Whisper wrote
of Piper's speech, repaired or doubted before the parser reads it. None of these sentences is in the corpus; each
kind has words that keep their reading."""

from __future__ import annotations

import datetime as dt

import pytest

from nlu.parser import Parser
from nlu.speech.understand import ACT, voice_verdict
from nlu.speech.wordcheck import unsure_words
from tests.speech.opentext_kit import NOW, heard



@pytest.fixture(scope="module")
def parser(demo_vocab):
    return Parser(demo_vocab)



@pytest.mark.parametrize("said, meant, minutes", [
    ("i am 10 minutes turn off the projector in room 102", "um in 10 minutes turn off the projector in room 102", 10),
    ("so i am twenty minutes switch on the fans in lab 1", "so um in twenty minutes switch on the fans in lab 1", 20),
])
def test_i_am_a_count_of_minutes_then_an_order_is_a_delay(parser, demo_vocab, said: str, meant: str,
                                                          minutes: int) -> None:
    # Piper's "uh in five minutes switch off the stage lights ..." heard "i am 5 minutes switch off ...": switched at
    # once, unasked.
    text, words = heard(said)
    assert text == meant
    c = parser.parse(text, now=NOW)
    assert c.when == NOW + dt.timedelta(minutes=minutes), c
    unsure = bool(unsure_words(words, demo_vocab))
    assert unsure and voice_verdict(0.9, unsure, c).verdict != ACT


@pytest.mark.parametrize("said", ["i am 10 minutes late, switch off the fans", "i am 5 minutes away"])
def test_i_am_a_count_of_minutes_otherwise_stays(said: str) -> None:
    assert heard(said)[0] == said


@pytest.mark.parametrize("said", ["and then please turn off the AC in lab 2", "then switch on the lights in room 201"])
def test_a_note_begun_mid_sentence_asks_first(parser, demo_vocab, said: str) -> None:
    # Piper's "at noon please switch on the fans in the staff room" heard "and then please switch on ...": the time
    # was lost and the fans went on at once.
    text, words = heard(said)
    assert text == said.lower()
    c = parser.parse(text, now=NOW)
    assert c.intent == "device_control" and c.switches, c
    unsure = bool(unsure_words(words, demo_vocab))
    assert unsure and voice_verdict(0.9, unsure, c).verdict != ACT


@pytest.mark.parametrize("said", ["turn off the AC in lab 2 and then switch on the fans", "switch off the lights, then the fans"])
def test_and_then_later_in_a_note_is_sure(demo_vocab, said: str) -> None:
    assert unsure_words(heard(said)[1], demo_vocab) == ()


# Branch voice-kinds15: kinds of the fourteenth spoken part's other failures (its notes' recorded words, read from
# dev), each fixed in general and tested here on sentences of other words.

def _asks_first(parser, demo_vocab, text: str, words) -> object:
    c = parser.parse(text, now=NOW)
    unsure = bool(unsure_words(words, demo_vocab))
    assert unsure and voice_verdict(0.9, unsure, c).verdict != ACT, (text, c)
    return c


@pytest.mark.parametrize("said, meant, rooms", [
    ("am in block lights off", "admin block lights off",
     {"reading-hall", "staff-room", "principal-office", "auditorium"}),
    ("please switch off the fans in the live block", "please switch off the fans in the lab block",
     {"lab-1", "lab-2", "lab-3", "physics-lab"}),
])
def test_a_block_name_heard_as_a_word_of_its_sound_is_put_back_and_asks(parser, demo_vocab, said, meant, rooms):
    text, words = heard(said)
    assert text == meant
    c = _asks_first(parser, demo_vocab, text, words)
    assert c.intent == "device_control" and {s.split("-")[0] for s in c.switches} and set(c.rooms) | set(
        r.id for r in demo_vocab.rooms if r.building_id in c.buildings) >= rooms, c


@pytest.mark.parametrize("said", ["turn off the fans in the b block", "switch off the lights in the a block",
                                  "the library block lights off", "is anything on in the whole block",
                                  "turn off everything in the lab block"])
def test_a_block_s_own_name_stays(said: str) -> None:
    text, words = heard(said)
    assert text == said and all(w.confidence == 0.9 for w in words)


@pytest.mark.parametrize("said, meant", [
    ("socket, soft in the staff room", "sockets off in the staff room"),
    ("the projector soft in lab 2 please", "the projectors off in lab 2 please"),
])
def test_a_device_s_plural_s_heard_on_off_is_put_back(parser, demo_vocab, said: str, meant: str) -> None:
    # espeak-ng's "plug points off in classroom 201" written "plug point, soft in classroom 201".
    text, words = heard(said)
    assert text == meant
    c = parser.parse(text, now=NOW)
    assert c.intent == "device_control" and c.action == "off" and c.switches, c


@pytest.mark.parametrize("said", ["turn the light, soft music please", "the heater soft glow is nice", "the socket soft toy"])
def test_soft_that_is_no_off_stays(said: str) -> None:
    assert heard(said)[0] == said


@pytest.mark.parametrize("said, meant", [
    ("switch the fans on in lab 3 as well as lamp 1", "switch the fans on in lab 3 as well as lab 1"),
    ("turn off the projector in mob 2", "turn off the projector in lab 2"),
    ("is the AC on in lob 1", "is the ac on in lab 1"),
])
def test_lab_heard_as_a_word_of_its_sound_before_its_number(parser, demo_vocab, said: str, meant: str) -> None:
    # Piper's "did anything trip or overload in lab two" heard "... in mob 2" / "... and lob 2"; espeak-ng's "lab two"
    # as "lamp 2", "lamb 2".
    text, words = heard(said)
    assert text == meant
    assert any(w.text == "lab" and w.confidence < 0.7 for w in words)


@pytest.mark.parametrize("said", ["wait for like 2, then switch off the fans in lab 1", "the reading lamp 2 is on",
                                  "turn on the lamp 2 minutes later"])
def test_a_word_before_a_number_that_is_no_lab_stays(said: str) -> None:
    assert heard(said)[0] == said.lower()


@pytest.mark.parametrize("said, meant, hour, minute", [
    ("add 10 45 switch off the fans in room 101", "at 10 45 switch off the fans in room 101", 10, 45),
    ("so add 6 pm turn on the lights in lab 2", "so at 6 pm turn on the lights in lab 2", 18, 0),
])
def test_at_heard_add_before_a_clock_time_said_first(parser, demo_vocab, said, meant, hour, minute) -> None:
    # Piper's "at eleven thirty switch on the projector in room two oh two" heard "add 11 30 switch on ...": the time
    # was lost and the switch asked as at once.
    text, words = heard(said)
    assert text == meant
    c = _asks_first(parser, demo_vocab, text, words)
    assert c.when is not None and (c.when.hour, c.when.minute) == (hour, minute), c


@pytest.mark.parametrize("said", ["add 2 and 2", "add 5 users to the lab", "can you add 7 more fans"])
def test_add_that_is_no_time_stays(said: str) -> None:
    assert heard(said)[0] == said


@pytest.mark.parametrize("said, action", [
    ("i was wondering if you could switch the fans off in lab 2", "off"),
    ("we were wondering if you can get the lights going in room 201", "on"),
])
def test_wondering_if_you_could_is_a_request(parser, said: str, action: str) -> None:
    # "I was wondering if you could get the AC going in classroom one oh two" (typed, and Piper's notes heard word for
    # word) answered the AC's state: "wondering if" opened a reported question.
    c = parser.parse(said, now=NOW)
    assert c.intent == "device_control" and c.action == action and c.switches, c


@pytest.mark.parametrize("said", ["i was wondering if the fans are off in lab 2",
                                  "i was wondering if you could tell me whether the ac is on in lab 1"])
def test_wondering_whether_something_is_stays_a_question(parser, said: str) -> None:
    assert parser.parse(said, now=NOW).intent == "status_query"
