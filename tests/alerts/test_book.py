"""The alert book on SQLite and PostgreSQL: dedupe, cooldown, reminders, acknowledgement, grouping, quiet hours,
and restarts (a new book on the same database) that neither repeat nor forget."""

from __future__ import annotations

import datetime as dt

import pytest

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from alerts import outbox
from alerts.model import AlertConfig
from alerts.scanner import Scanner
from store import models as m
from store.db import get_engine, session_scope

from .conftest import (ADMIN, ADMIN2, FACULTY, FACULTY2, NO_WAIT, NOON, OWNER, Clock, build_campus, load, make_book,
                       set_last_seen)


def rows(url: str, **where) -> list[m.Delivery]:
    with Session(get_engine(url)) as session:
        query = select(m.Delivery).order_by(m.Delivery.id)
        for key, value in where.items():
            query = query.where(getattr(m.Delivery, key) == value)
        return list(session.scalars(query))


def deliver_due(url: str, now: dt.datetime) -> list[outbox.OutboxItem]:
    """Pretend Telegram took every due message."""
    engine = get_engine(url)
    items = outbox.claim(engine, now, 10_000)
    for item in items:
        outbox.mark_sent(engine, item.id, 1, now)
    return items


def scan(url: str, clock: Clock, name: str = "offline", config: AlertConfig = NO_WAIT):
    return Scanner(make_book(url, clock, config)).run(name)


def test_offline_board_alerts_owner_and_faculty_once_then_back_online(loaded, clock):
    set_last_seen(loaded, {"a-101-panel": NOON - dt.timedelta(minutes=6), "a-102-panel": NOON - dt.timedelta(minutes=1)})
    report = scan(loaded, clock)
    assert report.opened == 1 and report.enqueued == 2
    first = deliver_due(loaded, clock.now)
    assert sorted(i.chat_id for i in first) == [FACULTY, OWNER]
    assert all("Board offline" in i.text and "Classroom 101" in i.text for i in first)
    for _ in range(3):  # later scans only refresh the alert
        clock.advance(minutes=1)
        assert scan(loaded, clock).enqueued == 0
    set_last_seen(loaded, {"a-101-panel": clock.advance(minutes=1)})
    report = scan(loaded, clock)
    assert report.resolved == 1
    back = deliver_due(loaded, clock.now)
    assert sorted(i.chat_id for i in back) == [FACULTY, OWNER] and all("Back online" in i.text for i in back)
    assert len(rows(loaded)) == 4


def test_a_restart_repeats_nothing_and_forgets_nothing(loaded, clock):
    set_last_seen(loaded, {"a-101-panel": NOON - dt.timedelta(minutes=10)})
    scan(loaded, clock)
    deliver_due(loaded, clock.now)
    # "Restart": brand-new book and scanner objects on the same database, same facts.
    assert scan(loaded, clock).enqueued == 0
    clock.advance(minutes=31)
    assert Scanner(make_book(loaded, clock)).run("notify").reminded == 1
    assert Scanner(make_book(loaded, clock)).run("notify").enqueued == 0  # the reminder is not made twice
    reminders = [r for r in rows(loaded) if ":n1:" in r.dedupe_key]
    assert sorted(r.chat_id for r in reminders) == [FACULTY, OWNER] and "reminder 1" in reminders[0].text


def test_acknowledge_stops_reminders_for_everybody_and_says_who(loaded, clock):
    set_last_seen(loaded, {"a-101-panel": NOON - dt.timedelta(minutes=10)})
    scan(loaded, clock)
    deliver_due(loaded, clock.now)
    book = make_book(loaded, clock)
    alert_id = rows(loaded)[0].alert_id
    refused = book.acknowledge(alert_id, FACULTY2)  # was never told about it
    assert not refused.ok and "not sent to you" in refused.text
    clock.advance(minutes=5)
    done = book.acknowledge(alert_id, FACULTY)
    assert done.ok and "stopped for everybody" in done.text
    told = deliver_due(loaded, clock.now)
    assert [(i.chat_id, i.text.split(" acknowledged")[0][-9:]) for i in told] == [(OWNER, "Dr. Meera")]
    again = book.acknowledge(alert_id, OWNER)
    assert not again.ok and "Dr. Meera" in again.text
    for minutes in (30, 60, 240, 600):
        clock.now = NOON + dt.timedelta(minutes=minutes)
        assert book.tick().enqueued == 0
    assert not [r for r in rows(loaded) if ":n1:" in r.dedupe_key]


