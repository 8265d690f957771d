"""faster-whisper (CTranslate2, CPU, int8): the open-vocabulary English pass, for what people say outside the grammar.

Whisper hears any English, so it cannot say whether speech is a campus command: its transcript goes to the text
parser, and `nlu.speech.twopass` decides. The campus vocabulary goes in as the initial prompt (room, building and
device names as they are written), which makes Whisper spell "Classroom 101" and "Seminar Hall" rather than
"classroom one-oh-one" or "seminal hall". Per-word probabilities come back with each word, so the bot can ask
before switching when the device or the room was an unsure word.

The model is loaded by faster-whisper, but a note is decoded by `nlu.speech.whisper_decode` on the CTranslate2
model directly: an encoder window fitted to the note, one beam-3 decode and per-word probabilities after the same
prompt (docs/benchmarks.md "Whisper made cheap" and "Whisper's prompt, decoding, front-end").
"""

from __future__ import annotations

import logging
import math
import os
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from nlu.grammar import Grammar, build_grammar
from nlu.speech.base import HeardWord, ModelError, Transcript
from nlu.speech.frontend import high_passed, levelled
from nlu.speech.noise import wiener
from nlu.speech.opentext import heard_words, text_of
from nlu.speech.rescore import RescoreRules, Scored, candidates, chosen_words, pick, score, slot_filled
from nlu.speech.tempo import slowed
from nlu.speech.whisper_decode import DecodeOptions, Decoded, WindowDecoder
from nlu.speech.whisper_models import resolve_model
from nlu.vocabulary import Vocabulary

log = logging.getLogger(__name__)

ENGINE = "whisper"
SAMPLE_RATE = 16_000
# A window Whisper itself thinks is not speech (and decoded with a low score) is dropped: on silence and noise
# Whisper writes "Thank you." or "you".
NO_SPEECH = 0.6
NO_SPEECH_LOGPROB = -1.0
# The prompt is cut to about this many words (Whisper reads at most 224 prompt tokens).
PROMPT_WORDS = 120


# The "times" style's tail: Piper's clock times ("six fifteen pm", "at noon", "from nine am to one pm") were written
# "615 tms", "add new", "from 9 into 1 pm" after the list alone (docs/benchmarks.md "voice-sound6").
TIMES_PROMPT = "At 6:15 pm, at noon, from 9 am to 1 pm."


def campus_prompt(vocabulary: Vocabulary | None, style: str = "list") -> str:
    """Campus names as Whisper should write them, as the text Whisper is told came before the note. `style`: "list"
    (an instruction naming every device and room, most rooms first when cut), "words" (the same names alone, as
    hotwords), "sentence" (one short natural command naming a numbered room and another), "none" (no prompt);
    "devices": the list with the campus's own device names added; "spoken" and "both": the list with a numbered
    room's numbered alias ("Room 101", "Lab 2") instead of its name, or after it; "times": the list and a sentence of
    clock times (`TIMES_PROMPT`). Only "list" is used by the
    product: the others were measured worse on the dev notes, and "times" better on Piper's clock times but not yet
    on the rest or for its cost (docs/benchmarks.md)."""
    devices = ["lights", "fans", "AC", "projector", "plugs", "heater"]
    if style == "devices" and vocabulary:  # the campus's own device names too ("water cooler", "wall sockets")
        seen = {d.lower() for d in devices}
        for switch in vocabulary.switches:
            name = "".join(c for c in switch.name if not c.isdigit()).strip()
            if name.lower() not in seen and not name.lower().startswith(("ac ", "fan")):
                seen.add(name.lower())
                devices.append(name.lower())
    rooms = []
    for room in vocabulary.rooms if vocabulary else ():
        numbered = any(c.isdigit() for c in room.name)  # "Classroom 101" is said "room 101"; "Physics Lab" as named
        spoken = [a.title() for a in room.aliases if numbered and any(c.isdigit() for c in a)]
        rooms += spoken[:1] if style == "spoken" and spoken else [room.name]
        if style == "both" and spoken:
            rooms.append(spoken[0])
    names = [*rooms, *(b.name for b in vocabulary.buildings)] if vocabulary else []
    words = 0
    kept = []
    for name in names:
        words += len(name.split())
        if words > PROMPT_WORDS:
            break
        kept.append(name)
    if style == "none":
        return ""
    if style == "times":  # the list, then clock times written as Whisper should write them (branch voice-sound6)
        return f"{campus_prompt(vocabulary, 'list')} {TIMES_PROMPT}"
    if style == "words":
        return " ".join([*devices, *kept])
    if style == "sentence":
        numbered = next((n for n in kept if any(c.isdigit() for c in n)), "Classroom 101")
        other = next((n for n in kept if not any(c.isdigit() for c in n)), "the Seminar Hall")
        return f"Lights off in {numbered}, and the AC on in {other}, please."
    return f"Turn off the {', '.join(devices)} in {', '.join(kept)}." if kept else f"Turn off the {', '.join(devices)}."


