"""A conversation continues on any replica: two conversation engines ("replicas") on one database, each with its
own gateway on one bus with the simulated boards, the chat's messages given to either. A follow-up on B leans on
the command A served; a correction on B offers to put back what A switched, and the tap (on A) goes through the
usual button path; memory older than the follow-up window is not used. On SQLite and on PostgreSQL."""

from __future__ import annotations

import contextlib

import pytest
from sqlalchemy import select, update

from bot.callbacks import CallbackSigner, key_from_token
from bot.conversation import Conversation, ConversationConfig, Sender
from devices.gateway import Gateway
from devices.simulator import QUIET_TIMING, SimulatedFleet
from devices.runtime import StoredSwitchStates
from devices.transport import MemoryBus, MemoryTransport
from store import models as m
from store.campus import load_campus_file
from store.db import session_scope, upgrade
from store.registry import sync_campus
from tests.conftest import DEMO_CAMPUS

ADMIN = 1001  # may switch every room
TTL = 900.0


class Wall:
    """A wall clock both replicas read (their hosts' clocks are NTP-synchronised), moved by the test."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


class SharedCopies(MemoryTransport):
    """A replica's connection to the broker with shared subscriptions: while `deaf`, the boards' reports go to the
    other replica (the broker hands each one to one member of the group)."""

    deaf = False

    def _offer(self, topic: str, payload: bytes) -> None:
        if not self.deaf:
            super()._offer(topic, payload)


@contextlib.asynccontextmanager
async def replicas(url: str, wall: Wall, shares_reports: bool = False):
    """Two engines, A and B. `shares_reports`: B's gateway is told it hears only a share of the reports (it then
    goes by the stored switch states, as a replica's does) and its transport can be made deaf."""
    campus = load_campus_file(DEMO_CAMPUS)
    upgrade(url)
    with session_scope(url) as session:
        sync_campus(session, campus)
    bus = MemoryBus()
    boards = SimulatedFleet(campus, bus.transport(), QUIET_TIMING)
    gateways = [Gateway(campus, bus.transport()),
                Gateway(campus, SharedCopies(bus), peer_states=StoredSwitchStates(url) if shares_reports else None)]
    for gateway in gateways:
        await gateway.start()
    await boards.start()
    # Both replicas sign buttons with the key of the one bot token, so a button made on one works on the other.
    signer = CallbackSigner(key_from_token("123456:replica-shared-token"))
    engines = [Conversation(campus, g, url, signer, config=ConversationConfig(context_ttl_s=TTL), wall=wall)
               for g in gateways]
    for engine in engines:
        await engine.load()
    try:
        yield engines, gateways
    finally:
        await boards.stop()
        for gateway in gateways:
            await gateway.stop()


async def settle(gateways, switch_ids, on: bool) -> None:
    """Switch to a known state and wait until both gateways have the boards' report."""
    import asyncio

    await gateways[0].switch(switch_ids, on)
    for _ in range(200):
        if all(g.state(s).on is on for g in gateways for s in switch_ids):
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"boards did not report {switch_ids} {on}")


WHO = Sender(ADMIN, ADMIN)


async def test_a_follow_up_on_another_replica_acts_on_the_right_room(db_url):
    wall = Wall()
    async with replicas(db_url, wall) as ((a, b), gateways):
        await settle(gateways, ["cr-101-lights", "cr-101-fans", "cr-102-lights", "cr-102-fans"], True)
        first = await a.on_text(WHO, "turn off the lights in classroom 101")
        assert first.outcome == "done" and "Classroom 101: lights off" in first.text, first.text
        more = await b.on_text(WHO, "and the fans too")
        assert more.outcome == "done" and "Classroom 101: ceiling fans off" in more.text, more.text
        assert more.detail["switches"] == ["cr-101-fans"] and more.detail["rooms"] == ["cr-101"]
        same = await a.on_text(WHO, "same for classroom 102")
        assert same.outcome == "done" and same.detail["switches"] == ["cr-102-fans"], (same.text, same.detail)
        assert gateways[1].state("cr-102-fans").on is False and gateways[1].state("cr-102-lights").on is True


async def test_a_correction_on_another_replica_offers_the_first_switch_back(db_url):
    wall = Wall()
    async with replicas(db_url, wall) as ((a, b), gateways):
        await settle(gateways, ["cr-101-lights", "cr-102-lights"], True)
        first = await a.on_text(WHO, "turn off the lights in classroom 101")
        assert first.outcome == "done", first.text
        wall.now += 30
        fixed = await b.on_text(WHO, "sorry, I meant classroom 102")
        assert "Classroom 102: lights off (1/1 confirmed)" in fixed.text, fixed.text
        assert "Lights in Classroom 101 are still off. Turn them back on?" in fixed.text, fixed.text
        assert [x.label for row in fixed.buttons for x in row] == ["Turn them back on", "Leave them off"]
        assert gateways[0].state("cr-101-lights").on is False  # offered, not done
        # The tap, on the other replica again, goes through the ordinary confirmation path.
        tap = await a.on_button(WHO, fixed.buttons[0][0].data)
        assert tap.outcome == "done" and "Classroom 101: lights on (1/1 confirmed)" in tap.text, tap.text
        assert gateways[1].state("cr-101-lights").on is True and gateways[1].state("cr-102-lights").on is False
        again = await b.on_button(WHO, fixed.buttons[0][0].data)
        assert again.outcome == "button_used"
        with session_scope(db_url) as session:
            offer = session.get(m.ScheduledAction, fixed.detail["takes_back"]["offer"])
            assert offer.status == "done" and offer.switch_ids == ["cr-101-lights"]


