"""PocketSphinx with the campus grammar on Telegram-style voice notes made by espeak-ng, through the bot's path."""

from __future__ import annotations

import datetime as dt

import pytest

from nlu.audio import AudioError
from nlu.speech import transcribe_audio
from nlu.speech.understand import understand_voice
from tests.speech.synth import Voice

NOW = dt.datetime(2026, 11, 26, 10, 0)


def test_done_when_fans_off_in_classroom_101(notes, sphinx, demo_vocab):
    """The issue's acceptance check: a synthesised, Telegram-encoded note becomes that command."""
    result = understand_voice(notes.get("turn off the fans in classroom one oh one"), sphinx, demo_vocab, now=NOW)
    assert result.transcript.text == "turn off the fans in classroom one oh one"
    assert result.transcript.engine == "pocketsphinx"
    assert result.transcript.in_grammar
    assert 2.0 < result.transcript.audio_s < 4.0
    command = result.command
    assert (command.intent, command.action, command.device_types, command.rooms, command.switches) == (
        "device_control", "off", ("fan",), ("cr-101",), ("cr-101-fans",))
    assert command.confidence >= 0.5


@pytest.mark.parametrize(("text", "voice", "snr", "expected"), [
    ("turn off the ac in classroom two zero one", Voice("en-us", 135, 35), 20,
     ("device_control", "off", ("ac",), ("cr-201",))),
    ("is the ac on in room two zero two", Voice("en-us", 160, 50), None, ("status_query", None, ("ac",), ("cr-202",))),
    ("which devices are offline", Voice("en-us+f1", 175, 60), None, ("alerts_query", None, (), ())),
    # Digits as written: espeak-ng (like many people) says 202 "two hundred and two", once outside the grammar.
    ("turn off the lights in room 202", Voice("en-us", 160, 50), None, ("device_control", "off", ("light",), ("cr-202",))),
    ("turn off the lights in room 202", Voice("en-us+f3", 170, 65), None, ("device_control", "off", ("light",), ("cr-202",))),
])
def test_voices_speeds_pitches_and_noise(notes, sphinx, demo_vocab, text, voice, snr, expected):
    result = understand_voice(notes.get(text, voice, snr), sphinx, demo_vocab, now=NOW)
    c = result.command
    assert (c.intent, c.action, c.device_types, c.rooms) == expected, result.transcript.text


@pytest.mark.parametrize(("text", "voice", "snr", "expected"), [
    ("switch off the projector in the seminar hall", Voice("en-us+m3", 150, 40), None,
     ("device_control", "off", ("projector",), ("seminar-hall",))),
    ("turn off the fans in classroom one oh one", Voice("en-us", 160, 50), 10,
     ("device_control", "off", ("fan",), ("cr-101",))),
    ("turn on the lamps in reading hall", Voice("en-gb", 150, 45), 10,
     ("device_control", "on", ("light",), ("reading-hall",))),
    # Fixed by the spectral-subtraction denoiser (second round); failing again since PocketSphinx's own noise
    # removal is off (fourth round): heard as "turn off light of the faculty room" with no rival command in the
    # N-best list, so not even asked. Strict: passes again -> remove the mark. docs/benchmarks.md, speech.
    pytest.param("turn off the plugs in faculty room", Voice("en-us", 160, 50), 10,
                 ("device_control", "off", ("outlet",), ("staff-room",)),
                 marks=pytest.mark.xfail(strict=True, reason="known confident mishearing at 10 dB (fourth round)")),
])
def test_hard_notes_are_right_or_refused_never_wrong(notes, sphinx, demo_vocab, text, voice, snr, expected):
    """Where recognition is hard (noise, a deeper voice) the note may be refused, or misheard with a low confidence
    (the bot then asks before switching), but never turned into another command the bot would act on at once."""
    result = understand_voice(notes.get(text, voice, snr), sphinx, demo_vocab, now=NOW)
    c = result.command
    right = (c.intent, c.action, c.device_types, c.rooms) == expected
    # Misheard but close to another command: the bot asks before switching (ConversationConfig.voice_confirm_below).
    asked = c.intent == "device_control" and result.transcript.confidence < 0.75
    assert c.intent == "unknown" or right or asked, (result.transcript.text, result.transcript.confidence)


def test_scheduled_command_keeps_its_time(notes, sphinx, demo_vocab):
    result = understand_voice(notes.get("please turn off the fan in classroom one oh two at five p.m."),
                              sphinx, demo_vocab, now=NOW)
    assert result.command.intent == "device_control"
    assert result.command.when is not None and result.command.when.hour == 17


@pytest.mark.parametrize(("text", "voice"), [
    ("what's the weather like tomorrow", Voice("en-us", 160, 50)),
    ("play some music", Voice("en-us", 160, 50)),
    ("lock the front door", Voice("en-us+f3", 170, 65)),
    ("tell me a joke", Voice("en-us+m3", 150, 40)),
])
def test_out_of_grammar_speech_is_never_a_command(notes, sphinx, demo_vocab, text, voice):
    result = understand_voice(notes.get(text, voice), sphinx, demo_vocab, now=NOW)
    assert result.command.intent == "unknown"
    assert not result.transcript.in_grammar
    assert result.transcript.confidence < 0.5


def test_free_transcription_without_campus(notes, sphinx):
    transcript = transcribe_audio(notes.get("what's the weather like tomorrow"), sphinx)
    assert transcript.engine == "pocketsphinx"
    assert not transcript.in_grammar
    assert "weather" in transcript.text


