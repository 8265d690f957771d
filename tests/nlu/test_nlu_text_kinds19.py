"""Kinds of message issue 16's eighteenth fresh held-out read got wrong (branch text-kinds19), in words of their own:
none of the sentences parsed here is in the corpus. Safety first: "what is the cutoff for the library fine" switched
every switch of the library block off, "AC chalu karo principal office ke bagal wale store room mein" the
principal's office AC, "at 8 this morning" (said at 10) scheduled tomorrow's 8:00 unasked, and out-of-scope remarks
("keep the lights of hope on", a family member's room, "lights out at 10 in the hostel, right") asked which room."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from nlu.command import ParseContext
from nlu.hinglish import as_english
from nlu.kin_places import kin_place
from nlu.landmarks import landmark_span
from nlu.light_of import light_of_an_idea
from nlu.order_nouns import as_nouns
from nlu.parser import Parser
from nlu.reported_questions import reported_question
from nlu.tag_questions import confirms_a_fact
from nlu.textnorm import tokens

TZ = ZoneInfo("Asia/Kolkata")
NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=TZ)  # a Thursday

# `demo` (rules alone and judged) and `rules` come from tests/nlu/conftest.py.


def test_a_cutoff_is_a_noun(demo: Parser) -> None:
    for text in ("what's the cut-off for the seminar hall booking", "whats the cut-off for the auditorium",
                 "what is the cutoff for lab 2", "tell me the cut off for the library"):
        command = demo.parse(text, now=NOW)
        assert command.intent != "device_control" and not command.switches, (text, command)
    # Near miss: the verb still orders ("cutoff" glued, at the start; "cut off" after no noun opener).
    command = demo.parse("cutoff the fans in room 201", now=NOW)
    assert command.action == "off" and command.switches == ("cr-201-fans",), command
    assert as_nouns("the timer that cut off the fans".split())[3:5] == ["cut", "off"]  # "that": a subject
    assert as_nouns("your shut off".split()) == ["your", "limit"]


def test_a_room_said_as_a_landmark_is_not_the_place(demo: Parser) -> None:
    for text in ("switch off the fans in the storeroom beside the staff room",
                 "put the AC on in the room opposite lab 2",
                 "turn off the lights in the cabin next to the principal's office",
                 "staff room ke paas wale kamre ki lights band karo"):
        command = demo.parse(text, now=NOW)
        assert not command.switches and (command.clarification is not None or command.intent == "unknown"), \
            (text, command)
    # Near misses: the room named as the place is still the place, a landmark beside it is dropped.
    command = demo.parse("turn off the fans in room 102, the room next to room 101", now=NOW)
    assert command.switches == ("cr-102-fans",), command
    command = demo.parse("switch on the lights in lab 3 near the door", now=NOW)
    assert command.switches == ("lab-3-lights",), command


def test_landmark_spans() -> None:
    toks = tokens("the store room next to lab 1")
    assert landmark_span(toks, 5, 7, ()) == (1, 7)
    toks = tokens("lab 1 ke bagal wala room")
    assert landmark_span(toks, 0, 2, ()) == (0, 6)
    toks = tokens("lab 1 ke paas wali lights")  # a device near the room, no other place: the room
    assert landmark_span(toks, 0, 2, ()) is None


def test_a_passed_time_today_is_asked(demo: Parser) -> None:
    for text in ("switch the lab 1 fans off at 9 am today", "put the room 202 lights on at 7 this morning",
                 "today at 6:45 am turn on the staff room heater"):
        command = demo.parse(text, now=NOW)
        assert command.clarification is not None and command.when is not None, (text, command)
        assert command.when.date() == NOW.date(), command  # today's, never tomorrow's
    # Near misses: today's time still ahead, and an hour without am/pm that is still to come today (9 pm).
    command = demo.parse("switch the lab 1 fans off at 11 am today", now=NOW)
    assert command.clarification is None and command.when == dt.datetime(2026, 11, 26, 11, 0, tzinfo=TZ), command
    command = demo.parse("switch the lab 1 fans off today at 9", now=NOW)
    assert command.clarification is None and command.when == dt.datetime(2026, 11, 26, 21, 0, tzinfo=TZ), command
    command = demo.parse("switch the lab 1 fans off at 1 am tonight", now=NOW)
    assert command.clarification is None and command.when == dt.datetime(2026, 11, 27, 1, 0, tzinfo=TZ), command


def test_a_family_members_room_is_at_home(demo: Parser) -> None:
    for text in ("papa ke kamre ka fan band karo", "turn on the heater in mum's room", "didi ke room ki lights on kar do"):
        command = demo.parse(text, now=NOW)
        assert command.intent == "unknown", (text, command)
    assert kin_place(tokens("switch off the AC in my brothers room")[5:])
    # Near misses: "bhai" is also "bro", said before a campus room; a campus room keeps its order.
    command = demo.parse("bhai room 202 ka AC band kar do", now=NOW)
    assert command.action == "off" and command.switches == ("cr-202-ac",), command
    assert not kin_place(tokens("bhai room 202 ka AC band kar do"))


def test_a_light_of_an_idea(demo: Parser) -> None:
    for text in ("keep the light of learning on", "never switch off the lamp of knowledge", "keep the lights of love on"):
        assert demo.parse(text, now=NOW).intent != "device_control", text
    # Near misses: the lights of a campus place.
    command = demo.parse("keep the lights of room 102 on", now=NOW)
    assert command.action == "on" and command.switches == ("cr-102-lights",), command
    assert not light_of_an_idea(tokens("the lights of the staff room"), {"staff", "room"})


def test_a_fact_asked_back_with_a_tag(demo: Parser) -> None:
    for text in ("fans off at 5 in the mess, correct?", "lights out by 11 pm in the girls hostel right"):
        command = demo.parse(text, now=NOW)
        assert command.intent != "device_control" and not command.switches, (text, command)
    assert confirms_a_fact(tokens("lab block lights off at 9 right"))
    # Near misses: an order with its verb, a state told, "right now" and "all right" are no tags.
    command = demo.parse("switch the lab 2 fans off at 5, right?", now=NOW)
    assert command.action == "off" and command.switches == ("lab-2-fans",), command
    assert demo.parse("the lights are off in room 201, right?", now=NOW).intent == "status_query"
    assert not confirms_a_fact(tokens("room 101 fans off right now"))
    assert not confirms_a_fact(tokens("lights off in lab 2 all right"))


def test_ones_own_machine_with_a_brand(rules: Parser) -> None:
    assert rules.parse("power off my lenovo laptop", now=NOW).intent == "unknown"
    command = rules.parse("power off the laptop sockets in the reading hall", now=NOW)
    assert command.action == "off" and len(command.switches) == 1, command  # the campus's own, named


def test_a_question_passed_on_for_someone(demo: Parser) -> None:
    for text in ("the principal wants to know if the seminar hall projector is running",
                 "madam asked whether the fans in room 201 are running"):
        command = demo.parse(text, now=NOW)
        assert command.intent == "status_query" and command.action is None, (text, command)
    assert reported_question(tokens("hod is wondering if the lab 2 AC is off")) == 3
    # Near miss: "if" as the condition of an order said first.
    command = demo.parse("switch off the lab 2 AC if you know nobody is there", now=NOW)
    assert command.intent == "device_control" and command.action == "off", command


def test_power_used_on_a_day(demo: Parser) -> None:
    for text in ("power used on monday in room 102", "power consumed in the seminar hall on tuesday"):
        command = demo.parse(text, now=NOW)
        assert command.intent == "energy_query" and command.period is not None, (text, command)
        assert command.period.start.date() < NOW.date(), command  # the last one, a question about what was
    # Near miss: "power on" an order with a day.
    command = demo.parse("power on the room 102 fans on monday at 9", now=NOW)
    assert command.intent == "device_control" and command.action == "on", command


def test_hindi_run_and_now() -> None:
    assert as_english("lab 3 ke pankhe chala do".split())[-2:] == ["on", "do"]
    assert as_english("seminar hall ka AC chalao".split())[-1] == "on"
    assert "chala" in as_english("kal AC kitna chala tha".split())  # it ran: stays past
    assert as_english("lab 1 ka fan on hai kya abhi".split())[0] == "is"


def test_hindi_run_order(demo: Parser) -> None:
    command = demo.parse("physics lab ke pankhe chala do", now=NOW)
    assert command.action == "on" and command.switches == ("physics-lab-fans",), command
    command = demo.parse("staff room ka AC on hai kya abhi", now=NOW)
    assert command.intent == "status_query", command


def test_a_bare_figure_that_numbers_no_room_is_a_time(demo: Parser) -> None:
    order = demo.parse("switch the lab 2 projector off at 3 pm", now=NOW)
    command = demo.parse("actually make it 6", now=NOW, context=ParseContext().after(order))
    assert command.action == "off" and command.switches == ("lab-2-projector",), command
    assert command.when == dt.datetime(2026, 11, 26, 18, 0, tzinfo=TZ), command
    # Near miss: a figure that numbers a lab ("make it 3": lab 3 or 3 pm) is still not read.
    command = demo.parse("make it 3", now=NOW, context=ParseContext().after(order))
    assert not (command.intent == "device_control" and command.clarification is None), command


def test_a_time_said_again_in_a_correction(demo: Parser) -> None:
    order = demo.parse("fans of room 201 off at 4 pm", now=NOW)
    command = demo.parse("no wait, 4:15", now=NOW, context=ParseContext().after(order))
    assert command.switches == ("cr-201-fans",) and command.when == dt.datetime(2026, 11, 26, 16, 15, tzinfo=TZ), command
    asked = demo.parse("lights on in lab 9", now=NOW)
    command = demo.parse("no no, lab 1, typo", now=NOW, context=ParseContext().after(asked))
    assert command.action == "on" and command.switches == ("lab-1-lights",), command


def test_a_place_the_campus_lacks_in_lists(demo: Parser) -> None:
    for text in ("anything scheduled in the girls hostel on saturday", "any alerts for the gym this week",
                 "units used by the canteen block last month"):
        command = demo.parse(text, now=NOW)
        assert command.clarification is not None and not command.rooms, (text, command)
    # Near misses: a campus place, and warnings of the world.
    command = demo.parse("any alerts for the auditorium this week", now=NOW)
    assert command.intent == "alerts_query" and command.rooms == ("auditorium",), command
    assert demo.parse("any alerts about the cyclone in the hostel", now=NOW).intent == "unknown"


def test_period_follow_ups_in_other_words(demo: Parser) -> None:
    asked = demo.parse("how much did lab 2 use this week", now=NOW)
    command = demo.parse("and the week before?", now=NOW, context=ParseContext().after(asked))
    assert command.intent == "energy_query" and command.rooms == ("lab-2",), command
    assert command.period is not None and command.period.start.day == 16, command
    asked = demo.parse("what did the auditorium use last month", now=NOW)
    command = demo.parse("and this month till now", now=NOW, context=ParseContext().after(asked))
    assert command.rooms == ("auditorium",) and command.period is not None and command.period.start.month == 11, command
    command = demo.parse("the same number for room 101", now=NOW, context=ParseContext().after(asked))
    assert command.intent == "energy_query" and command.rooms == ("cr-101",), command
    alerts = demo.parse("any alerts in the staff room", now=NOW)
    command = demo.parse("and since yesterday?", now=NOW, context=ParseContext().after(alerts))
    assert command.intent == "alerts_query" and command.rooms == ("staff-room",) and command.period is not None, command


def test_the_next_device_after_an_order(demo: Parser) -> None:
    order = demo.parse("switch the fans off in room 202", now=NOW)
    command = demo.parse("AC next please", now=NOW, context=ParseContext().after(order))
    assert command.action == "off" and command.switches == ("cr-202-ac",), command


def test_help_asked_in_other_words(demo: Parser) -> None:
    for text in ("how does one use this thing", "what things can I ask you about", "yeh bot kya kya kar sakta hai"):
        assert demo.parse(text, now=NOW).intent == "help", text
    # Near miss: "kya kya ... hai" about a room asks its state.
    assert demo.parse("lab 2 mein kya kya on hai", now=NOW).intent == "status_query"


def test_flagged_is_an_alert_word(demo: Parser) -> None:
    command = demo.parse("was anything flagged in the physics lab yesterday", now=NOW)
    assert command.intent == "alerts_query" and command.rooms == ("physics-lab",), command


def test_a_place_the_campus_lacks_said_in_hindi(demo: Parser) -> None:
    for text in ("hostel ke fans band karo", "mess ka AC on hai kya"):
        command = demo.parse(text, now=NOW)
        assert command.clarification is not None and not command.switches and not command.rooms, (text, command)
        assert command.ask_reason is not None and command.ask_reason.value == "unknown_place", command
    # Near miss: a campus room said so keeps its order.
    command = demo.parse("staff room ke fans band karo", now=NOW)
    assert command.action == "off" and command.switches == ("staff-room-fans",), command


def test_a_thing_said_as_a_landmark_is_not_switched(demo: Parser) -> None:
    # Found while writing the pass's dev lines: "the lights in the staff room near the kettle" switched the kettle.
    command = demo.parse("switch off the fans in the staff room next to the heater", now=NOW)
    assert command.action == "off" and command.switches == ("staff-room-fans",), command
    # Near miss: two things named with "and" are both switched.
    command = demo.parse("switch off the fans and the heater in the staff room", now=NOW)
    assert set(command.switches) == {"staff-room-fans", "staff-room-heater"}, command


def test_a_story_clause_before_an_order_for_a_room(demo: Parser) -> None:
    # The brief's two: the judge refused them because the rules did ("leaving" read as the thing; "er" a strange word).
    command = demo.parse("right, we're heading out, switch off room 201", now=NOW)
    assert command.intent == "device_control" and command.rooms == ("cr-201",) and command.clarification is None, command
    command = demo.parse("um could you switch that off for me", now=NOW)
    assert command.intent == "device_control" and command.action == "off" and not command.switches, command
    assert command.clarification is not None, command  # nothing for "that" to be: asked
    # Near miss, a safety one found beside: a thing said in a clause of its own before "switch it on" is that thing
    # (every switch of the lab went on).
    command = demo.parse("the smart board, turn it on in lab 1", now=NOW)
    assert command.intent == "unknown" and not command.switches, command


def test_a_power_of_a_number_is_maths(demo: Parser) -> None:
    # Found by the judged old-dev comparison after the retrain (dev 990 accepted as "power off", asked what to switch).
    assert demo.parse("whats 3 to the power of 4", now=NOW).intent != "device_control"
    assert demo.parse("what is the power of 10 in this sum", now=NOW).intent != "device_control"
    command = demo.parse("power of the room 201 lights", now=NOW)  # near miss: a recogniser's "power off"
    assert command.action == "off" and command.switches == ("cr-201-lights",), command
