"""A sender process for the kill -9 test: delivers the outbox at URL through an API that never answers, and prints
`in-flight <text>` for each message it has started to send, so the test knows when to kill it."""

from __future__ import annotations

import asyncio
import sys

from alerts.ratelimit import SendLimiter
from alerts.sender import OutboxSender
from alerts.telegram import RETRY, SendResult
from store.db import get_engine


class NeverAnswers:
    """Stands for a Bot API call that is under way when the process dies (nothing reaches any chat)."""

    async def send_message(self, chat_id: int, text: str, buttons: list | None = None) -> SendResult:
        print(f"in-flight {text}", flush=True)
        await asyncio.sleep(3600)
        return SendResult(RETRY, error="unreachable")


async def main(url: str, concurrency: int) -> None:
    sender = OutboxSender(get_engine(url), NeverAnswers(), limiter=SendLimiter(per_second=500, private_gap_s=0.0),
                          concurrency=concurrency, poll_s=0.05)
    await sender.start()
    await asyncio.sleep(3600)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
