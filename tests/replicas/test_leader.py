"""One leader among the replicas (autovolt.leader): a PostgreSQL advisory lock on PostgreSQL, one process only on
SQLite; the leader's duties run on it alone, and another replica takes over when it dies."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys

import pytest

from autovolt.leader import Leadership, ReplicaRefused
from tests.conftest import ROOT, until
from tests.service.test_whole_service import free_port

TAKEOVER_BOUND_S = 30.0  # the issue's own requirement; the check interval here makes it a few seconds


class Duty:
    """Records when the leader starts and stops it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.running = False
        self.starts = 0

    async def start(self) -> None:
        self.running, self.starts = True, self.starts + 1

    async def stop(self) -> None:
        self.running = False


@pytest.mark.postgres
async def test_one_leader_runs_the_duties_and_another_takes_over_when_it_stops(postgres_url):
    duties = {name: Duty(name) for name in ("a", "b", "c")}
    replicas = {name: Leadership(postgres_url, name, [duties[name]], check_s=0.2) for name in duties}
    try:
        for replica in replicas.values():
            await replica.start()
        await asyncio.sleep(1.0)  # several election rounds
        leaders = [name for name, r in replicas.items() if r.leading]
        assert len(leaders) == 1 and [n for n, d in duties.items() if d.running] == leaders
        first = leaders[0]
        await until(lambda: all(r.status().leader == first for r in replicas.values()), "every replica names the first leader",
                    TAKEOVER_BOUND_S)
        await replicas.pop(first).stop()
        assert not duties[first].running
        await until(lambda: any(r.leading for r in replicas.values()), "a replica leads", TAKEOVER_BOUND_S)
        await asyncio.sleep(1.0)
        assert sum(r.leading for r in replicas.values()) == 1
        assert sum(d.running for d in duties.values()) == 1
    finally:
        for replica in replicas.values():
            await replica.stop()


@pytest.mark.postgres
async def test_a_leader_killed_with_sigkill_is_replaced(postgres_url):
    proc = subprocess.Popen([sys.executable, "-m", "tests.replicas.leader_process", postgres_url, "doomed"],
                            cwd=ROOT, stdout=subprocess.PIPE, text=True)
    follower = Leadership(postgres_url, "survivor", check_s=0.5)
    try:
        assert proc.stdout.readline().strip() == "leading"
        await follower.start()
        assert not follower.leading and follower.status().leader == "doomed"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        await until(lambda: follower.leading, "the follower takes over", TAKEOVER_BOUND_S)
        assert follower.status().leader == "survivor"
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(10)
        await follower.stop()


async def test_sqlite_refuses_a_second_replica_with_a_clear_message(sqlite_url):
    first = Leadership(sqlite_url, "one")
    await first.start()
    try:
        assert first.leading
        second = Leadership(sqlite_url, "two")
        with pytest.raises(ReplicaRefused, match=r"SQLite takes one `autovolt serve`.*PostgreSQL"):
            await second.start()
        assert not second.leading
    finally:
        await first.stop()
    again = Leadership(sqlite_url, "two")
    await again.start()  # the first one has gone: the file is free
    assert again.leading
    await again.stop()


def test_a_second_serve_on_one_sqlite_database_exits_with_the_message(tmp_path):
    env = {**os.environ, "AUTOVOLT_DATA_DIR": str(tmp_path), "AUTOVOLT_HTTP_PORT": str(free_port())}
    env.pop("AUTOVOLT_DATABASE_URL", None)
    env.pop("AUTOVOLT_TELEGRAM_TOKEN", None)
    holder = subprocess.Popen([sys.executable, "-c", "import asyncio, sys\n"
                               "from autovolt.leader import Leadership\n"
                               f"l = Leadership('sqlite:///{tmp_path}/autovolt.db', 'first')\n"
                               "async def main():\n    await l.start(); print('held', flush=True); await asyncio.sleep(60)\n"
                               "asyncio.run(main())"], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        second = subprocess.run([sys.executable, "-m", "autovolt", "serve", "--for", "5"], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=120)
        assert second.returncode != 0
        assert "SQLite takes one `autovolt serve`" in second.stderr + second.stdout
    finally:
        holder.kill()
        holder.wait(10)


@pytest.mark.postgres
async def test_only_the_leader_polls_telegram_and_a_follower_takes_over(postgres_url, tmp_path):
    from autovolt.settings import load_settings
    from bot.component import BotComponent, ConversationComponent
    from store.campus import load_campus_file
    from store.db import session_scope, upgrade
    from store.registry import sync_campus
    from tests.bot.fake_bot_api import FakeBotApi
    from tests.conftest import DEMO_CAMPUS

    upgrade(postgres_url)
    with session_scope(postgres_url) as session:
        sync_campus(session, load_campus_file(DEMO_CAMPUS))
    api = FakeBotApi()
    await api.start()
    settings = load_settings(database_url=postgres_url, data_dir=tmp_path, telegram_token=api.token,
                             telegram_base_url=api.base_url, mqtt_url=None)
    conversations = [ConversationComponent(settings) for _ in range(2)]
    bots = [BotComponent(settings, conversation) for conversation in conversations]
    elections = [Leadership(postgres_url, f"bot-{i}", [bot.polling_duty()], check_s=0.2) for i, bot in enumerate(bots)]
    try:
        for conversation, bot, election in zip(conversations, bots, elections):
            await conversation.start()
            await bot.start()
            await election.start()
        polling = [bot.bot.app.updater.running for bot in bots]
        assert polling == [e.leading for e in elections] and sum(polling) == 1
        start = len(api.calls)
        api.send_text(2001, "turn on the lights in classroom 101")
        assert re.search(r"lights (already )?on", (await api.reply_to(2001, start)).text)
        leader = polling.index(True)
        await elections[leader].stop()
        assert not bots[leader].bot.app.updater.running
        await until(lambda: bots[1 - leader].bot.app.updater.running, "the other bot polls", TAKEOVER_BOUND_S)
        start = len(api.calls)
        api.send_text(2001, "turn off the lights in classroom 101")
        # The new leader's own fleet (each bot here runs its own simulated one) may have the lights off already.
        assert re.search(r"lights (already )?off", (await api.reply_to(2001, start)).text)
    finally:
        for election in elections:
            await election.stop()
        for bot in bots:
            await bot.stop()
        for conversation in conversations:
            await conversation.stop()
        await api.stop()
