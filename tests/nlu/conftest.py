"""Parsers on the demo campus shared by the text-kind tests (a module's own `demo` or `rules` fixture overrides these)."""

from __future__ import annotations

import pytest

from autovolt.vocabulary import vocabulary_from_campus
from nlu.parser import Parser, default_judge
from store.campus import load_campus_file
from tests.conftest import DEMO_CAMPUS


@pytest.fixture(scope="module", params=["rules", "judged"])
def demo(request) -> Parser:
    """The rules alone and with the shipped judge: the judge must not undo what the rules refuse."""
    return Parser(vocabulary_from_campus(load_campus_file(DEMO_CAMPUS)),
                  default_judge() if request.param == "judged" else None)


@pytest.fixture(scope="module")
def rules() -> Parser:
    return Parser(vocabulary_from_campus(load_campus_file(DEMO_CAMPUS)))
