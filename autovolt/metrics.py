"""The one Prometheus registry of the service and every metric object the packages increment.

Import the objects (or the small helpers below) from here; never create a metric elsewhere, so /metrics, the
alert rules and the dashboards agree on names and labels. Labels are kept low-cardinality: building, room, switch
type, board, job, series; never a user, a message or a reading.

State that already lives somewhere (the readings store, the device gateway's counters) is read at scrape time by
the collectors at the end of this module instead of being copied into gauges.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from devices.plausibility import REASONS

log = logging.getLogger(__name__)

REGISTRY = CollectorRegistry(auto_describe=True)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

# Known label values are exported at zero from the start, so rates and dashboard panels have a series to show.
MESSAGE_TYPES = ("text", "voice", "callback", "command")
INTENTS = ("device_control", "status_query", "energy_query", "forecast_query", "schedule_query", "alerts_query",
           "help", "unknown")
COMMAND_OUTCOMES = ("confirmed", "unconfirmed", "offline", "unreachable", "refused", "unknown")
ALERT_TYPES = ("left_on", "stuck_on", "offline", "anomaly", "power_spike", "prometheus")
SPEECH_ENGINES = ("pocketsphinx", "vosk")

_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

# --- service -------------------------------------------------------------------------------------------------------
BUILD_INFO = Gauge("autovolt_build_info", "Always 1; the version label says which build runs", ["version"],
                   registry=REGISTRY)
START_TIME = Gauge("autovolt_start_time_seconds", "Unix time the service process started", registry=REGISTRY)

# --- HTTP API ------------------------------------------------------------------------------------------------------
HTTP_REQUESTS = Counter("autovolt_http_requests", "HTTP requests answered, by route template and status code",
                        ["method", "route", "status"], registry=REGISTRY)
HTTP_LATENCY = Histogram("autovolt_http_request_duration_seconds", "Time to answer an HTTP request, by route template",
                         ["method", "route"], buckets=_LATENCY_BUCKETS, registry=REGISTRY)
HTTP_IN_FLIGHT = Gauge("autovolt_http_requests_in_flight", "HTTP requests being answered now", registry=REGISTRY)

# --- conversation and speech -------------------------------------------------------------------------------------
MESSAGES = Counter("autovolt_messages", "Messages handled (Telegram, HTTP, terminal), by type and understood intent",
                   ["type", "intent"], registry=REGISTRY)
TRANSCRIPTION_SECONDS = Histogram("autovolt_transcription_seconds", "Time to decode and transcribe one voice message",
                                  ["engine"], buckets=(0.1, 0.25, 0.5, 1, 2, 3, 5, 8, 13, 20, 30, 60), registry=REGISTRY)
TRANSCRIPTION_RTF = Histogram("autovolt_transcription_real_time_factor",
                              "Transcription time divided by audio length (below 1 = faster than real time)",
                              ["engine"], buckets=(0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 5.0), registry=REGISTRY)

# --- devices -------------------------------------------------------------------------------------------------------
DEVICE_COMMANDS = Counter("autovolt_device_commands", "Switch commands by outcome: confirmed, unconfirmed (no report "
                          "in time), offline (board offline, not sent), unreachable (broker link down, not sent), refused (not "
                          "allowed), unknown (no such switch)",
                          ["outcome"], registry=REGISTRY)
DEVICE_CONFIRM_SECONDS = Histogram("autovolt_device_command_confirm_seconds",
                                   "Time from sending a switch command to the board's report of the new state",
                                   buckets=(0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5), registry=REGISTRY)

# --- alerts --------------------------------------------------------------------------------------------------------
ALERTS_FIRED = Counter("autovolt_alerts_fired", "Alert episodes that started, by alert type", ["type"], registry=REGISTRY)
ALERTS_SUPPRESSED = Counter("autovolt_alerts_suppressed", "Alert notifications held back (cooldown, quiet hours, "
                            "muted, acknowledged, snoozed)", ["type"], registry=REGISTRY)
ALERTS_GROUPED = Counter("autovolt_alerts_grouped", "Alerts folded into a grouped notification", ["type"],
                         registry=REGISTRY)
ALERTS_DELIVERED = Counter("autovolt_alerts_delivered", "Alert messages delivered to a recipient", ["type"],
                           registry=REGISTRY)
ALERTS_FAILED = Counter("autovolt_alerts_failed", "Alert messages that could not be delivered (after retries)",
                        ["type"], registry=REGISTRY)

# --- scheduler (label `task`, not `job`: Prometheus keeps `job` for the scrape job) --------------------------
SCHEDULER_RUNS = Counter("autovolt_scheduler_job_runs", "Scheduled job runs by job and outcome (ok, error)",
                         ["task", "outcome"], registry=REGISTRY)
SCHEDULER_DURATION = Histogram("autovolt_scheduler_job_duration_seconds", "Duration of scheduled job runs", ["task"],
                               buckets=(0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300), registry=REGISTRY)
SCHEDULER_LAST_RUN = Gauge("autovolt_scheduler_last_run_timestamp_seconds", "Unix time a job last finished", ["task"],
                           registry=REGISTRY)
SCHEDULER_INTERVAL = Gauge("autovolt_scheduler_job_interval_seconds", "How often a job is meant to run", ["task"],
                           registry=REGISTRY)

# --- analytics -----------------------------------------------------------------------------------------------------
# WAPE (total absolute error / total use), not MAPE: MAPE explodes on a room that reads zero every weekend.
FORECAST_WAPE = Gauge("autovolt_forecast_wape", "Backtest WAPE (%) of the forecast model in use, per series",
                      ["series"], registry=REGISTRY)
MODEL_LAST_REFIT = Gauge("autovolt_model_last_refit_timestamp_seconds", "Unix time a series' model was last fitted",
                         ["series"], registry=REGISTRY)


def _initialise_known_labels() -> None:
    for kind in MESSAGE_TYPES:
        for intent in INTENTS:
            MESSAGES.labels(type=kind, intent=intent)
    for outcome in COMMAND_OUTCOMES:
        DEVICE_COMMANDS.labels(outcome=outcome)
    for alert_type in ALERT_TYPES:
        for counter in (ALERTS_FIRED, ALERTS_SUPPRESSED, ALERTS_GROUPED, ALERTS_DELIVERED, ALERTS_FAILED):
            counter.labels(type=alert_type)
    for engine in SPEECH_ENGINES:
        TRANSCRIPTION_SECONDS.labels(engine=engine)
        TRANSCRIPTION_RTF.labels(engine=engine)


_initialise_known_labels()
START_TIME.set(time.time())


def set_build_info(version: str) -> None:
    BUILD_INFO.labels(version=version).set(1)


# --- helpers the packages call -----------------------------------------------------------------------------------

def record_message(kind: str, intent: str) -> None:
    """One handled message; `kind` is text/voice/callback/command, `intent` the parser's intent."""
    MESSAGES.labels(type=kind, intent=intent if intent in INTENTS else "unknown").inc()