def test_timing_fields_are_measured(notes, sphinx, demo_vocab):
    transcript = transcribe_audio(notes.get("turn on the lights in lab two"), sphinx, demo_vocab)
    assert transcript.decode_s > 0
    assert set(transcript.to_json()) == {"text", "engine", "audio_s", "decode_s", "confidence"}


def test_bad_audio_raises_audio_error(sphinx, demo_vocab):
    with pytest.raises(AudioError):
        understand_voice(b"definitely not a voice note", sphinx, demo_vocab, now=NOW)


def test_engine_loads_once_per_process(sphinx):
    from nlu.speech import load_engine

    assert load_engine() is sphinx
    assert load_engine(None) is sphinx


def test_large_campus_rooms_by_kind_and_number(notes, sphinx, demo_vocab):
    """A 200-room campus (rooms spoken "<kind> <number>"): a note naming a generated room reaches its registry id."""
    from tests.speech.test_grammar import _campus_of

    big = _campus_of(demo_vocab, 200)
    result = understand_voice(notes.get("turn off the fans in classroom three oh five"), sphinx, big, now=NOW)
    assert result.transcript.text == "turn off the fans in classroom three oh five"
    c = result.command
    assert (c.intent, c.action, c.device_types, c.rooms) == ("device_control", "off", ("fan",), ("gen-4",))


def test_a_poorly_fitting_correct_note_is_refused_not_misread(notes, sphinx, demo_vocab):
    """Known cost of the score-gap check: this correct transcript ("turn on lights in lab two") fits the sound
    worse than the phone loop by 5 units a frame (limit -3), so the user is asked to repeat; it must never
    become a different command."""
    result = understand_voice(notes.get("turn on the lights in lab two", Voice("en-us+f3", 170, 65)), sphinx,
                              demo_vocab, now=NOW)
    c = result.command
    assert (c.intent, c.action, c.rooms) in {("device_control", "on", ("lab-2",)), ("unknown", None, ())}
    assert c.intent != "unknown" or c.clarification


def test_the_registry_chooses_among_the_n_best_sentences(notes, sphinx, demo_vocab):
    """A benchmark note at 10 dB: the decoder's 1-best names "room two", which the campus does not have; the next
    sentences of its N-best list include "... in lab two", a complete command, which is taken."""
    from nlu.audio import decode_audio

    note = notes.get("turn off the sockets in lab two", Voice("en-us", 160, 50), 10, seed=48)
    evidence = sphinx.evidence(decode_audio(note).samples, sphinx.grammar_for(demo_vocab))
    assert evidence.best.text == "turn off the sockets in room two"
    assert "turn off the sockets in lab two" in [h.text for h in evidence.candidates[:10]]
    c = understand_voice(note, sphinx, demo_vocab, now=NOW).command
    assert (c.intent, c.action, c.device_types, c.rooms) == ("device_control", "off", ("outlet",), ("lab-2",))


def test_confidence_says_how_far_the_nearest_other_command_is(notes, sphinx, demo_vocab):
    """An accepted transcript's confidence is 0.5..1 from its lead over the best rival command: the clear done-when
    note needs no confirmation (>= 0.75, the bot's default), a misheard one ("off" heard as "on") is close to its
    rival and is asked about."""
    clear = transcribe_audio(notes.get("turn off the fans in classroom one oh one"), sphinx, demo_vocab)
    assert clear.in_grammar and clear.confidence >= 0.75
    misheard = transcribe_audio(notes.get("fan off in room one oh one", Voice("en-us+f1", 175, 60)), sphinx,
                                demo_vocab)
    assert misheard.text == "fan on in room one oh one"
    assert misheard.in_grammar and 0.5 <= misheard.confidence < 0.75


def test_results_do_not_depend_on_the_note_decoded_before(notes, sphinx, demo_vocab):
    """PocketSphinx's own noise removal kept its estimate from one utterance to the next (another user's note);
    it is off and the front end is reset per utterance, so the same note always gives the same result."""
    note = notes.get("turn off the air conditioner in seminar room")
    first = transcribe_audio(note, sphinx, demo_vocab)
    transcribe_audio(notes.get("play some music"), sphinx, demo_vocab)
    again = transcribe_audio(note, sphinx, demo_vocab)
    assert (first.text, first.confidence) == (again.text, again.confidence)


def test_the_closed_pass_skips_judging_a_sentence_its_caller_does_not_want(notes, sphinx, demo_vocab):
    """`closed_pass(wanted=...)`: the caller is asked about the sentence the pass would judge before the phone loop
    runs; a wanted one is judged exactly as without the question, an unwanted one is answered as a rejected note."""
    from nlu.audio import decode_audio

    pcm = decode_audio(notes.get("turn off the fans in classroom one oh one")).samples
    grammar = sphinx.grammar_for(demo_vocab)
    judged = sphinx.closed_pass(pcm, grammar)
    assert judged.in_grammar and judged.text == "turn off the fans in classroom one oh one"
    asked: list[str] = []
    wanted = sphinx.closed_pass(pcm, grammar, wanted=lambda text: asked.append(text) or True)
    assert asked == [judged.text]
    assert (wanted.text, wanted.confidence, wanted.in_grammar) == (judged.text, judged.confidence, True)
    unwanted = sphinx.closed_pass(pcm, grammar, wanted=lambda text: False)
    assert (unwanted.text, unwanted.confidence, unwanted.in_grammar) == ("", 0.0, False)
    # The decoders are left as they were: the next note is judged as before.
    again = sphinx.closed_pass(pcm, grammar)
    assert (again.text, again.confidence, again.in_grammar) == (judged.text, judged.confidence, True)
