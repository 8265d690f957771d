"""A long-running process (the bot, the speech worker) parses words it never saw before, message after message: what
the parser keeps for them must not grow with them (the speech worker soak, docs/benchmarks.md)."""

from __future__ import annotations

import itertools

from nlu.scoring import CORPUS_NOW


def _sizes(parser) -> tuple[int, int]:
    return len(parser.gaz.strings), len(parser.gaz.strings.strings)


def test_new_words_do_not_grow_the_spacy_vocabulary(rules):
    rules.parse("turn off the lights in classroom 101", now=CORPUS_NOW)
    before = _sizes(rules)
    syllables = ("ka", "lo", "mi", "ru", "zen", "tak", "vor", "pim")
    for parts in itertools.islice(itertools.permutations(syllables, 4), 300):
        word = "".join(parts)
        rules.parse(f"turn off the {word} in classroom 101 please {word}ly", now=CORPUS_NOW)
    assert _sizes(rules) == before


def test_mentions_are_found_among_unknown_words(rules):
    """Words outside every phrase stand in as one token: a phrase beside them is still matched whole."""
    command = rules.parse("zorblax please turn on the fans in the seminar hall quuxly", now=CORPUS_NOW)
    assert command.intent == "device_control" and command.action == "on", command
    assert command.rooms == ("seminar-hall",), command