def record_transcription(engine: str, seconds: float, audio_s: float) -> None:
    TRANSCRIPTION_SECONDS.labels(engine=engine).observe(seconds)
    if audio_s > 0:
        TRANSCRIPTION_RTF.labels(engine=engine).observe(seconds / audio_s)


def record_switch_results(results: Iterable[Any]) -> None:
    """Count `devices.model.SwitchResult`s (anything with `.outcome` and `.latency_s`) by outcome."""
    for result in results:
        outcome = str(getattr(result.outcome, "value", result.outcome))
        DEVICE_COMMANDS.labels(outcome=outcome if outcome in COMMAND_OUTCOMES else "unknown").inc()
        if getattr(result, "latency_s", None) is not None:
            DEVICE_CONFIRM_SECONDS.observe(result.latency_s)


def record_refused(count: int = 1) -> None:
    """Commands the bot would not send (the user may not control that room)."""
    DEVICE_COMMANDS.labels(outcome="refused").inc(count)


@contextlib.contextmanager
def scheduler_job(job: str, interval_s: float | None = None) -> Iterator[None]:
    """Time one run of a scheduled job: `with scheduler_job("alert-scan", 60): scan()`. An exception counts as
    an error run and is re-raised; the last-run time moves only on success, so a failing job looks stalled."""
    if interval_s is not None:
        SCHEDULER_INTERVAL.labels(task=job).set(interval_s)
    started = time.perf_counter()
    try:
        yield
    except BaseException:
        SCHEDULER_RUNS.labels(task=job, outcome="error").inc()
        SCHEDULER_DURATION.labels(task=job).observe(time.perf_counter() - started)
        raise
    SCHEDULER_RUNS.labels(task=job, outcome="ok").inc()
    SCHEDULER_DURATION.labels(task=job).observe(time.perf_counter() - started)
    SCHEDULER_LAST_RUN.labels(task=job).set(time.time())


