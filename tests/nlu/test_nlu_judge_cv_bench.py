"""`bench.nlu_judge_cv`, the per-sentence cross-validation of the judge: a group's fold does not depend on the other
lines (so a retrain after dropping lines is compared on the same held sentences), and the flips it counts are the
decisions that differ."""

from __future__ import annotations

from bench.nlu_judge_cv import FOLDS, _groups, flip_counts, group_folds
from nlu.scoring import Example


def _ex(text: str, follow_up: bool = False) -> Example:
    return Example(text, "unknown", {}, follow_up, f"dev.txt:{abs(hash(text)) % 10_000}")


def test_a_follow_up_stays_with_its_sentence_and_folds_ignore_the_other_lines() -> None:
    lines = [_ex("turn off the fans in room 101"), _ex("and in room 102", True), _ex("is lab 1 on"),
             _ex("play some music"), _ex("what about now", True)]
    groups = _groups(lines)
    assert [[e.text for e in g] for g in groups] == [["turn off the fans in room 101", "and in room 102"],
                                                    ["is lab 1 on"], ["play some music", "what about now"]]
    folds = dict(zip((g[0].text for g in groups), group_folds(groups)))
    assert all(0 <= f < FOLDS for f in folds.values())
    fewer = _groups([lines[0], lines[1], lines[3], lines[4]])  # "is lab 1 on" dropped
    assert dict(zip((g[0].text for g in fewer), group_folds(fewer))) == \
        {t: f for t, f in folds.items() if t != "is lab 1 on"}


def _record(source: str, got: str, right: bool, confidence: float) -> dict:
    return {"source": source, "got": got, "right": right, "confidence": confidence}


def test_flips_count_the_decisions_that_differ() -> None:
    a = [_record("dev.txt:1", "unknown", True, 0.95), _record("dev.txt:2", "device_control", True, 0.9),
         _record("dev.txt:3", "status_query", False, 0.7), _record("dev.txt:4", "energy_query", True, 0.6)]
    b = [_record("dev.txt:1", "device_control", False, 0.8),  # accepted now, as a switch, wrongly
         _record("dev.txt:2", "device_control", True, 0.4),  # same decision, under 0.5 now
         _record("dev.txt:3", "energy_query", False, 0.7),  # another intent, still wrong
         _record("dev.txt:5", "unknown", True, 0.9)]  # not in both: not compared
    counts = flip_counts(a, b)
    assert counts["sentences"] == 3
    assert (counts["accept"], counts["device accept"], counts["intent"], counts["right"], counts["side of 0.5"]) == \
        (1, 1, 2, 1, 1)
    assert (counts["right a"], counts["right b"]) == (2, 1)
    same = flip_counts(a, a)
    assert all(same[k] == 0 for k in ("accept", "device accept", "intent", "right", "side of 0.5"))
