"""Choosing among N-best sentences with the registry (pure functions, the real parser on the demo campus)."""

from __future__ import annotations

import datetime as dt

from nlu.speech.nbest import (Hypothesis, choose, command_reader, confidence_from_margin, distinct, margin)

NOW = dt.datetime(2026, 11, 26, 10, 0)


def test_a_device_the_room_lacks_loses_to_the_next_sentence(demo_vocab):
    """Computer Lab 2 has no heater: the best-scoring sentence is not a command there, the second is."""
    read = command_reader(demo_vocab, NOW)
    assert read("turn off the heater in computer lab two") is None
    hyps = [Hypothesis("turn off the heater in computer lab two", -1000),
            Hypothesis("turn off the fans in computer lab two", -1010)]
    picked = choose(hyps, read)
    assert picked == hyps[1]
    assert read(picked.text).switches == ("lab-2-fans",)


def test_only_the_first_few_sentences_may_replace_the_best(demo_vocab):
    read = command_reader(demo_vocab, NOW)
    hyps = [Hypothesis(f"turn off the heater in computer lab two {'x' * n}", -1000 - n) for n in range(5)]
    hyps.append(Hypothesis("turn off the fans in computer lab two", -2000))
    assert choose(hyps, read, depth=5) is None  # the caller keeps the 1-best
    assert choose(hyps, read, depth=6) == hyps[-1]


def test_distinct_keeps_the_first_of_each_text():
    hyps = [Hypothesis("a", 5), Hypothesis("a", 5), Hypothesis("", 4), Hypothesis("b", 3), Hypothesis("a", 2)]
    assert distinct(hyps) == [Hypothesis("a", 5), Hypothesis("b", 3)]


def test_margin_is_the_lead_over_the_best_different_command(demo_vocab):
    read = command_reader(demo_vocab, NOW)
    chosen = Hypothesis("turn off the fans in computer lab two", -1000)
    hyps = [chosen,
            Hypothesis("turn off the fans in the computer lab two", -1050),  # same command, other words
            Hypothesis("turn on the fans in computer lab two", -1300),       # a different command
            Hypothesis("turn off the fans in computer lab one", -1500)]
    assert margin(chosen, hyps, read, frames=100) == 3.0
    assert margin(chosen, hyps[:2], read, frames=100) is None


def test_scheduled_sentences_compare_at_one_moment(demo_vocab):
    """"in ten minutes" read twice must be the same command, so it is no rival of itself."""
    read = command_reader(demo_vocab)
    a = read("turn off the fans in computer lab two in ten minutes")
    b = read("turn off the fans in the computer lab two in ten minutes")
    assert a is not None and a.when == b.when


def test_confidence_from_margin_stays_in_the_trusted_range():
    assert confidence_from_margin(None) == 1.0
    assert confidence_from_margin(0.0) == 0.5
    assert confidence_from_margin(-2.0) == 0.5
    assert confidence_from_margin(1.0) == 0.75
    assert 0.5 < confidence_from_margin(0.2) < confidence_from_margin(3.0) < 1.0