def record_model_fit(series: str, wape: float | None, fitted_at: dt.datetime | None = None) -> None:
    """A forecast model was (re)fitted for `series` (a room, building or switch id) with backtest `wape` in %."""
    if wape is not None and wape == wape:  # NaN means "not scored": keep the last known accuracy
        FORECAST_WAPE.labels(series=series).set(wape)
    MODEL_LAST_REFIT.labels(series=series).set((fitted_at or dt.datetime.now(dt.timezone.utc)).timestamp())


def exposition() -> bytes:
    """The text exposition of everything registered."""
    return generate_latest(REGISTRY)


# --- collectors: state read at scrape time -------------------------------------------------------------------------

class StoreCollector(Collector):
    """Power, energy and board liveness from the store, refreshed at most every `refresh_s` seconds.

    - `autovolt_energy_wh_total{building,room,type}`: sum of every reading's interval energy. Readings are only ever
      added, so after the first full sum only rows with a larger id are read. A late sample's row may carry a
      negative correction (devices/stored_energy.py); a counter never goes down, so the value shown holds until
      the sum passes it again.
    - `autovolt_power_watts{building,room,type}`: relay switches count their rated watts while the store says they are
      on; a switch whose state is unknown uses its latest reading of the last `power_window`; metered boards their
      latest meter power (type `meter`).
    - `autovolt_board_online{building,room,board}` and `autovolt_boards_online{building}` / `autovolt_boards{building}`.
    """

    def __init__(self, database_url: str, *, refresh_s: float = 10.0,
                 power_window: dt.timedelta = dt.timedelta(hours=2), meter_window: dt.timedelta = dt.timedelta(minutes=10),
                 clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.timezone.utc)) -> None:
        self.database_url = database_url
        self.refresh_s = refresh_s
        self.power_window = power_window
        self.meter_window = meter_window
        self.clock = clock
        self._lock = threading.Lock()
        self._refreshed = float("-inf")
        self._last_id = 0
        self._energy: dict[tuple[str, str, str], float] = {}  # as shown: never decreases
        self._energy_sum: dict[tuple[str, str, str], float] = {}  # the rows' sum
        self._power: dict[tuple[str, str, str], float] = {}
        self._boards: list[tuple[str, str, str, bool]] = []
        self._limits: dict[tuple[str, str], float] = {}
        self._ok = False

    def describe(self) -> list:
        return []  # values come from the database; nothing to describe without querying it

    def collect(self) -> Iterator[Any]:
        with self._lock:
            if time.monotonic() - self._refreshed >= self.refresh_s:
                try:
                    self._refresh()
                    self._ok = True
                except Exception as exc:  # a scrape must still answer; the error shows as store_up 0
                    self._ok = False
                    log.warning("metrics could not read the store",
                                extra={"kv": {"error": f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}"}})
                self._refreshed = time.monotonic()
            up = GaugeMetricFamily("autovolt_store_up", "1 when the last metrics read of the store succeeded")
            up.add_metric([], 1.0 if self._ok else 0.0)
            yield up
            energy = CounterMetricFamily("autovolt_energy_wh", "Energy used since records began (Wh), by room and "
                                         "switch type", labels=["building", "room", "type"])
            for key, value in sorted(self._energy.items()):
                energy.add_metric(list(key), value)
            yield energy
            power = GaugeMetricFamily("autovolt_power_watts", "Power drawn now (W), by room and switch type",
                                      labels=["building", "room", "type"])
            for key, value in sorted(self._power.items()):
                power.add_metric(list(key), value)
            yield power
            limit = GaugeMetricFamily("autovolt_room_power_limit_watts", "Power above which a room is spiking: its "
                                      "configured threshold, else 1.2 x the rated watts of everything in it",
                                      labels=["building", "room"])
            for key, value in sorted(self._limits.items()):
                limit.add_metric(list(key), value)
            yield limit
            board = GaugeMetricFamily("autovolt_board_online", "1 when the board is online, 0 when offline or never seen",
                                      labels=["building", "room", "board"])
            online = GaugeMetricFamily("autovolt_boards_online", "Boards online, per building", labels=["building"])
            known = GaugeMetricFamily("autovolt_boards", "Boards registered, per building", labels=["building"])
            per_building: dict[str, list[int]] = {}
            for building, room, board_id, is_online in self._boards:
                board.add_metric([building, room, board_id], 1.0 if is_online else 0.0)
                counts = per_building.setdefault(building, [0, 0])
                counts[0] += int(is_online)
                counts[1] += 1
            for building, (n_online, n_known) in sorted(per_building.items()):
                online.add_metric([building], n_online)
                known.add_metric([building], n_known)
            yield board
            yield online
            yield known

    def _refresh(self) -> None:
        from sqlalchemy import func, select

        from store import models as m
        from store.db import get_engine

        engine = get_engine(self.database_url)
        now = self.clock()
        with engine.connect() as conn:
            room_rows = list(conn.execute(select(m.Room.id, m.Room.building_id, m.Room.power_threshold_w)))
            rooms = {rid: bid for rid, bid, _ in room_rows}
            switches = {sid: (rid, kind, watts, state, board)
                        for sid, rid, kind, watts, state, board in conn.execute(
                            select(m.Switch.id, m.Switch.room_id, m.Switch.type, m.Switch.rated_watts, m.Switch.state,
                                   m.Switch.board_id))}
            boards = list(conn.execute(select(m.Board.id, m.Board.room_id, m.Board.protocol, m.Board.online)))
            metered = {bid for bid, _, protocol, _ in boards if protocol == "tasmota"}
            self._boards = [(rooms.get(rid, "unknown"), rid, bid, bool(up)) for bid, rid, _, up in boards]

            def key(switch_id: str | None, room_id: str | None) -> tuple[str, str, str]:
                if switch_id is not None and switch_id in switches:
                    rid, kind = switches[switch_id][0], switches[switch_id][1]
                else:
                    rid, kind = room_id or "unknown", "meter"
                return (rooms.get(rid, "unknown"), rid, kind)

            top = conn.execute(select(func.max(m.Reading.id))).scalar() or 0
            if top > self._last_id:
                rows = conn.execute(
                    select(m.Reading.switch_id, m.Reading.room_id, func.sum(m.Reading.energy_wh))
                    .where(m.Reading.id > self._last_id, m.Reading.id <= top, m.Reading.energy_wh.is_not(None))
                    .group_by(m.Reading.switch_id, m.Reading.room_id))
                for switch_id, room_id, wh in rows:
                    k = key(switch_id, room_id)
                    self._energy_sum[k] = self._energy_sum.get(k, 0.0) + float(wh or 0.0)
                    self._energy[k] = max(self._energy.get(k, 0.0), self._energy_sum[k])
                self._last_id = top
            power: dict[tuple[str, str, str], float] = {}
            for sid, (rid, kind, _, _, _) in switches.items():
                power.setdefault((rooms.get(rid, "unknown"), rid, kind), 0.0)
                self._energy.setdefault((rooms.get(rid, "unknown"), rid, kind), 0.0)
            latest: dict[tuple[str | None, str | None], tuple[dt.datetime, float]] = {}
            since = now - max(self.power_window, self.meter_window)
            for switch_id, room_id, board_id, ts, watts in conn.execute(
                    select(m.Reading.switch_id, m.Reading.room_id, m.Reading.board_id, m.Reading.ts, m.Reading.power_w)
                    .where(m.Reading.ts >= since, m.Reading.power_w.is_not(None))):
                ident = (switch_id, board_id if switch_id is None else None)
                stamp = ts if ts.tzinfo else ts.replace(tzinfo=dt.timezone.utc)
                if ident not in latest or latest[ident][0] <= stamp:
                    latest[ident] = (stamp, float(watts))
            for sid, (rid, kind, watts, state, board) in switches.items():
                k = (rooms.get(rid, "unknown"), rid, kind)
                if board in metered:
                    continue  # the board's meter measures these; adding rated watts would count them twice
                if state is not None:
                    power[k] += watts if state else 0.0
                elif (sid, None) in latest:
                    power[k] += latest[(sid, None)][1]
            rated: dict[str, float] = {}
            for rid, _, watts, _, _ in switches.values():
                rated[rid] = rated.get(rid, 0.0) + float(watts or 0.0)
            self._limits = {(bid, rid): float(limit) if limit else round(1.2 * rated.get(rid, 0.0), 1)
                            for rid, bid, limit in room_rows if limit or rated.get(rid)}
            board_room = {bid: rid for bid, rid, _, _ in boards}
            for (switch_id, board_id), (stamp, watts) in latest.items():
                if switch_id is None and board_id in metered and now - stamp <= self.meter_window:
                    rid = board_room.get(board_id, "unknown")
                    k = (rooms.get(rid, "unknown"), rid, "meter")
                    power[k] = power.get(k, 0.0) + watts
            self._power = power


class GatewayCollector(Collector):
    """The device gateway's own counters (`devices.model.GatewayStats`) as `autovolt_gateway_*_total`."""

    def __init__(self, stats_source: Callable[[], dict[str, int] | None]) -> None:
        self.stats_source = stats_source

    def describe(self) -> list:
        return []

    def collect(self) -> Iterator[Any]:
        stats = self.stats_source()
        if not stats:
            return
        messages = CounterMetricFamily("autovolt_gateway_messages", "MQTT messages received by the gateway, by result",
                                       labels=["result"])
        for name in ("observations", "malformed", "oversized", "unknown_board", "bad_secret", "ignored"):
            messages.add_metric([name], stats.get(name, 0))
        yield messages
        written = CounterMetricFamily("autovolt_gateway_readings_written", "Telemetry readings written to the store")
        written.add_metric([], stats.get("readings_written", 0))
        yield written
        errors = CounterMetricFamily("autovolt_gateway_write_errors", "Failed telemetry batch writes (retried)")
        errors.add_metric([], stats.get("write_errors", 0))
        yield errors
        reconnects = CounterMetricFamily("autovolt_gateway_reconnects", "Broker reconnections")
        reconnects.add_metric([], stats.get("reconnects", 0))
        yield reconnects
        implausible = CounterMetricFamily("autovolt_gateway_implausible_readings", "Meter values refused as "
                                          "physically implausible (the last good counter is kept), by reason",
                                          labels=["reason"])
        for reason in REASONS:  # every reason present from the start, so rate() works on the first one
            implausible.add_metric([reason], stats.get(f"implausible_{reason}", 0))
        yield implausible
        late = CounterMetricFamily("autovolt_gateway_late_confirmations", "Commands a board applied after their "
                                   "confirmation window (the user was told 'not switched', then told it switched)")
        late.add_metric([], stats.get("late_confirmations", 0))
        yield late


class LeaderCollector(Collector):
    """Which replica leads (autovolt.leader.LeaderStatus): `autovolt_leader` is 1 on the leader, 0 elsewhere, so
    `sum(autovolt_leader)` over the replicas is 1 when all is well; `autovolt_replica_info` names the leader each
    replica sees."""

    def __init__(self, status_source: Callable[[], Any]) -> None:
        self.status_source = status_source

    def describe(self) -> list:
        return []

    def collect(self) -> Iterator[Any]:
        status = self.status_source()
        leader = GaugeMetricFamily("autovolt_leader", "1 when this replica is the leader (runs scans, digests, refit)",
                                   labels=["replica"])
        leader.add_metric([status.replica], 1.0 if status.leading else 0.0)
        yield leader
        info = GaugeMetricFamily("autovolt_replica_info", "Always 1: this replica and the leader it sees ('' = none)",
                                 labels=["replica", "leader"])
        info.add_metric([status.replica, status.leader or ""], 1.0)
        yield info


_bound: dict[str, Collector] = {}
_bind_lock = threading.Lock()


def bind_collector(name: str, collector: Collector) -> None:
    """Register a scrape-time collector under `name`, replacing an earlier one of that name (tests, restarts)."""
    with _bind_lock:
        previous = _bound.pop(name, None)
        if previous is not None:
            with contextlib.suppress(KeyError):
                REGISTRY.unregister(previous)
        REGISTRY.register(collector)
        _bound[name] = collector


def bind_store(database_url: str, **kwargs: Any) -> StoreCollector:
    collector = StoreCollector(database_url, **kwargs)
    bind_collector("store", collector)
    return collector


def bind_gateway(gateway: Any) -> GatewayCollector:
    """Export a running `devices.gateway.Gateway`'s counters; call once the gateway exists."""
    collector = GatewayCollector(lambda: gateway.stats.snapshot())
    bind_collector("gateway", collector)
    return collector


def bind_leadership(status_source: Callable[[], Any]) -> LeaderCollector:
    """Export the replica's leader status; `status_source` returns an `autovolt.leader.LeaderStatus`."""
    collector = LeaderCollector(status_source)
    bind_collector("leader", collector)
    return collector
