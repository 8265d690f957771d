"""The three `autovolt analytics` commands on generated CSV files, including bad input."""

import pandas as pd
import pytest

from autovolt.cli import main
from tests.analytics.conftest import classroom, hostel, lab


@pytest.fixture
def room_csv(tmp_path):
    y = classroom(weeks=10)
    y[pd.date_range("2025-03-04 22:00", "2025-03-05 05:00", freq="h")] += 1.4
    path = tmp_path / "cr-101.csv"
    pd.DataFrame({"timestamp": y.index.strftime("%Y-%m-%d %H:%M:%S"), "value": y.round(4).to_numpy()}).to_csv(path, index=False)
    return path


def test_forecast_command(room_csv, tmp_path, capsys):
    out = tmp_path / "fc.csv"
    assert main(["analytics", "forecast", "--input", str(room_csv), "--horizon", "36", "--output", str(out),
                 "--save-model", str(tmp_path / "model")]) == 0
    frame = pd.read_csv(out)
    assert list(frame.columns) == ["timestamp", "yhat", "yhat_lower", "yhat_upper"] and len(frame) == 36
    assert pd.Timestamp(frame["timestamp"][0]) == pd.Timestamp("2025-03-17 00:00")
    assert (tmp_path / "model" / "meta.json").exists()
    printed = capsys.readouterr().out
    assert "backtest MASE" in printed
    assert "same hour last week" in printed  # the choice against the baseline, as the API and the bot give it


def test_forecast_with_a_named_model_and_campus_calendar(room_csv, tmp_path):
    out = tmp_path / "fc.csv"
    assert main(["analytics", "forecast", "--input", str(room_csv), "--horizon", "5", "--model", "seasonal-naive",
                 "--country", "IN", "--output", str(out)]) == 0
    assert len(pd.read_csv(out)) == 5


def test_anomalies_command(room_csv, tmp_path, capsys):
    out, events = tmp_path / "an.csv", tmp_path / "ev.csv"
    assert main(["analytics", "anomalies", "--input", str(room_csv), "--train-until", "2025-02-23T23:00",
                 "--output", str(out), "--events", str(events)]) == 0
    frame = pd.read_csv(out)
    assert list(frame.columns) == ["timestamp", "value", "score", "is_anomaly"]
    assert len(frame) == 3 * 168  # every hour after the cut-off, none lost
    flagged = frame[frame["is_anomaly"]]
    assert set(pd.to_datetime(flagged["timestamp"])) >= set(pd.date_range("2025-03-05 00:00", "2025-03-05 04:00", freq="h"))
    ev = pd.read_csv(events)
    assert "left-on-overnight" in set(ev["kind"])
    assert "at night" in capsys.readouterr().out


def test_patterns_command_long_and_wide(tmp_path, capsys):
    series = {"cr-1": classroom(weeks=3), "cr-2": classroom(weeks=3, seed=4), "lab-1": lab(weeks=3), "lab-2": lab(weeks=3, seed=5),
              "hostel-1": hostel(weeks=3), "hostel-2": hostel(weeks=3, seed=6)}
    long = pd.concat([pd.DataFrame({"series": k, "timestamp": v.index, "value": v.to_numpy()}) for k, v in series.items()])
    path = tmp_path / "long.csv"
    long.to_csv(path, index=False)
    out = tmp_path / "groups.csv"
    assert main(["analytics", "patterns", "--input", str(path), "--output", str(out)]) == 0
    groups = pd.read_csv(out).set_index("series")["cluster"]
    assert groups["cr-1"] == groups["cr-2"] != groups["lab-1"] and groups["hostel-1"] == groups["hostel-2"]
    wide = tmp_path / "wide.csv"
    pd.DataFrame(series).rename_axis("timestamp").reset_index().to_csv(wide, index=False)
    assert main(["analytics", "patterns", "--input", str(wide), "--k", "3"]) == 0
    assert "3 groups" in capsys.readouterr().out


