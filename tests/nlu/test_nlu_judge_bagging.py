"""The bagged text model measured by branch text-left4 (issue 16, `nlu.training.BAGGED`, off as shipped): the mean of
logistic regressions over one tf-idf. One bag of every row is the plain fit; two bags give the mean of their
weights (so the mean of their log-odds)."""

from __future__ import annotations

import numpy as np
from scipy.sparse import hstack
from sklearn.linear_model import LogisticRegression

from nlu.scoring import CORPUS_NOW, Example
from nlu.training import BAGGED, _Row, _TextModel


def _rows(rules) -> tuple[list[_Row], np.ndarray]:
    texts = [("turn off the lights in room 101", 1), ("switch on the fans in lab 2", 1), ("play some music", 0),
             ("is the AC on in the staff room", 1), ("switch my phone to dark mode", 0), ("good morning", 0),
             ("how much energy did lab 1 use today", 1), ("my patience is running out", 0)]
    rows = []
    for text, inside in texts:
        command, evidence = rules.evidence(text, None, CORPUS_NOW)
        rows.append(_Row(Example(text, "device_control" if inside else "unknown", {}, False, "t:1"), command, evidence))
    return rows, np.array([y for _, y in texts])


def test_one_bag_of_every_row_is_the_plain_fit(rules):
    rows, y = _rows(rules)
    plain, bagged = _TextModel(4.0).fit(rows, y), _TextModel(4.0).fit_bagged(rows, y, [np.arange(len(rows))])
    assert np.allclose(plain.logits(rows), bagged.logits(rows))


def test_two_bags_are_the_mean_of_their_log_odds(rules):
    rows, y = _rows(rules)
    bags = [np.array([0, 1, 2, 4, 5, 6]), np.array([1, 2, 3, 5, 6, 7])]
    model = _TextModel(4.0).fit_bagged(rows, y, bags)
    words, chars = model._docs(rows)
    x = hstack([model.words.transform(words), model.chars.transform(chars)]).tocsr()
    each = [LogisticRegression(C=4.0, max_iter=2000, class_weight="balanced").fit(x[b], y[b]).decision_function(x)
            for b in bags]
    assert np.allclose(model.logits(rows), np.mean(each, axis=0))
    assert not np.allclose(each[0], each[1])  # the bags differ, so the mean is no copy of one


def test_the_shipped_judge_is_not_bagged():
    assert BAGGED is False  # measured no better (docs/benchmarks.md, text-left4): kept for the bench only
