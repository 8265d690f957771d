"""`autovolt analytics forecast|anomalies|patterns`: the analytics core on hourly CSV files; `refit`: the nightly
forecast-model refit on the rooms' stored readings, run now."""

from __future__ import annotations

import argparse
import csv
import logging
from pathlib import Path

import numpy as np
import pandas as pd

from autovolt.cli import UserError

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    group = subparsers.add_parser("analytics", help="forecasts, anomalies and usage patterns from hourly CSV files; model refit")
    sub = group.add_subparsers(dest="analytics_command", metavar="ACTION", required=True)

    fc = sub.add_parser("forecast", help="forecast the next hours of one series (columns timestamp,value)")
    fc.add_argument("--input", required=True, type=Path, help="hourly CSV with columns timestamp,value")
    fc.add_argument("--horizon", required=True, type=int, help="hours to forecast")
    fc.add_argument("--model", default="auto", help="auto (choose by backtest) or a model name: "
                    "seasonal-naive, naive-daily, weekly-median, lag-boost, blend, prophet")
    fc.add_argument("--output", required=True, type=Path, help="CSV to write: timestamp,yhat,yhat_lower,yhat_upper")
    _calendar_args(fc)
    fc.add_argument("--save-model", type=Path, help="folder to save the fitted model in (no pickle)")
    fc.add_argument("--load-model", type=Path, help="forecast with a model saved by --save-model (no fit, no backtest; "
                    "the input CSV is the recent history the model conditions on)")
    fc.add_argument("--series-key", default=None, help="id recorded in the model run (default: the input file name)")
    fc.add_argument("--weather", type=Path, help="hourly CSV with columns timestamp,temperature (outdoor, deg C): "
                                                 "observed over the input's span and forecast for the hours ahead")
    fc.set_defaults(func=cmd_forecast)

    an = sub.add_parser("anomalies", help="fit on readings up to a time, score every later hour")
    an.add_argument("--input", required=True, type=Path, help="hourly CSV with columns timestamp,value")
    an.add_argument("--train-until", required=True, help="last timestamp used for fitting, e.g. 2019-06-30T23:00")
    an.add_argument("--output", required=True, type=Path, help="CSV to write: timestamp,value,score,is_anomaly")
    an.add_argument("--events", type=Path, help="also write the grouped events (start,end,kind,severity,score,reason)")
    an.add_argument("--unit", default="kW", help="unit of the readings, used in the event descriptions")
    an.set_defaults(func=cmd_anomalies)

    pa = sub.add_parser("patterns", help="group series by how they are used (KMeans on daily shapes)")
    pa.add_argument("--input", required=True, type=Path,
                    help="CSV with columns series,timestamp,value (long) or timestamp,<one column per series> (wide)")
    pa.add_argument("--k", type=int, default=None, help="number of groups (default: chosen by silhouette)")
    pa.add_argument("--output", type=Path, help="CSV to write: series,cluster,peak_hour,weekend_ratio,daily_energy")
    pa.set_defaults(func=cmd_patterns)

    rf = sub.add_parser("refit", help="run the nightly forecast-model refit now, on the rooms' stored readings")
    rf.add_argument("--room", action="append", dest="rooms", metavar="ID", help="only this room (repeatable)")
    rf.add_argument("--json", action="store_true", help="print the results as JSON")
    rf.add_argument("--workers", type=int, default=None, metavar="N",
                    help="worker processes fitting models (default: min(2, CPUs); 1: in this process)")
    rf.set_defaults(func=cmd_refit)


def _calendar_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--campus", type=Path, help="campus YAML: its country's holidays and its terms feed the models")
    parser.add_argument("--country", help="ISO country code for public holidays (overrides the campus file)")


def _calendar(args: argparse.Namespace):
    from analytics.calendar import CampusCalendar

    country = args.country.upper() if args.country else None
    if args.campus:
        from store.campus import CampusFileError, load_campus_file

        try:
            campus = load_campus_file(args.campus)
        except FileNotFoundError:
            raise UserError(f"{args.campus}: no such file") from None
        except CampusFileError as exc:
            raise UserError(str(exc).splitlines()[0]) from None
        return CampusCalendar.of_campus(campus, country=country)
    return CampusCalendar(country=country)


