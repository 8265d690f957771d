"""Write the Grafana dashboards (overview, devices, energy) from the panel lists below.

    python monitoring/grafana/build_dashboards.py      # rewrites monitoring/grafana/dashboards/*.json

Every query uses only metrics the service exports; tests/monitoring checks each one returns data from a real
Prometheus scraping the running service, and that the JSON files are what this script writes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent / "dashboards"
DATASOURCE = {"type": "prometheus", "uid": "autovolt-prometheus"}
B = '{building=~"$building"}'
RI = "$__rate_interval"

# (title, panel type, unit, [(legend, expr)], width)
OVERVIEW = [
    ("Service up", "stat", "none", [("up", 'up{job="autovolt"}')], 4),
    ("Boards online", "stat", "none", [("online", f"sum(autovolt_boards_online{B})"),
                                       ("registered", f"sum(autovolt_boards{B})")], 5),
    ("Power now", "stat", "watt", [("power", f"sum(autovolt_power_watts{B})")], 5),
    ("Energy, last 24 h", "stat", "watth", [("energy", f"sum(increase(autovolt_energy_wh_total{B}[1d]))")], 5),
    ("Store readable", "stat", "none", [("store", "min(autovolt_store_up)")], 5),
    ("HTTP requests by route", "timeseries", "reqps",
     [("{{route}} {{status}}", f"sum by (route, status) (rate(autovolt_http_requests_total[{RI}]))")], 12),
    ("HTTP latency p95 by route", "timeseries", "s",
     [("{{route}}", f"histogram_quantile(0.95, sum by (le, route) (rate(autovolt_http_request_duration_seconds_bucket[{RI}])))")], 12),
    ("Messages by intent", "timeseries", "short",
     [("{{type}} {{intent}}", "sum by (type, intent) (increase(autovolt_messages_total[1h]))")], 12),
    ("Alerts", "timeseries", "short",
     [("fired", "sum(increase(autovolt_alerts_fired_total[1h]))"),
      ("suppressed", "sum(increase(autovolt_alerts_suppressed_total[1h]))"),
      ("grouped", "sum(increase(autovolt_alerts_grouped_total[1h]))"),
      ("delivered", "sum(increase(autovolt_alerts_delivered_total[1h]))"),
      ("failed", "sum(increase(autovolt_alerts_failed_total[1h]))")], 12),
    ("Scheduler: time since each job last finished", "timeseries", "s",
     [("{{task}}", "time() - autovolt_scheduler_last_run_timestamp_seconds")], 12),
    ("Scheduler: job runs", "timeseries", "short",
     [("{{task}} {{outcome}}", "sum by (task, outcome) (increase(autovolt_scheduler_job_runs_total[1h]))")], 12),
]

DEVICES = [
    ("Boards online per building", "timeseries", "none",
     [("{{building}} online", f"autovolt_boards_online{B}"), ("{{building}} registered", f"autovolt_boards{B}")], 12),
    ("Board status (1 = online)", "table", "none", [("{{board}}", f"autovolt_board_online{B}")], 12),
    ("Device commands by outcome", "timeseries", "short",
     [("{{outcome}}", "sum by (outcome) (increase(autovolt_device_commands_total[1h]))")], 12),
    ("Command confirmation time p95", "timeseries", "s",
     [("p95", f"histogram_quantile(0.95, sum by (le) (rate(autovolt_device_command_confirm_seconds_bucket[{RI}])))")], 12),
    ("Gateway messages by result", "timeseries", "short",
     [("{{result}}", f"sum by (result) (rate(autovolt_gateway_messages_total[{RI}]))")], 12),
    ("Power by room", "timeseries", "watt", [("{{room}}", f"sum by (room) (autovolt_power_watts{B})")], 12),
]

ENERGY = [
    ("Energy per building, last 24 h", "bargauge", "watth",
     [("{{building}}", "sum by (building) (increase(autovolt_energy_wh_total[1d]))")], 12),
    ("Energy by switch type, last 24 h", "piechart", "watth",
     [("{{type}}", f"sum by (type) (increase(autovolt_energy_wh_total{B}[1d]))")], 12),
    ("Power by switch type", "timeseries", "watt", [("{{type}}", f"sum by (type) (autovolt_power_watts{B})")], 12),
    ("Top 10 rooms by power", "bargauge", "watt", [("{{room}}", f"topk(10, sum by (room) (autovolt_power_watts{B}))")], 12),
    ("Power against each room's limit", "timeseries", "percentunit",
     [("{{room}}", f"sum by (building, room) (autovolt_power_watts{B}) / on (building, room) autovolt_room_power_limit_watts")], 12),
    ("Forecast accuracy (backtest WAPE)", "bargauge", "percent", [("{{series}}", "autovolt_forecast_wape")], 12),
    ("Time since last model refit", "table", "s", [("{{series}}", "time() - autovolt_model_last_refit_timestamp_seconds")], 12),
    ("Speech: real-time factor p95", "timeseries", "none",
     [("{{engine}}", f"histogram_quantile(0.95, sum by (le, engine) (rate(autovolt_transcription_real_time_factor_bucket[{RI}])))")], 12),
]

DASHBOARDS = {
    "overview": ("AutoVolt: overview", "autovolt-overview", OVERVIEW),
    "devices": ("AutoVolt: device metrics", "autovolt-devices", DEVICES),
    "energy": ("AutoVolt: energy analytics", "autovolt-energy", ENERGY),
}


def panel(pid: int, x: int, y: int, title: str, kind: str, unit: str, targets: list[tuple[str, str]], width: int) -> dict:
    height = 4 if kind == "stat" else 8
    return {
        "id": pid, "type": kind, "title": title, "datasource": DATASOURCE,
        "gridPos": {"x": x, "y": y, "w": width, "h": height},
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
        "options": {"legend": {"displayMode": "list", "placement": "bottom"}} if kind == "timeseries" else {},
        "targets": [{"refId": chr(ord("A") + i), "datasource": DATASOURCE, "expr": expr, "legendFormat": legend,
                     **({"instant": True, "format": "table"} if kind == "table" else {})}
                    for i, (legend, expr) in enumerate(targets)],
    }


def dashboard(title: str, uid: str, panels: list) -> dict:
    laid, x, y, row_h = [], 0, 0, 0
    for pid, (ptitle, kind, unit, targets, width) in enumerate(panels, start=1):
        if x + width > 24:
            x, y = 0, y + row_h
            row_h = 0
        item = panel(pid, x, y, ptitle, kind, unit, targets, width)
        laid.append(item)
        x += width
        row_h = max(row_h, item["gridPos"]["h"])
    return {
        "uid": uid, "title": title, "tags": ["autovolt"], "timezone": "browser", "schemaVersion": 39, "version": 1,
        "editable": False, "refresh": "30s", "time": {"from": "now-6h", "to": "now"},
        "templating": {"list": [{
            "name": "building", "label": "Building", "type": "query", "datasource": DATASOURCE,
            "query": {"query": "label_values(autovolt_boards, building)", "refId": "building"},
            "definition": "label_values(autovolt_boards, building)", "refresh": 2, "includeAll": True,
            "multi": True, "allValue": ".*", "current": {"text": "All", "value": "$__all"}}]},
        "panels": laid,
    }


def render() -> dict[str, str]:
    return {f"{name}.json": json.dumps(dashboard(title, uid, panels), indent=2) + "\n"
            for name, (title, uid, panels) in DASHBOARDS.items()}


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, text in render().items():
        (OUT / name).write_text(text)
        print(f"wrote {OUT / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
