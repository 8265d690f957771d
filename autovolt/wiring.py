"""The one place that decides which components make up the running service."""

from __future__ import annotations

import logging

from autovolt.components import DevicesComponent
from autovolt.service import Service
from autovolt.settings import Settings
from store.db import session_scope, upgrade
from store.registry import load_registry

log = logging.getLogger(__name__)


def build_service(settings: Settings) -> Service:
    upgrade(settings.effective_database_url)
    if settings.campus_file is not None:
        from autovolt.commands.campus import load_into_database

        log.info(load_into_database(settings.effective_database_url, settings.campus_file))
    service = Service(settings)
    duties: list = []  # what only the leader replica runs (autovolt.leader)
    _add_devices(service, settings)
    _add_conversation(service, settings)  # the schedule runner too: on every replica (records.claim_due)
    _add_bot(service, settings, duties)
    _add_alerts(service, settings, duties)
    _add_models(duties, settings)
    _add_weather(duties, settings)
    _add_leadership(service, settings, duties)
    return service


def _add_leadership(service: Service, settings: Settings, duties: list) -> None:
    """The leader election, last: it starts its duties once the components they use are running."""
    from autovolt.leader import Leadership
    from autovolt.metrics import bind_leadership

    leadership = Leadership(settings.effective_database_url, settings.replica_id, duties)
    service.components.append(leadership)
    service.leader_status = leadership.status
    bind_leadership(leadership.status)


def _add_devices(service: Service, settings: Settings) -> None:
    """The device gateway, on the configured broker or a simulated in-process fleet, for the registry's campus."""
    url = settings.effective_database_url
    with session_scope(url) as session:
        campus = load_registry(session)
    if campus is None:
        log.warning("no campus loaded: devices are not started; run `autovolt campus load FILE`")
        return
    component = DevicesComponent(campus, settings.mqtt_url, url, spool_dir=settings.data_dir / "spool",
                                 share_group=settings.mqtt_share_group, replica_id=settings.replica_id,
                                 energy_partitions=settings.energy_partitions)
    service.components.append(component)
    service.checks["broker"] = component.ready


def _wired_gateway(service: Service):
    """The running device gateway, looked up when needed (components start in order, after wiring)."""
    for component in service.components:
        if isinstance(component, DevicesComponent) and component.gateway is not None:
            return component.gateway
    return None


def _conversation(service: Service):
    from bot.component import ConversationComponent

    return next((c for c in service.components if isinstance(c, ConversationComponent)), None)


def _add_conversation(service: Service, settings: Settings) -> None:
    """The conversation engine (on the wired gateway) and the schedule runner, whatever channels are on: scheduled
    actions run in the service, reported through the outbox (Telegram) or kept for the user's terminal chat; terminal
    chats on this machine talk to this engine through the loopback chat route (autovolt.chat_api)."""
    url = settings.effective_database_url
    with session_scope(url) as session:
        campus = load_registry(session)
    if campus is None:
        return
    from autovolt.chat_api import chat_router
    from bot.component import ConversationComponent
    from bot.scheduler import ScheduleConfig, ScheduleRunner

    runner: ScheduleRunner | None = None
    conversation = ConversationComponent(settings, lambda: _wired_gateway(service), lambda: runner and runner.wake())
    runner = ScheduleRunner(campus, url, lambda: conversation.gateway, config=ScheduleConfig.from_settings(settings))
    service.components += [conversation, runner]
    service.local_routers.append(chat_router(settings, lambda: conversation.engine))


def _add_bot(service: Service, settings: Settings, duties: list) -> None:
    """The Telegram bot on the service's conversation engine, when a token is set; in polling mode only the leader
    replica polls (a duty). Without a token, say how to talk to the assistant in a terminal instead."""
    if settings.telegram_token is None:
        print("no AUTOVOLT_TELEGRAM_TOKEN set: talk to the assistant in a terminal with `autovolt chat` "
              "(e.g. `autovolt chat --as 2001`)", flush=True)
        return
    conversation = _conversation(service)
    if conversation is None:
        log.warning("no campus loaded: the Telegram bot is not started; run `autovolt campus load FILE`")
        return
    from bot.component import BotComponent, telegram_options

    bot = BotComponent(settings, conversation)
    service.components.append(bot)
    service.checks["telegram"] = bot.ready  # names the reason while the bot retries an unreachable Bot API
    options = telegram_options(settings)
    if options.webhook_url and options.webhook_via_api:  # a polling bot has no webhook route (nor its warning)
        service.telegram_handler = bot.telegram_handler
    duties.append(bot.polling_duty())  # webhook mode: every replica takes updates, each handled once (API route)


