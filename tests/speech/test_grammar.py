"""nlu.grammar: campus names spoken as people say them, JSGF the engines accept, rebuilt when the registry changes."""

from __future__ import annotations

from dataclasses import replace

import pytest

from nlu.grammar import build_grammar, phrase_grammar, spoken_forms
from nlu.vocabulary import RoomEntry


@pytest.mark.parametrize(("name", "forms"), [
    ("Classroom 101", ["classroom one oh one", "classroom one zero one", "classroom one hundred and one",
                       "classroom one hundred one"]),
    ("lab-2", ["lab two"]),
    ("Computer Lab 12", ["computer lab twelve"]),
    ("Room 220", ["room two two oh", "room two two zero", "room two twenty", "room two hundred and twenty",
                  "room two hundred twenty"]),
    ("Lab 300", ["lab three oh oh", "lab three zero zero", "lab three hundred"]),
    ("AC unit 1", ["ac unit one"]),
    ("Principal's Office", ["principal's office"]),
])
def test_spoken_forms(name, forms):
    assert spoken_forms(name) == forms


@pytest.mark.parametrize("sentence", [
    "turn off the fans in classroom one oh one",
    "please switch on the lights in the seminar hall",
    "lights off in lab two",
    "turn the projector on in computer lab one at five thirty p.m.",
    "turn on the ac in room two zero two in twenty minutes",
    "turn off the fans in classroom one hundred and one",  # espeak-ng, and many people, say 101 like this
    "is the ac on in room two hundred two",
    "turn off everything in block a",
    "is the ac on in lab three",
    "how much energy was used in the library last week",
    "which devices are offline",
    "show alerts",
    "help",
])
def test_commands_are_sentences(demo_vocab, sentence):
    assert build_grammar(demo_vocab).matches(sentence)


@pytest.mark.parametrize("sentence", [
    "what's the weather like tomorrow", "play some music", "lock the front door", "turn off the fans in",
    "classroom one oh one", "", "turn off the fans in classroom nine nine nine",
    # A day and a time: not in the grammar (measured: docs/benchmarks.md, speech, sixth round), so such a note is
    # refused and typed, never forced into a sentence that switches on another day.
    "switch off the projector in classroom one oh one on friday at five p.m.",
])
def test_other_speech_is_not(demo_vocab, sentence):
    assert not build_grammar(demo_vocab).matches(sentence)


def test_names_come_from_the_registry(demo_vocab, minimal_vocab):
    demo, minimal = build_grammar(demo_vocab), build_grammar(minimal_vocab)
    assert demo.matches("turn off the lights in seminar hall")
    assert not minimal.matches("turn off the lights in seminar hall")
    assert "seminar" in demo.words and "seminar" not in minimal.words
    assert "classroom one oh one" in minimal.phrases


def test_cached_per_vocabulary_and_rebuilt_on_change(minimal_vocab):
    first = build_grammar(minimal_vocab)
    assert build_grammar(minimal_vocab) is first
    changed = replace(minimal_vocab, rooms=(*minimal_vocab.rooms, RoomEntry("cr-999", "Drawing Studio", "block-a")))
    second = build_grammar(changed)
    assert second is not first
    assert second.matches("turn off the fans in drawing studio")
    assert not first.matches("turn off the fans in drawing studio")


def test_names_with_words_the_engine_lacks_are_dropped(minimal_vocab):
    odd = replace(minimal_vocab, rooms=(*minimal_vocab.rooms, RoomEntry("x", "Zzyzx Hall", "block-a")))
    grammar = build_grammar(odd, known=lambda word: word != "zzyzx")
    assert "zzyzx hall" in grammar.dropped
    assert "zzyzx" not in grammar.words
    assert grammar.matches("turn off the fans in classroom one oh one")


def test_jsgf_is_accepted_by_pocketsphinx(demo_vocab, sphinx):
    import pocketsphinx

    grammar = sphinx.grammar_for(demo_vocab)
    decoder = pocketsphinx.Decoder(loglevel="FATAL", lm=None)
    decoder.add_jsgf_string("campus", grammar.jsgf)  # raises ValueError on a syntax error
    assert all(sphinx.known(w) for w in grammar.words)


def test_phrase_grammar_accepts_sequences_of_phrases():
    grammar = phrase_grammar(["오늘 날씨 어때", "음악", "  "])
    assert grammar.matches("음악")
    assert grammar.matches("음악 오늘 날씨 어때")
    assert not grammar.matches("오늘 음악")
    with pytest.raises(ValueError):
        phrase_grammar(["abc"], known=lambda w: False)


def test_factored_names_accept_exactly_the_same_phrases():
    from nlu.grammar import factored

    assert factored(["lab one", "lab two", "library"]) == "lab (one | two) | library"
    assert factored(["classroom one", "classroom one oh one"]) == "classroom one [oh one]"


def _campus_of(base, rooms: int):
    """`base` plus `rooms` numbered classrooms with switches named after their room ("Classroom 301 fan")."""
    from nlu.vocabulary import SwitchEntry

    extra = [RoomEntry(f"gen-{n}", f"Classroom {301 + n}", "block-a") for n in range(rooms)]
    switches = [SwitchEntry(f"gen-{n}-fan", f"{r.name} fan", "fan", r.id) for n, r in enumerate(extra)]
    return replace(base, rooms=(*base.rooms, *extra), switches=(*base.switches, *switches))


def test_a_large_campus_says_rooms_as_kind_and_number(demo_vocab):
    from nlu.parser import parser_for

    big = _campus_of(demo_vocab, 200)
    grammar = build_grammar(big)
    assert "<kind> <number>" in grammar.jsgf
    assert grammar.matches("turn off the fans in classroom three oh five")
    assert grammar.matches("turn off the fans in classroom one oh one")  # the demo's own classroom, too
    assert grammar.matches("turn off the fans in classroom three hundred and five")
    assert parser_for(big).parse("turn off the fans in classroom three hundred and five").rooms == ("gen-4",)
    assert grammar.matches("turn off the lights in seminar hall")
    assert not grammar.matches("turn off the fans in classroom")
    # Switches named after their room are spoken by type: room names do not repeat inside <device>.
    assert "classroom three oh five fan" not in grammar.phrases
    assert len(grammar.jsgf) < 2 * len(build_grammar(demo_vocab).jsgf)


def test_a_small_campus_keeps_exact_room_numbers(demo_vocab):
    grammar = build_grammar(_campus_of(demo_vocab, 3))
    assert "<number>" not in grammar.jsgf
    assert grammar.matches("turn off the fans in classroom three oh three")
    assert not grammar.matches("turn off the fans in classroom three oh nine")


def test_kind_and_number_maps_to_the_registry_room(demo_vocab):
    from nlu.parser import parser_for

    big = _campus_of(demo_vocab, 200)
    command = parser_for(big).parse("turn off the fans in classroom three oh five")
    assert list(command.rooms) == ["gen-4"]
    assert parser_for(big).parse("turn off the fans in classroom nine nine nine").clarification
