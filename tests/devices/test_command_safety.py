"""Issue 18 item 1: a command is carried out now or never. While the broker is down it is refused at once and
nothing is queued; a board that applies a command after its window is reported, never silently accepted."""

from __future__ import annotations

import asyncio
import os
import signal

import pytest

from devices.gateway import Gateway
from devices.model import Outcome
from devices.mqtt import Backoff, MqttConfig, MqttTransport
from devices.simulator import QUIET_TIMING, SimulatedFleet
from tests.conftest import until

pytestmark = pytest.mark.broker


async def started(campus, prefix, broker, *, gateway_backoff: Backoff, confirm_timeout_s: float = 1.0):
    # The boards reconnect faster than the gateway, as real boards (5 s) did against the service (9-10 s): the
    # board is subscribed again before anything the gateway might still hold could be delivered.
    gateway = Gateway(campus, MqttTransport(MqttConfig.from_url(broker.url()), f"gw-{prefix[:-1]}",
                                            clean_session=False, backoff=gateway_backoff),
                      topic_prefix=prefix, confirm_timeout_s=confirm_timeout_s)
    fleet = SimulatedFleet(campus, MqttTransport(MqttConfig.from_url(broker.url()), clean_session=True,
                                                 backoff=Backoff(0.05, 0.2)), QUIET_TIMING, topic_prefix=prefix)
    await gateway.start()
    await fleet.start()
    assert await gateway.transport.wait_connected(10) and await fleet.transport.wait_connected(10)
    return gateway, fleet


async def test_a_command_while_the_broker_is_down_is_refused_and_never_carried_out(campus, prefix, private_broker):
    broker = private_broker()
    gateway, fleet = await started(campus, prefix, broker, gateway_backoff=Backoff(0.8, 0.8, jitter=0.0))
    ac, lights = (next(s for s in campus.switches if s.id == i) for i in ("cr-101-ac", "cr-101-lights"))
    board = fleet.autovolt[ac.board_id]
    try:
        assert (await gateway.switch(["cr-101-fans"], True))[0].outcome is Outcome.CONFIRMED
        broker.stop()
        await until(lambda: not gateway.transport.connected, "the gateway sees the broker gone", 10.0)
        sent_before = gateway.stats.commands_sent
        results = await gateway.switch(["cr-101-ac", "cr-101-lights"], True)
        assert [r.outcome for r in results] == [Outcome.UNREACHABLE, Outcome.UNREACHABLE]
        assert "the device network is unreachable" in results[0].reason
        assert gateway.stats.commands_sent == sent_before  # nothing handed to the client to send later
        broker.start()
        assert await fleet.transport.wait_connected(10) and await gateway.transport.wait_connected(10)
        # A marker command after the reconnection: once the board has applied it, anything queued before it
        # would have been applied too (one connection, in order).
        assert (await gateway.switch(["cr-101-fans"], False))[0].outcome is Outcome.CONFIRMED
        assert board.relays[ac.gpio] is False and board.relays[lights.gpio] is False
        assert gateway.stats.refused_unreachable == 2
    finally:
        await fleet.stop()
        await gateway.stop()


async def test_a_command_the_broker_delivers_after_the_window_is_reported_as_late(campus, prefix, private_broker):
    broker = private_broker()
    gateway, fleet = await started(campus, prefix, broker, gateway_backoff=Backoff(0.1, 0.5), confirm_timeout_s=0.5)
    late = []
    gateway.add_late_listener(late.append)
    try:
        await asyncio.sleep(0.2)
        # A frozen broker (overloaded, swapping): its host's TCP still takes our bytes, the process routes them
        # only when it runs again. Nothing in the AutoVolt firmware's command lets a board refuse a stale one.
        os.kill(broker.process.pid, signal.SIGSTOP)
        try:
            result = (await gateway.switch(["cr-101-projector"], True))[0]
        finally:
            os.kill(broker.process.pid, signal.SIGCONT)
        assert result.outcome is Outcome.UNCONFIRMED
        await until(lambda: bool(late), "the late application reported", 10.0)
        assert late[0].switch_id == "cr-101-projector" and late[0].on is True and late[0].late_by_s > 0
        assert gateway.stats.late_confirmations == 1
    finally:
        await fleet.stop()
        await gateway.stop()


