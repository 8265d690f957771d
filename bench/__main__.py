"""One command for the benchmarks behind docs/benchmarks.md: `python -m bench SUITE [SUITE ...]` (or `make bench`).

Each suite runs the documented commands in turn, as documented (the analytics scripts from inside `bench/`, the
others from the project root), and stops at the first that fails. `python -m bench` alone lists the suites and
their commands. The analytics suites need the Cambridge Estates data in ../shared (the scripts say so if it is
missing); the rest generate their own data and need only the local broker and database of the test suite.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable

# suite -> [(working directory relative to the root, argv after the interpreter)]
SUITES: dict[str, list[tuple[str, list[str]]]] = {
    # Issue 6's figures: forecasts from every Monday of 2019, anomalies injected into 2019 and the 1,000-series scan.
    # With --weather forecast the models get a simulated day-ahead temperature forecast (the service's weather feed).
    "analytics": [("bench", ["analytics_forecast.py", "--runs", "5", "--weather", "forecast"]),
                  ("bench", ["analytics_forecast.py", "--runs", "3", "--weather", "forecast", "--pool", "lobo"]),
                  ("bench", ["analytics_forecast.py", "--runs", "0"]),
                  ("bench", ["analytics_anomalies.py", "--runs", "5"]),
                  ("bench", ["analytics_anomaly_bound.py"]),
                  ("bench", ["analytics_anomaly_bound.py", "--budget", "0.33"]),
                  (".", ["bench/analytics_general.py", "--variant", "held-out", "--seeds", "300:320"])],
    # The years the analytics were tuned on (never 2019).
    "analytics-tuning": [("bench", ["analytics_forecast.py", "--year", "2018", "--runs", "0", "--weather", "forecast"]),
                         ("bench", ["analytics_forecast.py", "--year", "2018", "--runs", "0", "--weather", "forecast",
                                    "--pool", "lobo"]),
                         ("bench", ["analytics_forecast.py", "--year", "2018", "--runs", "0"]),
                         ("bench", ["analytics_anomalies.py", "--year", "2018", "--seed", "7", "--series", "0"]),
                         ("bench", ["analytics_anomalies.py", "--year", "2017", "--seed", "7", "--series", "0"]),
                         (".", ["bench/analytics_general.py", "--variant", "dev", "--seeds", "0:8"])],
    "refit": [(".", ["bench/analytics_refit.py", "--series", "1000", "--workers", "2", "--mode", "choose"]),
              (".", ["bench/analytics_refit.py", "--series", "1000", "--workers", "2", "--mode", "reuse"]),
              (".", ["bench/analytics_refit.py", "--series", "1000", "--workers", "2", "--mode", "choose", "--pool"]),
              (".", ["bench/analytics_refit.py", "--series", "1000", "--workers", "2", "--mode", "reuse", "--pool"])],
    "speech": [(".", ["-m", "bench.speech_bench", "--count", "120"])],
    # Issue 15: the two passes on the spoken corpus's dev part (thresholds), then latency and memory of the engine.
    "speech-twopass": [(".", ["-m", "bench.speech_twopass", "--part", "dev", "--every", "2"]),
                       (".", ["-m", "bench.speech_twopass", "--latency", "--runs", "3"]),
                       (".", ["-m", "bench.whisper_threads", "--threads", "1,2", "--rounds", "5"])],
    # Issue 15: the hand-written spoken corpus (held-out part) in a neural voice and espeak-ng, clean and at 10 dB.
    "speech-natural": [(".", ["-m", "bench.speech_natural", "--split", "test"])],
    "nlu": [(".", ["-m", "bench.nlu_score"]), (".", ["-m", "bench.nlu_bench"])],
    "alerts": [(".", ["bench/alerts_scan.py"]), (".", ["bench/alerts_delivery.py"])],
    "devices": [(".", ["bench/devices_latency.py", "--runs", "3", "--commands", "150"]),
                (".", ["bench/devices_ingest.py", "--db", "both", "--mode", "both", "--runs", "3", "--seconds", "20"]),
                (".", ["bench/devices_reconnect.py", "--runs", "3", "--outages", "5,15,30"])],
    "bot": [(".", ["bench/bot_latency.py", "--texts", "30", "--voices", "10", "--burst", "500", "--runs", "3"])],
    "api": [(".", ["bench/api_voice.py", "--runs", "3", "--seconds", "8"])],
}


def _listing() -> str:
    lines = ["suites (python -m bench SUITE [SUITE ...]; 'all' runs every one, which takes most of an hour):"]
    for name, steps in SUITES.items():
        lines.append(f"  {name}")
        lines += [f"      {'cd bench && ' if cwd == 'bench' else ''}python {' '.join(argv)}" for cwd, argv in steps]
    return "\n".join(lines)


def run(names: list[str]) -> int:
    for name in names:
        for cwd, argv in SUITES[name]:
            shown = f"{'cd bench && ' if cwd == 'bench' else ''}python {' '.join(argv)}"
            print(f"\n== {name}: {shown}", flush=True)
            started = time.perf_counter()
            code = subprocess.call([PY, *argv], cwd=ROOT / cwd)
            print(f"== {name}: exit {code} after {time.perf_counter() - started:.0f} s", flush=True)
            if code != 0:
                return code
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("suites", nargs="*", metavar="SUITE", help=f"one of: {', '.join(SUITES)}, all")
    args = parser.parse_args(argv)
    if not args.suites:
        print(_listing())
        return 0
    unknown = [s for s in args.suites if s != "all" and s not in SUITES]
    if unknown:
        parser.error(f"unknown suite {', '.join(unknown)}; choose from {', '.join(SUITES)} or all")
    return run(list(SUITES) if "all" in args.suites else args.suites)


if __name__ == "__main__":
    sys.exit(main())
