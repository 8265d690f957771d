"""How the two passes' hypotheses are ranked: by whether the campus parser reads them as a complete command, and by
whether the passes agree (pure: transcripts in, the chosen transcript out)."""

from __future__ import annotations

import datetime as dt

import pytest

from nlu.speech.base import HeardWord, Transcript
from nlu.speech.nbest import command_reader
from nlu.speech.twopass import DISAGREE_CAP, OPEN_FLOOR, JoinRules, rank

NOW = dt.datetime(2026, 11, 26, 10, 0)


def closed(text: str, confidence: float = 0.6, in_grammar: bool = True) -> Transcript:
    return Transcript(text, "pocketsphinx", 3.0, 0.2, confidence, in_grammar)


def heard(text: str, confidence: float = 0.8) -> Transcript:
    return Transcript(text, "whisper", 3.0, 0.5, confidence, words=tuple(HeardWord(w, confidence) for w in text.split()))


@pytest.fixture(scope="module")
def read(demo_vocab):
    return command_reader(demo_vocab, NOW)


def test_agreeing_passes_are_surer_than_either(read):
    chosen = rank(closed("turn off the fans in classroom one oh one", 0.6),
                  heard("could you turn off the fans in room 101", 0.7), read)
    assert chosen.text == "turn off the fans in classroom one oh one"  # the grammar sentence, nothing made up
    assert chosen.confidence > max(0.6, OPEN_FLOOR + (1 - OPEN_FLOOR) * 0.7)
    assert chosen.words == ()  # both passes heard the device and room: no single word is in doubt


def test_disagreeing_passes_make_a_switch_ask(read):
    chosen = rank(closed("turn off the plugs in classroom one oh one", 0.7),
                  heard("turn off the fans in room 101", 0.95), read)
    assert "fans" in chosen.text and chosen.confidence == DISAGREE_CAP


def test_the_sentence_the_campus_makes_sense_of_wins(read):
    # The open pass misheard the room as no room of this campus; the grammar pass's sentence is a command.
    chosen = rank(closed("turn off the fans in classroom one oh one", 0.6), heard("turn off the fans in the gym"), read)
    assert chosen.engine == "pocketsphinx"
    # A grammar pass that found no sentence leaves the open pass's command, lifted into the trusted range (the open
    # pass's own thresholds off: tests/speech/test_voice_rules.py holds them).
    chosen = rank(closed("do you know what time it is", 0.1, in_grammar=False), heard("switch off lab 2 lights", 0.4), read,
                  JoinRules(open_act=0.0, open_sure=0.0))
    assert chosen.engine == "whisper" and chosen.confidence == pytest.approx(OPEN_FLOOR + (1 - OPEN_FLOOR) * 0.4)


def test_speech_that_is_no_command_keeps_its_raw_confidence(read):
    chosen = rank(closed("so what", 0.1, in_grammar=False), heard("what is the weather like today", 0.45), read)
    assert chosen.text == "what is the weather like today" and chosen.confidence == 0.45


def test_open_pass_words_become_parser_tokens_with_room_numbers_repaired():
    from nlu.speech.opentext import heard_words

    words = heard_words([(" The", 0.9), (" lights", 0.8), (" in", 1.0), (" lab", 0.9), (" to,", 0.3), (" A.C.", 0.5),
                         (" fan's", 0.4), (" room", 1.0), (" 200", 0.9), (" and", 0.8), (" 1.", 0.6),
                         (" 100", 1.0), (" and", 1.0), (" apples", 1.0), (" to", 1.0)])
    # The comma Whisper wrote after "to" stays, for the parser's clauses.
    assert [w.text for w in words] == ["the", "lights", "in", "lab", "2", ",", "ac", "fans", "room", "201", "100",
                                       "and", "apples", "to"]
    assert words[4].confidence == 0.3 and words[9].confidence == 0.6  # a joined number keeps its least sure part


def test_disagreeing_passes_show_the_grammar_sentence_when_the_open_pass_is_unsure(read):
    closed_heard = closed("is the ac on in room two zero two", 1.0)
    chosen = rank(closed_heard, heard("this is the ac on in room 201 okay lets do", 0.4), read,
                  JoinRules(open_wins_from=0.5))
    assert chosen.engine == "pocketsphinx" and chosen.confidence == DISAGREE_CAP


def test_a_grammar_sentence_the_open_pass_did_not_confirm_can_be_held_below_acting(read):
    chosen = rank(closed("turn off the fans in classroom one oh one", 1.0), heard("tell me a joke"), read,
                  JoinRules(closed_alone_cap=0.45))
    assert chosen.engine == "pocketsphinx" and chosen.confidence == 0.45


def _alone(text: str, confidence: float, audio_s: float = 3.0) -> Transcript:
    words = tuple(HeardWord(w, confidence) for w in text.split())
    return Transcript(text, "whisper", audio_s, 0.2, confidence, words=words)