@dataclass(frozen=True)
class Rescored:
    """What rescoring did with one note: `scored` Whisper's own text first, then the campus readings with their
    decoder scores (empty when rescoring did not run: off, no campus, no speech, or a note of several windows);
    `cpu_s` the CPU seconds it took (candidates, parsing and scoring)."""

    scored: tuple[Scored, ...] = ()
    cpu_s: float = 0.0


def scoring_prompt(vocabulary: Vocabulary) -> str:
    """The prompt campus readings are scored after: a sentence in the campus's spelling (rooms as named, numbers
    as digits). The whole campus prompt made scoring 2-3x dearer (70 tokens before every reading) and ranked the
    right room first on the same notes as this (docs/benchmarks.md)."""
    rooms = [r.name for r in vocabulary.rooms[:2]]
    return f"Turn off the lights in {' and '.join(rooms)}." if rooms else "Turn off the lights."


# oneDNN (inside CTranslate2) keeps a compiled kernel for each input shape it met, up to 1024 by default; Whisper's
# window is fitted to each note, so nearly every note is a new shape for the encoder's convolutions, and a long-running
# process grew by about 0.8 MB a note (bench/speech_soak.py, docs/benchmarks.md). A few stay for the shapes that repeat.
KERNEL_CACHE = 16


def bound_kernel_cache(capacity: int = KERNEL_CACHE) -> None:
    """Cap oneDNN's kernel cache (read when CTranslate2 first runs, so called before a model loads); a value the
    operator set in the environment wins."""
    os.environ.setdefault("ONEDNN_PRIMITIVE_CACHE_CAPACITY", str(capacity))


