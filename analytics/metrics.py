"""Forecast accuracy metrics. A NaN in either input drops that hour; zero readings are scored (no use is use)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from analytics.series import WEEK_HOURS

# MAPE skips hours whose actual is below this share of the series mean: near-zero hours make it explode. It is
# kept for the daily forecast-accuracy alert; answers report WAPE and MASE, which stay finite on a room at zero.
MAPE_FLOOR_SHARE = 0.05


@dataclass(frozen=True)
class Scores:
    """Accuracy of one forecast (or a pooled set of forecasts) against actuals.

    mae, rmse: in the series' unit. cv_rmse: RMSE / mean actual, in %. wape: total absolute error / total actual
    use, in % (scale-free and defined when many hours read zero). mape: in %, over hours whose actual is above 5 %
    of the mean. mase: MAE / in-sample MAE of the same-hour-last-week forecast. n: hours scored.
    """

    mae: float
    rmse: float
    cv_rmse: float
    mape: float
    mase: float
    n: int
    wape: float = float("nan")

    def as_dict(self) -> dict[str, float]:
        return {k: (None if isinstance(v, float) and not np.isfinite(v) else v) for k, v in asdict(self).items()}


def seasonal_naive_scale(history: pd.Series | np.ndarray, season: int = WEEK_HOURS) -> float:
    """In-sample MAE of the same-hour-last-week forecast: the MASE denominator (negative readings are missing)."""
    y = np.asarray(history, dtype=float)
    y = np.where(y >= 0, y, np.nan)
    if len(y) <= season:
        return float("nan")
    diff = np.abs(y[season:] - y[:-season])
    diff = diff[np.isfinite(diff)]
    return float(diff.mean()) if diff.size else float("nan")


def score(actual: np.ndarray | pd.Series, forecast: np.ndarray | pd.Series, scale: float) -> Scores:
    """Score a forecast; `scale` is `seasonal_naive_scale` of the training history. Hand in actuals as the models
    saw them (`analytics.series.usable`): zeros that mean an outage are NaN there and are not scored."""
    a = np.asarray(actual, dtype=float)
    f = np.asarray(forecast, dtype=float)
    a = np.where(a >= 0, a, np.nan)
    ok = np.isfinite(a) & np.isfinite(f)
    a, f = a[ok], f[ok]
    if a.size == 0:
        nan = float("nan")
        return Scores(nan, nan, nan, nan, nan, 0, nan)
    err = f - a
    mae = float(np.abs(err).mean())
    rmse = float(np.sqrt((err**2).mean()))
    mean = float(a.mean())
    big = a > MAPE_FLOOR_SHARE * mean
    mape = float(np.abs(err[big] / a[big]).mean() * 100) if big.any() and mean > 0 else float("nan")
    mase = mae / scale if scale and np.isfinite(scale) and scale > 0 else float("nan")
    wape = float(np.abs(err).sum() / a.sum() * 100) if mean > 0 else float("nan")
    return Scores(mae, rmse, rmse / mean * 100 if mean > 0 else float("nan"), mape, mase, int(a.size), wape)