async def test_the_user_hears_of_a_late_switch_and_of_an_unreachable_network(campus, prefix, private_broker,
                                                                              sqlite_url):
    from bot.callbacks import CallbackSigner, random_key
    from bot.conversation import Conversation, Sender
    from bot.records import AuditLog
    from sqlalchemy import select

    from store import models as m
    from store.db import session_scope

    broker = private_broker()
    gateway, fleet = await started(campus, prefix, broker, gateway_backoff=Backoff(0.1, 0.5), confirm_timeout_s=0.5)
    audit = AuditLog(sqlite_url)
    conversation = Conversation(campus, gateway, sqlite_url, CallbackSigner(random_key()), audit=audit)
    told: list[tuple[int, str]] = []

    async def notify(chat_id: int, text: str) -> None:
        told.append((chat_id, text))

    conversation.notify = notify
    who = Sender(2003, 77003, "terminal")
    try:
        await asyncio.sleep(0.2)
        os.kill(broker.process.pid, signal.SIGSTOP)
        try:
            reply = await conversation.on_text(who, "turn on the lights in lab 3")
        finally:
            os.kill(broker.process.pid, signal.SIGCONT)
        assert "not switched on" in reply.text and reply.outcome == "failed"
        await until(lambda: bool(told), "the board told of the command", 10.0)
        chat_id, text = told[0]
        assert chat_id == 77003 and "switched on after all" in text
        broker.stop()
        await until(lambda: not gateway.transport.connected, "the gateway sees the broker gone", 10.0)
        reply = await conversation.on_text(who, "turn off the lights in lab 3")
        assert "not switched off: the device network is unreachable" in reply.text
        assert audit.flush()
        with session_scope(sqlite_url) as session:
            outcomes = session.scalars(select(m.CommandAudit.outcome).where(m.CommandAudit.user_id == 2003)
                                       .order_by(m.CommandAudit.id)).all()
        assert outcomes == ["failed", "late_confirmation", "failed"]
    finally:
        await fleet.stop()
        await gateway.stop()
        audit.close()


async def test_a_command_stuck_on_the_way_to_a_frozen_broker_is_withdrawn_at_the_deadline(campus, prefix,
                                                                                          private_broker):
    broker = private_broker()
    gateway, fleet = await started(campus, prefix, broker, gateway_backoff=Backoff(0.1, 0.5), confirm_timeout_s=1.0)
    transport = gateway.transport
    late = []
    gateway.add_late_listener(late.append)
    projector = next(s for s in campus.switches if s.id == "cr-101-projector")
    board = fleet.autovolt[projector.board_id]
    try:
        await asyncio.sleep(0.2)
        os.kill(broker.process.pid, signal.SIGSTOP)
        try:
            # The frozen broker reads nothing: fill its receive window and our send buffer, so the command
            # waits behind them in the client's queue, where it would still be sent once the broker resumes.
            junk = b"x" * 1_000_000
            for _ in range(48):
                transport.publish(f"{prefix}junk", junk, qos=0)
            await asyncio.sleep(0.5)
            result = (await gateway.switch(["cr-101-projector"], True))[0]
        finally:
            os.kill(broker.process.pid, signal.SIGCONT)
        assert result.outcome is Outcome.UNCONFIRMED
        assert transport.withdrawn == 1  # the link was reset: the command cannot arrive later
        await until(lambda: transport.reconnects >= 1 and transport.connected, "the transport reconnected", 10.0)
        assert await fleet.transport.wait_connected(10)
        # Once a later command is confirmed on the new connection, the withdrawn one would have arrived before it.
        assert (await gateway.switch(["cr-101-fans"], True))[0].outcome is Outcome.CONFIRMED
        assert board.relays[projector.gpio] is False and not late
    finally:
        await fleet.stop()
        await gateway.stop()
