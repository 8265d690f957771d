"""The direct day-ahead model and its place in the chosen blend."""

import numpy as np
import pandas as pd

from analytics.calendar import CampusCalendar
from analytics.dayahead import HORIZON, DayAhead
from analytics.forecast import DAY_AHEAD_WEIGHT, choose_model, make_model
from analytics.persistence import load_model, save_model

from .conftest import classroom


def regimes(weeks: int = 30, seed: int = 5) -> pd.Series:
    """A classroom whose whole load moves between levels that last 4-12 days (a busy spell, a half-empty
    floor): last week's shape is right, its level often is not, and the latest readings tell which."""
    base = classroom(weeks=weeks, seed=seed, noise=0.02)
    rng = np.random.default_rng(seed)
    level = np.empty(len(base))
    i = 0
    while i < len(base):
        days = int(rng.integers(4, 13))
        level[i : i + days * 24] = rng.uniform(0.6, 1.6)
        i += days * 24
    return base * level


def _mae_24(model, series: pd.Series, origins: list[pd.Timestamp]) -> float:
    errors = []
    for origin in origins:
        past = series[: origin - pd.Timedelta(hours=1)]
        actual = series[origin : origin + pd.Timedelta(hours=23)].to_numpy()
        errors.append(np.abs(model.forecast(past, 24, intervals=False)["yhat"].to_numpy() - actual))
    return float(np.mean(errors))


def test_the_day_ahead_share_follows_the_latest_level():
    series = regimes()
    train = series[: series.index[0] + pd.Timedelta(weeks=24) - pd.Timedelta(hours=1)]
    origins = [train.index[-1] + pd.Timedelta(hours=1 + 29 * k) for k in range(30)]
    plain = make_model("blend").fit(train)
    with_direct = make_model("blend", day_ahead=0.5).fit(train)
    assert with_direct.direct is not None and with_direct.direct.model is not None
    assert _mae_24(with_direct, series, origins) < 0.9 * _mae_24(plain, series, origins)


def test_day_ahead_uses_only_readings_before_the_origin(room):
    model = DayAhead(CampusCalendar()).fit(room)
    past = room.iloc[:-48]
    first = model.predict(past, 72)
    assert first.shape == (HORIZON,) and np.isfinite(first).all() and (first >= 0).all()
    # Changing what comes after the origin cannot change the forecast: predict sees the history only.
    np.testing.assert_allclose(model.predict(room.iloc[:-48].copy(), 72), first)
    assert model.predict(past, 5).shape == (5,)


def test_too_little_history_leaves_the_blend_as_it_was():
    short = classroom(weeks=5)
    plain = make_model("blend").fit(short)
    blend = make_model("blend", day_ahead=0.5).fit(short)
    assert blend.direct is not None and blend.direct.model is None
    assert np.isnan(blend.direct.predict(short, 24)).all()
    np.testing.assert_allclose(blend.forecast(short, 48)["yhat"], plain.forecast(short, 48)["yhat"])


def test_a_chosen_blend_carries_the_day_ahead_share_and_reloads(tmp_path):
    history = classroom(weeks=26)
    sel = choose_model(history, series_key="r", origins=3)
    if sel.model.name != "blend":  # the choice is the backtest's; force the blend to check its record
        sel = choose_model(history, series_key="r", origins=3, candidates=(("blend", {}),))
    assert sel.model.params["day_ahead"] == DAY_AHEAD_WEIGHT and sel.run.params["day_ahead"] == DAY_AHEAD_WEIGHT
    assert sel.model.state()["has_day_ahead"]
    again = load_model(save_model(sel.model, tmp_path / "m"))
    assert again.direct is not None and again.direct.model is not None
    np.testing.assert_allclose(again.forecast(history, 72).to_numpy(), sel.model.forecast(history, 72).to_numpy(), rtol=1e-6)


def test_a_blend_saved_before_the_day_ahead_member_still_loads(room, tmp_path):
    model = make_model("blend").fit(room)
    folder = save_model(model, tmp_path / "old")
    again = load_model(folder)
    assert again.direct is None and again.boost.model is not None
    np.testing.assert_allclose(again.forecast(room, 48)["yhat"], model.forecast(room, 48)["yhat"], rtol=1e-6)