def _read_csv(path: Path) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except pd.errors.EmptyDataError:
        raise UserError(f"{path}: empty file") from None
    except (pd.errors.ParserError, UnicodeDecodeError, OSError) as exc:
        raise UserError(f"{path}: not a readable CSV: {str(exc).splitlines()[0]}") from None
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    if frame.empty:
        raise UserError(f"{path}: no data rows")
    return frame


def _parse_rows(path: Path, frame: pd.DataFrame, time_col: str = "timestamp", value_col: str = "value") -> tuple[pd.Series, pd.Series]:
    """Timestamps and values with one-line errors naming the first bad CSV line (header = line 1)."""
    from analytics.series import wall_clock

    raw_t = frame[time_col].str.strip()
    stamps = pd.to_datetime(wall_clock(raw_t), errors="coerce", format="mixed")
    bad = stamps.isna()
    if bad.any():
        first = int(np.flatnonzero(bad.to_numpy())[0])
        raise UserError(f"{path}: {int(bad.sum())} row(s) with an unreadable timestamp, first at line {first + 2}: {raw_t.iloc[first]!r}")
    raw_v = frame[value_col].str.strip()
    values = pd.to_numeric(raw_v.replace({"": None, "nan": None, "NaN": None, "NA": None}), errors="coerce")
    bad_v = values.isna() & raw_v.ne("") & ~raw_v.str.lower().isin(["nan", "na"])
    if bad_v.any():
        first = int(np.flatnonzero(bad_v.to_numpy())[0])
        raise UserError(f"{path}: {int(bad_v.sum())} row(s) with a value that is not a number, first at line {first + 2}: {raw_v.iloc[first]!r}")
    return stamps, values.astype(float)


def _read_series(path: Path) -> pd.Series:
    from analytics.series import hourly_series

    frame = _read_csv(path)
    missing = [c for c in ("timestamp", "value") if c not in frame.columns]
    if missing:
        raise UserError(f"{path}: expected columns timestamp,value; missing {','.join(missing)} (found {','.join(frame.columns)})")
    stamps, values = _parse_rows(path, frame)
    return hourly_series(pd.DataFrame({"timestamp": stamps, "value": values}))


def _read_weather(path: Path | None) -> pd.Series | None:
    """The --weather file as an hourly temperature series on its own wall clock (as the readings are read)."""
    if path is None:
        return None
    frame = _read_csv(path)
    missing = [c for c in ("timestamp", "temperature") if c not in frame.columns]
    if missing:
        raise UserError(f"{path}: expected columns timestamp,temperature; missing {','.join(missing)} "
                        f"(found {','.join(frame.columns)})")
    stamps, values = _parse_rows(path, frame, value_col="temperature")
    temp = pd.Series(values.to_numpy(), index=pd.DatetimeIndex(stamps)).dropna()
    temp = temp[~temp.index.duplicated(keep="last")].sort_index()
    if temp.empty:
        raise UserError(f"{path}: no temperatures in the file")
    from autovolt.weather_feed import PLAUSIBLE_C

    if ((temp < PLAUSIBLE_C[0]) | (temp > PLAUSIBLE_C[1])).any():
        raise UserError(f"{path}: temperatures must be in degrees Celsius (found {temp.min():g} to {temp.max():g})")
    return temp.resample("h").mean()


def _write_csv(path: Path, frame: pd.DataFrame) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        frame.to_csv(path, index=False, float_format="%.6g", quoting=csv.QUOTE_MINIMAL)
    except OSError as exc:
        raise UserError(f"{path}: cannot write: {exc.strerror or exc}") from None


def _stamp_text(index: pd.DatetimeIndex) -> list[str]:
    return [t.isoformat() for t in index]


