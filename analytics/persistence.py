"""Save and load fitted forecast models without pickle: a meta.json plus Prophet's JSON or a skops file."""

from __future__ import annotations

import functools
import json
import logging
from pathlib import Path

from analytics.calendar import CampusCalendar
from analytics.dayahead import DayAhead, learnt_weather
from analytics.models import Forecaster

META = "meta.json"
ARTIFACT = {"prophet": "prophet.json"}
DEFAULT_ARTIFACT = "model.skops"
# The direct day-ahead booster that any chosen model may carry (analytics.dayahead), in its own skops file.
DAY_AHEAD_ARTIFACT = "dayahead.skops"
FORMAT_VERSION = 1

log = logging.getLogger(__name__)


class ModelFileError(ValueError):
    """A saved model folder is missing, incomplete or from an unknown format."""


def save_model(model: Forecaster, directory: str | Path, *, pool_file: str | Path | None = None) -> Path:
    """Write the fitted model into `directory` (created if needed); returns the folder. `pool_file`: where the
    campus's pooled day-ahead model it mixes in is saved (`save_pool`); the pool is the campus's, so the model's
    folder records the path, not a copy."""
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
            "day_ahead_artifact": DAY_AHEAD_ARTIFACT if direct is not None else None,
            "pool_artifact": str(Path(pool_file).resolve()) if pool_file is not None and model.params.get("pooled") else None}
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
    if meta.get("pool_artifact"):
        try:
            model.pooled = load_pool(meta["pool_artifact"], model.calendar)
        except (OSError, ValueError) as exc:  # pruned or unreadable: the model's own day-ahead view stands alone
            log.warning("campus pool not loadable; forecasting without it",
                        extra={"kv": {"path": meta["pool_artifact"], "error": str(exc)[:200]}})
    return model


def save_pool(pool: DayAhead, path: str | Path) -> Path:
    """Write a campus's pooled day-ahead booster (analytics.pooled) as one skops file; returns its path."""
    import skops.io as sio

    if pool.model is None:
        raise ValueError("the pool is not fitted")
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_bytes(sio.dumps(pool.model))
    tmp.replace(target)  # whole or absent: a reader never sees half a file
    return target


@functools.lru_cache(maxsize=4)
def _pool_booster(path: str) -> object:
    from analytics.models import _load_skops

    return _load_skops(Path(path).read_bytes())


def load_pool(path: str | Path, calendar: CampusCalendar | None = None) -> DayAhead:
    """The campus pool saved by `save_pool` on `calendar` (its holiday features), the booster read once per process
    and path (every room shares it)."""
    pool = DayAhead(calendar)
    pool.model = _pool_booster(str(Path(path).resolve()))
    pool.uses_weather = learnt_weather(pool.model)
    return pool


def _read(folder: Path, name: str | None) -> bytes | None:
    if not name:
        return None
    try:
        return (folder / name).read_bytes()
    except FileNotFoundError:
        raise ModelFileError(f"{folder} is incomplete: {name} missing") from None
