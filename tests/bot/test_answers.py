"""Answers faculty ask for: cost at the campus tariff, peak demand, comparisons, offline boards, "and last week?",
switches already in the asked state, one line per room in bulk replies, no model names, periods the data does not
fully cover, and the short "I can't do that". Through the conversation engine on two weeks of demo history."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import pytest_asyncio

from bot.conversation import Sender
from bot.queries import Queries, Scope
from nlu.command import Period
from store.db import session_scope, upgrade
from store.readings import insert_readings
from store.registry import sync_campus
from tests.bot.conftest import history_store, memory_conversation

ADMIN = Sender(1001, 1001, "terminal")
FACULTY = Sender(2001, 2001, "terminal")
NOW = dt.datetime.now(dt.timezone.utc)


@pytest.fixture(scope="module")
def history_url(tmp_path_factory, campus) -> str:
    return history_store(tmp_path_factory.mktemp("answers"), campus, NOW)


@pytest_asyncio.fixture
async def engine(campus, history_url):
    async with memory_conversation(campus, history_url) as conversation:
        yield conversation


def kwh(text: str) -> float:
    return float(re.search(r"used ([\d,.]+) kWh", text).group(1).replace(",", ""))


async def test_what_did_it_cost_after_an_energy_answer_prices_it_at_the_tariff(engine, campus):
    first = await engine.on_text(FACULTY, "how much energy did classroom 101 use yesterday")
    cost = await engine.on_text(FACULTY, "what did it cost")
    assert cost.text.startswith(f"Classroom 101 used {kwh(first.text):,.1f} kWh yesterday."), cost.text
    money = float(re.search(r"Cost: about \u20b9([\d,]+)", cost.text).group(1).replace(",", ""))
    # Between the flat and the evening-band price of the same energy.
    assert campus.tariff.per_kwh * kwh(first.text) - 1 <= money <= 11.0 * kwh(first.text) + 1, cost.text


async def test_and_last_week_after_an_energy_answer(engine):
    await engine.on_text(FACULTY, "how much energy did classroom 102 use this week")
    last = await engine.on_text(FACULTY, "and last week?")
    assert last.text.startswith("Classroom 102 used ") and " from " in last.text, last.text


async def test_peak_demand_today(settled):
    engine = settled
    reply = await engine.on_text(ADMIN, "what was the peak demand today")
    assert reply.text.startswith("Peak demand today so far: ") and " kW (the average over the hour from " in reply.text


async def test_compare_two_blocks_side_by_side(settled):
    engine = settled
    reply = await engine.on_text(ADMIN, "compare block A and block B this week")
    lines = reply.text.splitlines()
    assert lines[0].startswith("Energy from ") or lines[0].startswith("Energy today"), reply.text
    assert lines[1].startswith("- Block A: ") and lines[2].startswith("- Block B: "), reply.text
    assert "more than" in lines[3] and "forecast" not in reply.text.lower()


async def test_which_boards_are_offline_lists_boards_not_alerts(engine):
    await engine.fleet.switch(["cr-101-lights"], True)
    reply = await engine.on_text(ADMIN, "which boards are offline?")
    assert reply.text.startswith("Every board is online (") or reply.text.startswith("Offline boards"), reply.text
    assert "alert" not in reply.text.lower()


async def test_a_switch_already_off_is_not_counted_as_switched_and_bulk_names_each_room_once(engine):
    await engine.fleet.switch(["cr-101-lights"], False)
    await engine.fleet.switch(["cr-101-fans"], True)
    reply = await engine.on_text(FACULTY, "turn off the lights and fans in classroom 101")
    assert reply.text == "Classroom 101: ceiling fans off (1/1 confirmed); lights already off", reply.text
    bulk = await engine.on_text(ADMIN, "turn on the lights and fans in block a")
    if bulk.buttons:
        bulk = await engine.on_button(ADMIN, bulk.buttons[0][0].data)
    rooms = [line.split(":")[0] for line in bulk.text.splitlines()]
    assert len(rooms) == len(set(rooms)) > 1, bulk.text


async def test_a_forecast_names_no_model(engine):
    reply = await engine.on_command(ADMIN, "forecast", ["classroom", "101"])
    assert "weekly-median" not in reply.text and "Forecast from the same hours of recent weeks" in reply.text


def test_a_month_the_readings_start_in_says_when_they_start(tmp_path, campus):
    url = f"sqlite:///{tmp_path / 'october.db'}"
    upgrade(url)
    tz = dt.timezone(dt.timedelta(hours=5, minutes=30))
    start = dt.datetime(2026, 10, 10, tzinfo=tz)
    ac = next(s for s in campus.switches if s.id == "cr-101-ac")
    with session_scope(url) as session:
        sync_campus(session, campus)
        insert_readings(session, [{"ts": start + dt.timedelta(hours=h), "board_id": ac.board_id, "switch_id": ac.id,
                                   "room_id": ac.room_id, "energy_wh": 500.0, "source": "telemetry"}
                                  for h in range(24 * 5)])
    october = Period(dt.datetime(2026, 10, 1, tzinfo=tz), dt.datetime(2026, 11, 1, tzinfo=tz))
    reply = Queries(campus, None, url).energy(Scope(("cr-101",), "Classroom 101"), october,
                                               dt.datetime(2026, 11, 20, tzinfo=tz))
    assert "readings start on Sat 10 Oct" in reply.text, reply.text



async def test_out_of_scope_gets_the_short_i_cant_do_that(engine):
    # Through the parser and its out-of-scope judge, as a user's message goes.
    reply = await engine.on_text(FACULTY, "play some music")
    assert reply.text.startswith("I can't do that.") and "Which room" not in reply.text, reply.text
