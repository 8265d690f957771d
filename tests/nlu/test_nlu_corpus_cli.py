"""The labelled corpus meets the issue's targets, and `autovolt nlu parse|score` keep their contract."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from autovolt.vocabulary import vocabulary_from_campus
from nlu.parser import Parser, default_judge
from nlu.scoring import CORPUS_DIR, read_corpus, score
from nlu.training import corpus_digest
from store.campus import load_campus_file
from tests.conftest import DEMO_CAMPUS, ROOT


@pytest.fixture(scope="module")
def vocab():
    return vocabulary_from_campus(load_campus_file(DEMO_CAMPUS))


def _skip_without_held_out_part(vocab) -> None:
    # After a held-out part is read it moves to dev.txt; test.txt keeps only its header until the lead drops in the
    # next fresh part (and sets its measured figures below), so the guards that need one wait for it.
    if not read_corpus(CORPUS_DIR / "test.txt", vocab):
        pytest.skip("nlu/corpus/test.txt has no sentences: the read part moved to dev.txt, a fresh part is awaited")


@pytest.mark.parametrize("split", ["dev", "test"])
def test_corpus_meets_targets(vocab, split: str) -> None:
    if split == "test":
        _skip_without_held_out_part(vocab)
    examples = read_corpus(CORPUS_DIR / f"{split}.txt", vocab)
    judge = default_judge()
    if split == "dev":
        # dev.txt is the judge's training data: its confidences are checked as calibrated on dev (fresh_scale 1.0).
        # The fresh-phrasing temperature (nlu.fresh) is fitted for sentences the rules were not tuned on and shrinks
        # every confidence; on dev, 99.5 % right, it made the ECE 0.055 after the twelfth part moved in (0.004 with
        # the dev calibration; sixteenth pass, docs/benchmarks.md). The held-out part keeps the temperature.
        judge = dataclasses.replace(judge, fresh_scale=1.0)
    report = score(Parser(vocab, judge), examples).report()
    # Issue 16's targets: whole command >= 97 %, out of scope accepted <= 2 % (as a device command <= 0.5 %), ECE
    # <= 0.05. The twenty-first fresh held-out part of 2026-12-08 (569 sentences, 281 out of scope; scored once at
    # cc46ab8 after the twenty-fourth text pass, text-left6 and the voice passes merged) stood at intent 98.8 %, whole
    # command 98.2 %, out of scope accepted 0.4 %, as a device command 0.4 % and ECE 0.033 (docs/benchmarks.md): every
    # target met, so the bounds are the targets. Where a part misses a target, the bound is its measured figure until
    # the next part is scored, so that a regression fails without pretending the target is met (dev.txt is scored by
    # the judge trained on it, so its bounds are the targets).
    # When a part is read it moves to dev.txt and the next fresh part's figures go here (until the lead places it,
    # test.txt holds its header and this skips).
    assert report["intent_accuracy"] >= 97.0, report
    assert report["whole_command_accuracy"] >= 97.0, report
    assert report["false_accept_rate"] <= 2.0, report
    assert report["device_accept_rate"] <= 0.5, report
    assert report["ece"] <= 0.05, report


def test_corpus_is_big_and_varied(vocab) -> None:
    examples = [ex for split in ("dev", "test") for ex in read_corpus(CORPUS_DIR / f"{split}.txt", vocab)]
    assert len(examples) >= 1500
    intents = {ex.intent for ex in examples}
    assert intents == {"device_control", "status_query", "energy_query", "forecast_query", "schedule_query",
                       "alerts_query", "help", "unknown"}
    assert sum(ex.intent == "unknown" for ex in examples) >= 400
    # Labels name only registry ids.
    switch_ids = {s.id for s in vocab.switches}
    assert all(set(ex.expected["switches"]) <= switch_ids for ex in examples)


def test_held_out_part_shares_no_sentence_with_the_tuning_part(vocab) -> None:
    # The judge is trained on dev.txt: a held-out sentence also found there (case and spacing aside) would be scored
    # by a model that has seen it.
    _skip_without_held_out_part(vocab)
    key = lambda text: " ".join(text.lower().split())  # noqa: E731
    dev = {key(ex.text) for ex in read_corpus(CORPUS_DIR / "dev.txt", vocab)}
    test = [key(ex.text) for ex in read_corpus(CORPUS_DIR / "test.txt", vocab) if not ex.follow_up]
    assert sorted(set(test) & dev) == []
    assert len(test) >= 400 and sum(ex.intent == "unknown" for ex in read_corpus(CORPUS_DIR / "test.txt", vocab)) >= 240


def test_shipped_judge_is_trained_on_the_current_tuning_corpus() -> None:
    judge = default_judge()
    assert judge is not None
    assert judge.trained_on == corpus_digest((CORPUS_DIR / "dev.txt").read_text(encoding="utf-8")), \
        "nlu/corpus/dev.txt changed since the judge was trained: run `autovolt nlu train`"


def _cli(*args: str, stdin: bytes = b"", timeout: float = 120) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "autovolt", "nlu", *args], input=stdin, capture_output=True,
                          cwd=ROOT, env=env, timeout=timeout)


def test_parse_command_writes_one_json_line_per_input_line() -> None:
    lines = [b"turn off the lights in room 101 at 5 pm", b"", b"\x00\xff\xfe\x01 garbage", "what’s the energy use of lab 2 this week".encode(),
             b"lights off in 101\r"]
    done = _cli("parse", "--campus", str(DEMO_CAMPUS), "--now", "2026-11-26T10:00:00", stdin=b"\n".join(lines) + b"\n")
    assert done.returncode == 0, done.stderr
    out = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert len(out) == len(lines)
    assert out[0]["switches"] == ["cr-101-lights"] and out[0]["when"] == "2026-11-26T17:00:00+05:30"
    assert list(out[0])[:9] == ["text", "intent", "action", "device_types", "rooms", "switches", "when", "period", "confidence"]
    assert out[1]["intent"] == "unknown" and out[2]["intent"] == "unknown"
    assert out[3]["intent"] == "energy_query" and out[3]["period"] == {"start": "2026-11-23T00:00:00+05:30", "end": "2026-11-30T00:00:00+05:30"}
    assert out[4]["text"] == "lights off in 101" and out[4]["rooms"] == ["cr-101"]


def test_parse_command_user_errors_are_one_line(tmp_path: Path) -> None:
    missing = _cli("parse", "--campus", str(tmp_path / "nope.yaml"), stdin=b"hi\n")
    assert missing.returncode == 2 and missing.stdout == b""
    assert len(missing.stderr.decode().strip().splitlines()) == 1 and "no such file" in missing.stderr.decode()
    bad_now = _cli("parse", "--campus", str(DEMO_CAMPUS), "--now", "yesterday-ish", stdin=b"hi\n")
    assert bad_now.returncode == 2 and "--now" in bad_now.stderr.decode() and "Traceback" not in bad_now.stderr.decode()


def test_score_command_reports_both_splits(vocab) -> None:
    done = _cli("score", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert set(report["splits"]) == {"dev", "test"}
    assert report["splits"]["dev"]["intent_accuracy"] >= 97.0
    if report["splits"]["test"]["sentences"]:
        # 96.7 % on the twentieth fresh part (the guard above holds its figures; 97.5 % on the nineteenth)
        assert report["splits"]["test"]["intent_accuracy"] >= 96.7
    else:  # between held-out parts the text report names the empty split instead of failing on it
        text = _cli("score", "--split", "test")
        assert text.returncode == 0 and b"test (held out): 0 sentences" in text.stdout, text.stderr


def test_a_misspelt_intent_or_action_is_refused_with_its_line(vocab, tmp_path) -> None:
    part = tmp_path / "part.txt"
    part.write_text("# header\nis lab 1 on | status_query | - | - | lab-1\nis lab 2 on | status | - | - | lab-2\n")
    with pytest.raises(ValueError, match=r"part\.txt:3: .*'status'"):
        read_corpus(part, vocab)
    part.write_text("lights off in lab 1 | device_control | of | light | lab-1 | *\n")
    with pytest.raises(ValueError, match=r"part\.txt:1: .*'of'"):
        read_corpus(part, vocab)
