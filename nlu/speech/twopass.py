"""One pipeline over two passes, the way Home Assistant pairs speech-to-phrase with Whisper.

1. An open pass (a Wyoming server, local Whisper) transcribes what was said, however it was said, first and alone
   on both cores. On a noisy note (estimated from the note itself) whose reading is unsure, Whisper hears the note
   again after a Wiener filter, on a clean one slowed and lowered by 20/17, and the better of its two readings goes
   on (`TwoPassEngine._second_look`).
2. The closed pass (PocketSphinx or Vosk with the campus grammar) runs after it only where it can still change the
   outcome (`grammar_needed`): a device command the open pass is unsure of, which two agreeing passes switch without
   a question. Anywhere else the grammar pass's reading changes nothing the bot does (see `grammar_needed`;
   docs/benchmarks.md "Speech, Whisper first"), and it costs more than twice Whisper's CPU. Where it runs, it judges
   (runs its phone loop on) only a sentence that could still change the outcome (`could_change`). `order="beside"`
   runs both on every note, side by side, as before. The closed pass could answer alone when it is sure
   (`closed_sure`), but measured on natural speech it is as sure of sentences it forced into the grammar, so that
   stays off.
3. Both hypotheses are ranked by whether the text parser reads them as a complete command for this campus
   (`rank`): a sentence the registry makes sense of beats one it does not; two passes that agree make each other
   surer; two that disagree make the bot ask.

An open pass that fails (a Wyoming server down) falls through to the next one, and finally to the closed pass
alone, with a one-line note for the user.
"""

from __future__ import annotations

import concurrent.futures
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from nlu.grammar import Grammar
from nlu.speech.base import SpeechEngine, SpeechError, Transcript
from nlu.speech.leadword import unsure_opening
from nlu.speech.nbest import Reader, command_reader, same_command
from nlu.speech.noise import snr_db
from nlu.speech.whisper import campus_prompt
from nlu.textnorm import base_tokens
from nlu.vocabulary import Vocabulary

log = logging.getLogger(__name__)

# A closed-pass sentence at least this confident would be taken without the open pass. None: never; both passes
# run at once (two cores) and are ranked. On the dev notes the grammar pass was as confident (1.0) about natural
# speech forced into the grammar as about its own sentences, so skipping cost accuracy and wrong switches
# (bench/speech_twopass.py; docs/benchmarks.md "Speech: two passes").
CLOSED_SURE: float | None = None
# How the two passes are run when CLOSED_SURE is None: "open-first" (the open pass, then the grammar pass only where it
# can change the outcome) or "beside" (both on every note, side by side). Open first gave every dev note the same
# outcome but 7 (a sure Whisper switch no longer asks when the grammar pass read another command) for under a third of
# the CPU per 3 s note (docs/benchmarks.md "Speech, Whisper first").
ORDERS = ("open-first", "beside")
ORDER = "open-first"


# The slowed second hearing's factor (JoinRules.slow_look), as the service sets it unless AUTOVOLT_SPEECH_SLOW_LOOK=off.
SLOW_LOOK = 20 / 17
# Which unsure readings are heard slowed (JoinRules.slow_when): only those that read as no command, or all.
SLOW_WHEN = ("no-command", "unsure")


