"""Campus words a recogniser spelled as they sound are found by their sound key, and only when the spelling is
close enough too."""

from __future__ import annotations

import datetime as dt

import pytest

from nlu.parser import parser_for
from nlu.phonetic import sound_key
from nlu.spelling import SpellFixer

NOW = dt.datetime(2026, 11, 26, 10, 0)


@pytest.fixture(scope="module")
def demo_vocab():
    from autovolt.vocabulary import vocabulary_from_campus
    from store.campus import load_campus_file
    from tests.conftest import DEMO_CAMPUS

    return vocabulary_from_campus(load_campus_file(DEMO_CAMPUS))


def test_sound_key_folds_voicing_and_spelling():
    assert sound_key("seminar") == sound_key("cemenar") == sound_key("semmenar")
    assert sound_key("canteen") == sound_key("kanteen")
    assert sound_key("plugs") == sound_key("plucks")
    assert sound_key("101") == ""


def test_a_name_too_far_in_spelling_is_found_by_sound(demo_vocab):
    # rapidfuzz alone puts "cemenar" below its cut-off (the parser asked which room); its sound is "seminar".
    command = parser_for(demo_vocab).parse("turn off the lights in the cemenar hall", now=NOW)
    assert (command.intent, command.rooms, command.clarification) == ("device_control", ("seminar-hall",), None)


@pytest.mark.parametrize("token", ["fence", "bottle", "pizza"])
def test_sound_alone_never_bends_an_unrelated_word(token):
    # "fence" sounds like "fans" (same key) but is spelled too far from it.
    assert sound_key("fence") == sound_key("fans")
    fixer = SpellFixer(set(), set(), preferred={"fans", "kettle", "plugs", "seminar"})
    assert fixer.fix(token) is None