def test_snooze_postpones_the_next_reminder(loaded, clock):
    set_last_seen(loaded, {"a-101-panel": NOON - dt.timedelta(minutes=10)})
    scan(loaded, clock)
    deliver_due(loaded, clock.now)
    book = make_book(loaded, clock)
    alert_id = rows(loaded)[0].alert_id
    assert book.snooze(alert_id, OWNER, "1h").ok
    clock.advance(minutes=45)
    assert book.tick().reminded == 0  # would have been due at 30 min
    clock.advance(minutes=16)
    assert book.tick().reminded == 1


def test_sixty_boards_of_one_building_make_one_message_per_recipient(db_url, clock):
    url = load(db_url, build_campus(big_building_boards=60))
    gone = NOON - dt.timedelta(minutes=7)
    set_last_seen(url, {f"h-{i:03d}-panel": gone for i in range(60)} | {"a-101-panel": NOON})
    report = scan(url, clock)
    assert report.opened == 1
    sent = deliver_due(url, clock.now)
    # The owner of all sixty, and (a building dark is critical) both admins: one message each.
    assert sorted(i.chat_id for i in sent) == [ADMIN, ADMIN2, OWNER]
    assert all("60 boards in Exam Hall Block are offline" in i.text for i in sent)
    # Half come back: still one open group, nothing new said.
    set_last_seen(url, {f"h-{i:03d}-panel": clock.advance(seconds=1) for i in range(30)})
    assert scan(url, clock).enqueued == 0
    set_last_seen(url, {f"h-{i:03d}-panel": clock.advance(seconds=1) for i in range(30, 60)})
    report = scan(url, clock)
    assert report.resolved == 1
    resolved = deliver_due(url, clock.now)
    assert sorted(i.chat_id for i in resolved) == [ADMIN, ADMIN2, OWNER]
    assert all("Boards back online" in i.text for i in resolved)


def test_single_alerts_are_absorbed_silently_when_their_building_goes_dark(db_url, clock):
    url = load(db_url, build_campus(big_building_boards=5))
    set_last_seen(url, {"h-000-panel": NOON - dt.timedelta(minutes=6)} | {f"h-{i:03d}-panel": NOON for i in range(1, 5)})
    scan(url, clock)
    assert [i.chat_id for i in deliver_due(url, clock.now)] == [OWNER]
    clock.advance(minutes=10)
    report = scan(url, clock)  # now all five are silent
    assert report.absorbed == 1 and report.resolved == 0
    texts = [i.text for i in deliver_due(url, clock.now)]
    assert texts and all("5 boards in Exam Hall Block" in t for t in texts) and not any("Back online" in t for t in texts)


def test_a_flapping_board_is_announced_once_per_cooldown(loaded, clock):
    set_last_seen(loaded, {"a-101-panel": NOON - dt.timedelta(minutes=6)})
    scan(loaded, clock)
    deliver_due(loaded, clock.now)
    set_last_seen(loaded, {"a-101-panel": clock.advance(seconds=30)})
    scan(loaded, clock)  # back: resolved (told)
    deliver_due(loaded, clock.now)
    clock.advance(minutes=2)
    set_last_seen(loaded, {"a-101-panel": clock.now - dt.timedelta(minutes=6)})
    report = scan(loaded, clock)  # offline again, within the cooldown: opened but not announced
    assert report.opened == 1 and report.enqueued == 0
    clock.advance(minutes=2)
    assert make_book(loaded, clock).tick().enqueued == 0
    clock.advance(minutes=2)  # cooldown over, still offline
    assert make_book(loaded, clock).tick().announced == 1


