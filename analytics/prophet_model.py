"""Prophet as the seed specified it: multiplicative seasonality, daily/weekly/yearly where the history allows,
a weekly class-schedule seasonality that differs in term and in breaks, public holidays and term breaks."""

from __future__ import annotations

import contextlib
import logging
import warnings
from typing import Any

import numpy as np
import pandas as pd

from analytics.calendar import CampusCalendar
from analytics.models import Forecaster, WEEK_HOURS

log = logging.getLogger(__name__)



def _silence() -> None:
    # cmdstanpy attaches its own INFO handler at import; prophet.plot complains that plotly is missing.
    for name in ("cmdstanpy", "prophet", "prophet.plot", "prophet.models", "prophet.forecaster"):
        logger = logging.getLogger(name)
        logger.setLevel(logging.CRITICAL if name == "prophet.plot" else logging.WARNING)
        logger.propagate = name != "prophet.plot"
        for handler in list(logger.handlers):
            logger.removeHandler(handler)


@contextlib.contextmanager
def _prophet_warnings():
    """Prophet 1.5 uses pandas idioms that pandas 3 deprecates; those warnings are Prophet's, not ours."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=FutureWarning)
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        warnings.filterwarnings("ignore", message=".*inplace.*")
        yield


def _quiet_import():
    _silence()
    from prophet import Prophet
    from prophet.serialize import model_from_json, model_to_json

    _silence()
    return Prophet, model_to_json, model_from_json


class ProphetForecaster(Forecaster):
    """Prophet fitted on the last `window_days` of history (a short window keeps fits fast and follows drift)."""

    name = "prophet"

    def __init__(self, calendar: CampusCalendar | None = None, window_days: int = 56, changepoint_prior_scale: float = 0.05,
                 seasonality_prior_scale: float = 10.0, holidays_prior_scale: float = 10.0, correct: bool = False) -> None:
        super().__init__(calendar, window_days=int(window_days), changepoint_prior_scale=float(changepoint_prior_scale),
                         seasonality_prior_scale=float(seasonality_prior_scale),
                         holidays_prior_scale=float(holidays_prior_scale), correct=bool(correct))
        self.model = None

    def _holidays(self, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame | None:
        days = self.calendar.holidays_between(start.date(), end.date())
        rows = [{"holiday": "public holiday", "ds": pd.Timestamp(d), "lower_window": 0, "upper_window": 0} for d in days]
        stamps = pd.date_range(start.normalize(), end.normalize(), freq="D")
        _, is_break = self.calendar.day_flags(stamps)
        rows += [{"holiday": "term break", "ds": d, "lower_window": 0, "upper_window": 0} for d, b in zip(stamps, is_break) if b]
        return pd.DataFrame(rows) if rows else None

    def _frame(self, index: pd.DatetimeIndex) -> pd.DataFrame:
        frame = pd.DataFrame({"ds": index})
        if self.calendar.terms:
            in_term = self.calendar.in_term(index)
            frame["in_term"] = in_term
            frame["in_break"] = ~in_term
        return frame

    def _fit(self, y: pd.Series) -> None:
        Prophet, _, _ = _quiet_import()
        window = y.iloc[-self.params["window_days"] * 24 :]
        span_days = (window.index[-1] - window.index[0]).days
        # Horizons up to a week past the end get holiday rows too.
        holidays = self._holidays(window.index[0], window.index[-1] + pd.Timedelta(days=400))
        model = Prophet(
            growth="linear",
            seasonality_mode="multiplicative",
            daily_seasonality=span_days >= 2,
            weekly_seasonality=span_days >= 14 and not self.calendar.terms,
            yearly_seasonality=span_days >= 730,
            holidays=holidays,
            changepoint_prior_scale=self.params["changepoint_prior_scale"],
            seasonality_prior_scale=self.params["seasonality_prior_scale"],
            holidays_prior_scale=self.params["holidays_prior_scale"],
            uncertainty_samples=100,
        )
        frame = self._frame(window.index)
        if self.calendar.terms and span_days >= 14:
            # The class schedule: one weekly shape in term, another in breaks.
            if frame["in_term"].any():
                model.add_seasonality("weekly_term", period=7, fourier_order=6, condition_name="in_term")
            if frame["in_break"].any():
                model.add_seasonality("weekly_break", period=7, fourier_order=3, condition_name="in_break")
        frame["y"] = window.to_numpy()
        with _prophet_warnings():
            self.model = model.fit(frame)

    def _point(self, y: pd.Series, index: pd.DatetimeIndex, known: pd.Series | None = None) -> np.ndarray:
        samples, self.model.uncertainty_samples = self.model.uncertainty_samples, 0  # point only: skip the sampling
        try:
            with _prophet_warnings():
                return self.model.predict(self._frame(index))["yhat"].to_numpy()
        finally:
            self.model.uncertainty_samples = samples

    def _interval(self, y, index, point):
        if self.conformal is not None:  # chosen by a backtest: its errors calibrate the band
            return super()._interval(y, index, point)
        # Prophet samples its intervals from numpy's global generator: seed it, and put it back afterwards.
        saved = np.random.get_state()
        np.random.seed(0)
        try:
            with _prophet_warnings():
                bands = self.model.predict(self._frame(index))
        finally:
            np.random.set_state(saved)
        return np.maximum(bands["yhat_lower"].to_numpy(), 0.0), bands["yhat_upper"].to_numpy()

    def state(self) -> dict[str, Any]:
        return self.base_state()

    def artifact(self) -> bytes | None:
        _, model_to_json, _ = _quiet_import()
        return model_to_json(self.model).encode()

    def restore(self, state: dict[str, Any], artifact: bytes | None) -> None:
        super().restore(state, artifact)
        _, _, model_from_json = _quiet_import()
        with _prophet_warnings():
            self.model = model_from_json(artifact.decode())


def prophet_cross_validate(history: pd.Series, calendar: CampusCalendar, grid: list[dict[str, Any]], *,
                           window_days: int = 56, horizon_hours: int = WEEK_HOURS, cutoffs: int = 3) -> list[tuple[dict[str, Any], float]]:
    """Tuning, off the hot path: Prophet's own cross-validation (refit before each cutoff, forecast the horizon)
    for each parameter set over the last `cutoffs` weeks. Returns (params, MAE) best first."""
    from prophet.diagnostics import cross_validation

    end = history.index[-1]
    cut_times = [end - pd.Timedelta(hours=horizon_hours * k) for k in range(cutoffs, 0, -1)]
    # Fit on a window that ends at the last cutoff plus the evaluation span, so every cutoff has window_days before it.
    days = window_days + horizon_hours * cutoffs // 24 + 1
    results = []
    for params in grid:
        fc = ProphetForecaster(calendar, window_days=days, **params).fit(history)
        cv = cross_validation(fc.model, horizon=pd.Timedelta(hours=horizon_hours), cutoffs=cut_times, disable_tqdm=True)
        results.append((params, float((cv["y"] - cv["yhat"]).abs().mean())))
        log.info("prophet cross-validation", extra={"kv": {**params, "mae": round(results[-1][1], 4)}})
    return sorted(results, key=lambda r: r[1])
