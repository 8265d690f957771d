import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from analytics.calendar import CampusCalendar, Term
from analytics.forecast import AUTO_CANDIDATES, PREFER_MARGIN, CandidateScore, PREFERRED, RECHOOSE_AFTER, WITH_PROPHET, ForecastError, choose_model, forecast, make_model, refit
from analytics.metrics import score
from tests.analytics.conftest import classroom


def test_seasonal_naive_repeats_last_week_exactly(room):
    model = make_model("seasonal-naive").fit(room)
    out = model.forecast(room, 200)
    assert list(out.columns) == ["yhat", "yhat_lower", "yhat_upper"]
    assert out.index[0] == room.index[-1] + pd.Timedelta(hours=1)
    np.testing.assert_allclose(out["yhat"].to_numpy()[:168], room.to_numpy()[-168:])
    # Past one week the forecast repeats the last observed week again.
    np.testing.assert_allclose(out["yhat"].to_numpy()[168:200], room.to_numpy()[-168:-136])


def test_missing_readings_fall_back_and_never_leave_holes(room):
    y = room.copy()
    y.iloc[-168:-100] = 0.0  # dead meter last week: treated as missing
    out = make_model("seasonal-naive").fit(y).forecast(y, 168)
    assert np.isfinite(out["yhat"]).all()
    np.testing.assert_allclose(out["yhat"].to_numpy()[:68], room.to_numpy()[-336:-268])


@pytest.mark.parametrize("name", ["seasonal-naive", "naive-daily", "weekly-median", "lag-boost", "blend", "prophet"])
def test_every_model_forecasts_sane_bands(room, name):
    out = make_model(name).fit(room).forecast(room, 48)
    assert len(out) == 48 and np.isfinite(out.to_numpy()).all()
    assert (out["yhat_lower"] <= out["yhat"] + 1e-9).all() and (out["yhat"] <= out["yhat_upper"] + 1e-9).all()
    assert (out["yhat_lower"] >= 0).all()


def test_weekly_models_beat_yesterday_on_a_timetable():
    y = classroom(weeks=10, seed=3)
    train, test = y.iloc[:-168], y.iloc[-168:]
    scale = 1.0
    errors = {name: score(test.to_numpy(), make_model(name).fit(train).forecast(train, 168)["yhat"].to_numpy(), scale).mae
              for name in ("seasonal-naive", "naive-daily", "weekly-median")}
    # Monday after Sunday: yesterday's shape is wrong for a weekday timetable.
    assert errors["weekly-median"] < errors["naive-daily"]
    assert errors["seasonal-naive"] < errors["naive-daily"]


def test_auto_choice_is_backtested_and_recorded(room):
    sel = choose_model(room, series_key="cr-101-lights", candidates=WITH_PROPHET)
    run = sel.run
    assert run.series_key == "cr-101-lights"
    assert run.model != "naive-daily"  # yesterday's shape cannot win on a Mon-Fri timetable
    labels = set(run.scores)
    assert {"seasonal-naive", "naive-daily", "weekly-median[weeks=4]", "lag-boost", "prophet"} <= labels
    chosen = [c for c in sel.candidates if c.model == run.model and c.params.get("correct") == run.params["correct"]]
    n_origins = len(run.backtest["origins"])
    lowest = min(c.scores.mae for c in sel.candidates if len(c.origins) == n_origins)
    # The lowest backtest MAE wins, or the preferred blend when within PREFER_MARGIN of it.
    assert chosen and (chosen[0].scores.mae == lowest or (
        (run.model, run.params["correct"]) == PREFERRED and chosen[0].scores.mae <= lowest * (1 + PREFER_MARGIN)))
    # 12 weeks of history: every weekly origin with three weeks of training before it and a whole week after.
    assert n_origins == 9 and run.backtest["horizon"] == 168
    # The record is plain JSON for the store's model_runs table.
    json.dumps({"params": run.params, "scores": run.scores, "backtest": run.backtest})