def _add_alerts(service: Service, settings: Settings, duties: list) -> None:
    """Scheduled alert scans (a leader duty) and the Telegram outbox (every replica sends; kept, unsent, until a
    token is set); "turn it off" uses the wired gateway; the Alertmanager webhook joins the HTTP API where the
    service takes extra routers."""
    from functools import partial

    from alerts import scheduler as jobs
    from alerts.alertmanager import router
    from alerts.service import AlertOptions, AlertSchedule, AlertService
    from alerts.settings import AlertSettingsError, load_alert_config
    from autovolt.settings import SettingsError
    from store.retention import compact_due

    try:
        config = load_alert_config()
    except AlertSettingsError as exc:
        raise SettingsError(str(exc)) from None

    async def switch_off(switch_ids):
        found = _wired_gateway(service)
        if found is None:
            raise RuntimeError("no device gateway is running")
        return await found.switch(list(switch_ids), False)

    token = settings.telegram_token.get_secret_value() if settings.telegram_token else None
    remote_fit = None
    if settings.dask_scheduler:
        from autovolt.dask_cluster import DaskRunner

        remote_fit = DaskRunner(settings.dask_scheduler).run  # connects on the first large anomaly fit
    alerts = AlertService(settings.effective_database_url, config=config, telegram_token=token,
                          telegram_base_url=settings.telegram_base_url, timezone=settings.timezone,
                          switch_off=switch_off, options=AlertOptions(schedule=False), replica_id=settings.replica_id,
                          remote_fit=remote_fit)
    service.components.append(alerts)
    duties.append(AlertSchedule(alerts))
    # Readings retention, nightly on the alerts' scheduler (AUTOVOLT_READINGS_RAW_DAYS=0: never).
    jobs.set_housekeeping(partial(compact_due, settings.effective_database_url, settings.readings_raw_days,
                                  timezone=settings.timezone) if settings.readings_raw_days > 0 else None)
    service.routers.append(router(lambda: alerts.book))
    bot = next((c for c in service.components if hasattr(c, "button_routes")), None)
    if bot is not None:
        from alerts.actions import is_alert_callback

        async def answer_alert_button(data: str, user_id: int):
            # The whole outcome: when it is done (`ok`) the bot also takes the buttons off the alert message.
            return await alerts.actions.handle(data, user_id)

        bot.button_routes.append((is_alert_callback, answer_alert_button))


def _add_models(duties: list, settings: Settings) -> None:
    """The nightly forecast-model refit (autovolt.model_refit), a leader duty: models under <data_dir>/models (a
    folder the replicas share), runs in model_runs."""
    from autovolt.model_refit import ModelRefitComponent

    duties.append(ModelRefitComponent(settings.effective_database_url, settings.data_dir, settings.timezone,
                                      dask_scheduler=settings.dask_scheduler))


def _add_weather(duties: list, settings: Settings) -> None:
    """The outdoor temperature feed (autovolt.weather_jobs), a leader duty, when enabled and the campus file gives coordinates:
    without them nothing is fetched (the bundled demo campus has none, so the demo never uses the network)."""
    if not settings.weather_enabled:
        log.info("weather feed off", extra={"kv": {"reason": "AUTOVOLT_WEATHER_ENABLED is false"}})
        return
    with session_scope(settings.effective_database_url) as session:
        campus = load_registry(session)
    if campus is None or campus.coordinates is None:
        log.info("weather feed off", extra={"kv": {"reason": "the campus file gives no latitude and longitude"}})
        return
    from autovolt.weather_feed import OpenMeteo
    from autovolt.weather_jobs import WeatherComponent

    duties.append(WeatherComponent(settings.effective_database_url, OpenMeteo.from_settings(settings),
                                   campus.coordinates))
