"""Alert settings in chat (/prefs, /mute, /unmute, /quiet) and the alert buttons settling their message, end to end
on the loopback Bot API server with the real alerts component's book and routing."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from alerts import outbox
from alerts.actions import AlertActions, is_alert_callback
from alerts.engine import AlertBook
from alerts.model import AlertConfig, ScanResult, Signal
from alerts.routing import route
from bot.queries import Queries
from nlu.command import Period
from store import models as m
from store.db import get_engine, session_scope

FACULTY = 2001
ADMIN = 1001
OTHER_ADMIN = 1002


def stored(h, user_id):
    with session_scope(h.db_url) as session:
        return session.execute(select(m.User.muted_alert_types, m.User.quiet_hours)
                               .where(m.User.telegram_id == user_id)).one()


async def test_commands_are_registered_and_prefs_shown(harness):
    names = [c["command"] for c in harness.api.commands]
    assert {"prefs", "mute", "unmute", "quiet"} <= set(names)
    start = await harness.say(FACULTY, "/start")
    assert "Muted alert types: none" in start.text and "Quiet hours: off" in start.text
    prefs = await harness.say(FACULTY, "/prefs")
    assert "/mute TYPE" in prefs.text and "after_hours" in prefs.text


async def test_mute_unmute_and_quiet_hours_are_stored_where_the_alerts_component_reads_them(harness):
    muted = await harness.say(FACULTY, "/mute after hours")
    assert muted.text.startswith("Muted after_hours") and "Muted alert types: after_hours" in muted.text
    await harness.say(FACULTY, "/mute board_offline")
    assert sorted(stored(harness, FACULTY)[0]) == ["after_hours", "board_offline"]
    quiet = await harness.say(FACULTY, "/quiet 22:00-07:00")
    assert "Quiet hours: 22:00-07:00" in quiet.text
    assert stored(harness, FACULTY)[1] == {"start": "22:00", "end": "07:00"}

    # The alerts component's own routing now honours them: muted types skip the user, quiet hours delay the
    # others, and critical alerts still come at once.
    book = AlertBook(get_engine(harness.db_url))
    with session_scope(harness.db_url) as session:
        campus, prefs, tz = book._context(session)
    late = dt.datetime(2026, 11, 26, 23, 0, tzinfo=tz).astimezone(dt.timezone.utc)
    def who(kind, severity):
        signal = Signal(type=kind, target="cr-101", severity=severity, summary="x", observed_at=late,
                        room_id="cr-101", building_id="block-a")
        return {r.chat_id: r.deliver_at for r in route(campus, signal, prefs, late, tz)}
    assert FACULTY not in who("after_hours", "warning")
    assert who("anomaly", "warning")[FACULTY] > late  # held until 07:00
    assert who("anomaly", "critical")[FACULTY] == late

    unmuted = await harness.say(FACULTY, "/unmute after_hours")
    assert "Muted alert types: board_offline" in unmuted.text
    off = await harness.say(FACULTY, "/quiet off")
    assert "Quiet hours: off" in off.text and stored(harness, FACULTY) == (["board_offline"], None)


async def test_bad_preference_input_gets_one_line_and_changes_nothing(harness):
    for text, expected in (("/mute weather", "do not know the alert type"), ("/quiet 25:00-07:00", "not a time"),
                           ("/quiet soon", "Usage: /quiet"), ("/quiet 22:00-22:00", "differ")):
        reply = await harness.say(FACULTY, text)
        assert expected in reply.text and "\n" not in reply.text and "Traceback" not in reply.text, reply.text
    assert stored(harness, FACULTY) == ([], None)
    usage = await harness.say(FACULTY, "/mute")
    assert "Usage: /mute TYPE" in usage.text and "board_offline" in usage.text


async def test_acknowledged_alert_message_loses_its_buttons(harness):
    book = AlertBook(get_engine(harness.db_url), AlertConfig(group_wait_s=0))
    actions = AlertActions(book)
    harness.bot.app.bot_data["button_routes"].append((is_alert_callback, actions.handle))
    now = dt.datetime.now(dt.timezone.utc)
    signal = Signal(type="alertmanager", target="db", severity="critical", summary="The database does not answer",
                    observed_at=now)
    book.apply(ScanResult(covers=frozenset(), signals=(signal,)), now)
    items = [i for i in outbox.claim(get_engine(harness.db_url), now, 100) if i.chat_id == ADMIN]
    assert items
    # Delivered as the outbox sender would: its text and the alert's buttons.
    alert_id = items[0].alert_id
    with session_scope(harness.db_url) as session:
        assert session.get(m.Alert, alert_id) is not None
    buttons = [[InlineKeyboardButton(b["text"], callback_data=b["callback_data"]) for b in row] for row in items[0].buttons]
    assert any(b.callback_data == f"al:ack:{alert_id}" for row in buttons for b in row)
    start = len(harness.api.calls)
    await harness.bot.app.bot.send_message(ADMIN, items[0].text, reply_markup=InlineKeyboardMarkup(buttons))
    sent = await harness.api.wait_for(lambda c: c.method == "sendMessage" and c.chat_id == ADMIN, start=start)
    assert sent.buttons

    start = len(harness.api.calls)
    harness.api.press(ADMIN, f"al:ack:{alert_id}", sent.message)
    answer = await harness.api.wait_for(lambda c: c.method == "answerCallbackQuery", start=start)
    assert answer.params["text"].startswith("Acknowledged: The database does not answer")
    edited = await harness.api.wait_for(lambda c: c.method == "editMessageText", start=start)
    assert edited.text.startswith(items[0].text) and "Acknowledged: The database" in edited.text
    assert "User1001" in edited.text.splitlines()[-1]  # who did it, for everybody reading the chat
    assert not edited.buttons and "reply_markup" not in edited.message

    # Another admin's copy: a press after the acknowledgement is refused and leaves that message alone.
    start = len(harness.api.calls)
    harness.api.press(OTHER_ADMIN, f"al:s1h:{alert_id}", {**sent.message, "chat": {"id": OTHER_ADMIN, "type": "private"}},
                      chat_id=OTHER_ADMIN)
    await harness.api.wait_for(lambda c: c.method == "answerCallbackQuery", start=start)
    start = len(harness.api.calls)
    harness.api.press(OTHER_ADMIN, f"al:ack:{alert_id}", sent.message, chat_id=OTHER_ADMIN)
    refused = await harness.api.wait_for(lambda c: c.method == "answerCallbackQuery", start=start)
    assert "Already acknowledged" in refused.params["text"]
    await harness.say(FACULTY, "/help")  # everything queued before has been handled
    assert not [c for c in harness.api.calls[start:] if c.method.startswith("edit")]


def test_energy_of_a_running_period_ends_so_far_not_in_the_future(campus):
    queries = Queries(campus, fleet=None, database_url="sqlite://")
    tz = queries.tz
    now = dt.datetime(2026, 11, 26, 10, 0, tzinfo=tz)
    week = Period(dt.datetime(2026, 11, 23, tzinfo=tz), dt.datetime(2026, 11, 30, tzinfo=tz))
    assert queries.period_text(week, now, so_far=True) == "from Mon 23 Nov until now (so far)"
    assert queries.period_text(week, now) == "from 23 Nov to 29 Nov"  # a forecast covers the whole week
    last_week = Period(dt.datetime(2026, 11, 16, tzinfo=tz), dt.datetime(2026, 11, 23, tzinfo=tz))
    assert queries.period_text(last_week, now, so_far=True) == "from 16 Nov to 22 Nov"
    today = Period(dt.datetime(2026, 11, 26, tzinfo=tz), dt.datetime(2026, 11, 27, tzinfo=tz))
    assert queries.period_text(today, now, so_far=True) == "today so far"