@dataclass(frozen=True)
class JoinRules:
    """How the two passes' readings become one transcript and how far it is trusted. The bot acts on a transcript
    from 0.5 (`REFUSE_BELOW`) and switches without a question from 0.75 (its `voice_confirm_below`); the caps below
    keep a reading under one or the other. Every value was chosen on the dev notes (docs/benchmarks.md).

    `closed_alone_cap`: the most a grammar sentence the open pass did not confirm keeps (under 0.5: shown, not acted
    on). `open_wins_from`: when the passes read different commands, the open text is taken from this raw open
    confidence on, the grammar sentence below it. `open_floor`: an open reading the parser takes as a complete
    command maps its raw confidence p (geometric mean of word probabilities) to `open_floor + (1 - open_floor) * p`.
    `disagree_cap`: the most two passes reading different commands keep (a switch asks). `open_act`: an open-only
    reading (the grammar pass read no command) under this raw confidence is shown, not acted on. `open_sure`: an
    open-only reading under this raw confidence asks before switching. `max_words_per_s`, `max_repeat`,
    `max_prompt_run`: an open text with more words per second of audio than people say (dev notes: at most 5.6), whose
    word pairs repeat (at most 1.45), or with more than this many words in a row from the campus prompt (Whisper
    reading its prompt back on a hard note: "turn off the lights fans ac projector plugs heater in classroom 101
    ..."), is not taken as what was said. `closed_max_s`: with the open pass first, a note longer than this gets no
    grammar pass (the campus grammar's sentences are short: on the dev notes it accepted none over 4.4 s, and on a 10 s
    note it costs 1.5 s of CPU); such a note's unsure switch asks. `second_look_below_db`: a note whose estimated
    speech-to-noise ratio (`nlu.speech.noise.snr_db`) is under this, and whose open reading is unsure
    (`unsure_reading`), is heard again after the Wiener filter and the better reading kept (`better_reading`; 0:
    never). The bench's 10 dB notes estimate 13-18 dB, clean ones 26 dB and up; on 348 noisy dev notes (offset 1,
    where it was chosen) the second look read 14 notes better and 3 worse, with no more wrong switches or
    out-of-scope commands; on 346 others (offset 3) 18 better and 6 worse, one more out-of-scope note accepted.
    `second_look_max_s`: a longer note gets no second look (every note it changed on dev was under 4.4 s, and on a
    10 s note it doubled Whisper's CPU: 1.3 s in all, against the 1.5 s a 10 s note may take).
    `slow_look`: a clean note (estimated SNR at or above `second_look_below_db`) no longer than `second_look_max_s`
    whose open reading is unsure is heard again this many times slower and lower (`nlu.speech.tempo`; 1.0: never,
    these rules' default; `SLOW_LOOK` from the service's settings) and the better reading kept: espeak-ng's fast, high
    voices (docs/benchmarks.md "voice-espeak: why espeak-ng is missed"). `slow_when`: which unsure readings get that
    hearing: "no-command" only one the parser reads as no command (empty, made up, or nothing it reads), "unsure"
    every unsure one. On two slices of 275 clean espeak-ng dev notes (docs/benchmarks.md "espeak-cheap") "unsure"
    gained +18 / -3 and +22 / -5 hearing 93-96 % of the notes twice, "no-command" +13 / -0 and +19 / -2 hearing 41-43 %,
    with no wrong switch or out-of-scope note more. A command that parses costs nothing more with "no-command", but
    3 of the 10 latency notes read as no command first, so it raised their CPU p50 by 66 % (mean +27 %; "unsure":
    +138 % / +80 %). These rules keep it off (1.0); the service turns "no-command" on by default
    (autovolt/speech_engines.py): measured on a quiet 2-core machine the 3 s notes' p50 went 0.21 -> 0.36 s, within
    the 0.4 s target (docs/benchmarks.md "Speech latency on a quiet machine after the round").
    `slow_grammar`: whether a switch read from the slowed hearing still gets the grammar pass (False: it asks). That
    hearing keeps such a switch under `open_sure`, so the grammar pass can change nothing but lift it to run unasked
    where both passes agree; on the latency notes it was the slowest note's third pass (first hearing, slowed
    hearing, grammar pass: the p95), and on two dev slices it changed no command, one right switch asking first
    that had run unasked (docs/benchmarks.md "a cheaper slowed second hearing").
    `noisy_looks`: the tempos a noisy unsure note is heard at through the Wiener filter (1.0: as recorded; e.g.
    (1.0, SLOW_LOOK): also slowed, the best of the readings kept, a switch from the slowed one asking first). Off
    ((1.0,)) here and in the service: on 430 espeak-ng 10 dB dev notes the pair read +21 / -3 against the filter alone,
    but two out-of-scope notes more became commands, and it adds a third decode to nearly every noisy note
    (docs/benchmarks.md "voice-espeak3").

    Dev notes (bench/speech_twopass.py --every 4, Whisper tiny, 206 notes, 40 out of scope): `closed_alone_cap` 0.6
    was 4-6 points more accurate on espeak-ng but accepted 5 of 40 out-of-scope notes (0 at 0.45); `open_wins_from`
    0 (the open text on any disagreement; the bot asks either way, so an unsure Whisper switch against a grammar
    question asks "Switch ...?" rather than answering) +2 points in every group against 0.5;
    `open_act` 0.3 cost 4 points on espeak-ng clean and refused nothing more; `open_sure` 0.8 against 0.5: no wrong
    switch either way, 4 more right switches ask first."""

    closed_alone_cap: float = 0.45
    open_wins_from: float = 0.0
    open_floor: float = 0.5
    disagree_cap: float = 0.6
    open_act: float = 0.0
    open_sure: float = 0.8
    max_words_per_s: float = 7.0
    max_repeat: float = 2.0
    max_prompt_run: int = 6
    closed_max_s: float = 6.0
    second_look_below_db: float = 22.0
    second_look_max_s: float = 6.0
    slow_look: float = 1.0
    slow_when: str = "no-command"
    slow_grammar: bool = False
    noisy_looks: tuple[float, ...] = (1.0,)

    def __post_init__(self) -> None:
        if self.slow_when not in SLOW_WHEN:
            raise ValueError(f"slow_when must be one of {SLOW_WHEN}, not {self.slow_when!r}")
        if not self.noisy_looks or any(f < 1.0 for f in self.noisy_looks):
            raise ValueError(f"noisy_looks must be tempos of 1.0 or slower, not {self.noisy_looks!r}")


