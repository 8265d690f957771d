"""The monitoring stack, checked for real: promtool, amtool, and a real Prometheus scraping the running service."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import httpx
import pytest
import yaml

from tests.api.support import API_KEY, fixed_context, free_port, prepare_database
from tests.monitoring.live import LiveService

ROOT = Path(__file__).resolve().parents[2]
MON = ROOT / "monitoring"
DASHBOARDS = MON / "grafana" / "dashboards"


def run(*args: str, cwd: Path = MON) -> subprocess.CompletedProcess:
    return subprocess.run(list(args), cwd=cwd, capture_output=True, text=True, timeout=120)


def test_promtool_checks_config_and_rules() -> None:
    config = run("promtool", "check", "config", "prometheus.yml")
    assert config.returncode == 0, config.stdout + config.stderr
    rules = run("promtool", "check", "rules", "alert.rules.yml")
    assert rules.returncode == 0, rules.stdout + rules.stderr


def test_every_alert_rule_has_a_passing_unit_test() -> None:
    result = run("promtool", "test", "rules", "tests/alert.rules.test.yml")
    assert result.returncode == 0, result.stdout + result.stderr
    alerts = {r["alert"] for g in yaml.safe_load((MON / "alert.rules.yml").read_text())["groups"] for r in g["rules"]}
    tested = {case["alertname"] for t in yaml.safe_load((MON / "tests" / "alert.rules.test.yml").read_text())["tests"]
              for case in t.get("alert_rule_test", []) if case.get("exp_alerts")}
    assert alerts == tested, f"alerts without a firing test: {sorted(alerts - tested)}"


def test_amtool_checks_alertmanager_config() -> None:
    result = run("amtool", "check-config", "alertmanager.yml")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("labels, receiver", [
    (["alertname=AutoVoltBuildingBoardsOffline", "severity=critical", "building=block-a"], "autovolt-urgent"),
    (["alertname=AutoVoltBoardOffline", "severity=warning", "building=block-a"], "dashboard-only"),
    (["alertname=AutoVoltPowerSpike", "severity=warning", "building=block-a"], "autovolt"),
    (["alertname=AutoVoltForecastAccuracyLow", "severity=info"], "autovolt"),
])
def test_alertmanager_routes(labels, receiver) -> None:
    result = run("amtool", "config", "routes", "test", "--config.file=alertmanager.yml", *labels)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == receiver


def test_alertmanager_groups_by_building_and_inhibits_board_alerts() -> None:
    config = yaml.safe_load((MON / "alertmanager.yml").read_text())
    assert "building" in config["route"]["group_by"]
    inhibit = config["inhibit_rules"][0]
    assert inhibit["source_matchers"] == ['alertname="AutoVoltBuildingBoardsOffline"']
    assert inhibit["target_matchers"] == ['alertname="AutoVoltBoardOffline"']
    assert inhibit["equal"] == ["building"]
    for receiver in config["receivers"]:
        for hook in receiver.get("webhook_configs", []):
            assert hook["url"].endswith("/api/alerts/alertmanager")
            assert hook["http_config"]["authorization"]["type"] == "Bearer"


def test_dashboards_are_what_the_generator_writes() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_dashboards", MON / "grafana" / "build_dashboards.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    for name, text in module.render().items():
        assert (DASHBOARDS / name).read_text() == text, f"{name} is stale: run python monitoring/grafana/build_dashboards.py"


def test_grafana_provisioning_points_at_the_dashboards() -> None:
    source = yaml.safe_load((MON / "grafana" / "provisioning" / "datasources" / "prometheus.yml").read_text())
    uid = source["datasources"][0]["uid"]
    provider = yaml.safe_load((MON / "grafana" / "provisioning" / "dashboards" / "autovolt.yml").read_text())
    path = provider["providers"][0]["options"]["path"]
    compose = yaml.safe_load((MON / "docker-compose.yml").read_text())
    mounts = compose["services"]["grafana"]["volumes"]
    assert f"./grafana/dashboards:{path}:ro" in mounts
    for file in DASHBOARDS.glob("*.json"):
        board = json.loads(file.read_text())
        for panel in board["panels"]:
            assert panel["datasource"]["uid"] == uid
    for service in ("autovolt", "prometheus", "alertmanager", "grafana", "node-exporter"):
        assert service in compose["services"]


def _panel_queries() -> list[tuple[str, str, str]]:
    queries = []
    for file in sorted(DASHBOARDS.glob("*.json")):
        board = json.loads(file.read_text())
        for panel in board["panels"]:
            for target in panel["targets"]:
                queries.append((file.stem, panel["title"], target["expr"]))
    return queries


@pytest.fixture(scope="module")
def prometheus_on_live_service(tmp_path_factory: pytest.TempPathFactory):
    from autovolt.http_api import create_app

    folder = tmp_path_factory.mktemp("monitoring-live")
    url = prepare_database(folder)
    app = create_app(context=fixed_context(url))
    with LiveService(app, url) as service:
        with httpx.Client(base_url=service.url, headers={"X-API-Key": API_KEY}, timeout=60) as client:
            # Traffic of every kind the dashboards show.
            assert client.post("/api/voice/process", json={"command": "turn off the fans in lab 2"}).status_code == 200
            assert client.post("/api/forecast/energy", json={"room_id": "cr-101", "periods": 6}).status_code == 200
            assert client.get("/metrics").status_code == 200
        shipped = yaml.safe_load((MON / "prometheus.yml").read_text())
        shipped["global"].update(scrape_interval="1s", evaluation_interval="1s")
        shipped.pop("alerting")
        shipped["rule_files"] = [str(MON / "alert.rules.yml")]
        shipped["scrape_configs"] = [dict(shipped["scrape_configs"][0], static_configs=[{"targets": [f"127.0.0.1:{service.port}"]}])]
        config = folder / "prometheus.yml"
        config.write_text(yaml.safe_dump(shipped))
        port = free_port()
        proc = subprocess.Popen(["prometheus", f"--config.file={config}", f"--storage.tsdb.path={folder / 'tsdb'}",
                                 f"--web.listen-address=127.0.0.1:{port}"], stdout=subprocess.DEVNULL,
                                stderr=(folder / "prometheus.log").open("w"))
        try:
            base = f"http://127.0.0.1:{port}"
            with httpx.Client(base_url=base, timeout=10) as prom:
                deadline = time.monotonic() + 60
                while True:
                    try:
                        if prom.get("/-/ready").status_code == 200:
                            break
                    except httpx.TransportError:
                        pass
                    if time.monotonic() > deadline or proc.poll() is not None:
                        raise RuntimeError("prometheus did not start: " + (folder / "prometheus.log").read_text()[-2000:])
                    time.sleep(0.2)
                # Enough scrapes for rates and increases (two samples in every window), and rule evaluations.
                while time.monotonic() < deadline:
                    count = prom.get("/api/v1/query", params={"query": 'count_over_time(up{job="autovolt"}[1m])'}).json()
                    result = count["data"]["result"]
                    if result and float(result[0]["value"][1]) >= 8:
                        break
                    time.sleep(0.5)
                yield prom
        finally:
            proc.terminate()
            proc.wait(10)


@pytest.mark.slow
def test_prometheus_scrapes_the_service(prometheus_on_live_service) -> None:
    targets = prometheus_on_live_service.get("/api/v1/targets").json()["data"]["activeTargets"]
    assert [t["health"] for t in targets] == ["up"], targets


@pytest.mark.slow
def test_alert_rules_evaluate_without_errors(prometheus_on_live_service) -> None:
    groups = prometheus_on_live_service.get("/api/v1/rules").json()["data"]["groups"]
    rules = [r for g in groups for r in g["rules"]]
    shipped = [r["alert"] for g in yaml.safe_load((MON / "alert.rules.yml").read_text())["groups"] for r in g["rules"]]
    assert sorted(r["name"] for r in rules) == sorted(shipped) and len(rules) == 12
    assert all(r["health"] == "ok" for r in rules), [(r["name"], r.get("lastError")) for r in rules if r["health"] != "ok"]


@pytest.mark.slow
def test_every_dashboard_panel_returns_data(prometheus_on_live_service) -> None:
    empty = []
    for board, title, expr in _panel_queries():
        query = expr.replace("$building", ".*").replace("$__rate_interval", "30s")
        answer = prometheus_on_live_service.get("/api/v1/query", params={"query": query}).json()
        assert answer["status"] == "success", (board, title, answer)
        if not answer["data"]["result"]:
            empty.append(f"{board}: {title}: {expr}")
    assert not empty, "panels with no data:\n" + "\n".join(empty)


@pytest.mark.slow
def test_live_values_are_the_services(prometheus_on_live_service) -> None:
    def value(query: str) -> float:
        result = prometheus_on_live_service.get("/api/v1/query", params={"query": query}).json()["data"]["result"]
        assert result, query
        return float(result[0]["value"][1])

    assert value('sum(autovolt_boards)') == 13
    assert value('sum(autovolt_boards_online)') >= 1  # the simulated fleet reports through the gateway
    assert value('sum(autovolt_device_commands_total{outcome="confirmed"})') == 3
    assert value('sum(autovolt_energy_wh_total)') > 1e5  # six weeks of demo history
    assert value('count(autovolt_forecast_wape)') >= 1
