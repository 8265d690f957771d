"""Save and load fitted forecast models without pickle: a meta.json plus Prophet's JSON or a skops file."""

from __future__ import annotations

import json
from pathlib import Path

from analytics.calendar import CampusCalendar
from analytics.models import Forecaster

META = "meta.json"
ARTIFACT = {"prophet": "prophet.json"}
DEFAULT_ARTIFACT = "model.skops"
# The direct day-ahead booster that any chosen model may carry (analytics.dayahead), in its own skops file.
DAY_AHEAD_ARTIFACT = "dayahead.skops"
FORMAT_VERSION = 1


class ModelFileError(ValueError):
    """A saved model folder is missing, incomplete or from an unknown format."""


def save_model(model: Forecaster, directory: str | Path) -> Path:
    """Write the fitted model into `directory` (created if needed); returns the folder."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    artifact = model.artifact()
    name = ARTIFACT.get(model.name, DEFAULT_ARTIFACT)
    if artifact is not None:
        (folder / name).write_bytes(artifact)
    direct = model.day_ahead_artifact()
    if direct is not None:
        (folder / DAY_AHEAD_ARTIFACT).write_bytes(direct)
    meta = {"format": FORMAT_VERSION, "model": model.name, "params": model.params, "state": model.state(),
            "calendar": model.calendar.to_dict(), "artifact": name if artifact is not None else None,
            "day_ahead_artifact": DAY_AHEAD_ARTIFACT if direct is not None else None}
    # Write meta last: a folder with meta.json is complete.
    tmp = folder / (META + ".tmp")
    tmp.write_text(json.dumps(meta, indent=1, sort_keys=True))
    tmp.replace(folder / META)
    return folder


def load_model(directory: str | Path) -> Forecaster:
    from analytics.forecast import make_model

    folder = Path(directory)
    try:
        meta = json.loads((folder / META).read_text())
    except FileNotFoundError:
        raise ModelFileError(f"no saved model in {folder} ({META} missing)") from None
    except json.JSONDecodeError as exc:
        raise ModelFileError(f"{folder / META} is not valid JSON: {exc}") from None
    if meta.get("format") != FORMAT_VERSION:
        raise ModelFileError(f"{folder} has model format {meta.get('format')!r}; expected {FORMAT_VERSION}")
    params = {k: v for k, v in meta["params"].items()}
    model = make_model(meta["model"], CampusCalendar.from_dict(meta["calendar"]), **params)
    artifact = _read(folder, meta.get("artifact"))
    model.restore(meta["state"], artifact)
    direct = _read(folder, meta.get("day_ahead_artifact"))
    if direct is not None:
        model.restore_day_ahead(direct)
    return model


def _read(folder: Path, name: str | None) -> bytes | None:
    if not name:
        return None
    try:
        return (folder / name).read_bytes()
    except FileNotFoundError:
        raise ModelFileError(f"{folder} is incomplete: {name} missing") from None
