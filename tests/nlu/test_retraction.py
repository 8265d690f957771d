"""nlu.retraction.takes_back: a follow-up that owns a slip, as opposed to one that adds to the command before."""

from __future__ import annotations

import pytest

from nlu.retraction import takes_back


@pytest.mark.parametrize("text", [
    "sorry, I meant room 102", "oops, I meant lab 2", "Oops, lab 2", "no sorry, lab 4", "i meant 102",
    "wait, make that room 202 instead", "make that 6 pm", "in 10 minutes instead", "actually make it 4:30",
    "hmm, make that room 201 instead", "no, I meant room 102", "wait, turn them back on", "my bad, room 102",
    "wrong room, 102", "scratch that, the fans", "not that one, the fans",
])
def test_a_slip_owned_is_a_taking_back(text):
    assert takes_back(text)


@pytest.mark.parametrize("text", [
    "and the fans too", "actually, also the fans", "oops, the fans too", "same for room 201", "the lights as well",
    "turn them back on", "switch it off in 30 minutes", "lab 2?", "what about room 102", "", "no",
    "sorry to bother you, lab 2 is cold too",
])
def test_an_addition_or_a_new_message_takes_nothing_back(text):
    assert not takes_back(text)
