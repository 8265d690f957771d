"""The conversation engine without Telegram (as the terminal chat uses it): questions with charts, default rooms
kept in the store, the audit trail, and the `autovolt chat` command."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys

import pytest
from PIL import Image
from sqlalchemy import select

from bot.callbacks import CallbackSigner, random_key
from bot.conversation import Conversation, Sender
from store import models as m
from store.db import session_scope, upgrade
from store.registry import sync_campus


def png_size(data: bytes) -> tuple[int, int]:
    return Image.open(io.BytesIO(data)).size


async def test_energy_question_answers_with_a_chart_and_a_total(settled):
    engine = settled
    reply = await engine.on_text(Sender(1001, 1001, "terminal"), "how much energy did classroom 101 use this week")
    assert reply.text.startswith("Classroom 101 used ") and " kWh " in reply.text
    assert reply.chart is not None and png_size(reply.chart)[0] > 400
    campus = await engine.on_command(Sender(1001, 1001, "terminal"), "energy", ["yesterday"])
    assert campus.text.startswith("The campus used ") and "Most: " in campus.text


async def test_energy_of_one_kind_of_device_is_that_device_s_not_the_room_s(history_engine):
    who = Sender(1001, 1001, "terminal")
    room = await history_engine.on_text(who, "how much energy did classroom 102 use yesterday")
    ac = await history_engine.on_text(who, "how much did the AC in classroom 102 use yesterday")
    assert room.text.startswith("Classroom 102 used ") and ac.text.startswith("The AC in Classroom 102 used "), ac.text
    kwh = [float(r.text.split(" used ")[1].split(" kWh")[0].replace(",", "")) for r in (room, ac)]
    assert 0 < kwh[1] < kwh[0]  # the AC alone is part of the room
    none = await history_engine.on_text(who, "how much energy did the heater in classroom 101 use today")
    assert none.text == "I found no heater in Classroom 101."


def test_a_room_metered_as_a_whole_says_it_cannot_split_out_one_device(tmp_path, campus):
    from bot.queries import Queries, Scope
    from nlu.command import Period
    from store.readings import insert_readings

    url = f"sqlite:///{tmp_path / 'metered.db'}"
    upgrade(url)
    room = campus.room("seminar-hall")
    ac = next(s for s in campus.switches if s.room_id == room.id and s.type == "ac")
    start = dt.datetime(2026, 11, 24, tzinfo=dt.timezone.utc)
    with session_scope(url) as session:
        sync_campus(session, campus)
        insert_readings(session, [{"ts": start + dt.timedelta(hours=h), "board_id": ac.board_id, "switch_id": None,
                                   "room_id": room.id, "energy_wh": 900.0, "source": "telemetry"} for h in range(24)])
    queries = Queries(campus, None, url)
    day = Period(start, start + dt.timedelta(days=1))
    whole = queries.energy(Scope((room.id,), room.name), day, start + dt.timedelta(days=2))
    assert whole.text.startswith(f"{room.name} used 21.6 kWh")
    one = queries.energy(Scope((room.id,), room.name), day, start + dt.timedelta(days=2), (ac.id,))
    assert one.text.startswith(f"{room.name} is metered as a whole, so the energy of the ")


async def test_forecast_gives_a_range_and_a_band_chart(history_engine):
    reply = await history_engine.on_command(Sender(2002, 2002, "terminal"), "forecast", ["lab", "1"])
    assert "expected to use about" in reply.text and "likely between" in reply.text, reply.text
    assert reply.chart is not None
    refused = await history_engine.on_command(Sender(2002, 2002, "terminal"), "forecast", ["classroom", "101"])
    assert refused.outcome == "refused"


async def test_a_forecast_for_a_period_under_way_adds_the_readings_so_far(history_engine):
    # "How much will lab 1 use this week?" on a Thursday: Monday to now is read from the meters, the rest forecast,
    # and the reply says which is which instead of calling the rest of the week the whole week.
    import re

    from bot.queries import Scope
    from nlu.command import Period

    now = history_engine.clock()
    period = Period(now - dt.timedelta(days=2), now + dt.timedelta(days=1))
    reply = history_engine.queries.forecast(Scope(("lab-1",), "Computer Lab 1"), period, now)
    assert reply.text.startswith("Computer Lab 1 has used "), reply.text
    used, more, total = (float(x.replace(",", "")) for x in re.findall(r"([\d,]+\.\d) kWh", reply.text)[:3])
    assert used > 0 and more > 0 and abs(used + more - total) <= 0.11
    ahead = history_engine.queries.forecast(Scope(("lab-1",), "Computer Lab 1"), Period(now + dt.timedelta(days=1), now + dt.timedelta(days=2)), now)
    assert ahead.text.startswith("Computer Lab 1 is expected to use about ")


async def test_default_room_is_kept_in_the_store_and_used(history_engine, campus, history_url):
    admin = Sender(1002, 1002, "terminal")
    reply = await history_engine.on_command(admin, "myroom", ["lab", "3"])
    assert reply.outcome == "done" and campus.room("lab-3").name in reply.text
    with session_scope(history_url) as session:
        assert session.get(m.User, 1002).default_room_id == "lab-3"
    fresh = Conversation(campus, history_engine.fleet, history_url, CallbackSigner(random_key()))
    await fresh.load()
    switched = await fresh.on_text(admin, "turn on the lights")
    assert switched.text.startswith(campus.room("lab-3").name + ": lights on (1/1 confirmed)"), switched.text
    bad = await history_engine.on_command(admin, "myroom", ["the", "moon"])
    assert bad.outcome == "not_understood" and "\n" not in bad.text


async def test_every_message_is_audited_with_outcome(history_engine, history_url):
    who = Sender(2003, 2003, "terminal")
    await history_engine.on_text(who, "turn off the lights in lab 3")
    await history_engine.on_text(who, "what's the weather like")
    await history_engine.on_text(who, "turn off the lights in classroom 101")
    assert history_engine.audit.flush()
    with session_scope(history_url) as session:
        rows = session.execute(select(m.CommandAudit.text, m.CommandAudit.outcome, m.CommandAudit.channel)
                               .where(m.CommandAudit.user_id == 2003).order_by(m.CommandAudit.id)).all()
    assert [(t, o) for t, o, _ in rows] == [("turn off the lights in lab 3", "done"),
                                           ("what's the weather like", "not_understood"),
                                           ("turn off the lights in classroom 101", "refused")]
    assert {c for _, _, c in rows} == {"terminal"}


async def test_an_unknown_room_gets_a_question_not_the_campus_figures(history_engine):
    who = Sender(1001, 1001, "terminal")
    reply = await history_engine.on_text(who, "how much will room 204 use tomorrow?")
    assert reply.outcome == "clarify" and reply.chart is None
    assert reply.text == "I don't know room 204 on this campus. Did you mean Classroom 201 or Classroom 202?"
    status = await history_engine.on_command(who, "status", ["lab", "9"])
    assert status.outcome == "clarify" and status.text.startswith("I don't know lab 9")


async def test_greetings_and_thanks_are_answered_in_kind(history_engine):
    who = Sender(1001, 1001, "terminal")
    hello = await history_engine.on_text(who, "Good morning!")
    assert hello.outcome == "answered" and hello.text.startswith("Hello ") and "/help" in hello.text
    assert (await history_engine.on_text(who, "thanks")).text == "You're welcome."
    assert (await history_engine.on_text(who, "hi, is the AC in lab 1 on?")).text.startswith("Computer Lab 1: AC ")


async def test_what_is_wrong_with_a_room_looks_at_that_room_s_alerts(history_engine):
    reply = await history_engine.on_text(Sender(1001, 1001, "terminal"), "what is wrong with classroom 101?")
    assert reply.text == "Nothing wrong that I can see in Classroom 101: no open alerts, and every board there is reachable."
    refused = await history_engine.on_text(Sender(2002, 2002, "terminal"), "any problems in classroom 101")
    assert refused.outcome == "refused"
    block = await history_engine.on_text(Sender(1001, 1001, "terminal"), "any problems in block b")
    assert block.text.startswith("Nothing wrong that I can see in Block B:")


async def test_a_command_for_a_past_day_is_asked_about_and_the_answer_completes_it(history_engine):
    who = Sender(1001, 1001, "terminal")
    asked = await history_engine.on_text(who, "turn off the lights in classroom 101 yesterday at 5 pm")
    assert asked.outcome == "clarify" and asked.text.endswith("has already passed. Should I do it now, or at what time?")
    done = await history_engine.on_text(who, "at 6 pm")
    assert done.outcome == "scheduled" and done.text.startswith("Scheduled: ") and "18:00" in done.text
    assert "Classroom 101" in done.text and " off " in done.text
    # Once done, a bare time means nothing any more.
    assert (await history_engine.on_text(who, "at 7 pm")).outcome == "not_understood"


async def test_bad_input_never_raises(history_engine):
    who = Sender(1001, 1001, "terminal")
    for text in ("", "\x00\x01\x02", "a" * 20000, "/energy 99 bananas", "turn off"):
        reply = await history_engine.on_text(who, text) if not text.startswith("/") else \
            await history_engine.on_command(who, text[1:].split()[0], text.split()[1:])
        assert reply.text and reply.outcome != "error"


def test_autovolt_chat_once_from_the_command_line(tmp_path):
    env = {"AUTOVOLT_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin"}
    autovolt = [sys.executable, "-m", "autovolt"]
    prepared = subprocess.run([*autovolt, "demo", "--no-serve", "--weeks", "1"], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=120)
    assert prepared.returncode == 0, prepared.stderr
    done = subprocess.run([*autovolt, "chat", "--as", "2001", "--once", "turn on the fans in classroom 102"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "bot> Classroom 102: ceiling fans on (1/1 confirmed)" in done.stdout
    missing = subprocess.run([*autovolt, "chat", "--voice", str(tmp_path / "nope.ogg")], cwd=tmp_path, env=env,
                             capture_output=True, text=True, timeout=60)
    assert missing.returncode == 2 and "cannot read" in missing.stderr and "Traceback" not in missing.stderr
