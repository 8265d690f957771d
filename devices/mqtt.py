"""The broker connection: credentials and TLS from the MQTT URL, reconnection with back-off, resubscription,
and an outbox so that publishing never fails or blocks while the broker is away.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import random
import socket
import ssl
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit

import aiomqtt

from devices.transport import MessageHandler, Transport, Will

log = logging.getLogger(__name__)


class MqttUrlError(ValueError):
    """The MQTT URL cannot be used; the message never contains the password."""


@dataclass(frozen=True)
class MqttConfig:
    """Where and how to connect. `password` is never shown (repr, logs); `ca_file` optional CA bundle for TLS."""

    host: str
    port: int = 1883
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    tls: bool = False
    ca_file: str | None = None

    @classmethod
    def from_url(cls, url: str) -> MqttConfig:
        """mqtt://[user:pass@]host[:port] or mqtts://... (TLS, default port 8883); `?ca=/path/ca.pem` for TLS."""
        parts = urlsplit(url)
        if parts.scheme not in ("mqtt", "mqtts") or not parts.hostname:
            raise MqttUrlError("expected mqtt://[user:pass@]host[:port] or mqtts://...")
        try:
            port = parts.port
        except ValueError:
            raise MqttUrlError("expected a numeric port in the MQTT URL") from None
        tls = parts.scheme == "mqtts"
        query = parse_qs(parts.query)
        return cls(host=parts.hostname, port=port or (8883 if tls else 1883),
                   username=unquote(parts.username) if parts.username else None,
                   password=unquote(parts.password) if parts.password is not None else None,
                   tls=tls, ca_file=query.get("ca", [None])[0])

    @property
    def describe(self) -> str:
        return f"{'mqtts' if self.tls else 'mqtt'}://{self.host}:{self.port}"

    def tls_context(self) -> ssl.SSLContext | None:
        return ssl.create_default_context(cafile=self.ca_file) if self.tls else None


@dataclass(frozen=True)
class Backoff:
    """Reconnection delays: start at `initial_s`, double up to `max_s`, with +-`jitter` (fraction) randomness."""

    initial_s: float = 0.25
    max_s: float = 30.0
    jitter: float = 0.2

    def delays(self):
        delay = self.initial_s
        while True:
            yield delay * random.uniform(1 - self.jitter, 1 + self.jitter)
            delay = min(delay * 2, self.max_s)


