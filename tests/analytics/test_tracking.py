import datetime as dt
import importlib.util

import pytest

from analytics.forecast import ModelRun
from analytics.tracking import log_model_run

RUN = ModelRun("cr-101", "weekly-median", {"weeks": 4, "correct": True}, {"weekly-median": {"mase": 0.8}},
               {"origins": [], "horizon": 168}, dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc))


def test_nothing_logged_without_the_setting(monkeypatch):
    monkeypatch.delenv("AUTOVOLT_MLFLOW_URI", raising=False)
    assert log_model_run(RUN) is False


@pytest.mark.skipif(importlib.util.find_spec("mlflow") is not None, reason="mlflow installed: the real store test applies")
def test_missing_mlflow_is_skipped_cleanly(monkeypatch, tmp_path):
    monkeypatch.setenv("AUTOVOLT_MLFLOW_URI", (tmp_path / "mlruns").as_uri())
    assert log_model_run(RUN) is False


@pytest.mark.skipif(importlib.util.find_spec("mlflow") is None, reason="optional extra mlflow not installed")
def test_logs_to_a_local_mlflow_store(monkeypatch, tmp_path):
    monkeypatch.setenv("AUTOVOLT_MLFLOW_URI", (tmp_path / "mlruns").as_uri())
    assert log_model_run(RUN) is True
    assert any((tmp_path / "mlruns").rglob("meta.yaml"))
