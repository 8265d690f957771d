"""The confidence read for fresh phrasings (`nlu.fresh`): the shift fitted on the held-out parts' first scores,
measured leave-one-part-out and forward (each part by a shift fitted on the parts before it), and the bot's
decisions at 0.5 left as they were."""

from __future__ import annotations

import dataclasses
import math

import pytest

from autovolt.vocabulary import vocabulary_from_campus
from nlu.fresh import FRESH_READS_FILE, FreshRead, fit_shift, leave_one_part_out, parse_fresh_reads, reshift
from nlu.parser import Parser, default_judge
from nlu.scoring import CORPUS_DIR, DOUBTED_BELOW, Score, read_corpus, score
from store.campus import load_campus_file
from tests.conftest import DEMO_CAMPUS


def _reads(confidence: float, right: int, wrong: int, part: int = 1) -> list[FreshRead]:
    return [FreshRead(part, "abc1234", confidence, k < right, "device_control", f"s{k}") for k in range(right + wrong)]


@pytest.fixture(scope="module")
def shipped() -> list[FreshRead]:
    return parse_fresh_reads(FRESH_READS_FILE.read_text(encoding="utf-8"))


def test_the_file_is_read_and_a_bad_line_is_named() -> None:
    reads = parse_fresh_reads("# a comment\n3\tabc1234\t0.970000\t1\tstatus_query\tis lab 2 on\n\n"
                              "3\tabc1234\t0.500000\t0\tunknown\t+ and there?\n")
    assert reads == [FreshRead(3, "abc1234", 0.97, True, "status_query", "is lab 2 on"),
                     FreshRead(3, "abc1234", 0.5, False, "unknown", "+ and there?")]
    with pytest.raises(ValueError, match="line 2"):
        parse_fresh_reads("# ok\n3\tabc1234\tsure\t1\tunknown\ttext\n")


def test_the_fitted_shift_turns_a_confidence_into_the_share_right() -> None:
    # One confidence (0.99) right 90 % of the time: the likeliest shift maps 0.99 to 0.90 exactly.
    shift = fit_shift(_reads(0.99, 90, 10))
    assert shift == pytest.approx(0.09 / 0.98, rel=1e-6)
    assert reshift(0.99, shift) == pytest.approx(0.9, abs=1e-6)
    # Two confidences, each right less often than it claims: one shift between what each alone would ask.
    both = fit_shift(_reads(0.99, 90, 10) + _reads(0.8, 70, 30))
    assert 0.09 / 0.98 < both < fit_shift(_reads(0.8, 70, 30)) == pytest.approx(0.1 / 0.6)
    # Right as often as it claims or more: nothing to correct (the shift never sharpens); nothing to fit on: none.
    assert fit_shift(_reads(0.8, 99, 1)) == 0.0
    assert fit_shift([]) == 0.0


def test_the_shift_keeps_one_half_and_the_order() -> None:
    for shift in (0.0, 0.02, 0.1, 0.4):
        assert reshift(0.5, shift) == pytest.approx(0.5)
        values = [reshift(c, shift) for c in (0.0, 0.01, 0.3, 0.49, 0.51, 0.9, 0.999, 1.0)]
        assert values == sorted(values) and all(shift <= v <= 1.0 - shift for v in values)
        assert (reshift(0.49, shift) < 0.5) and (reshift(0.51, shift) > 0.5)
    assert reshift(0.73, 0.0) == pytest.approx(0.73)


def test_the_history_holds_every_part_each_first_scored_at_its_own_commit(shipped) -> None:
    parts = {r.part for r in shipped}
    assert set(range(1, 8)) <= parts  # a part scored once later is appended
    for part in parts:
        reads = [r for r in shipped if r.part == part]
        assert len(reads) >= 400 and len({r.commit for r in reads}) == 1
        # As first scored, each part's parser was wrong on 2-8 % of it (docs/benchmarks.md).
        assert 0.02 <= sum(not r.right for r in reads) / len(reads) <= 0.08


def test_left_out_parts_are_calibrated_and_better_than_before(shipped) -> None:
    # The honest measure: each part's ECE under a shift fitted on the others. As first scored (no correction) the
    # parts stood at 0.021-0.056 (three over 0.05); shifted, every part is under 0.04 and the total falls by half.
    before, after = [], []
    for part, (shift, pairs) in leave_one_part_out(shipped).items():
        assert 0.01 < shift < 0.04, (part, shift)
        before.append(Score(outcomes=[(r.confidence, r.right) for r in shipped if r.part == part]).ece())
        after.append(Score(outcomes=pairs).ece())
    assert max(before) > 0.05
    assert max(after) <= 0.04 and sum(after) < 0.6 * sum(before), (before, after)


def test_each_part_from_the_eighth_on_is_calibrated_by_a_shift_fitted_before_it(shipped) -> None:
    # As it would have been used: the shift fitted on the parts scored before a part, read on that part. The
    # temperature this replaced did worst on the latest part (0.042 on the thirteenth, whose judge put its log-odds
    # nearest today's); the shift does not depend on how far out the judge puts them (0.008-0.021 here).
    parts = sorted({r.part for r in shipped})
    for part in parts[7:]:
        shift = fit_shift([r for r in shipped if r.part < part])
        pairs = [(reshift(r.confidence, shift), r.right) for r in shipped if r.part == part]
        assert Score(outcomes=pairs).ece() <= 0.025, part


def test_the_shipped_judge_carries_the_shift_fitted_on_the_history(shipped) -> None:
    judge = default_judge()
    assert judge is not None
    assert judge.fresh_shift == pytest.approx(fit_shift(shipped), abs=1e-5) and judge.fresh_shift > 0.0


def test_the_shift_changes_no_decision_only_the_numbers() -> None:
    # Every intent, veto and side of 0.5 (where the bot offers buttons or asks "Yes?") is the same with and without
    # the shift, over the whole tuning corpus (its last 2,500 lines, once enough, came to hold no doubted parse after
    # the twelfth pass: the judge is sure of its own training lines); each confidence only moves toward 0.5.
    vocab = vocabulary_from_campus(load_campus_file(DEMO_CAMPUS))
    judge = default_judge()
    examples = read_corpus(CORPUS_DIR / "dev.txt", vocab)
    fresh = score(Parser(vocab, judge), examples)
    as_dev = score(Parser(vocab, dataclasses.replace(judge, fresh_shift=0.0)), examples)
    assert (fresh.intent_ok, fresh.whole_ok, fresh.false_accepts, fresh.device_accepts) == \
        (as_dev.intent_ok, as_dev.whole_ok, as_dev.false_accepts, as_dev.device_accepts)
    assert (fresh.doubted_right, fresh.doubted_wrong) == (as_dev.doubted_right, as_dev.doubted_wrong)
    assert any(c < DOUBTED_BELOW for c, _ in fresh.outcomes)  # both sides of 0.5 are exercised
    for (c_fresh, ok), (c_dev, ok_dev) in zip(fresh.outcomes, as_dev.outcomes):
        assert ok == ok_dev and (c_fresh < DOUBTED_BELOW) == (c_dev < DOUBTED_BELOW)
        assert math.isclose(c_fresh, 0.5, abs_tol=1e-9) or (c_fresh - 0.5) * (c_dev - c_fresh) >= 0