# Under this a transcript is shown but never acted on; from ASK_BELOW on a switch runs without a question (the bot's
# TRUST_CONFIDENCE and voice_confirm_below defaults).
REFUSE_BELOW = 0.5
ASK_BELOW = 0.75
# The confidence given to a reading that is shown to the user but not acted on.
SHOWN_ONLY = 0.45
RULES = JoinRules()
# Kept for callers that read the single values.
CLOSED_ALONE_CAP = RULES.closed_alone_cap
OPEN_WINS_FROM = RULES.open_wins_from
OPEN_FLOOR = RULES.open_floor
DISAGREE_CAP = RULES.disagree_cap


def repeats(text: str) -> float:
    """How many times longer the words are than their distinct word pairs: 1.0 for ordinary speech, above 2 for
    Whisper's looping text ("the lights the lights the lights ...")."""
    words = text.split()
    if len(words) < 6:
        return 1.0
    pairs = list(zip(words, words[1:]))
    return len(pairs) / len(set(pairs))


def prompt_run(text: str, prompt: str) -> int:
    """The longest run of consecutive words `text` shares with `prompt` (both as lower-case tokens)."""
    said, given = base_tokens(text), base_tokens(prompt)
    best = 0
    previous = [0] * (len(given) + 1)
    for word in said:
        current = [0] * (len(given) + 1)
        for j, other in enumerate(given, 1):
            if word == other:
                current[j] = previous[j - 1] + 1
                best = max(best, current[j])
        previous = current
    return best


def made_up(heard: Transcript, rules: JoinRules, prompt: str = "") -> bool:
    """Whether an open transcript looks made up rather than heard: more words per second than speech has, text
    that loops, or the prompt read back."""
    words = len(heard.text.split())
    return ((heard.audio_s > 0 and words / heard.audio_s > rules.max_words_per_s)
            or repeats(heard.text) > rules.max_repeat
            or (bool(prompt) and prompt_run(heard.text, prompt) > rules.max_prompt_run))