def test_the_grammar_pass_runs_only_where_it_can_change_what_is_done(read, demo_vocab):
    from nlu.speech.twopass import RULES, grammar_needed

    unsure = RULES.open_sure - 0.2
    # A switch the open pass is unsure of asks on its own; two agreeing passes would switch at once: needed.
    assert grammar_needed(_alone("turn off the fans in room 101", unsure), read, demo_vocab)
    # Sure as a whole but unsure of the device word: it asks on its own, so the grammar pass may still confirm it.
    assert grammar_needed(_unsure_fans(), read, demo_vocab)
    # A sure switch runs without a question either way: not needed.
    assert not grammar_needed(_alone("turn off the fans in room 101", 0.95), read, demo_vocab)
    # A question is answered from the open text whatever the grammar pass reads; text that is no command, or made up,
    # is not acted on whatever it reads (a grammar sentence alone is capped below acting).
    assert not grammar_needed(_alone("is the ac on in room 202", unsure), read, demo_vocab)
    assert not grammar_needed(_alone("tell me a joke", unsure), read, demo_vocab)
    assert not grammar_needed(_alone("", 0.0), read, demo_vocab)
    fast = "turn off the fans in room 101 and the lights in room 102 and the ac in lab 2 right now please thanks"
    assert not grammar_needed(_alone(fast, unsure, audio_s=2.0), read, demo_vocab)
    # A long note gets no grammar pass (the campus grammar's sentences are short): its unsure switch asks.
    assert not grammar_needed(_alone("turn off the fans in room 101", unsure, audio_s=RULES.closed_max_s + 1), read,
                              demo_vocab)


def _unsure_fans() -> Transcript:
    text = "turn off the fans in room 101"
    words = tuple(HeardWord(w, 0.3 if w == "fans" else 0.95) for w in text.split())
    return Transcript(text, "whisper", 3.0, 0.2, 0.95, words=words)


def test_an_unsure_open_reading_is_one_worth_a_second_look(read, demo_vocab):
    from nlu.speech.twopass import RULES, unsure_reading

    assert not unsure_reading(_alone("turn off the fans in room 101", 0.95), read, demo_vocab)
    assert not unsure_reading(_alone("is the ac on in room 202", 0.95), read, demo_vocab)
    assert unsure_reading(_alone("turn off the fans in room 101", RULES.open_sure - 0.2), read, demo_vocab)
    assert unsure_reading(_unsure_fans(), read, demo_vocab)  # sure as a whole, not of its device word
    assert unsure_reading(_alone("the bring actor of in lamb to", 0.9), read, demo_vocab)  # no command read
    assert unsure_reading(_alone("", 0.0), read, demo_vocab)


def test_the_second_reading_is_kept_only_when_it_reads_better(read):
    from nlu.speech.twopass import better_reading

    first, command = _alone("the bring actor of in lamb to", 0.5), _alone("turn off the projector in lab 2", 0.4)
    assert better_reading(first, command, read) is command  # a command beats no command, however unsure
    assert better_reading(command, first, read) is command  # and no command never replaces one
    surer = _alone("turn off the fans in room 101", 0.7)
    assert better_reading(_alone("turn off the fans in room 102", 0.6), surer, read) is surer
    assert better_reading(surer, _alone("turn off the fans in room 102", 0.6), read) is surer
    made_up = _alone("turn off the fans in room 101 " * 4, 0.9, audio_s=2.0)  # loops, too fast: not speech
    assert better_reading(first, made_up, read) is first


# Grammar sentences of every kind a grammar pass may judge next to Whisper's "turn off the fans in room 101".
_SENTENCES = ("turn off the fans in classroom one oh one", "turn on the fans in classroom one oh one",
              "turn off the lights in lab two", "is the ac on in room two zero two", "fans off", "so what", "")


def test_a_grammar_sentence_that_cannot_change_the_outcome_is_not_wanted(read):
    from nlu.speech.twopass import RULES, could_change

    unsure = could_change(_alone("turn off the fans in room 101", RULES.open_sure - 0.2), read)
    # An unsure open switch: only the same command, which lifts it to switch at once, is worth judging.
    assert unsure("turn off the fans in classroom one oh one")
    assert not unsure("turn on the fans in classroom one oh one")  # another command: it asks either way
    assert not unsure("turn off the lights in lab two") and not unsure("is the ac on in room two zero two")
    assert not unsure("so what") and not unsure("")  # no command: ignored either way
    # Sure as a whole but unsure of a word: a disagreeing sentence lowers its confidence, so any command is judged.
    sure = could_change(_unsure_fans(), read)
    assert sure("turn on the fans in classroom one oh one") and sure("turn off the fans in classroom one oh one")
    assert not sure("so what")


@pytest.mark.parametrize("raw", [0.0, 0.2, 0.45, 0.6, 0.79, 0.8, 0.95, 1.0])
@pytest.mark.parametrize("rules", [JoinRules(), JoinRules(open_act=0.3, open_wins_from=0.5),
                                   JoinRules(open_sure=0.5, disagree_cap=0.7)])
def test_a_sentence_not_wanted_gives_the_outcome_of_no_grammar_sentence(raw, rules, read):
    """What makes skipping the phone loop safe: for every sentence `could_change` turns down, `rank` makes of the
    accepted sentence exactly what it makes of no sentence, at any confidence the grammar pass might give it."""
    from nlu.speech.twopass import could_change

    for said in (_alone("turn off the fans in room 101", raw), _unsure_fans()):
        wanted = could_change(said, read, rules)
        alone = rank(None, said, read, rules)
        for text in _SENTENCES:
            if wanted(text):
                continue
            for confidence in (0.5, 0.75, 1.0):
                assert rank(closed(text, confidence), said, read, rules) == alone, (raw, text, confidence)
