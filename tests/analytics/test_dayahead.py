"""The direct day-ahead model and its place in the chosen model."""

import numpy as np
import pandas as pd
import pytest

from analytics.calendar import CampusCalendar
from analytics.dayahead import HORIZON, DayAhead
from analytics.forecast import DAY_AHEAD_WEIGHT, choose_model, make_model
from analytics.persistence import DAY_AHEAD_ARTIFACT, DEFAULT_ARTIFACT, ModelFileError, load_model, save_model

from .conftest import classroom, spells


def regimes(weeks: int = 30, seed: int = 5) -> pd.Series:
    """A classroom whose whole load moves between levels that last 4-12 days (a busy spell, a half-empty
    floor): last week's shape is right, its level often is not, and the latest readings tell which."""
    base = classroom(weeks=weeks, seed=seed, noise=0.02)
    return base * spells(len(base), np.random.default_rng(seed), (4, 13), (0.6, 1.6))


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


def test_a_chosen_model_carries_the_day_ahead_share_and_reloads(tmp_path):
    history = classroom(weeks=26)
    sel = choose_model(history, series_key="r", origins=3)
    assert sel.model.params["day_ahead"] == DAY_AHEAD_WEIGHT and sel.run.params["day_ahead"] == DAY_AHEAD_WEIGHT
    assert sel.model.state()["has_day_ahead"]
    again = load_model(save_model(sel.model, tmp_path / "m"))
    assert again.direct is not None and again.direct.model is not None
    np.testing.assert_allclose(again.forecast(history, 72).to_numpy(), sel.model.forecast(history, 72).to_numpy(), rtol=1e-6)


@pytest.mark.parametrize("name", ["seasonal-naive", "naive-daily", "weekly-median", "lag-boost"])
def test_every_model_kind_mixes_in_the_day_ahead_model_and_reloads_it(name, tmp_path):
    series = regimes()
    train = series[: series.index[0] + pd.Timedelta(weeks=24) - pd.Timedelta(hours=1)]
    plain = make_model(name).fit(train)
    mixed = make_model(name, day_ahead=0.5).fit(train)
    first, later = mixed.forecast(train, 72)["yhat"].to_numpy(), plain.forecast(train, 72)["yhat"].to_numpy()
    assert not np.allclose(first[:HORIZON], later[:HORIZON])  # the first 48 hours are mixed ...
    np.testing.assert_allclose(first[HORIZON:], later[HORIZON:])  # ... and only those
    again = load_model(save_model(mixed, tmp_path / name))
    np.testing.assert_allclose(again.forecast(train, 72)["yhat"], first, rtol=1e-6)


def test_a_model_folder_missing_its_day_ahead_file_says_so(room, tmp_path):
    folder = save_model(make_model("seasonal-naive", day_ahead=0.5).fit(room), tmp_path / "m")
    (folder / DAY_AHEAD_ARTIFACT).unlink()
    with pytest.raises(ModelFileError, match="dayahead.skops missing"):
        load_model(folder)


def test_a_blend_saved_before_the_day_ahead_member_still_loads(room, tmp_path):
    model = make_model("blend").fit(room)
    folder = save_model(model, tmp_path / "old")
    again = load_model(folder)
    assert again.direct is None and again.boost.model is not None
    np.testing.assert_allclose(again.forecast(room, 48)["yhat"], model.forecast(room, 48)["yhat"], rtol=1e-6)


def test_a_blend_saved_with_the_packed_day_ahead_file_still_loads(room, tmp_path):
    """The previous version packed the booster and the day-ahead model into the blend's one skops file."""
    import json

    import skops.io as sio

    model = make_model("blend", day_ahead=0.5).fit(room)
    folder = save_model(model, tmp_path / "packed")
    (folder / DEFAULT_ARTIFACT).write_bytes(sio.dumps({"boost": model.boost.model, "day_ahead": model.direct.model}))
    (folder / DAY_AHEAD_ARTIFACT).unlink()
    meta = json.loads((folder / "meta.json").read_text())
    meta["day_ahead_artifact"] = None
    (folder / "meta.json").write_text(json.dumps(meta))
    again = load_model(folder)
    np.testing.assert_allclose(again.forecast(room, 48)["yhat"], model.forecast(room, 48)["yhat"], rtol=1e-6)


def test_a_day_ahead_model_with_other_features_is_skipped_not_fatal(room):
    from sklearn.ensemble import HistGradientBoostingRegressor

    model = make_model("seasonal-naive", day_ahead=0.5).fit(room)
    plain = make_model("seasonal-naive").fit(room)
    x = np.random.default_rng(0).random((50, 3))
    model.direct.model = HistGradientBoostingRegressor(max_iter=5).fit(x, x[:, 0])  # as if saved by another version
    assert np.isnan(model.direct.predict(room, 24)).all()
    np.testing.assert_allclose(model.forecast(room, 48)["yhat"], plain.forecast(room, 48)["yhat"])


def test_the_latest_day_of_the_same_kind_is_a_feature():
    """A Monday's hours see Friday's same hour (the latest working day), not Sunday's."""
    index = pd.date_range("2026-01-05", periods=6 * 7 * 24, freq="h")  # starts on a Monday
    values = np.where(index.day_of_week < 5, 10.0, 2.0) + index.day_of_week.to_numpy() * 0.1
    model = DayAhead(CampusCalendar())
    origin_pos = 5 * 7 * 24  # a Monday 00:00
    origin = np.full(24, origin_pos)
    h = np.arange(1, 25)
    stamps = index[origin + h - 1]
    same = model._latest_same_kind(values, origin, origin + h - 1, stamps, np.zeros(24))
    np.testing.assert_allclose(same, 10.4)  # Friday's level
