"""A replica stand-in for the failover tests: takes part in the election on URL, prints `leading` when it leads,
and runs until killed."""

from __future__ import annotations

import asyncio
import sys

from autovolt.leader import Leadership


async def main(url: str, replica: str) -> None:
    leadership = Leadership(url, replica, check_s=0.5)
    await leadership.start()
    while not leadership.leading:
        await asyncio.sleep(0.1)
    print("leading", flush=True)
    await asyncio.sleep(3600)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