@pytest.mark.parametrize("content, message", [
    ("time,kwh\n2025-01-01 00:00,1\n", "expected columns timestamp,value; missing timestamp,value"),
    ("timestamp,value\nyesterday,1\n2025-01-01 01:00,2\n", "unreadable timestamp, first at line 2: 'yesterday'"),
    ("timestamp,value\n2025-01-01 00:00,1\n2025-01-01 01:00,lots\n", "not a number, first at line 3: 'lots'"),
    ("", "empty file"),
    ("timestamp,value\n2025-01-01 00:00,1\n2025-01-01 01:00,2\n", "need at least 25 hours"),
])
def test_bad_input_is_one_clear_line(tmp_path, capsys, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    code = main(["analytics", "forecast", "--input", str(path), "--horizon", "4", "--output", str(tmp_path / "o.csv")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and message in err[-1] and "Traceback" not in "\n".join(err)
    assert not (tmp_path / "o.csv").exists()


def test_bad_arguments_are_clear(room_csv, tmp_path, capsys):
    assert main(["analytics", "anomalies", "--input", str(room_csv), "--train-until", "soon", "--output", str(tmp_path / "a.csv")]) == 2
    assert "not a timestamp" in capsys.readouterr().err
    assert main(["analytics", "anomalies", "--input", str(room_csv), "--train-until", "2030-01-01", "--output", str(tmp_path / "a.csv")]) == 2
    assert "no readings after" in capsys.readouterr().err
    assert main(["analytics", "forecast", "--input", str(room_csv), "--horizon", "0", "--output", str(tmp_path / "a.csv")]) == 2
    assert "--horizon must be" in capsys.readouterr().err


def test_forecast_with_a_saved_model(room_csv, tmp_path, capsys):
    saved, first, second = tmp_path / "model", tmp_path / "a.csv", tmp_path / "b.csv"
    assert main(["analytics", "forecast", "--input", str(room_csv), "--horizon", "24", "--model", "weekly-median",
                 "--output", str(first), "--save-model", str(saved)]) == 0
    assert main(["analytics", "forecast", "--input", str(room_csv), "--horizon", "24", "--load-model", str(saved),
                 "--output", str(second)]) == 0
    assert "loaded from" in capsys.readouterr().out
    pd.testing.assert_frame_equal(pd.read_csv(first), pd.read_csv(second))


def test_load_model_errors_are_one_line(room_csv, tmp_path, capsys):
    out = tmp_path / "o.csv"
    assert main(["analytics", "forecast", "--input", str(room_csv), "--horizon", "4", "--load-model", str(tmp_path / "none"),
                 "--output", str(out)]) == 2
    assert "no saved model" in capsys.readouterr().err
    assert main(["analytics", "forecast", "--input", str(room_csv), "--horizon", "4", "--load-model", str(tmp_path),
                 "--model", "prophet", "--output", str(out)]) == 2
    assert "do not combine" in capsys.readouterr().err
    assert not out.exists()


def test_timestamps_with_utc_offsets_across_a_clock_change_are_read_on_the_campus_clock(tmp_path, capsys):
    # A building management export: local time with its offset, which changes on 30 March (GMT -> BST). Use follows
    # the wall clock, so the file is read on it: nothing shifts by an hour in summer, nothing fails to parse.
    y = classroom(weeks=14, base=0.5)  # 6 Jan - 13 Apr 2025, classes 08-17 local time
    local = y.index.tz_localize("Europe/London", nonexistent="NaT", ambiguous="NaT")
    keep = ~local.isna()
    path = tmp_path / "bms.csv"
    pd.DataFrame({"timestamp": [t.isoformat() for t in local[keep]], "value": y[keep].round(4).to_numpy()}).to_csv(path, index=False)
    assert "+01:00" in path.read_text() and "+00:00" in path.read_text()
    out = tmp_path / "fc.csv"
    assert main(["analytics", "forecast", "--input", str(path), "--horizon", "24", "--output", str(out)]) == 0
    fc = pd.read_csv(out, parse_dates=["timestamp"]).set_index("timestamp")["yhat"]
    assert fc.index[0] == pd.Timestamp("2025-04-14 00:00")  # Monday, wall clock, after the last reading
    day = fc["2025-04-14 09:00":"2025-04-14 16:00"].mean()
    night = fc["2025-04-14 00:00":"2025-04-14 05:00"].mean()
    assert day > night + 0.8  # the class hours stay at 09-16 local after the change
    an = tmp_path / "an.csv"
    assert main(["analytics", "anomalies", "--input", str(path), "--train-until", "2025-03-23T23:00:00+00:00",
                 "--output", str(an)]) == 0
    rows = pd.read_csv(an, parse_dates=["timestamp"])
    assert rows["timestamp"].iloc[0] == pd.Timestamp("2025-03-24 00:00")
    assert len(rows) == 3 * 168  # the hour the clocks skip is a missing reading, not a lost row
    assert rows["value"].isna().sum() == 1
    # The same readings written without offsets give the same scores, hour for hour.
    naive = tmp_path / "naive.csv"
    pd.DataFrame({"timestamp": y.index[keep].strftime("%Y-%m-%d %H:%M:%S"), "value": y[keep].round(4).to_numpy()}).to_csv(naive, index=False)
    assert main(["analytics", "anomalies", "--input", str(naive), "--train-until", "2025-03-23 23:00", "--output", str(an)]) == 0
    pd.testing.assert_frame_equal(rows, pd.read_csv(an, parse_dates=["timestamp"]))


def test_forecast_with_a_temperature_file(tmp_path, capsys):
    from tests.analytics.test_dayahead_weather import cooled_classroom, weather

    temp = weather()
    y = cooled_classroom(temp).iloc[:-168]  # ends on a Sunday night: the next day is a class day
    readings, temps, hotter = tmp_path / "cr-101.csv", tmp_path / "weather.csv", tmp_path / "hot.csv"
    pd.DataFrame({"timestamp": y.index.strftime("%Y-%m-%d %H:%M"), "value": y.round(4).to_numpy()}).to_csv(readings, index=False)
    pd.DataFrame({"timestamp": temp.index.strftime("%Y-%m-%d %H:%M"), "temperature": temp.round(1)}).to_csv(temps, index=False)
    hot = temp.copy()
    hot.iloc[-168:-144] += 8.0
    pd.DataFrame({"timestamp": hot.index.strftime("%Y-%m-%d %H:%M"), "temperature": hot.round(1)}).to_csv(hotter, index=False)
    totals = []
    for path in (temps, hotter):
        out = tmp_path / f"fc-{path.stem}.csv"
        assert main(["analytics", "forecast", "--input", str(readings), "--horizon", "24", "--weather", str(path),
                     "--output", str(out)]) == 0
        assert capsys.readouterr().out.rstrip().endswith("with the temperature")
        totals.append(pd.read_csv(out)["yhat"].sum())
    assert totals[1] > 1.05 * totals[0]  # a hotter Monday: more AC
    bad = tmp_path / "bad.csv"
    bad.write_text("timestamp,temp_f\n2025-01-06 00:00,71\n")
    assert main(["analytics", "forecast", "--input", str(readings), "--horizon", "4", "--weather", str(bad),
                 "--output", str(tmp_path / "x.csv")]) == 2
    assert "expected columns timestamp,temperature" in capsys.readouterr().err
