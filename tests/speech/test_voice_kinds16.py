"""Kinds of the fifteenth spoken part's failures (branch voice-kinds16), in other words than the part's: a time only
the sender knows said with a switch ("a bit later", Hindi "thodi der mein") asks when instead of switching now; a
Hindi delay ("10 minat mein") is a delay; Hindi "lab do" is lab 2; "if things go on like this" opens a forecast; a
device that tripped is an alert. Each kind has words that keep their reading."""

from __future__ import annotations

import datetime as dt

import pytest

from nlu.parser import Parser
from nlu.speech.understand import ACT, voice_verdict
from tests.speech.opentext_kit import NOW, heard


@pytest.fixture(scope="module")
def parser(demo_vocab):
    return Parser(demo_vocab)


@pytest.mark.parametrize("text, switch", [
    ("could you turn off the heater in the staff room a little later", "staff-room-heater"),
    ("switch the projector in lab 1 on later", "lab-1-projector"),
    ("put the lights off in room 202 a bit later please", "cr-202-lights"),
    ("room 201 ka projector thodi der mein chalu kar dena", "cr-201-projector"),
    ("lab 1 ki lights baad mein band kar do", "lab-1-lights"),
])
def test_a_time_only_the_sender_knows_asks_when(parser, text: str, switch: str) -> None:
    # Spoken part 15: "switch off the projector in room two oh two a bit later" switched it off at once.
    c = parser.parse(text, now=NOW)
    assert c.intent == "device_control" and c.switches == (switch,) and c.when is None, c
    assert c.needs_time and c.clarification, c
    assert voice_verdict(0.95, False, c).verdict != ACT


@pytest.mark.parametrize("text", [
    "turn off the lights in room 101, I'll lock up later",
    "switch on the fans in lab 2 now, we can turn them off later",
    "lights off in room 202 right now, not later",
    "switch the fans in lab 1 on this minute, not later",
])
def test_a_later_of_the_sender_or_after_now_keeps_the_order_now(parser, text: str) -> None:
    c = parser.parse(text, now=NOW)
    assert c.intent == "device_control" and c.switches and c.clarification is None and c.when is None, c


@pytest.mark.parametrize("text, minutes, switch", [
    ("staff room ka heater 10 minat mein band karo", 10, "staff-room-heater"),
    ("lab 1 ke lights aadhe ghante mein band kar dena", 30, "lab-1-lights"),
    ("room 102 ka projector 2 ghante mein band karo", 120, "cr-102-projector"),
])
def test_a_hindi_delay_said_with_mein_is_a_delay(parser, text: str, minutes: int, switch: str) -> None:
    # "lab do ka AC aadhe ghante mein band karo" switched the AC off at once: "mein" came after the amount.
    c = parser.parse(text, now=NOW)
    assert (c.action, c.switches, c.when) == ("off", (switch,), NOW + dt.timedelta(minutes=minutes)), c


def test_a_hindi_amount_in_a_question_stays_a_question(parser) -> None:
    assert parser.parse("lab 2 mein 2 ghante mein kitni bijli use hui", now=NOW).intent == "energy_query"


@pytest.mark.parametrize("text, room", [
    ("lab teen mein fans chal rahe hai kya", "lab-3"),
    ("lab ek ka projector chal raha hai kya", "lab-1"),
])
def test_a_lab_numbered_in_hindi(parser, text: str, room: str) -> None:
    c = parser.parse(text, now=NOW)
    assert c.intent == "status_query" and c.rooms == (room,), c


def test_an_orders_do_after_a_labs_number_stays_the_order(parser) -> None:
    c = parser.parse("lab 2 ki lights band kar do", now=NOW)
    assert (c.action, c.switches) == ("off", ("lab-2-lights",)), c


@pytest.mark.parametrize("text", [
    "if it carries on like this, how much will lab 1 use tomorrow",
    "if usage keeps going like this what will the staff room use next week",
])
def test_if_things_go_on_like_this_is_a_forecast(parser, text: str) -> None:
    # Spoken part 15: "if things go on like this, what will the electronics lab use ..." was the order "on" (asked).
    c = parser.parse(text, now=NOW)
    assert c.intent == "forecast_query" and c.action is None, c


@pytest.mark.parametrize("text", ["has any switch tripped in lab 2 today", "did anything overheat in the seminar hall"])
def test_a_tripped_or_overheated_device_asks_the_alerts(parser, text: str) -> None:
    assert parser.parse(text, now=NOW).intent == "alerts_query"


@pytest.mark.parametrize("text", ["we are planning a trip to goa next week", "my phone overheated yesterday"])
def test_trips_and_heat_of_other_things_stay_out_of_scope(parser, text: str) -> None:
    assert parser.parse(text, now=NOW).intent == "unknown"


def test_a_little_later_on_real_audio_asks_when(notes, demo_vocab) -> None:
    """Piper says a switch with "a little later" and Whisper hears it: the bot asks when, and nothing runs now."""
    from autovolt.settings import load_settings
    from autovolt.speech_engines import speech_engine
    from nlu.speech.understand import understand_voice
    from tests.speech.synth import PIPER_JOE

    engine = speech_engine(load_settings())
    data = notes.get("please switch off the fans in room two oh one a little later", PIPER_JOE)
    result = understand_voice(data, engine, demo_vocab, now=NOW)
    assert "later" in result.transcript.text, result.transcript.text
    assert result.verdict != ACT and result.command.when is None, result
    assert result.command.needs_time, result.command


@pytest.mark.parametrize("text", ["lab 1 ka kal ka predicted usage batao", "staff room ka kal ka forecast dikhao"])
def test_hindi_kal_in_a_forecast_is_tomorrow(parser, text: str) -> None:
    # "kal ka expected usage batao block A ka" forecast no day: "kal" was read only beside an order or a tense.
    c = parser.parse(text, now=NOW)
    assert c.intent == "forecast_query" and c.period and c.period.start.date() == dt.date(2026, 11, 27), c


def test_hindi_kal_in_a_past_question_stays_yesterday(parser) -> None:
    c = parser.parse("kal lab 2 ki kitni bijli use hui", now=NOW)
    assert c.intent == "energy_query" and c.period.start.date() == dt.date(2026, 11, 25), c


def test_not_the_device_heard_at_the_device_asks_first(parser, demo_vocab) -> None:
    # Piper's "turn off the fans in room one oh one, not the lights, just the fans" heard ", at the lights, ...":
    # the lights went off with the fans, unasked (the part's one unasked wrong switch on this VM).
    from nlu.speech.wordcheck import unsure_words

    text, words = heard("switch on the projector in lab 2, at the lights, only the projector")
    assert text == "switch on the projector in lab 2, not the lights, only the projector"
    c = parser.parse(text, now=NOW)
    assert c.switches == ("lab-2-projector",), c
    unsure = bool(unsure_words(words, demo_vocab))
    assert unsure and voice_verdict(0.95, unsure, c).verdict != ACT


@pytest.mark.parametrize("said", ["meet me, at the lights in lab 2", "turn the fans off, at the lights at 5 pm"])
def test_at_the_device_with_a_place_or_time_stays(said: str) -> None:
    assert heard(said)[0] == said
