"""A voice note whose device word was guessed from the sentence's shape (a filled device slot, `Transcript.guessed`)
asks before switching in the bot too, even when every word came back sure: the guess crosses the speech worker as
`bot.speech.Heard.guessed`, not only as low word confidences (voice-devslot; review of 7 December)."""

from __future__ import annotations

from bot.conversation import Sender
from bot.speech import Heard

FACULTY = Sender(2001, 2001, "terminal")  # Dr. Meera Iyer: Classroom 101 and Classroom 102
ORDER = "switch the ac on in classroom 101"


class HeardSure:
    """The speech worker's answer: every word sure, the device word guessed or not."""

    def __init__(self, guessed: bool) -> None:
        self.guessed = guessed

    def transcribe(self, audio: bytes) -> Heard:
        return Heard(ORDER, 0.95, True, 2.0, 0.3, "whisper", (), None, self.guessed)


async def test_a_guessed_device_asks_first_and_switches_nothing(audited_engine):
    await audited_engine.fleet.switch(["cr-101-ac"], False)
    audited_engine.speech = HeardSure(guessed=True)
    reply = await audited_engine.on_voice(FACULTY, b"a voice note")
    assert reply.outcome == "confirm" and reply.buttons, reply
    assert reply.detail.get("guessed") is True, reply.detail
    assert audited_engine.fleet.state("cr-101-ac").on is False  # nothing switched before the tap


async def test_the_same_note_heard_surely_switches(audited_engine):
    await audited_engine.fleet.switch(["cr-101-ac"], False)
    audited_engine.speech = HeardSure(guessed=False)
    reply = await audited_engine.on_voice(FACULTY, b"a voice note")
    assert reply.outcome != "confirm", reply
    assert audited_engine.fleet.state("cr-101-ac").on is True, reply.text
