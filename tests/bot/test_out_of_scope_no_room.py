"""Issue 16, done when: "The bot's reply to out-of-scope text never asks for a room". Figures of speech with turn,
switch, on and off, venting, chat and things of one's own, sent through the loopback Bot API to the real PTB
Application and conversation engine: no reply asks which room, nothing is switched and nothing is scheduled."""

from __future__ import annotations

from bot import records
from bot.ratelimit import RateLimit, RateLimiter

FACULTY = 2001  # Dr. Meera Iyer: Classroom 101 and Classroom 102, no default room: a room question would name both

OUT_OF_SCOPE = (
    "turn the tables on them",
    "turn the tables on the other team",
    "lights out, I'm going to sleep",
    "keep the lights on for me, my love",
    "put the kettle on at home, mum",
    "she switched off halfway through the lecture",
    "time to turn over a new leaf",
    "switch it up a bit, be creative",
    "flip the script on them",
    "the game is on tonight",
    "turn off your notifications",
    "stop being so useless",
    "cancel that, I was just testing",
)
ROOM_QUESTIONS = ("Which room", "Which one do you mean", "Classroom 101 or Classroom 102")


async def test_out_of_scope_text_never_gets_a_room_question_and_switches_nothing(harness):
    harness.conversation.limiter = RateLimiter(RateLimit(per_minute=0))  # many messages in a row
    switches = [s.id for s in harness.conversation.campus.switches if s.room_id in ("cr-101", "cr-102")]
    before = {s: harness.relay(s) for s in switches}
    pending = records.actions_with_status(harness.db_url, "pending")
    for text in OUT_OF_SCOPE:
        reply = await harness.say(FACULTY, text)
        assert reply.text and not any(q in reply.text for q in ROOM_QUESTIONS), (text, reply.text)
    assert {s: harness.relay(s) for s in switches} == before
    assert records.actions_with_status(harness.db_url, "pending") == pending


async def test_an_order_naming_nothing_asks_what_to_switch_and_a_room_answer_switches_nothing(harness):
    # "Which room?" here would let the answer "classroom 101" switch everything in it.
    switches = [s.id for s in harness.conversation.campus.switches if s.room_id == "cr-101"]
    before = {s: harness.relay(s) for s in switches}
    asked = await harness.say(FACULTY, "switch it on")
    assert "What should I switch?" in asked.text and not any(q in asked.text for q in ROOM_QUESTIONS), asked.text
    await harness.say(FACULTY, "classroom 101")
    assert {s: harness.relay(s) for s in switches} == before