def cmd_forecast(args: argparse.Namespace) -> int:
    from analytics.forecast import ForecastError, forecast
    from analytics.persistence import save_model
    from analytics.tracking import log_model_run

    if args.horizon < 1 or args.horizon > 24 * 366:
        raise UserError(f"--horizon must be between 1 and {24 * 366} hours; got {args.horizon}")
    series = _read_series(args.input)
    weather = _read_weather(args.weather)
    if args.load_model:
        return _forecast_loaded(args, series, weather)
    calendar = _calendar(args)
    try:
        result, selection = forecast(series, args.horizon, model=args.model, calendar=calendar,
                                     series_key=args.series_key or args.input.stem, weather=weather)
    except ForecastError as exc:
        raise UserError(f"{args.input}: {exc}") from None
    out = pd.DataFrame({"timestamp": _stamp_text(result.index), "yhat": result["yhat"].to_numpy(),
                        "yhat_lower": result["yhat_lower"].to_numpy(), "yhat_upper": result["yhat_upper"].to_numpy()})
    _write_csv(args.output, out)
    run = selection.run
    if args.save_model:
        run = run.with_artifact(str(save_model(selection.model, args.save_model)))
    log_model_run(run)
    chosen = next((v for k, v in run.scores.items() if k.split("[")[0].split("+")[0] == run.model
                   and ("+correction" in k) == bool(run.params.get("correct"))), None)
    detail = f" backtest MASE {chosen['mase']:.3f}" if chosen and chosen.get("mase") is not None else ""
    versus = run.backtest.get("versus_baseline")
    if detail and versus and versus.get("baseline_mase") is not None and not versus["is_baseline"]:
        detail += (f" (same hour last week {versus['baseline_mase']:.3f}; better on {versus['origins_better']} of "
                   f"{versus['origins']} weeks)")
    elif detail and versus and versus["is_baseline"]:
        detail += " (same hour last week: no model beat it clearly)"
    uses = getattr(selection.model.direct, "uses_weather", False)
    note = "" if weather is None else (" with the temperature" if uses else
                                        " (temperature not used: it covers under 80 % of the input's hours)")
    print(f"model {run.model}{' + short-term correction' if run.params.get('correct') else ''};{detail} "
          f"{args.horizon} hours written to {args.output}{note}")
    return 0


