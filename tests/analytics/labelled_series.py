"""Labelled general series for the general-purpose anomaly mode (tests and bench/analytics_general.py).

Kinds, with and without a rhythm, each with a few labelled anomaly windows:
- machine-temperature: no rhythm, an AR(1) wander; a slow drift up before a failure, a sudden drop.
- traffic: counts with a daily rhythm (Poisson); a surge, a sensor outage at zero.
- cloud-metric: a CPU-like percentage with heavy-tailed noise and benign one-point blips; sustained spikes.
- level-shift: no rhythm or a weekly one; the level steps and stays.

`variant="dev"` is what the detector was tuned on; `variant="held-out"` is drawn another way (Student-t noise,
other steps and lengths, other anomaly sizes and shapes) and is reported, never tuned on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

KINDS = ("machine-temperature", "traffic", "cloud-metric", "level-shift")


@dataclass(frozen=True)
class Labelled:
    """values on a regular clock (`index`), the labelled anomaly windows as (start, end) positions inclusive,
    `kind`, and whether it was generated with a rhythm."""

    kind: str
    values: pd.Series
    windows: tuple[tuple[int, int], ...]
    rhythm: bool


def _noise(rng: np.random.Generator, n: int, held_out: bool) -> np.ndarray:
    return rng.standard_t(4, n) / np.sqrt(2.0) if held_out else rng.normal(0.0, 1.0, n)


def _places(rng: np.random.Generator, n: int, count: int, length: int, warmup: int) -> list[int]:
    """Anomaly starts spread over the series after a warm-up, apart from each other."""
    slots = np.linspace(warmup, n - 2 * length, count + 1).astype(int)
    return [int(rng.integers(slots[i], max(slots[i] + 1, slots[i + 1] - 2 * length))) for i in range(count)]


def _ar1(rng: np.random.Generator, n: int, phi: float, held_out: bool) -> np.ndarray:
    e = _noise(rng, n, held_out)
    out = np.empty(n)
    out[0] = e[0]
    for i in range(1, n):
        out[i] = phi * out[i - 1] + e[i]
    return out * np.sqrt(1 - phi**2)


def machine_temperature(rng: np.random.Generator, held_out: bool) -> Labelled:
    n = 5000 if held_out else 4000
    step = pd.Timedelta(minutes=10 if held_out else 5)
    base = 70 + np.cumsum(rng.normal(0, 0.02, n)) + 0.8 * _ar1(rng, n, 0.6, held_out)
    windows = []
    for i, start in enumerate(_places(rng, n, 4, 120, 600)):
        if i % 2 == 0:  # a drift up before a failure: +6..9 spreads over 60-120 points
            length = int(rng.integers(60, 121))
            size = rng.uniform(6, 9) * 0.8 * (1.2 if held_out else 1.0)
            base[start : start + length] += np.linspace(0, size, length)
            base[start + length : start + length + 20] += size
            windows.append((start + length // 3, start + length + 20))
        else:  # a sudden drop for 20-40 points
            length = int(rng.integers(20, 41))
            base[start : start + length] -= rng.uniform(5, 8) * 0.8
            windows.append((start, start + length))
    idx = pd.date_range("2025-03-01", periods=n, freq=step)
    return Labelled("machine-temperature", pd.Series(base, index=idx), tuple(windows), False)


def traffic(rng: np.random.Generator, held_out: bool) -> Labelled:
    step = pd.Timedelta(minutes=15 if held_out else 5)
    per_day = int(pd.Timedelta(days=1) / step)
    n = per_day * (21 if held_out else 14)
    t = np.arange(n)
    hour = (t % per_day) / per_day * 24
    shape = 20 + 60 * np.exp(-((hour - 8.5) ** 2) / 3) + 70 * np.exp(-((hour - 17.5) ** 2) / 4)
    if held_out:
        weekday = (t // per_day) % 7 < 5
        shape = np.where(weekday, shape, 0.6 * shape)
    lam = shape.copy()
    windows = []
    for i, start in enumerate(_places(rng, n, 4, per_day // 8, 3 * per_day)):
        length = max(6, per_day // 24)
        if i % 2 == 0:  # a surge (an incident diverting traffic): x2.5-3.5
            lam[start : start + length] *= rng.uniform(2.5, 3.5)
        else:  # the counter drops out: zeros
            lam[start : start + length] = 0.0
        windows.append((start, start + length))
    counts = rng.poisson(lam).astype(float)
    idx = pd.date_range("2025-05-05", periods=n, freq=step)
    return Labelled("traffic", pd.Series(counts, index=idx), tuple(windows), True)


def cloud_metric(rng: np.random.Generator, held_out: bool) -> Labelled:
    n = 4500 if held_out else 4000
    step = pd.Timedelta(minutes=1 if held_out else 5)
    cpu = 35 + 3 * _ar1(rng, n, 0.5, held_out)
    blips = rng.random(n) < 0.004  # benign one-point blips (a cron job): not anomalies
    cpu[blips] += rng.uniform(6, 10, blips.sum())
    windows = []
    for start in _places(rng, n, 4, 40, 500):
        length = int(rng.integers(6, 21 if not held_out else 31))
        cpu[start : start + length] += rng.uniform(25, 45)
        windows.append((start, start + length))
    idx = pd.date_range("2025-07-01", periods=n, freq=step)
    return Labelled("cloud-metric", pd.Series(np.clip(cpu, 0, 100), index=idx), tuple(windows), False)


def level_shift(rng: np.random.Generator, held_out: bool) -> Labelled:
    rhythm = bool(rng.random() < 0.5)
    n = 24 * 7 * (12 if held_out else 10)
    t = np.arange(n)
    base = 100.0 + 4 * _ar1(rng, n, 0.3, held_out)
    if rhythm:
        hour, dow = t % 24, (t // 24) % 7
        base += 30 * ((hour >= 8) & (hour < 18) & (dow < 5))
    windows = []
    for i, start in enumerate(_places(rng, n, 3, 48, 24 * 7 * 3)):
        size = rng.uniform(5, 8) * 4 * (1 if i % 2 == 0 else -1)
        base[start:] += size  # the level steps and stays
        windows.append((start, start + 24))
    idx = pd.date_range("2025-01-06", periods=n, freq="h")
    return Labelled("level-shift", pd.Series(base, index=idx), tuple(windows), rhythm)


_MAKERS = {"machine-temperature": machine_temperature, "traffic": traffic, "cloud-metric": cloud_metric,
           "level-shift": level_shift}


def generate(kind: str, seed: int, variant: str = "dev") -> Labelled:
    """One labelled series of `kind`; dev and held-out variants never share a seed."""
    rng = np.random.default_rng(seed + (10_000 if variant == "held-out" else 0))
    return _MAKERS[kind](rng, variant == "held-out")


def evaluate(events, windows: tuple[tuple[int, int], ...], n: int) -> tuple[int, int, float]:
    """(windows found, false alarms, false alarms per 1,000 points): an event overlapping a window finds it; an
    event overlapping none is a false alarm."""
    found = sum(any(e.start <= w_end and e.end >= w_start for e in events) for w_start, w_end in windows)
    false = sum(not any(e.start <= w_end and e.end >= w_start for w_start, w_end in windows) for e in events)
    return found, false, false / n * 1000
