"""Voice notes that are sound but hold no words, or whose header lies (issue 18, item 10), through the real PTB
Application and the loopback Bot API: a clear answer, never "something went wrong"."""

from __future__ import annotations

import pytest

from bot.conversation import ERROR_TEXT
from tests.bad_audio import cut_short_wav, lying_length_wav, pure_tone

FACULTY = 2001


@pytest.mark.parametrize("audio", [pure_tone(), lying_length_wav(), cut_short_wav()],
                         ids=["pure-tone", "header-lies-about-length", "cut-short"])
async def test_a_voice_note_without_words_gets_a_clear_answer(harness, audio) -> None:
    start = len(harness.api.calls)
    harness.api.send_voice(FACULTY, audio)
    reply = await harness.api.reply_to(FACULTY, start, timeout=30)
    assert reply.text != ERROR_TEXT
    # The grammar pass hears nothing; the open pass may make a word of a tone ("beeping") but is unsure of it.
    assert "could not make out any words" in reply.text or "not sure enough to act on it" in reply.text, reply.text
    assert harness.gateway.stats.commands_sent == 0
