"""What an alert says on Telegram, read where the user reads it: scans on the real store write the outbox, the
outbox sender delivers to the loopback Bot API, and the texts it received name each room and building once."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from alerts.model import AlertConfig
from alerts.scanner import Scanner
from alerts.telegram import BotApi
from tests.bot.fake_bot_api import FakeBotApi

from .conftest import FACULTY, OWNER, Clock, build_campus, load, make_book, set_last_seen, set_states
from .test_delivery import deliver

IST = ZoneInfo("Asia/Kolkata")
UTC = dt.timezone.utc
NO_WAIT = AlertConfig(group_wait_s=0)


def said(text: str, name: str) -> int:
    """How many times `name` is said as whole words ("Hall 1" is not in "Hall 10")."""
    return len(re.findall(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE))


async def delivered(url: str) -> list[tuple[int, str]]:
    fake = FakeBotApi()
    await fake.start()
    try:
        await deliver(url, BotApi(fake.token, fake.base_url))
        return [(c.chat_id, c.text or "") for c in fake.sent()]
    finally:
        await fake.stop()


async def test_room_alerts_name_the_room_once_and_the_building(db_url):
    url = load(db_url, build_campus())
    clock = Clock(dt.datetime(2026, 11, 26, 18, 0, tzinfo=IST).astimezone(UTC))  # Thursday, after class
    set_states(url, {"a-101-lights": True, "a-101-fans": True, "a-101-ac": True})
    set_last_seen(url, {"a-101-panel": clock.now - dt.timedelta(hours=1), "a-102-panel": clock.now})
    scanner = Scanner(make_book(url, clock, NO_WAIT))
    for scan in ("after_hours", "thresholds", "offline"):
        assert scanner.run(scan).opened == 1, scan
    sent = await delivered(url)
    heads = {text.splitlines()[0] for _, text in sent}
    assert heads == {"\u26a0\ufe0f On after hours", "\U0001f6a8 High consumption", "\u26a0\ufe0f Board offline"}
    for chat, text in sent:
        assert said(text, "Classroom 101") == 1, text
        assert said(text, "Block A") == 1, text
        assert "Where: Classroom 101" not in text
    offline = next(text for chat, text in sent if chat == OWNER and "Board offline" in text)
    assert said(offline, "a-101-panel") == 1, offline  # the summary names the board; no "Devices:" repeat
    after = next(text for chat, text in sent if chat == FACULTY and "On after hours" in text)
    assert "Devices:" not in after and "(Lights, Fans, AC)" in after and "Value: 2.0 kW" in after, after
    high = next(text for _, text in sent if "High consumption" in text)
    assert said(high, "2.0 kW") == 1, high

    # Switched off and back: the "resolved" messages follow the same rule.
    set_states(url, {"a-101-lights": False, "a-101-fans": False, "a-101-ac": False})
    set_last_seen(url, {"a-101-panel": clock.advance(minutes=10)})
    for scan in ("after_hours", "thresholds", "offline"):
        assert scanner.run(scan).resolved == 1, scan
    done = [text for _, text in await delivered(url) if text.startswith("\u2705")]
    assert len(done) >= 3
    for text in done:
        assert said(text, "Classroom 101") == 1 and said(text, "Block A") == 1, text
    # The problem is said as it was, under the resolution, not as if it were still so.
    back = next(text for text in done if "Back online" in text)
    head, was = back.splitlines()[:2]
    assert head == "\u2705 Back online" and was.startswith("Was: Board a-101-panel in Classroom 101 has been"), back


async def test_grouped_offline_alert_names_the_building_once_and_each_room_once(db_url):
    campus = build_campus(big_building_boards=4)
    url = load(db_url, campus)
    clock = Clock(dt.datetime(2026, 11, 26, 12, 0, tzinfo=IST).astimezone(UTC))
    seen = {b.id: clock.now for b in campus.boards}
    seen.update({f"h-{i:03d}-panel": clock.now - dt.timedelta(hours=1) for i in range(4)})
    set_last_seen(url, seen)
    assert Scanner(make_book(url, clock, NO_WAIT)).run("offline").opened == 1
    sent = await delivered(url)
    assert sent and {chat for chat, _ in sent} >= {OWNER}
    for _, text in sent:
        assert text.splitlines()[:2] == ["\U0001f6a8 Boards offline", "4 boards in Exam Hall Block are offline"], text
        assert said(text, "Exam Hall Block") == 1, text
        for i in range(4):
            assert said(text, f"Hall {i}") == 1 and f"h-{i:03d}-panel (Hall {i})" in text, text
    set_last_seen(url, {f"h-{i:03d}-panel": clock.advance(minutes=1) for i in range(4)})
    assert Scanner(make_book(url, clock, NO_WAIT)).run("offline").resolved == 1
    back = [text for _, text in await delivered(url) if text.startswith("\u2705")]
    assert back and all(t.splitlines()[:2] == ["\u2705 Boards back online",
                                               "Was: 4 boards in Exam Hall Block are offline"] for t in back), back
