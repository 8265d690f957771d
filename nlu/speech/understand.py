"""A voice message to a command: transcribe, parse the transcript, and never act on speech the grammar did not
explain. This is the path the bot takes for a voice note and `autovolt nlu parse --audio` shows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from nlu.audio import DEFAULT_LIMITS, AudioLimits
from nlu.command import AskReason, Command, ParseContext
from nlu.speech.base import SpeechEngine, Transcript
from nlu.speech.pipeline import transcribe_audio
from nlu.vocabulary import Vocabulary

NOT_UNDERSTOOD = "I could not make out a campus command in that voice note. Please say it again or type it."
# Below this a transcript is shown but never acted on (the bot's TRUST_CONFIDENCE).
ACT_CONFIDENCE = 0.5
# A parse whose calibrated confidence (nlu.judge) is under this is not acted on unless it is a device command (which
# asks first): the bot's `understood_below`.
UNDERSTOOD_BELOW = 0.5
# A command whose device, room or on/off word was unsure gets at most this confidence: under the bot's default
# confirmation threshold (0.75), so a switch asks first.
UNSURE_WORD_CAP = 0.6
# A note heard at least this surely (the bot's voice_confirm_below default), with no unsure device, room or on/off
# word, whose parse only lacks the room, is asked "Which room?" as typed text is: the answer names the room, and
# what was heard of the rest is trusted as much as a switch that runs unasked. So is the parser's question about a
# place the campus lacks ("I don't know room 205 on this campus. Did you mean ...?") or a device the room lacks ("I
# found no heater in Classroom 102. Which device do you mean?"): its answer names what to switch, so asking it never
# switches (refused, it was the biggest kind of Piper's failures on the third and fourth spoken parts).
ASK_ROOM_FROM = 0.75
# The parses whose room question a sure note may ask (a switch, or whether something is on).
ASK_ROOM_INTENTS = ("device_control", "status_query")
# An unsure note (a deciding word unsure, or heard under `confirm_below`) whose switch lacks only its room, or any
# note whose switch lacks only its time, is asked "Which room?" / "At what time?" when the judge is at least this sure
# it is a device command: the bot marks what it keeps unsure, so the answer that completes it asks "I may have
# misheard: ...?" before switching. Chosen on spoken dev (docs/benchmarks.md "voice-ask"): no out-of-scope note, heard
# or typed, read as such a switch at any judge; the bot's own `understood_below` (0.5) is the floor.
ASK_UNSURE_GAP_FROM = 0.5
# The questions that only read ("is the AC on in here?", "how much energy did my lab use?", "what is scheduled in my
# classroom?"): their room question is asked of any note heard at least `act_from`, sure or not, when the judge is at
# least `ASK_UNSURE_GAP_FROM` sure of the reading, since the answer that completes it reads and switches nothing.
# A schedule question that cancels is no such question: it writes (`may_ask_read_room`).
READ_INTENTS = ("status_query", "energy_query", "forecast_query", "schedule_query", "alerts_query")


@dataclass(frozen=True)
class VoiceResult:
    """`transcript`: what the engine heard; `command`: what the parser made of it, `unknown` with a
    clarification when the speech was outside the campus grammar (or not confidently in it); `verdict`: what the
    bot does with it (`voice_verdict`: ACT, CONFIRM, ASK or REFUSE)."""

    transcript: Transcript
    command: Command
    verdict: str = "act"


def understand_voice(data: bytes, engine: SpeechEngine, vocabulary: Vocabulary,
                     context: ParseContext | None = None, now: dt.datetime | None = None,
                     limits: AudioLimits = DEFAULT_LIMITS) -> VoiceResult:
    """Transcribe `data` with the campus grammar and parse the transcript. Raises nlu.audio.AudioError for
    audio outside the limits and nlu.speech.SpeechError when the engine fails."""
    from nlu.parser import parser_for  # spaCy loads here, not when only transcribing

    transcript = transcribe_audio(data, engine, vocabulary, limits)
    parsed = parser_for(vocabulary).parse(transcript.text, context=context, now=now)
    command, decision = _decided(transcript, parsed, heard_unsure(transcript, vocabulary))
    return VoiceResult(transcript=transcript, command=command, verdict=decision.verdict)


# What the product does with a voice note (`VoiceDecision.verdict`).
ACT = "act"  # switch or answer at once
CONFIRM = "confirm"  # a switch asks "Switch ...?" with buttons first
ASK = "ask"  # the parser's question ("Which room?", or a place or device the campus lacks) is asked, as typed
REFUSE = "refuse"  # shown, never acted on; nothing may complete it


@dataclass(frozen=True)
class VoiceRules:
    """The thresholds of `voice_verdict`. `act_from`: a transcript under this is never acted on; `confirm_below`: a
    switch heard less surely asks first, and a room question is asked only from here (the bot's
    `voice_confirm_below`); `understood_below`: a parse the judge doubts this much is refused unless it is a switch
    (which then asks first)."""

    act_from: float = ACT_CONFIDENCE
    confirm_below: float = ASK_ROOM_FROM
    understood_below: float = UNDERSTOOD_BELOW


@dataclass(frozen=True)
class VoiceDecision:
    """`verdict`: ACT, CONFIRM, ASK or REFUSE; `why` a question: "unsure" (an unsure note's room question or any
    note's time question, whose completed switch asks first; an unsure note's read-only question's room, whose answer
    is answered at once) or ""; a refusal: "unheard" (the note),
    "not_understood" (the parse is unknown or doubted) or "question" (the parse asks something a voice note is not
    asked); a confirmation: "unsure" (the note or a deciding word) or "doubted" (the parse). `sure`: the note was
    heard at least `confirm_below` with no unsure deciding word."""

    verdict: str
    why: str = ""
    sure: bool = True


def voice_verdict(heard_confidence: float, unsure: bool, parsed: Command,
                  rules: VoiceRules = VoiceRules()) -> VoiceDecision:
    """The one rule for a voice note, used by the bot and (through `decide`) the CLI and the speech benches:
    `heard_confidence` of the transcript, `unsure` whether a device, room or on/off word in it was unsure, `parsed`
    the command the parser (and the conversation's context) made of it. Pure."""
    sure = heard_confidence >= rules.confirm_below and not unsure
    if heard_confidence < rules.act_from:
        return VoiceDecision(REFUSE, "unheard", sure)
    doubted = parsed.confidence < rules.understood_below and parsed.intent != "help"
    if parsed.intent == "unknown" or (doubted and parsed.intent != "device_control"):
        return VoiceDecision(REFUSE, "not_understood", sure)
    if parsed.clarification is not None:
        # A sentence that does not parse to a complete command is what speech forced into the grammar mostly
        # becomes, and what an open pass makes of speech that is no command (measured in docs/benchmarks.md: this
        # and the engine's score gap let the phone-error threshold rise). The questions let through: a sure note
        # ("turn off the lights") whose only gap is the room, its typed answer switching as a sure note would; and
        # a note naming a place or device the campus lacks, or nothing to switch ("What should I switch?"), whose
        # answer names what to switch; and a switch lacking
        # only its room (heard unsurely) or its time, whose completed switch the bot confirms first (branch voice-ask);
        # and a question that only reads lacking its room, however heard (branch voice-status).
        if may_ask_room(heard_confidence, unsure, parsed, rules) or may_ask_unsure(heard_confidence, parsed, rules):
            return VoiceDecision(ASK, "", sure)
        if may_ask_unsure_gap(heard_confidence, unsure, parsed, rules):
            # "unsure": what the answer completes must ask before it switches (the bot's confirmation question).
            return VoiceDecision(ASK, "unsure", sure)
        if may_ask_read_room(heard_confidence, parsed, rules):
            # Its answer only reads; an unsure note's is marked "unsure" as any unsure note's kept question is (the
            # bot's reply says so; an answer that only with it became a switch would ask first).
            return VoiceDecision(ASK, "" if sure else "unsure", sure)
        return VoiceDecision(REFUSE, "question", sure)
    if parsed.intent == "device_control" and (not sure or doubted):
        # A misheard on/off never switches without a question.
        return VoiceDecision(CONFIRM, "unsure" if not sure else "doubted", sure)
    return VoiceDecision(ACT, "", sure)


def decide(transcript: Transcript, parsed: Command, vocabulary: Vocabulary) -> Command:
    """What the product acts on, given what was heard and what the parser read from it (pure; the speech benches
    score with it too): `voice_verdict`'s refusal as `unknown` with NOT_UNDERSTOOD, else the parse with its
    confidence lowered to what was heard (and under the confirmation threshold when a deciding word was unsure)."""
    return _decided(transcript, parsed, heard_unsure(transcript, vocabulary))[0]


def heard_unsure(transcript: Transcript, vocabulary: Vocabulary) -> bool:
    """Whether a switch on `transcript` must ask first whatever its confidence: a deciding word heard unsurely, or a
    word guessed from the sentence's shape (`Transcript.guessed`, a filled device slot)."""
    from nlu.speech.wordcheck import unsure_words

    return transcript.guessed or bool(unsure_words(transcript.words, vocabulary))


def _decided(transcript: Transcript, parsed: Command, unsure: bool) -> tuple[Command, VoiceDecision]:
    decision = voice_verdict(transcript.confidence, unsure, parsed)
    if decision.verdict == REFUSE:
        # What was heard is shown to the user but never acted on.
        return Command(text=transcript.text, intent="unknown", confidence=transcript.confidence,
                       clarification=NOT_UNDERSTOOD if transcript.text else None,
                       ask_reason=AskReason.NOT_UNDERSTOOD if transcript.text else None), decision
    confidence = min(parsed.confidence, transcript.confidence)
    if unsure:
        confidence = min(confidence, UNSURE_WORD_CAP)
    return _with_confidence(parsed, confidence), decision


def may_ask_room(heard_confidence: float, unsure: bool, parsed: Command, rules: VoiceRules = VoiceRules()) -> bool:
    """Whether a voice note's `parsed` command, which asks a question, may be asked as typed text would be: the note
    was heard surely (`heard_confidence` >= `rules.confirm_below`, no `unsure` device, room or on/off word), the
    parser is sure enough of its reading (judge >= `rules.understood_below`), and the question is which room, or
    about a place or device the campus lacks (`nlu.parser.asks_which_place_or_device`)."""
    from nlu.parser import asks_which_place_or_device

    return (heard_confidence >= rules.confirm_below and not unsure and parsed.intent in ASK_ROOM_INTENTS
            and parsed.confidence >= rules.understood_below and asks_which_place_or_device(parsed))


def may_ask_unsure(heard_confidence: float, parsed: Command, rules: VoiceRules = VoiceRules()) -> bool:
    """Whether a voice note's `parsed` command, whose question says the place or device it names is not on this
    campus ("I don't know room 305 on this campus. ...", "I found no projector in Staff Room. Which device do you
    mean?"), may be asked although the note was not heard surely (a deciding word unsure, or the note under
    `rules.confirm_below`): it was heard at least `rules.act_from` and the parser is sure enough of its reading
    (judge >= `rules.understood_below`). Refusing it said "I could not make out a whole command" to a note heard word
    for word (the biggest kind of right readings refused on the spoken dev notes, docs/benchmarks.md "voice-sound6").
    Asking it never switches: the bot keeps nothing for its answer to complete (only the room question is kept), so
    the answer is a command of its own, under the voice rule like any. The room and time questions of an unsure note are
    `may_ask_unsure_gap`'s: their answer completes what was heard, misheard on/off and all, so it asks before it
    switches."""
    from nlu.parser import asks_only_for_room, asks_which_place_or_device

    # "What should I switch? Please name the device and the place." ("turn it on" with nothing it could be): its
    # answer is a whole command of its own too, and it says what was missing where a refusal said "say it again".
    names_what = asks_which_place_or_device(parsed) or parsed.ask_reason == AskReason.NO_DEVICE
    return (heard_confidence >= rules.act_from and parsed.intent not in ("unknown", "help")
            and parsed.confidence >= rules.understood_below and not asks_only_for_room(parsed)
            and not parsed.needs_time and names_what)


def may_ask_unsure_gap(heard_confidence: float, unsure: bool, parsed: Command, rules: VoiceRules = VoiceRules(),
                       judge_from: float = ASK_UNSURE_GAP_FROM) -> bool:
    """Whether a voice note read as a switch lacking only its room ("Which room?") and not heard surely (`unsure`
    deciding word, or under `rules.confirm_below`), or lacking only its time ("At what time?") however surely heard,
    may be asked with what its answer completes marked unsure: heard at least `rules.act_from`, and the judge at least
    `judge_from` (and `rules.understood_below`) sure of the reading. Safe only because of that mark: the answer that
    completes it is not run at once but asks "I may have misheard: ...?" with buttons (`bot.conversation`), so a
    misheard on/off never switches unasked. A sure note's time question was refused before (its typed answer would
    have scheduled without a tap), so an unsure note's was asked and a sure one's not: both are asked now, both
    confirm. A sure note's room question is `may_ask_room`'s (its answer switches as a sure note would)."""
    from nlu.parser import asks_only_for_room

    sure = heard_confidence >= rules.confirm_below and not unsure
    return (heard_confidence >= rules.act_from and parsed.intent == "device_control"
            and parsed.confidence >= max(judge_from, rules.understood_below)
            and ((not sure and asks_only_for_room(parsed)) or parsed.needs_time))


def may_ask_read_room(heard_confidence: float, parsed: Command, rules: VoiceRules = VoiceRules(),
                      judge_from: float = ASK_UNSURE_GAP_FROM) -> bool:
    """Whether a voice note read as a question that only reads (`READ_INTENTS`: a status, energy, forecast, alerts or
    schedule-listing question, never a cancelling one) and lacks only its room ("is the AC on in here?", "how much
    did my lab use today?") may be asked "Which room?", however surely it was heard: heard at least `rules.act_from`,
    and the judge at least `judge_from` (and `rules.understood_below`) sure of the reading. Refused before, "I am not
    sure enough of what I heard to ask which room" (an unsure note) or "I did not hear the room" (a sure energy or
    schedule question), a rule made for switches: the answer that completes a question answers it, switching nothing,
    and the reply names the room and what it read, so a misheard word shows."""
    from nlu.parser import asks_only_for_room

    return (heard_confidence >= rules.act_from and parsed.intent in READ_INTENTS and parsed.operation != "cancel"
            and parsed.confidence >= max(judge_from, rules.understood_below) and asks_only_for_room(parsed))


def _with_confidence(command: Command, confidence: float) -> Command:
    from dataclasses import replace

    return replace(command, confidence=confidence)