def test_auto_prefers_a_model_that_really_is_better():
    # A constant series with one odd week three weeks ago: the weekly median shrugs it off, last-week copies do not.
    idx = pd.date_range("2025-01-06", periods=168 * 12, freq="h")
    y = pd.Series(1.0 + 0.5 * (idx.hour.to_numpy() >= 9), index=idx)
    y.iloc[-168 * 3 : -168 * 2] *= 3.0
    sel = choose_model(y, candidates=(("seasonal-naive", {}), ("weekly-median", {"weeks": 4})))
    assert sel.run.model == "weekly-median"
    assert sel.run.scores["weekly-median[weeks=4]"]["mae"] < sel.run.scores["seasonal-naive"]["mae"]


def test_short_history_is_a_clear_error():
    y = classroom(weeks=1).iloc[:20]
    with pytest.raises(ForecastError, match="at least 25 hours"):
        forecast(y, 24)


def test_short_history_still_forecasts_with_a_simple_model():
    y = classroom(weeks=1)
    out, sel = forecast(y, 24)
    assert sel.run.model == "naive-daily" and len(out) == 24 and np.isfinite(out["yhat"]).all()


def test_calendar_flags_holidays_and_breaks():
    cal = CampusCalendar(country="IN", terms=(Term("odd", pd.Timestamp("2025-07-21").date(), pd.Timestamp("2025-12-05").date()),
                                              Term("even", pd.Timestamp("2026-01-05").date(), pd.Timestamp("2026-05-15").date())))
    idx = pd.DatetimeIndex(["2025-08-15 10:00", "2025-12-20 10:00", "2025-09-10 10:00"])
    hol, brk = cal.day_flags(idx)
    assert hol.tolist() == [1.0, 0.0, 0.0]  # Independence Day
    assert brk.tolist() == [0.0, 1.0, 0.0]  # winter break between the terms
    assert CampusCalendar.from_dict(cal.to_dict()) == cal


def test_a_region_the_holidays_package_does_not_know_keeps_the_national_holidays():
    """A stored model may carry a subdivision a later `holidays` version dropped; losing every holiday would be worse."""
    diwali = dt.date(2025, 10, 20)
    cal = CampusCalendar(country="IN", subdivision="XX")
    assert cal.holidays_between(diwali, diwali) == {diwali: "Diwali"}


def test_prophet_uses_the_campus_calendar(room):
    cal = CampusCalendar(country="IN", terms=(Term("t", room.index[0].date(), (room.index[0] + pd.Timedelta(days=50)).date()),))
    model = make_model("prophet", cal).fit(room)
    names = set(model.model.seasonalities)
    assert {"weekly_term", "weekly_break", "daily"} <= names
    assert model.model.seasonality_mode == "multiplicative"
    assert model.model.holidays is not None and "term break" in set(model.model.holidays["holiday"])


def test_unknown_model_is_a_clear_error(room):
    with pytest.raises(ForecastError, match="unknown model 'arima'"):
        forecast(room, 4, model="arima")


def test_default_auto_skips_prophet_but_can_include_it(room):
    assert "prophet" not in {name for name, _ in AUTO_CANDIDATES}
    assert "prophet" not in choose_model(room).run.scores


def test_refit_reuses_a_recent_choice_without_a_backtest(room):
    first = choose_model(room.iloc[:-168], series_key="cr-101")
    chosen_at = dt.datetime.fromisoformat(first.run.backtest["chosen_at"])
    again = refit(room, first.run, now=chosen_at + dt.timedelta(days=1))
    assert again.candidates == () and again.run.model == first.run.model
    assert again.run.params == first.run.params and again.run.scores == first.run.scores
    assert again.run.backtest["chosen_at"] == first.run.backtest["chosen_at"]
    assert again.run.backtest["train_end"] == room.index[-1].isoformat()
    out = again.model.forecast(room, 24)
    assert np.isfinite(out["yhat"]).all()


def test_refit_rechooses_a_stale_choice(room):
    first = choose_model(room.iloc[:-168], series_key="cr-101")
    chosen_at = dt.datetime.fromisoformat(first.run.backtest["chosen_at"])
    again = refit(room, first.run, now=chosen_at + RECHOOSE_AFTER)
    assert again.candidates and again.run.backtest["train_end"] == room.index[-1].isoformat()
    assert again.run.backtest["chosen_at"] != first.run.backtest["chosen_at"]