async def test_memory_older_than_the_follow_up_window_is_not_used(db_url):
    wall = Wall()
    async with replicas(db_url, wall) as ((a, b), gateways):
        await settle(gateways, ["cr-101-lights", "cr-101-fans", "cr-102-lights"], True)
        await a.on_text(WHO, "turn off the lights in classroom 101")
        wall.now += TTL + 1
        more = await b.on_text(WHO, "and the fans too")
        assert more.outcome != "done" and gateways[1].state("cr-101-fans").on is True, more.text
        fixed = await b.on_text(WHO, "sorry, I meant classroom 102")
        assert "still off" not in fixed.text and not any("back" in x.label for row in fixed.buttons for x in row)
        # Within the window it is used (the same steps, the clock not moved past it).
        await settle(gateways, ["cr-101-lights", "cr-102-lights"], True)
        await a.on_text(WHO, "turn off the lights in classroom 101")
        wall.now += TTL - 1
        fixed = await b.on_text(WHO, "sorry, I meant classroom 102")
        assert "Lights in Classroom 101 are still off" in fixed.text, fixed.text


async def test_each_chat_has_its_own_row_and_a_later_message_is_not_overwritten(db_url):
    from bot.chat_memory import Remembered, StoredChatMemory
    from nlu.command import Command

    wall = Wall()
    async with replicas(db_url, wall) as ((a, b), gateways):
        await a.on_text(WHO, "is anything on in classroom 101?")
        await b.on_text(Sender(2001, 2001), "is anything on in classroom 102?")
        with session_scope(db_url) as session:
            rows = {r.chat_id: r.state["context"]["rooms"] for r in session.scalars(select(m.ChatMemory))}
        assert rows == {ADMIN: ["cr-101"], 2001: ["cr-102"]}
        memory = StoredChatMemory(db_url, TTL)
        later = Remembered(Command("later", "status_query", rooms=("lab-1",)), wall.now)
        earlier = Remembered(Command("earlier", "status_query", rooms=("lab-2",)), wall.now)
        await memory.keep(ADMIN, later, turn_at=wall.now + 5)
        await memory.keep(ADMIN, earlier, turn_at=wall.now + 4)  # slower, but sent before: it does not win
        assert (await memory.recall(ADMIN, ADMIN, wall.now + 6)).memory.context.text == "later"


async def test_a_default_room_set_on_one_replica_is_used_on_the_other(db_url):
    faculty = Sender(2001, 2001)  # Dr. Meera Iyer: classrooms 101 and 102
    wall = Wall()
    async with replicas(db_url, wall) as ((a, b), gateways):
        await settle(gateways, ["cr-101-lights", "cr-102-lights"], True)
        before = await b.on_text(faculty, "turn off the lights")  # two rooms of hers and no default: which?
        assert before.outcome == "clarify" and gateways[1].state("cr-102-lights").on is True, before.text
        chosen = await a.on_command(faculty, "myroom", ["classroom", "102"])
        assert chosen.outcome == "done", chosen.text
        after = await b.on_text(faculty, "turn off the lights")
        assert after.outcome == "done" and after.detail["switches"] == ["cr-102-lights"], after.text
        assert gateways[0].state("cr-101-lights").on is True


async def test_the_offer_goes_by_the_stored_state_when_the_replica_did_not_hear_the_switch(db_url):
    """The first command ran on A and the broker gave the boards' reports to A, whose ingest stored them: B's own
    gateway still thinks the lights are on, yet the offer to turn them back on is made (from the stored state)."""
    wall = Wall()
    async with replicas(db_url, wall, shares_reports=True) as ((a, b), gateways):
        await settle(gateways, ["cr-101-lights", "cr-102-lights"], True)
        gateways[1].transport.deaf = True
        first = await a.on_text(WHO, "turn off the lights in classroom 101")
        assert first.outcome == "done", first.text
        gateways[1].transport.deaf = False
        assert gateways[1].state("cr-101-lights").on is True  # B did not hear it
        with session_scope(db_url) as session:  # what A's ingest writer stores from the report it was given
            session.execute(update(m.Switch).where(m.Switch.id == "cr-101-lights").values(state=False))
        fixed = await b.on_text(WHO, "sorry, I meant classroom 102")
        assert "Classroom 102: lights off (1/1 confirmed)" in fixed.text, fixed.text
        assert "Lights in Classroom 101 are still off. Turn them back on?" in fixed.text, fixed.text
        tap = await b.on_button(WHO, fixed.buttons[0][0].data)
        assert tap.outcome == "done" and gateways[0].state("cr-101-lights").on is True, tap.text


async def test_a_chat_memory_that_cannot_be_reached_loses_the_follow_up_not_the_reply(db_url, caplog):
    # The memory's store goes away (here: a PostgreSQL port nothing listens on) while the rest still works: each
    # message is answered, the failure is logged, and a follow-up is read as a first message, so it asks rather
    # than switching anything.
    from bot.chat_memory import StoredChatMemory

    wall = Wall()
    async with replicas(db_url, wall) as ((a, b), gateways):
        await settle(gateways, ["cr-101-lights", "cr-101-fans"], True)
        for engine in (a, b):
            engine.memory = StoredChatMemory("postgresql+psycopg://autovolt@127.0.0.1:1/none", TTL)
        first = await a.on_text(WHO, "turn off the lights in classroom 101")
        assert first.outcome == "done" and "Classroom 101: lights off" in first.text, first.text
        more = await b.on_text(WHO, "and the fans too")
        assert more.outcome != "done", more.text
        assert gateways[1].state("cr-101-fans").on is True
        assert "chat memory not written" in caplog.text and "chat memory not read" in caplog.text
