"""Optional MLflow logging of model runs: active only when AUTOVOLT_MLFLOW_URI is set and mlflow is installed."""

from __future__ import annotations

import logging
import os

from analytics.forecast import ModelRun

log = logging.getLogger(__name__)
ENV = "AUTOVOLT_MLFLOW_URI"


def log_model_run(run: ModelRun, uri: str | None = None, experiment: str = "autovolt-forecasts") -> bool:
    """Log the run's parameters and the chosen model's scores; returns whether anything was logged."""
    uri = uri or os.environ.get(ENV)
    if not uri:
        return False
    try:
        import mlflow
    except ImportError:
        log.info("mlflow not installed; model run not logged there", extra={"kv": {"series": run.series_key}})
        return False
    mlflow.set_tracking_uri(uri)
    mlflow.set_experiment(experiment)
    with mlflow.start_run(run_name=f"{run.series_key}:{run.model}"):
        mlflow.log_params({"series_key": run.series_key, "model": run.model, **{f"param.{k}": v for k, v in run.params.items()}})
        for label, scores in run.scores.items():
            clean = "".join(ch if ch.isalnum() or ch in "._-/" else "_" for ch in label)
            mlflow.log_metrics({f"{clean}.{k}": float(v) for k, v in scores.items() if isinstance(v, (int, float)) and v is not None})
        if run.artifact_path:
            mlflow.log_artifacts(run.artifact_path, artifact_path="model")
    return True