class WhisperEngine:
    """A Whisper model loaded once; `transcribe` is serialised by a lock (one CTranslate2 model, two cores).

    `model`: a CTranslate2 folder or a size name (AUTOVOLT_WHISPER_MODEL); `data_dir`: where packaged parts are
    joined; `cpu_threads`: CTranslate2 threads for one note; `options`: how a note is decoded (window, word
    probabilities; the defaults are the measured choice); `rescore`: when given, campus readings of Whisper's text
    are scored on the note's audio and may replace it (nlu/speech/rescore.py; None: off)."""

    name = ENGINE

    def __init__(self, model: str, data_dir: Path = Path("data"), cpu_threads: int = 2,
                 options: DecodeOptions = DecodeOptions(), rescore: RescoreRules | None = None) -> None:
        bound_kernel_cache()
        try:
            from faster_whisper import WhisperModel
            from faster_whisper.tokenizer import Tokenizer
            from faster_whisper.transcribe import get_suppressed_tokens
        except ImportError:
            raise ModelError("faster-whisper is not installed (pip install faster-whisper)") from None
        source = resolve_model(model, data_dir)
        started = time.perf_counter()
        try:
            # local_files_only for folders: a broken folder must fail here, not turn into a download attempt.
            loaded = WhisperModel(source, device="cpu", compute_type="int8", cpu_threads=cpu_threads,
                                  local_files_only=Path(source).is_dir())
        except Exception as exc:  # CTranslate2 raises RuntimeError/ValueError; huggingface_hub its own errors
            first = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__
            raise ModelError(f"Whisper model {model!r} could not be loaded: {first}") from None
        tokenizer = Tokenizer(loaded.hf_tokenizer, loaded.model.is_multilingual, task="transcribe", language="en")
        self._features = loaded.feature_extractor
        self._decoder = WindowDecoder(loaded.model, tokenizer, get_suppressed_tokens(tokenizer, [-1]), options)
        self.model = model
        self.cpu_threads = cpu_threads
        self.options = options
        self.rescore = rescore
        self._lock = threading.Lock()
        self._prompts: dict[int, list[int]] = {}
        # One decode at load: CTranslate2 sets up its kernels and buffers on the first call, which is not to be the
        # first user's note.
        self.transcribe(np.zeros(SAMPLE_RATE, dtype="<i2").tobytes())
        log.info("speech model loaded", extra={"kv": {"engine": ENGINE, "model": model,
                                                      "load_s": round(time.perf_counter() - started, 3)}})

    def grammar_for(self, vocabulary: Vocabulary) -> Grammar:
        # Whisper needs no grammar; the Grammar carries the vocabulary the prompt is built from.
        return build_grammar(vocabulary)

    def transcribe(self, pcm: bytes, grammar: Grammar | None = None) -> Transcript:
        return self.transcribe_rescored(pcm, grammar)[0]

    def transcribe_denoised(self, pcm: bytes, grammar: Grammar | None = None, factor: float = 1.0) -> Transcript:
        """A second look at a noisy note: the same decode after the note's steady noise is filtered out
        (`nlu.speech.noise.wiener`), and then `factor` times slower and lower (`nlu.speech.tempo`). Not the first
        look: on every 10 dB dev note it lost more notes than it won (docs/benchmarks.md "Speech in noise");
        `nlu.speech.twopass` asks for it when the first reading is unsure."""
        return self.transcribe_rescored(pcm, grammar, denoised=True, slower=factor)[0]

    def transcribe_slowed(self, pcm: bytes, grammar: Grammar | None = None, factor: float = 1.0) -> Transcript:
        """A second hearing of a clean note: the same decode on the note `factor` times slower and lower
        (`nlu.speech.tempo.slowed`); `nlu.speech.twopass` asks for it when the first reading is unsure."""
        return self.transcribe_rescored(pcm, grammar, slower=factor)[0]

    def transcribe_rescored(self, pcm: bytes, grammar: Grammar | None = None,
                            denoised: bool = False, slower: float = 1.0) -> tuple[Transcript, Rescored]:
        """The transcript and what rescoring did (the bench saves the scores to sweep the margins offline);
        `denoised`: the note through the Wiener filter first; `slower`: the note stretched by this factor first
        (its length as said stays the transcript's `audio_s`)."""
        audio_s = len(pcm) / (2 * SAMPLE_RATE)
        started = time.perf_counter()
        vocabulary = grammar.vocabulary if grammar is not None else None
        audio = np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0
        audio = shaped(slowed(wiener(audio) if denoised else audio, slower), self.options)
        # faster-whisper's log-Mel features; its last frame covers only the padding it adds.
        features = self._features(audio)[:, :-1]
        rescored = Rescored()
        with self._lock:
            prompt = self._prompt(vocabulary)
            windows = self._decoder.decode(features, prompt)
            words = words_of(windows)
            if self.rescore is not None and vocabulary is not None and len(windows) == 1 and words:
                rescored = self._rescored(windows[0], vocabulary)
        heard = with_words(Transcript(text="", engine=ENGINE, audio_s=audio_s, decode_s=0.0, confidence=0.0), words)
        if rescored.scored:
            heard = rescored_transcript(heard, rescored.scored, self.rescore)
        return replace(heard, decode_s=time.perf_counter() - started), rescored

    def _rescored(self, window: Decoded, vocabulary: Vocabulary) -> Rescored:
        """Whisper's text and its campus readings, scored on the window's encoder output (under the lock)."""
        from nlu.speech.nbest import command_reader

        started = time.process_time()
        read = command_reader(vocabulary)
        others = window.others
        if self.rescore.wider_beam > self.options.beam_size and read(text_of(heard_words(
                window.words))) is None:
            # Whisper's text made no sense of the campus: a wider beam's other guesses, on the same encoder output.
            wider = self._decoder.hypotheses(window, self._prompt(vocabulary), self.rescore.wider_beam)
            own = "".join(w for w, _ in window.words)
            others = tuple(dict.fromkeys(o for o in (*others, *wider) if "".join(o) != own))
        batch = candidates(window.words, vocabulary, read, self.rescore, others)
        if len(batch) < 2:
            return Rescored((), time.process_time() - started)
        # A short prompt in the campus's spelling; align adds "no timestamps" after it.
        scores = score(self._decoder.model, window.encoded, self._scoring_start(vocabulary), self._decoder.tokenizer,
                       batch, window.frames)
        scored = tuple(Scored(c, s) for c, s in zip(batch, scores))
        return Rescored(scored, time.process_time() - started)

    def _scoring_start(self, vocabulary: Vocabulary) -> list[int]:
        key = -id(vocabulary)  # beside the decode prompts, cleared with them
        start = self._prompts.get(key)
        if start is None:
            start = self._prompts[key] = self._decoder.prompt(scoring_prompt(vocabulary))[:-1]
        return start

    def _prompt(self, vocabulary: Vocabulary | None) -> list[int]:
        key = id(vocabulary)
        prompt = self._prompts.get(key)
        if prompt is None:
            if len(self._prompts) > 8:  # prompts of old registry snapshots
                self._prompts.clear()
            prompt = self._prompts[key] = self._decoder.prompt(campus_prompt(vocabulary, self.options.prompt))
        return prompt