def _forecast_loaded(args: argparse.Namespace, series: pd.Series, weather: pd.Series | None = None) -> int:
    from analytics.persistence import ModelFileError, load_model
    from analytics.series import usable

    if args.model != "auto" or args.save_model:
        raise UserError("--load-model forecasts with the saved model as is: do not combine it with --model or --save-model")
    try:
        model = load_model(args.load_model)
    except ModelFileError as exc:
        raise UserError(str(exc).splitlines()[0]) from None
    except (OSError, KeyError, ValueError) as exc:
        raise UserError(f"{args.load_model}: cannot load the saved model: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None
    if int(usable(series).notna().sum()) < 25:
        raise UserError(f"{args.input}: need at least 25 hours of readings to forecast from")
    result = model.forecast(series, args.horizon, weather=weather)
    out = pd.DataFrame({"timestamp": _stamp_text(result.index), "yhat": result["yhat"].to_numpy(),
                        "yhat_lower": result["yhat_lower"].to_numpy(), "yhat_upper": result["yhat_upper"].to_numpy()})
    _write_csv(args.output, out)
    print(f"model {model.name} loaded from {args.load_model}{' + short-term correction' if model.params.get('correct') else ''}; "
          f"{args.horizon} hours written to {args.output}")
    return 0


def cmd_anomalies(args: argparse.Namespace) -> int:
    from analytics.detect import detect_anomalies
    from analytics.series import wall_clock

    until = pd.to_datetime(wall_clock(pd.Series([args.train_until])).iloc[0], errors="coerce")
    if pd.isna(until):
        raise UserError(f"--train-until: not a timestamp: {args.train_until!r}")
    series = _read_series(args.input)
    try:
        found = detect_anomalies(series, until, unit=args.unit, key=args.input.stem)
    except ValueError as exc:
        raise UserError(f"{args.input}: {exc}") from None
    rows = found.rows
    out = pd.DataFrame({"timestamp": _stamp_text(rows.index), "value": rows["value"].to_numpy(),
                        "score": rows["score"].to_numpy(), "is_anomaly": rows["is_anomaly"].astype(bool).to_numpy()})
    _write_csv(args.output, out)
    if args.events:
        _write_csv(args.events, pd.DataFrame([{"start": e.start.isoformat(), "end": e.end.isoformat(), "kind": e.kind,
                                               "severity": e.severity, "score": e.score, "reason": e.reason}
                                              for e in found.events], columns=["start", "end", "kind", "severity", "score", "reason"]))
    for event in found.events:
        print(f"{event.severity:6} {event.kind:18} {event.reason}")
    print(f"{int(rows['is_anomaly'].sum())} anomalous hours in {len(found.events)} events among {len(rows)} hours; written to {args.output}")
    return 0


def _read_many(path: Path) -> pd.DataFrame:
    frame = _read_csv(path)
    key_col = next((c for c in ("series", "room", "series_key", "switch", "id") if c in frame.columns), None)
    if key_col and {"timestamp", "value"} <= set(frame.columns):
        stamps, values = _parse_rows(path, frame)
        long = pd.DataFrame({"key": frame[key_col].str.strip(), "timestamp": stamps, "value": values})
        wide = long.pivot_table(index="timestamp", columns="key", values="value", aggfunc="mean")
    elif "timestamp" in frame.columns and len(frame.columns) > 1:
        stamps, _ = _parse_rows(path, frame.assign(value="0"))
        wide = pd.DataFrame(index=pd.DatetimeIndex(stamps))
        for col in frame.columns:
            if col == "timestamp":
                continue
            _, values = _parse_rows(path, frame.assign(value=frame[col]))
            wide[col] = values.to_numpy()
        wide = wide.groupby(level=0).mean()
    else:
        raise UserError(f"{path}: expected columns series,timestamp,value or timestamp plus one column per series "
                        f"(found {','.join(frame.columns)})")
    wide = wide.sort_index()
    return wide.resample("h").mean()


def cmd_patterns(args: argparse.Namespace) -> int:
    from analytics.patterns import cluster_usage

    data = _read_many(args.input)
    try:
        result = cluster_usage(data, k=args.k)
    except ValueError as exc:
        raise UserError(f"{args.input}: {exc}") from None
    sil = f"silhouette {result.silhouette:.3f}" if result.silhouette is not None else "silhouette n/a"
    print(f"{len(result.profiles)} series in {result.k} groups ({sil})")
    for c in result.clusters:
        ratio = f"{c.weekend_ratio:.2f}" if np.isfinite(c.weekend_ratio) else "n/a"
        print(f"group {c.cluster}: {c.label}; weekend/weekday {ratio}; typical day {c.daily_energy:.3g}; "
              f"{len(c.members)} series: {', '.join(c.members[:10])}{' ...' if len(c.members) > 10 else ''}")
    if args.output:
        by_key = {p.key: p for p in result.profiles}
        rows = [{"series": key, "cluster": label, "peak_hour": by_key[key].peak_hour, "weekend_ratio": by_key[key].weekend_ratio,
                 "daily_energy": by_key[key].daily_energy} for key, label in result.assignment.items()]
        _write_csv(args.output, pd.DataFrame(rows))
    return 0


def cmd_refit(args: argparse.Namespace) -> int:
    """The nightly job (autovolt.model_refit), now: one line per series, or JSON; exit 1 if any series failed."""
    import json

    from autovolt.model_refit import run_refit
    from autovolt.settings import load_settings

    if args.workers is not None and args.workers < 1:
        raise UserError("--workers must be at least 1")
    settings = load_settings()
    on_result = None if args.json else (lambda r: print(r.line(), flush=True))
    try:
        results = run_refit(settings.effective_database_url, settings.data_dir, room_ids=args.rooms, on_result=on_result,
                             workers=args.workers, dask_scheduler=settings.dask_scheduler)
    except LookupError as exc:
        raise UserError(str(exc)) from None
    if args.json:
        print(json.dumps([r.as_dict() for r in results], indent=1))
    return 1 if any(r.status == "failed" for r in results) else 0
