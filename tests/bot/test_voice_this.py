"""A bare "this" where "the AC" was said ("turn this off in classroom 102", Whisper's reading of "turn the AC off in
classroom 102") reads as everything in the room; heard however surely, the bot asks before switching the room
(`Conversation._control`: "everything" always asks), and switches nothing before the tap (voice-kinds15)."""

from __future__ import annotations

import pytest

from bot.conversation import Sender
from bot.speech import Heard

FACULTY = Sender(2001, 2001, "terminal")  # Dr. Meera Iyer: Classroom 101 and Classroom 102
ROOM_102 = ("cr-102-lights", "cr-102-fans", "cr-102-projector", "cr-102-ac", "cr-102-sockets")


class HeardSurely:
    """The speech worker's answer: `text`, every word sure, nothing guessed."""

    def __init__(self, text: str) -> None:
        self.text = text

    def transcribe(self, audio: bytes) -> Heard:
        return Heard(self.text, 0.95, True, 2.0, 0.3, "whisper", (), None, False)


@pytest.mark.parametrize("heard", ["turn this off in classroom 102", "can you switch off this in room 102"])
async def test_a_bare_this_heard_for_a_device_asks_before_switching_the_room(audited_engine, heard: str):
    await audited_engine.fleet.switch(list(ROOM_102), True)
    audited_engine.speech = HeardSurely(heard)
    reply = await audited_engine.on_voice(FACULTY, b"a voice note")
    assert reply.outcome == "confirm" and reply.buttons, reply
    assert "everything in Classroom 102" in reply.text, reply.text
    assert all(audited_engine.fleet.state(s).on for s in ROOM_102)  # nothing switched before the tap