def shaped(audio: np.ndarray, options: DecodeOptions) -> np.ndarray:
    """The note as Whisper hears it: high-passed and levelled when `options` say so (by default as recorded)."""
    if options.highpass_hz > 0:
        audio = high_passed(audio, options.highpass_hz, SAMPLE_RATE)
    if options.level_dbfs is not None:
        audio = levelled(audio, options.level_dbfs)
    return audio


def with_words(heard: Transcript, words: tuple[HeardWord, ...]) -> Transcript:
    """`heard` saying `words`, its confidence their geometric mean."""
    return replace(heard, text=text_of(words), words=words, confidence=_mean_log_confidence(words))


def rescored_transcript(heard: Transcript, scored: tuple[Scored, ...], rules: RescoreRules) -> Transcript:
    """Whisper's transcript, or the campus reading `rules` pick from `scored` (nlu/speech/rescore.py) in its place;
    the bench applies it to saved scores."""
    chosen = pick(scored, rules)
    if chosen is scored[0]:
        return heard
    return replace(with_words(heard, heard_words(chosen_words(chosen))), guessed=slot_filled(chosen))


def words_of(windows: list[Decoded]) -> tuple[HeardWord, ...]:
    """Whisper's words as the parser's lower-case tokens ("A.C." -> "ac", "fan's" -> "fans"), each with its
    word's probability. A window Whisper itself thinks is not speech (and decoded with a low score) is dropped: on
    silence and noise Whisper writes "Thank you." or "you"."""
    kept = [w for w in windows if not (w.no_speech_prob > NO_SPEECH and w.avg_logprob < NO_SPEECH_LOGPROB)]
    return heard_words(word for window in kept for word in window.words)


def _mean_log_confidence(words: tuple[HeardWord, ...]) -> float:
    """The geometric mean of the word probabilities: one unsure word pulls it down more than an average would."""
    if not words:
        return 0.0
    return math.exp(sum(math.log(max(w.confidence, 1e-6)) for w in words) / len(words))

