"""Synthetic campus series (classroom, lab, hostel shapes): tests never read ../shared."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


def classroom(start: str = "2025-01-06", weeks: int = 12, seed: int = 0, base: float = 0.1, load: float = 1.4,
              noise: float = 0.03) -> pd.Series:
    """Lights/AC of a classroom: `base` kW always, `load` kW during classes (Mon-Fri 08-17, some slots free)."""
    rng = np.random.default_rng(seed)
    idx = pd.date_range(start, periods=weeks * 168, freq="h")
    hour, dow = idx.hour.to_numpy(), idx.day_of_week.to_numpy()
    # A fixed weekly timetable: which weekday/hour slots have a class.
    timetable = rng.random((5, 24)) < 0.85
    slot = np.zeros(len(idx), bool)
    weekday = dow < 5
    slot[weekday] = timetable[dow[weekday], hour[weekday]]
    in_class = weekday & (hour >= 8) & (hour < 17) & slot
    y = base + load * in_class + rng.normal(0, noise, len(idx))
    return pd.Series(np.clip(y, 0.01, None), index=idx, name="value")


def spells(hours: int, rng: np.random.Generator, days: tuple[int, int], values: tuple[float, float]) -> np.ndarray:
    """A value per hour that holds for spells of `days` (low, high exclusive) whole days, drawn from `values`."""
    out = np.empty(hours)
    i = 0
    while i < hours:
        length = int(rng.integers(*days)) * 24
        out[i : i + length] = rng.uniform(*values)
        i += length
    return out


def lab(start: str = "2025-01-06", weeks: int = 12, seed: int = 1) -> pd.Series:
    """A 24 h lab: a high flat load with mild daytime bump, busy at weekends too."""
    rng = np.random.default_rng(seed)
    idx = pd.date_range(start, periods=weeks * 168, freq="h")
    y = 5.0 + 1.0 * np.sin((idx.hour.to_numpy() - 6) / 24 * 2 * np.pi) + rng.normal(0, 0.1, len(idx))
    return pd.Series(y, index=idx, name="value")


def hostel(start: str = "2025-01-06", weeks: int = 12, seed: int = 2) -> pd.Series:
    """A hostel room: evening and early-night use every day."""
    rng = np.random.default_rng(seed)
    idx = pd.date_range(start, periods=weeks * 168, freq="h")
    hour = idx.hour.to_numpy()
    y = 0.2 + 1.5 * ((hour >= 18) | (hour < 1)) + rng.normal(0, 0.05, len(idx))
    return pd.Series(np.clip(y, 0.01, None), index=idx, name="value")


@pytest.fixture
def room() -> pd.Series:
    return classroom()