def rank(closed: Transcript | None, heard: Transcript, read: Reader, rules: JoinRules | None = None,
         prompt: str = "") -> Transcript:
    """The transcript to act on, given the closed pass's result (None when it had no sentence) and the open pass's,
    with a confidence that says how far both agree with each other and with the campus (see JoinRules; the
    product's RULES when None); `prompt`: what the open pass was prompted with (its words read back are not speech)."""
    rules = rules or RULES
    closed_command = read(closed.text) if closed is not None and closed.in_grammar else None
    if made_up(heard, rules, prompt):
        heard = replace(heard, confidence=min(heard.confidence, SHOWN_ONLY))
        open_command = None
    else:
        open_command = read(heard.text) if heard.text else None
    if open_command is None:
        if closed_command is not None:
            # The grammar sentence makes sense of the campus; the open text did not.
            return replace(closed, confidence=min(closed.confidence, rules.closed_alone_cap))
        return heard  # neither: what was heard goes on for the parser to question or refuse
    raw = heard.confidence
    opened = replace(heard, confidence=rules.open_floor + (1 - rules.open_floor) * raw)
    if open_command.intent == "device_control" and unsure_opening(heard.words):
        # The open pass barely heard the words before what the note names, which say whether it ordered or asked
        # ("uh is" heard "earth is"): the switch asks, however sure the rest of the note was. The grammar pass fills
        # those words with "please"/"kindly" whatever was said, so its agreement says nothing about them either.
        return replace(opened, confidence=min(opened.confidence, rules.disagree_cap))
    if closed_command is None:
        if bulk_heard(heard, open_command):
            # Only the open pass heard "everything" (a switch of every device of a room or block): "every fan"
            # is heard "everything" too (the fifth and sixth spoken parts). The grammar pass reading no such
            # command, the switch asks first.
            return replace(opened, confidence=min(opened.confidence, rules.disagree_cap))
        if raw < rules.open_act:
            return replace(opened, confidence=min(opened.confidence, SHOWN_ONLY))
        if raw < rules.open_sure:
            return replace(opened, confidence=min(opened.confidence, rules.disagree_cap))
        return opened
    if same_command(closed_command, open_command) and not heard.guessed:
        # Two recognisers that hear the same command: unsure only if both are. The grammar sentence is shown: the
        # open text may carry words Whisper made up around it ("... one oh one well done").
        joined = 1 - (1 - closed.confidence) * (1 - opened.confidence)
        return replace(closed, confidence=joined, words=())
    if raw < rules.open_wins_from:
        return replace(closed, confidence=min(closed.confidence, rules.disagree_cap))
    return replace(opened, confidence=min(opened.confidence, rules.disagree_cap))


_BULK_WORDS = frozenset({"everything", "everythings"})


def bulk_heard(heard: Transcript, command) -> bool:
    """Whether the open reading is a switch of every device of a place from the word "everything" (not from named
    types: "all the lights" is no bulk switch of everything)."""
    return (command is not None and command.intent == "device_control" and command.everything
            and bool(_BULK_WORDS.intersection(base_tokens(heard.text))))


def grammar_needed(heard: Transcript, read: Reader, vocabulary: Vocabulary, rules: JoinRules | None = None,
                   prompt: str = "") -> bool:
    """Whether the grammar pass could still change what is done with the open pass's reading `heard`.

    Only for a device command that would ask on its own (whole-note confidence under ASK_BELOW, or an unsure
    device, room or on/off word): two passes that agree then switch without the question. Everything else comes out
    the same with or without it (see `rank`): an open text that reads as no command, or is refused as made up, leaves
    a grammar sentence capped at `closed_alone_cap` (shown, not acted on); a question or other command is acted on
    from the open text whether the passes agree or not; and an open switch that is sure on its own would run unasked
    unless the grammar pass read a different command. That last case is what this gives up: measured on the dev notes
    (docs/benchmarks.md "Speech, Whisper first"), the disagreement caught no wrong switch the open pass made. A note
    longer than `closed_max_s` gets no grammar pass (it can only make a switch ask, never skip the question), nor a
    guessed reading (`Transcript.guessed`: it asks whatever the grammar pass hears)."""
    from nlu.speech.wordcheck import unsure_words

    rules = rules or RULES
    if not heard.text or heard.audio_s > rules.closed_max_s or made_up(heard, rules, prompt):
        return False
    command = read(heard.text)
    if command is None or command.intent != "device_control" or unsure_opening(heard.words) or heard.guessed:
        return False  # (an unsure opening: the switch asks whatever the grammar pass reads; see `rank`)
    alone = rank(None, heard, read, rules, prompt)
    return alone.confidence < ASK_BELOW or bool(unsure_words(alone.words, vocabulary))