def test_blend_is_the_mean_of_its_members_and_each_keeps_its_own_correction(room):
    blend = make_model("blend").fit(room)
    boost, median = make_model("lag-boost").fit(room), make_model("weekly-median", weeks=blend.params["weeks"]).fit(room)
    for correct in (False, True):
        for m in (blend, boost, median):
            m.params["correct"] = correct
        expected = 0.5 * (boost.forecast(room, 48)["yhat"] + median.forecast(room, 48)["yhat"])
        np.testing.assert_allclose(blend.forecast(room, 48)["yhat"], expected, rtol=1e-6, atol=1e-9)


def test_blend_is_an_auto_candidate_and_recorded():
    sel = choose_model(classroom(weeks=26), series_key="r")
    assert "blend" in sel.run.scores and "blend+correction" in sel.run.scores


def _candidate(model: str, correct: bool, mae: float):
    from analytics.forecast import CandidateScore
    from analytics.metrics import Scores

    return CandidateScore(model, {"correct": correct}, Scores(mae, mae, 1.0, 1.0, mae, 10), mae, 1.0, ("a", "b"))


def test_the_blend_is_kept_within_the_margin_and_loses_beyond_it():
    from analytics.forecast import pick_best

    near = [_candidate("lag-boost", True, 1.0), _candidate("blend", True, 1.0 + PREFER_MARGIN / 2)]
    assert (pick_best(near).model, pick_best(near).params["correct"]) == ("blend", True)
    far = [_candidate("lag-boost", True, 1.0), _candidate("blend", True, 1.0 + 2 * PREFER_MARGIN)]
    assert pick_best(far).model == "lag-boost"
    # Without a blend among the candidates (the API's own list), the lowest MAE wins as before.
    assert pick_best([_candidate("seasonal-naive", False, 2.0), _candidate("weekly-median", False, 1.5)]).model == "weekly-median"


def _windowed(model: str, errors: list[float]) -> CandidateScore:
    """A candidate whose forecast misses a flat actual of 10 by `errors[i]` over each of a few weekly origins."""
    from analytics.metrics import Scores

    origins = tuple(f"2025-0{i + 1}-06" for i in range(len(errors)))
    windows = tuple((np.full(24, 10.0), np.full(24, 10.0 + e)) for e in errors)
    mae = float(np.mean(np.abs(errors)))
    return CandidateScore(model, {"correct": False}, Scores(mae, mae, 1.0, 1.0, mae, 24 * len(errors), 1.0), mae, 1.0,
                          origins, windows, 1.0)


def test_same_hour_last_week_is_kept_unless_clearly_beaten():
    from analytics.forecast import pick_best, versus_baseline

    baseline = _windowed("seasonal-naive", [1.0] * 6)
    # 2 % better overall: within the noise of six weeks, the baseline stays.
    slightly = _windowed("weekly-median", [0.98] * 6)
    assert pick_best([baseline, slightly]) is baseline
    # Far better on average thanks to one lucky week, worse on the other five: the baseline stays.
    lucky = _windowed("lag-boost", [1.1, 1.1, 1.1, 1.1, 1.1, -0.0])
    lucky = CandidateScore(lucky.model, lucky.params, lucky.scores.__class__(0.5, 0.5, 1.0, 1.0, 0.5, 144, 1.0),
                           0.5, 1.0, lucky.origins, lucky.windows, 1.0)
    assert pick_best([baseline, lucky]) is baseline
    # Better by 20 % on five weeks of six: chosen, and the comparison says so.
    clear = _windowed("blend", [0.8, 0.8, 0.8, 0.8, 0.8, 1.2])
    assert pick_best([baseline, clear]) is clear
    versus = versus_baseline(clear, [baseline, clear])
    assert versus["gain"] == pytest.approx(1 - np.mean([0.8] * 5 + [1.2]) / 1.0, abs=1e-4)
    assert (versus["origins_better"], versus["origins"], versus["is_baseline"]) == (5, 6, False)
    assert versus_baseline(baseline, [baseline, slightly])["is_baseline"]