class MqttTransport(Transport):
    """A reconnecting MQTT client on aiomqtt. With `clean_session=False` and a stable `client_id` the broker keeps
    QoS 1 messages for us while we are away, so no telemetry is lost across our reconnections.
    """

    def __init__(self, config: MqttConfig, client_id: str | None = None, *, clean_session: bool = False,
                 will: Will | None = None, backoff: Backoff = Backoff(), inflight: int = 200,
                 outbox_limit: int = 500_000, keepalive: int = 15) -> None:
        self.config = config
        self.client_id = client_id or f"autovolt-{uuid.uuid4().hex[:12]}"
        self.clean_session = clean_session
        self.will = will
        self.backoff = backoff
        self.inflight = inflight
        self.outbox_limit = outbox_limit
        self.keepalive = keepalive
        self.reconnects = 0
        self.dropped = 0  # messages dropped because the outbox was full (the broker was away for very long)
        self._subscriptions: tuple[str, ...] = ()
        self._handler: MessageHandler | None = None
        self._outbox: collections.deque[tuple[str, bytes, int, bool]] = collections.deque()
        self._wake = asyncio.Event()
        self._up = asyncio.Event()
        self._pending = 0
        self._broken = False
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        self._client: aiomqtt.Client | None = None

    @property
    def connected(self) -> bool:
        return self._up.is_set()

    @property
    def describe(self) -> str:
        return self.config.describe

    async def start(self, subscriptions: Sequence[str], handler: MessageHandler) -> None:
        self._subscriptions = tuple(subscriptions)
        self._handler = handler
        self._task = asyncio.create_task(self._run(), name=f"mqtt-{self.client_id}")

    async def wait_connected(self, timeout: float | None = None) -> bool:
        try:
            await asyncio.wait_for(self._up.wait(), timeout)
            return True
        except asyncio.TimeoutError:
            return False

    def publish(self, topic: str, payload: bytes, qos: int = 1, retain: bool = False) -> None:
        if len(self._outbox) >= self.outbox_limit:
            self._outbox.popleft()
            self.dropped += 1
        self._outbox.append((topic, payload, qos, retain))
        self._wake.set()

    async def flush(self, timeout: float = 10.0) -> bool:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self._outbox or self._pending:
            if loop.time() > deadline:
                return False
            await asyncio.sleep(0.01)
        return True

    @property
    def backlog(self) -> int:
        return len(self._outbox) + self._pending

    async def stop(self) -> None:
        self._stopping = True
        if self._task is None:
            return
        self._task.cancel()
        try:
            await self._task
        except (asyncio.CancelledError, Exception):
            pass
        self._task = None

    def _new_client(self) -> aiomqtt.Client:
        will = None
        if self.will is not None:
            will = aiomqtt.Will(self.will.topic, self.will.payload, qos=1, retain=self.will.retain)
        client = aiomqtt.Client(self.config.host, self.config.port, username=self.config.username,
                                password=self.config.password, identifier=self.client_id,
                                clean_session=self.clean_session, will=will, tls_context=self.config.tls_context(),
                                keepalive=self.keepalive, timeout=10, max_inflight_messages=self.inflight,
                                # Small command/confirmation packets must not wait for Nagle's algorithm (~40 ms).
                                socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)])
        client.pending_calls_threshold = self.inflight + 10  # our outbox bounds them; silence the warning
        return client

    async def _run(self) -> None:
        delays = self.backoff.delays()
        kv = {"broker": self.config.describe, "client_id": self.client_id}
        while not self._stopping:
            client = self._new_client()
            try:
                async with client:
                    if self._subscriptions:
                        await client.subscribe([(s, 1) for s in self._subscriptions])
                    self._broken = False
                    self._client = client
                    self._up.set()
                    delays = self.backoff.delays()
                    log.info("connected to broker", extra={"kv": {**kv, "reconnects": self.reconnects}})
                    publisher = asyncio.create_task(self._publisher(client))
                    try:
                        await self._receive(client)
                    finally:
                        publisher.cancel()
                        await asyncio.gather(publisher, return_exceptions=True)
            except aiomqtt.MqttError as exc:
                log.warning("broker connection lost or refused", extra={"kv": {**kv, "reason": str(exc) or type(exc).__name__}})
            except Exception as exc:  # never let the connection task die: the service must survive the broker
                log.exception("unexpected error on the broker connection", extra={"kv": {**kv, "error": type(exc).__name__}})
            finally:
                self._up.clear()
                self._client = None
            if self._stopping:
                break
            self.reconnects += 1
            await asyncio.sleep(next(delays))

    async def _receive(self, client: aiomqtt.Client) -> None:
        handler = self._handler
        async for message in client.messages:
            payload = message.payload
            if not isinstance(payload, (bytes, bytearray)):
                payload = b"" if payload is None else str(payload).encode()
            try:
                handler(message.topic.value, bytes(payload))  # type: ignore[misc]
            except Exception:
                log.exception("message handler failed", extra={"kv": {"topic": message.topic.value}})

    async def _publisher(self, client: aiomqtt.Client) -> None:
        slots = asyncio.Semaphore(self.inflight)
        while True:
            if self._broken:
                # A publish failed: the link is probably going down (then this task is cancelled); retry shortly.
                await asyncio.sleep(0.2)
                self._broken = False
                continue
            if not self._outbox:
                self._wake.clear()
                await self._wake.wait()
                continue
            await slots.acquire()
            if self._broken or not self._outbox:
                slots.release()
                continue
            item = self._outbox.popleft()
            self._pending += 1
            asyncio.create_task(self._send(client, item, slots))

    async def _send(self, client: aiomqtt.Client, item: tuple[str, bytes, int, bool], slots: asyncio.Semaphore) -> None:
        topic, payload, qos, retain = item
        try:
            await client.publish(topic, payload, qos=qos, retain=retain, timeout=15)
        except Exception:
            # Not acknowledged: keep it for the next connection (QoS 1 means at least once).
            self._broken = True
            self._outbox.appendleft(item)
            self._wake.set()
        finally:
            self._pending -= 1
            slots.release()