def could_change(heard: Transcript, read: Reader, rules: JoinRules | None = None,
                 prompt: str = "") -> Callable[[str], bool]:
    """Which grammar sentences could change what `rank` makes of the open reading `heard` (one `grammar_needed`
    picked: a command the parser reads, not made up), so the grammar pass may skip judging the others (its phone
    loop) and answer as for a rejected note, with the same outcome note for note: a sentence the parser does not read
    as a command is ignored by `rank` either way; and while the open reading's raw confidence lies where `rank` caps
    a disagreeing pair exactly as it caps the open reading alone (from `open_act` and `open_wins_from`, under
    `open_sure`), only a sentence reading as the same command can change anything (agreement lifts it).
    Measured: docs/benchmarks.md "Speech latency: the 3 s note's CPU"."""
    rules = rules or RULES
    said = None if not heard.text or made_up(heard, rules, prompt) else read(heard.text)
    raw = heard.confidence
    only_agreeing = rules.open_act <= raw < rules.open_sure and raw >= rules.open_wins_from

    def wanted(text: str) -> bool:
        command = read(text)
        return command is not None and (not only_agreeing or said is None or same_command(command, said))

    return wanted


def reads_as_command(heard: Transcript, read: Reader, rules: JoinRules | None = None, prompt: str = "") -> bool:
    """Whether the parser reads the open pass's text as a command at all (not empty, not made up)."""
    rules = rules or RULES
    return bool(heard.text) and not made_up(heard, rules, prompt) and read(heard.text) is not None


def unsure_reading(heard: Transcript, read: Reader, vocabulary: Vocabulary, rules: JoinRules | None = None,
                   prompt: str = "") -> bool:
    """Whether the open pass's reading alone would not be acted on without a doubt: empty, made up, no command the
    parser reads, or one that would ask first (confidence under ASK_BELOW or an unsure deciding word)."""
    from nlu.speech.wordcheck import unsure_words

    rules = rules or RULES
    if not heard.text or made_up(heard, rules, prompt) or read(heard.text) is None:
        return True
    alone = rank(None, heard, read, rules, prompt)
    return alone.confidence < ASK_BELOW or bool(unsure_words(alone.words, vocabulary))


def better_reading(first: Transcript, second: Transcript, read: Reader, rules: JoinRules | None = None,
                   prompt: str = "") -> Transcript:
    """Of two open readings of one note, the second when it reads as a command and the first does not, or both
    do and the second is surer (raw confidence); otherwise the first."""
    rules = rules or RULES

    def command(heard: Transcript):
        return read(heard.text) if heard.text and not made_up(heard, rules, prompt) else None

    if command(second) is None:
        return first
    return second if command(first) is None or second.confidence > first.confidence else first


def said_lacking(heard: Transcript, vocabulary: Vocabulary) -> bool:
    """Whether the open pass heard clearly a room or device the campus lacks (`nlu.speech.lacking`): the parser's
    "I don't know room 103 on this campus" is then the reply, and no second hearing may turn 103 into a near room."""
    from nlu.parser import parser_for
    from nlu.speech.lacking import heard_lacking

    return bool(heard.text) and heard_lacking(heard, parser_for(vocabulary).parse(heard.text), vocabulary)


