"""A service-like process for the kill -9 test: the gateway and its ingest writer with a spool, and an audit log
with a spool. Usage: python spool_child.py DATABASE_URL MQTT_URL SPOOL_DIR TOPIC_PREFIX RUN_TAG

Records five audit entries tagged RUN_TAG, prints "ready" once subscribed, then a status line every 50 ms:
"status <readings queued> <readings written> <spooled reading batches> <spooled audit batches>".
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
from pathlib import Path

from bot.records import AuditEntry, AuditLog
from devices.gateway import Gateway
from devices.ingest import IngestWriter
from devices.mqtt import Backoff, MqttConfig, MqttTransport
from store.campus import load_campus_file

ROOT = Path(__file__).resolve().parents[2]


async def main(db_url: str, mqtt_url: str, spool_dir: Path, prefix: str, tag: str) -> None:
    campus = load_campus_file(ROOT / "autovolt" / "demo" / "campus.yaml")
    writer = IngestWriter(db_url, campus, flush_interval_s=0.05, spool_path=spool_dir / "readings.jsonl")
    writer.start()
    audit = AuditLog(db_url, spool_path=spool_dir / "audit.jsonl", retry_s=0.2)
    for i in range(5):
        audit.record(AuditEntry(dt.datetime.now(dt.timezone.utc), 2003, 2003, "terminal", f"{tag}-audit-{i}",
                                "switch", "done"))
    gateway = Gateway(campus, MqttTransport(MqttConfig.from_url(mqtt_url), f"gw-{prefix[:-1]}", clean_session=False,
                                            backoff=Backoff(0.1, 0.5)), sink=writer, topic_prefix=prefix)
    await gateway.start()
    await gateway.transport.wait_connected(30)
    print("ready", flush=True)
    while True:
        s = writer.stats
        print(f"status {s.readings_queued} {s.readings_written} {len(writer.spool or ())} {len(audit.spool or ())}",
              flush=True)
        await asyncio.sleep(0.05)


if __name__ == "__main__":
    db, mqtt, spool, prefix, tag = sys.argv[1:6]
    asyncio.run(main(db, mqtt, Path(spool), prefix, tag))