def test_quiet_hours_defer_and_an_alert_over_by_then_is_not_sent(loaded, clock):
    with session_scope(loaded) as session:
        session.execute(update(m.User).where(m.User.telegram_id == FACULTY)
                        .values(quiet_hours={"start": "11:00", "end": "13:00"}))
        session.execute(update(m.User).where(m.User.telegram_id == OWNER).values(muted_alert_types=["board_offline"]))
    set_last_seen(loaded, {"a-101-panel": NOON - dt.timedelta(minutes=6)})
    scan(loaded, clock)
    [row] = rows(loaded)
    assert row.chat_id == FACULTY and row.next_attempt_at == NOON + dt.timedelta(hours=1)  # 13:00 IST
    assert deliver_due(loaded, clock.now) == []
    set_last_seen(loaded, {"a-101-panel": clock.advance(minutes=10)})
    scan(loaded, clock)
    assert [r.status for r in rows(loaded)] == ["cancelled"]  # nobody was told, so no "back online" either
    assert deliver_due(loaded, NOON + dt.timedelta(hours=2)) == []


def test_boards_going_down_a_few_seconds_apart_make_one_group_message(db_url, clock):
    url = load(db_url, build_campus(big_building_boards=6))
    waiting = AlertConfig(group_wait_s=30)
    set_last_seen(url, {f"h-{i:03d}-panel": NOON - dt.timedelta(minutes=5, seconds=10) for i in range(2)}
                  | {f"h-{i:03d}-panel": NOON - dt.timedelta(minutes=4, seconds=50) for i in range(2, 6)})
    report = scan(url, clock, config=waiting)  # two past the limit: singles, held back
    assert report.opened == 2 and report.enqueued == 0
    clock.advance(seconds=20)
    report = scan(url, clock, config=waiting)  # all six now: one group; the singles are folded in unsent
    assert report.absorbed == 2 and report.enqueued == 3
    texts = {i.chat_id: i.text for i in deliver_due(url, clock.now)}
    assert set(texts) == {ADMIN, ADMIN2, OWNER} and "6 boards in Exam Hall Block" in texts[OWNER]
    clock.advance(seconds=60)
    assert make_book(url, clock, waiting).tick().enqueued == 0


def test_preferences_are_stored_for_the_bot_and_used_by_routing(loaded, clock):
    import pytest

    from alerts.preferences import PreferenceError, set_muted, set_quiet_hours

    with session_scope(loaded) as session:
        assert set_muted(session, OWNER, ["board_offline"]) == frozenset({"board_offline"})
        assert set_quiet_hours(session, FACULTY, "22:00", "07:00").start == dt.time(22, 0)
        with pytest.raises(PreferenceError, match="known types"):
            set_muted(session, OWNER, ["everything"])
        with pytest.raises(PreferenceError, match="not registered"):
            set_quiet_hours(session, 999, "22:00", "07:00")
    set_last_seen(loaded, {"a-101-panel": NOON - dt.timedelta(minutes=6)})
    scan(loaded, clock)
    assert [r.chat_id for r in rows(loaded)] == [FACULTY]  # the owner muted it; noon is outside 22-07
    with session_scope(loaded) as session:
        set_quiet_hours(session, FACULTY, None, None)
        assert session.get(m.User, FACULTY).quiet_hours is None


@pytest.mark.postgres
def test_two_components_racing_for_one_alert_announce_it_once(postgres_url, clock, monkeypatch):
    # PostgreSQL only: on SQLite the second writer waits for the first (one writer at a time), so no race.
    from alerts.engine import AlertBook

    url = load(postgres_url, build_campus())
    set_last_seen(url, {"a-101-panel": NOON - dt.timedelta(minutes=6)})
    other = make_book(url, clock)
    original_open = AlertBook._open
    raced = []

    def open_after_the_other(self, session, sig, now):
        if self is not other and not raced:  # the other component scans (and commits) just after we looked
            raced.append(None)
            raced[0] = Scanner(other).run("offline")
        return original_open(self, session, sig, now)

    monkeypatch.setattr(AlertBook, "_open", open_after_the_other)
    report = scan(url, clock)
    assert raced[0].opened == 1 and report.opened == 0  # ours retried and found the other's episode
    assert sorted(r.dedupe_key.split(":")[2] for r in rows(url)) == ["n0", "n0"]  # one notice per recipient
    with Session(get_engine(url)) as session:
        assert len(list(session.scalars(select(m.Alert)))) == 1