class TwoPassEngine:
    """The open passes in order until one answers, and the closed campus-grammar engine where it can still matter.

    `closed`: PocketSphinx or Vosk; `open_passes`: e.g. (WyomingEngine, WhisperEngine), either may be absent;
    `closed_sure`: the closed confidence that skips the open pass (None: never; set, the grammar pass runs first and
    the open pass after it when the grammar pass is not that sure); `order` (with `closed_sure` None):
    "open-first" runs the open pass alone and the grammar pass after it only where `grammar_needed` says it can
    change the outcome (a device command that would ask on its own); "beside" runs both passes on every note, side
    by side (as before: the same outcome on all but 7 of 488 dev notes, over three times the CPU; docs/benchmarks.md
    "Speech, Whisper first"); `rules`: how the two readings are joined."""

    name = "two-pass"

    def __init__(self, closed: SpeechEngine, open_passes: Sequence[SpeechEngine] = (),
                 closed_sure: float | None = CLOSED_SURE, rules: JoinRules = RULES, order: str = ORDER) -> None:
        if order not in ORDERS:
            raise ValueError(f"order must be one of {ORDERS}, not {order!r}")
        self.closed = closed
        self.rules = rules
        self.open_passes = tuple(open_passes)
        self.closed_sure = closed_sure
        self.order = order
        # Side by side, the open pass runs in a thread: CTranslate2 and a Wyoming wait leave the GIL to PocketSphinx.
        self._beside = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="open-pass") \
            if self.open_passes and closed_sure is None and order == "beside" else None

    def grammar_for(self, vocabulary: Vocabulary) -> Grammar:
        return self.closed.grammar_for(vocabulary)

    def transcribe(self, pcm: bytes, grammar: Grammar | None = None) -> Transcript:
        started = time.perf_counter()
        if grammar is None or grammar.vocabulary is None:
            # No campus: nothing to rank with; the open pass is the better transcriber.
            heard, note = self._open(pcm, grammar)
            result = heard or self.closed.transcribe(pcm, grammar)
            return replace(result, decode_s=time.perf_counter() - started, note=note)
        if not self.open_passes:
            return self.closed.transcribe(pcm, grammar)
        # PocketSphinx can skip its own free pass (what it heard outside the grammar): the open pass does better.
        closed_pass = getattr(self.closed, "closed_pass", self.closed.transcribe)
        # A reader per note: its memo and its `now` belong to this note.
        read, prompt = command_reader(grammar.vocabulary), campus_prompt(grammar.vocabulary)
        if self.closed_sure is None and self.order == "open-first":
            heard, note = self._open(pcm, grammar)
            if heard is None:
                return replace(self.closed.transcribe(pcm, grammar), note=note, decode_s=time.perf_counter() - started)
            heard, hearing = self._looked_again(pcm, grammar, heard, read, prompt)
            first = None
            if ((hearing != "slowed" or self.rules.slow_grammar)
                    and grammar_needed(heard, read, grammar.vocabulary, self.rules, prompt)):
                if getattr(self.closed, "skips_unwanted", False):
                    first = closed_pass(pcm, grammar, wanted=could_change(heard, read, self.rules, prompt))
                else:
                    first = closed_pass(pcm, grammar)
            chosen = rank(first, heard, read, self.rules, prompt)
            return replace(chosen, decode_s=time.perf_counter() - started, note=note)
        beside = self._beside.submit(self._open, pcm, grammar) if self._beside is not None else None
        first = closed_pass(pcm, grammar)
        if beside is not None:
            heard, note = beside.result()
        elif self.closed_sure is not None and first.in_grammar and first.confidence >= self.closed_sure:
            return first
        else:
            heard, note = self._open(pcm, grammar)
        if heard is None:
            if not first.in_grammar:  # say what the grammar engine's free pass heard, untrusted
                first = self.closed.transcribe(pcm, grammar)
            return replace(first, note=note, decode_s=time.perf_counter() - started)
        chosen = rank(first, heard, read, self.rules, prompt)
        return replace(chosen, decode_s=time.perf_counter() - started, note=note)

    def _second_look(self, pcm: bytes, grammar: Grammar, heard: Transcript, read: Reader,
                     prompt: str) -> Transcript:
        """`heard`, or the open engine's reading of the denoised note when the note is noisy and `heard` unsure
        (see JoinRules.second_look_below_db), or of the slowed note when the note is clean and `heard` unsure (see
        JoinRules.slow_look). Never when `heard` names clearly a room or device the campus lacks (`said_lacking`): it
        is told as unknown, not heard again into a near one."""
        return self._looked_again(pcm, grammar, heard, read, prompt)[0]

    def _looked_again(self, pcm: bytes, grammar: Grammar, heard: Transcript, read: Reader,
                      prompt: str) -> tuple[Transcript, str]:
        """`_second_look`'s reading and which hearing it is: "first" (`heard` kept), "denoised" or "slowed" (that hearing's
        reading kept; see JoinRules.slow_grammar)."""
        rules = self.rules
        engine = next((e for e in self.open_passes if e.name == heard.engine), None)
        denoised = getattr(engine, "transcribe_denoised", None) if rules.second_look_below_db > 0 else None
        slower = getattr(engine, "transcribe_slowed", None) if rules.slow_look != 1.0 else None
        if ((denoised is None and slower is None) or heard.audio_s > rules.second_look_max_s
                or not unsure_reading(heard, read, grammar.vocabulary, rules, prompt)
                or said_lacking(heard, grammar.vocabulary)):
            return heard, "first"
        audio = np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0
        if snr_db(audio) < rules.second_look_below_db:
            if denoised is None:
                return heard, "first"
            return self._noisy_look(pcm, grammar, heard, read, prompt, denoised)
        if slower is None or (rules.slow_when == "no-command" and reads_as_command(heard, read, rules, prompt)):
            # A command that parses but is unsure asks or is ranked against the grammar pass already; hearing it
            # again gained little on dev and would double the CPU of most notes (docs/benchmarks.md "espeak-cheap").
            return heard, "first"
        again = slower(pcm, grammar, rules.slow_look)
        chosen = better_reading(heard, again, read, rules, prompt)
        command = read(again.text) if chosen is again else None
        if command is not None and command.intent == "device_control":
            # A slowed hearing may change the words, never make a switch surer than the note was first heard, nor
            # sure enough to run unasked on its own: on spoken dev a Piper note whose time it dropped switched unasked.
            return replace(again, confidence=min(again.confidence, heard.confidence, rules.open_sure * 0.99)), "slowed"
        return chosen, "first" if chosen is heard else "slowed"

    def _noisy_look(self, pcm: bytes, grammar: Grammar, heard: Transcript, read: Reader, prompt: str,
                    denoised) -> tuple[Transcript, str]:
        """A noisy unsure note heard through the Wiener filter at each of `JoinRules.noisy_looks`' tempos, the best
        reading kept; a switch read from a slowed hearing keeps at most the first hearing's confidence and asks, as
        on a clean note (`_looked_again`)."""
        rules = self.rules
        best, hearing = heard, "first"
        for factor in rules.noisy_looks:
            again = denoised(pcm, grammar) if factor == 1.0 else denoised(pcm, grammar, factor)
            if better_reading(best, again, read, rules, prompt) is again:
                best, hearing = again, "denoised" if factor == 1.0 else "slowed"
        command = read(best.text) if hearing == "slowed" else None
        if command is not None and command.intent == "device_control":
            best = replace(best, confidence=min(best.confidence, heard.confidence, rules.open_sure * 0.99))
        return best, hearing

    def _open(self, pcm: bytes, grammar: Grammar | None) -> tuple[Transcript | None, str | None]:
        note = None
        for engine in self.open_passes:
            try:
                return engine.transcribe(pcm, grammar), note
            except SpeechError as exc:
                log.warning("open speech pass failed", extra={"kv": {"engine": engine.name, "error": str(exc)[:200]}})
                note = note or f"{exc}; used the built-in recogniser"
        return None, note
