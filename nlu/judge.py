"""A second opinion on every parse: is the message for us at all, and how likely is the parse right.

The rule parser finds rooms, devices and times, and picks an intent from cue words; keywords alone also fire on
"switch my phone to dark mode" or "my patience is running out". The judge is three small linear models trained on
the labelled corpus (`autovolt nlu train`, from `nlu/corpus/dev.txt`; the confidence's fresh-phrasing temperature
from the held-out parts' first scores, `nlu/corpus/fresh_reads.tsv`):

1. `text`: word 1-2 grams and character 3-4 grams of the message, with rooms, switches and times masked (so it
   reads the frame of the sentence, not this campus's names), giving log-odds that the message is a campus request;
2. `scope`: that score with the parser's evidence (intent, verb, device, place, question, misspellings...) gives
   the probability the message is in scope; below `veto_below` a parsed request becomes `unknown`;
3. `calibration`: the probability that the final parse is right (Platt scaling over out-of-fold scores), read
   for fresh phrasings (`fresh_scale`, `nlu.fresh`: dev's sentences tuned the rules, so on a new writer's the
   parse is right less often at the same score), which becomes `Command.confidence`.

Pure: the weights come in as plain data (`Judge.from_dict`); `load_judge` reads the file shipped with the package.
Scoring a message is a few dictionary look-ups (tens of microseconds).
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from nlu.command import INTENTS, Command

JUDGE_FILE = Path(__file__).with_name("models") / "judge.json"
FORMAT = 4  # 3: document frequencies instead of idf; 4: weights as integer thousandths (same values, shorter)
# The parser's evidence, in the order of `Evidence.dense` and of the `scope` weights after the text score.
EVIDENCE = ("action", "verb", "device", "place", "question", "clarification", "corrections", "previous",
            "unknown_words", "length", "state", "stateless_status", "done", "order_clause") + tuple(
    f"intent={i}" for i in INTENTS)
PLACE, SWITCH, TIME, NUMBER = "<place>", "<switch>", "<time>", "<num>"


@dataclass(frozen=True)
class Evidence:
    """What the judge reads about one message: `tokens`, the normalised words with rooms, switches and times masked;
    `dense`, the parser's evidence in `EVIDENCE` order; `typed`, the words as typed where the spelling fixer changed
    them (it bends unknown English towards campus words: "clean" -> "clear", "flat" -> "fault"), so the judge
    still reads what was written."""

    tokens: tuple[str, ...]
    dense: tuple[float, ...]
    typed: tuple[str, ...] = ()


def text_features(tokens: tuple[str, ...] | list[str], typed: tuple[str, ...] | list[str] = ()
                  ) -> tuple[list[str], list[str]]:
    """Word 1-2 grams (with sentence ends) and character 3-4 grams of the words (masks stay whole); a word as typed
    before a spelling fix is one more word feature ("~clean") and gives its character grams too."""
    words = ["<s>", *tokens, "</s>"]
    grams = [w for w in tokens] + [f"{a} {b}" for a, b in zip(words, words[1:])] + [f"~{w}" for w in typed]
    chars: list[str] = []
    for w in (*tokens, *typed):
        if w.startswith("<"):
            continue
        padded = f" {w} "
        for n in (3, 4):
            chars.extend(padded[k:k + n] for k in range(len(padded) - n + 1))
    return grams, chars


@dataclass(frozen=True)
class _Block:
    """One l2-normalised tf-idf block of a linear model: `terms` feature -> (document frequency, weight) over
    `documents` training sentences. The file stores the frequency, a small integer, rather than the idf: shorter
    (the file has a size bound) and exact; the idf is scikit-learn's smoothed one, computed once on loading."""

    documents: int
    terms: dict[str, tuple[int, float]]
    _scored: dict[str, tuple[float, float]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        scored = {f: (math.log((1 + self.documents) / (1 + df)) + 1.0, w) for f, (df, w) in self.terms.items()}
        object.__setattr__(self, "_scored", scored)

    def dot(self, feats: list[str]) -> float:
        counts: dict[str, int] = {}
        for f in feats:
            if f in self._scored:
                counts[f] = counts.get(f, 0) + 1
        if not counts:
            return 0.0
        norm = dot = 0.0
        for f, c in counts.items():
            idf, weight = self._scored[f]
            x = c * idf
            norm += x * x
            dot += x * weight
        return dot / math.sqrt(norm)


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


@dataclass(frozen=True)
class Judge:
    """Trained weights (see the module doc). `veto_below`: a parsed question whose in-scope probability is below
    this becomes `unknown`; `veto_device_below`: the same for a device command (stricter: acting on a message that
    was not for us costs more than answering it). `trained_on`: a digest of the corpus it was trained on (to notice
    a stale file). `fresh_scale`: the temperature that turns the dev-fitted calibration into the probability of
    being right on phrasings the rules were not tuned on (`nlu.fresh`; 0.5 stays 0.5, order is kept)."""

    words: _Block
    chars: _Block
    text_bias: float
    scope_weights: tuple[float, ...]  # text score, then EVIDENCE
    scope_bias: float
    calibration_weights: tuple[float, ...]  # see `calibration_features`
    calibration_bias: float
    veto_below: float
    veto_device_below: float
    trained_on: str = ""
    fresh_scale: float = 1.0  # the calibrated log-odds times this (`nlu.fresh`); 1.0 reads them as on dev

    # ---------------------------------------------------------------------------------------------- the opinion
    def text_score(self, tokens: tuple[str, ...] | list[str], typed: tuple[str, ...] | list[str] = ()) -> float:
        grams, chars = text_features(tokens, typed)
        return self.text_bias + self.words.dot(grams) + self.chars.dot(chars)

    def in_scope(self, evidence: Evidence) -> float:
        """The probability that the message is a campus request (whatever the parser made of it)."""
        x = (self.text_score(evidence.tokens, evidence.typed), *evidence.dense)
        return _sigmoid(self.scope_bias + sum(w * v for w, v in zip(self.scope_weights, x)))

    def review(self, command: Command, evidence: Evidence) -> Command:
        """The command with a calibrated `confidence`; an out-of-scope message the rules took for a request comes
        back `unknown`."""
        p_in = self.in_scope(evidence)
        # Help is never vetoed: "I can do this and that" is the right answer to a message that is not for us anyway.
        vetoed = command.intent not in ("unknown", "help") and p_in < self.threshold(command.intent)
        if vetoed:
            command = Command(text=command.text, intent="unknown")
        z = self.calibration_bias + sum(w * v for w, v in zip(self.calibration_weights,
                                                              calibration_features(command, p_in, evidence)))
        return dataclasses.replace(command, confidence=_sigmoid(self.fresh_scale * z))

    def threshold(self, intent: str) -> float:
        """The in-scope probability below which a parse of this intent is vetoed."""
        return self.veto_device_below if intent == "device_control" else self.veto_below

    # ---------------------------------------------------------------------------------------------- data
    def to_dict(self) -> dict:
        return {"format": FORMAT, "trained_on": self.trained_on, "veto_below": self.veto_below,
                "veto_device_below": self.veto_device_below,
                "text": {"bias": self.text_bias, "documents": self.words.documents, "words": _milli(self.words.terms),
                         "chars": _milli(self.chars.terms)},
                "scope": {"bias": self.scope_bias, "weights": list(self.scope_weights), "evidence": list(EVIDENCE)},
                "calibration": {"bias": self.calibration_bias, "weights": list(self.calibration_weights),
                                "fresh_scale": self.fresh_scale}}

    @classmethod
    def from_dict(cls, data: dict) -> "Judge":
        if data.get("format") != FORMAT or data["scope"]["evidence"] != list(EVIDENCE):
            raise ValueError("judge weights are of another format; retrain with `autovolt nlu train`")
        n = int(data["text"]["documents"])
        block = lambda terms: _Block(n, {k: (int(v[0]), int(v[1]) / 1000) for k, v in terms.items()})  # noqa: E731
        return cls(block(data["text"]["words"]), block(data["text"]["chars"]),
                   float(data["text"]["bias"]), tuple(data["scope"]["weights"]), float(data["scope"]["bias"]),
                   tuple(data["calibration"]["weights"]), float(data["calibration"]["bias"]),
                   float(data["veto_below"]), float(data["veto_device_below"]), str(data.get("trained_on", "")),
                   float(data["calibration"].get("fresh_scale", 1.0)))


def _milli(terms: dict[str, tuple[int, float]]) -> dict[str, tuple[int, int]]:
    """Term weights (trained to three decimals) as integer thousandths: "669" is two bytes shorter than "0.669" and
    reads back to the same float, which keeps the file under its size bound as the corpus grows."""
    return {k: (df, round(w * 1000)) for k, (df, w) in terms.items()}


def calibration_features(command: Command, p_in: float, evidence: Evidence) -> tuple[float, ...]:
    """What the confidence is read from: how in scope the message looks (as log-odds, signed so that it speaks
    for the parse: for `unknown` the odds of being out of scope), the final intent, and the parser's doubts."""
    unknown = command.intent == "unknown"
    ev = dict(zip(EVIDENCE, evidence.dense))
    return (-_logit(p_in) if unknown else _logit(p_in), float(unknown), float(command.clarification is not None),
            ev["corrections"], ev["previous"], float(command.intent == "device_control"),
            float(command.when is not None))


def load_judge(path: Path = JUDGE_FILE) -> Judge | None:
    """The judge shipped with the package (None when it has not been trained)."""
    if not path.exists():
        return None
    return Judge.from_dict(json.loads(path.read_text(encoding="utf-8")))
