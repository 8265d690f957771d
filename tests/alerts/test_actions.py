"""The alert buttons with the real device gateway and simulated boards on the in-process bus."""

from __future__ import annotations

import asyncio
import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts import outbox
from alerts.actions import AlertActions, is_alert_callback, parse
from alerts.scanner import Scanner
from devices.gateway import Gateway
from devices.simulator import SimTiming, SimulatedFleet
from devices.transport import MemoryBus
from store.db import get_engine
from store.models import Delivery

from .conftest import FACULTY, FACULTY2, OWNER, Clock, build_campus, make_book, set_states

IST = ZoneInfo("Asia/Kolkata")


def test_callback_data_is_recognised_and_anything_else_refused():
    assert is_alert_callback("al:ack:12") and not is_alert_callback("1c3.x.y") and not is_alert_callback(None)
    assert parse("al:off:7") == ("off", 7)
    assert parse("al:off:seven") is None and parse("al:boom:7") is None and parse("al:ack") is None


async def test_turn_it_off_switches_the_rooms_loads_off_for_those_who_may(loaded_sqlite):
    campus = build_campus()
    bus = MemoryBus()
    fleet = SimulatedFleet(campus, bus.transport(), SimTiming(state_interval_s=5, heartbeat_interval_s=5))
    gateway = Gateway(campus, bus.transport(), confirm_timeout_s=2.0)
    await gateway.start()
    await fleet.start()
    try:
        on = await gateway.switch(["a-101-lights", "a-101-ac"], True)
        assert all(r.ok for r in on)
        set_states(loaded_sqlite, {"a-101-lights": True, "a-101-ac": True})
        clock = Clock(dt.datetime(2026, 11, 26, 19, 0, tzinfo=IST).astimezone(dt.timezone.utc))
        book = make_book(loaded_sqlite, clock)
        await asyncio.to_thread(Scanner(book).run, "after_hours")
        for item in outbox.claim(get_engine(loaded_sqlite), clock.now, 100):
            outbox.mark_sent(get_engine(loaded_sqlite), item.id, 1, clock.now)
            alert_id = item.alert_id
        actions = AlertActions(book, lambda ids: gateway.switch(ids, False))
        refused = await actions.handle(f"al:off:{alert_id}", FACULTY2)
        assert not refused.ok and "not sent to you" in refused.text
        done = await actions.handle(f"al:off:{alert_id}", FACULTY)
        assert done.ok and done.text == "Turned off 2 devices." and set(done.switch_ids) == {"a-101-lights", "a-101-ac"}
        relays = fleet.autovolt["a-101-panel"].relays
        assert not any(relays.values())
        snoozed = await actions.handle(f"al:stm:{alert_id}", FACULTY)
        assert snoozed.ok and "Snoozed until Fri 27 Nov 08:00 IST" in snoozed.text
        broken = AlertActions(book, None)
        assert (await broken.handle(f"al:off:{alert_id}", FACULTY)).text == "Switching is not available right now."
        assert OWNER  # the board's owner is not told about loads left on (that is the room's faculty's business)
    finally:
        await fleet.stop()
        await gateway.stop()


def test_an_alert_still_in_the_outbox_may_be_acted_on_by_those_it_is_meant_for(loaded):
    # No Telegram token (a terminal-only campus) or quiet hours: the notice waits in the outbox, yet the faculty it
    # is meant for sees the alert in "any alerts?" and may acknowledge or snooze it; others still may not.
    set_states(loaded, {"a-101-lights": True})
    clock = Clock(dt.datetime(2026, 11, 26, 19, 0, tzinfo=IST).astimezone(dt.timezone.utc))
    book = make_book(loaded, clock)
    assert Scanner(book).run("after_hours").enqueued == 1

    def waiting() -> list[tuple[int, int]]:
        with Session(get_engine(loaded)) as session:
            return list(session.execute(select(Delivery.chat_id, Delivery.alert_id)
                                        .where(Delivery.status == outbox.PENDING)).tuples())

    [(chat, alert_id)] = waiting()
    assert chat == FACULTY
    refused = book.acknowledge(alert_id, FACULTY2)
    assert not refused.ok and "not sent to you" in refused.text
    assert book.snooze(alert_id, FACULTY, "1h").ok
    acked = book.acknowledge(alert_id, FACULTY)
    assert acked.ok and acked.text.startswith("Acknowledged: 1 device left on in Classroom 101"), acked.text
    assert waiting() == []  # its notice is no longer needed
