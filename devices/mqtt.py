"""The broker connection: credentials and TLS from the MQTT URL, reconnection with back-off, resubscription,
and an outbox so that publishing never fails or blocks while the broker is away.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import os
import random
import socket
import ssl
import struct
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.subscribeoptions import SubscribeOptions

from devices.transport import MessageHandler, NetworkDown, Transport, Will

try:  # Linux: bytes a TCP socket still holds that the peer has not acknowledged
    import fcntl
    import termios
    _OUTQ = termios.TIOCOUTQ
except (ImportError, AttributeError):  # pragma: no cover - other systems cannot tell; the link is cut instead
    fcntl = None  # type: ignore[assignment]
    _OUTQ = None

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
    """Reconnection delays: start at `initial_s`, double up to `max_s`. `jitter` (fraction) randomises each client's
    initial delay once, so many clients that lost the broker together do not come back in lockstep.

    The cap is short on purpose: AutoVolt boards retry every 5 s, and whatever they publish between their return
    and ours is lost on a broker that restarted without persistence (no session keeps it for us). A 2 s cap brings
    the service back before them; one connection attempt every 2 s costs a broker nothing."""

    initial_s: float = 0.25
    max_s: float = 2.0
    jitter: float = 0.2

    def delays(self):
        delay = self.initial_s
        while True:
            yield delay * random.uniform(1 - self.jitter, 1 + self.jitter)
            delay = min(delay * 2, self.max_s)


def _unacknowledged_bytes(sock) -> int | None:
    """Bytes written to `sock` that the peer's TCP has not acknowledged yet (None: this system cannot tell)."""
    if _OUTQ is None:
        return None
    try:
        return struct.unpack("i", fcntl.ioctl(sock.fileno(), _OUTQ, b"\0\0\0\0"))[0]
    except (OSError, ValueError):
        return None


def _abort(sock) -> None:
    """Make the connection end with a reset, from outside paho's thread: linger 0 (so paho's close sends RST and
    the kernel discards unsent bytes) and a read shutdown (so paho's next read sees the end and closes). Done on a
    duplicate of the descriptor, so a TLS socket's state is not touched from this thread."""
    with contextlib.suppress(OSError, ValueError):
        dup = socket.socket(fileno=os.dup(sock.fileno()))
        try:
            dup.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            dup.shutdown(socket.SHUT_RD)
        finally:
            dup.close()


SHARED_SUB_ID = 1  # MQTT 5 subscription identifiers: the shared (ingest) subscriptions...
WATCH_SUB_ID = 2  # ...and this replica's own watches of state topics while it waits for a confirmation


class MqttTransport(Transport):
    """A reconnecting MQTT client on paho-mqtt's own network thread.

    Why a thread: parsing and acknowledging thousands of packets a second on the event loop (one task and one
    future per message, as aiomqtt does) capped ingest near 5,000 readings/s. Here paho reads, acknowledges and
    resends on its thread; received messages are handed to the loop in batches (one wake-up per batch), and
    `publish` only queues a packet. With `clean_session=False` and a stable `client_id` the broker keeps QoS 1
    messages for us while we are away, so no telemetry is lost across our reconnections. QoS 1 messages published
    while the broker is away wait in paho's queue (at most `outbox_limit`) and are sent on reconnection.
    `inflight` bounds unacknowledged QoS 1 messages on the wire (0 = no bound).

    Commands are the exception (`send_command`): refused while the link is down, sent at QoS 0 (paho drops unsent
    QoS 0 packets on reconnection and the broker never stores them for an absent board), and withdrawn at the end
    of their confirmation window (`settle`) by cutting the link when they may still be on the wire.

    Replicas (`share_group` set): MQTT 5, the subscriptions become shared ones (`$share/<group>/<filter>`), so the
    broker hands each message to one replica of the group and each reading is ingested once. A replica waiting for
    a board's confirmation also `watch`es that board's state topic with an ordinary subscription of its own, so it
    sees the report whichever replica the broker gives the shared copy to; the two kinds of copy are told apart by
    their MQTT 5 subscription identifier, and a watched copy goes to `on_watched`, never to the ingest handler.
    """

    def __init__(self, config: MqttConfig, client_id: str | None = None, *, clean_session: bool = False,
                 will: Will | None = None, backoff: Backoff = Backoff(), inflight: int = 0,
                 outbox_limit: int = 500_000, keepalive: int = 15, batch_limit: int = 2000,
                 share_group: str | None = None, session_expiry_s: int = 3600) -> None:
        self.config = config
        self.client_id = client_id or f"autovolt-{uuid.uuid4().hex[:12]}"
        self.clean_session = clean_session
        self.will = will
        self.backoff = backoff
        self.inflight = inflight
        self.outbox_limit = outbox_limit
        self.keepalive = keepalive
        self.batch_limit = batch_limit  # messages handled per loop turn, so a flood cannot starve other tasks
        self.reconnects = 0  # connection attempts after the first (refused, lost, unreachable)
        self.dropped = 0  # QoS 1 messages refused because the outbox was full (the broker was away for very long)
        self.share_group = share_group
        self.session_expiry_s = session_expiry_s  # MQTT 5 only: how long the broker keeps a persistent session
        self.on_watched: MessageHandler | None = None  # watched (non-shared) copies: confirmations only
        self._subscriptions: tuple[str, ...] = ()
        self._watched: collections.Counter[str] = collections.Counter()
        self._watch_acks: dict[int, asyncio.Future[None]] = {}
        self._handler: MessageHandler | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._client: mqtt.Client | None = None
        self._inbox: collections.deque[tuple[str, bytes, bool]] = collections.deque()  # (topic, payload, watched only)
        self._drain_scheduled = False
        self._up = asyncio.Event()
        self._link = False  # paho thread's view: CONNACK accepted and subscriptions acknowledged
        self._sub_mid: int | None = None
        self._published = 0  # QoS>0 messages queued (written on the loop only)
        self._acked = 0  # QoS>0 messages acknowledged by the broker (written on paho's thread only)
        self._attempted = False
        self._stopping = False
        self._command_lock = threading.Lock()
        self._commands: set[int] = set()  # mids of commands not yet settled (not counted in the backlog)
        self.withdrawn = 0  # links cut because an unconfirmed command might still have reached a board

    @property
    def connected(self) -> bool:
        return self._up.is_set()

    @property
    def describe(self) -> str:
        return self.config.describe

    @property
    def backlog(self) -> int:
        """QoS 1 messages not yet acknowledged by the broker."""
        return self._published - self._acked

    # --- lifecycle (event loop) ---------------------------------------------------------------------------------

    async def start(self, subscriptions: Sequence[str], handler: MessageHandler) -> None:
        self._subscriptions = tuple(subscriptions)
        self._handler = handler
        self._loop = asyncio.get_running_loop()
        self._client = client = self._new_client()
        if self.share_group:
            connect = Properties(PacketTypes.CONNECT)
            connect.SessionExpiryInterval = 0 if self.clean_session else self.session_expiry_s
            client.connect_async(self.config.host, self.config.port, keepalive=self.keepalive,
                                 clean_start=self.clean_session, properties=connect)
        else:
            client.connect_async(self.config.host, self.config.port, keepalive=self.keepalive)
        client.loop_start()  # connects, reconnects with back-off, reads and writes on its own thread

    async def wait_connected(self, timeout: float | None = None) -> bool:
        try:
            await asyncio.wait_for(self._up.wait(), timeout)
            return True
        except asyncio.TimeoutError:
            return False

    def publish(self, topic: str, payload: bytes, qos: int = 1, retain: bool = False) -> None:
        client = self._client
        if client is None:
            raise RuntimeError("publish before start")
        info = client.publish(topic, payload, qos=qos, retain=retain)
        if info.rc == mqtt.MQTT_ERR_QUEUE_SIZE:
            self.dropped += 1
        elif qos > 0 or info.rc == mqtt.MQTT_ERR_SUCCESS:
            # QoS 1: paho keeps it (sent now, or on reconnection) until acknowledged; QoS 0: once written.
            self._published += 1

    def send_command(self, topic: str, payload: bytes) -> mqtt.MQTTMessageInfo:
        client = self._client
        if client is None or not self._link:
            raise NetworkDown("the device network is unreachable")
        with self._command_lock:  # paho's thread may report the write before we know the mid otherwise
            info = client.publish(topic, payload, qos=0)
            if info.rc != mqtt.MQTT_ERR_SUCCESS:
                raise NetworkDown("the device network is unreachable")
            self._commands.add(info.mid)
        return info

    def settle(self, ticket: object, confirmed: bool) -> bool:
        info = ticket
        if not isinstance(info, mqtt.MQTTMessageInfo):
            return False
        with self._command_lock:
            self._commands.discard(info.mid)
        if confirmed or (info.is_published() and info.rc != mqtt.MQTT_ERR_SUCCESS):
            return False  # confirmed, or dropped with a lost connection (never resent: QoS 0)
        client = self._client
        sock = client.socket() if client is not None else None
        if sock is None:
            return False  # no connection: paho clears unsent QoS 0 packets before it reconnects
        if info.is_published() and _unacknowledged_bytes(sock) == 0:
            return False  # the broker's TCP has every byte: it was delivered already, or never will be
        # Still in paho's queue, or bytes the broker has not acknowledged: they could arrive later. Abort the
        # connection (RST discards the kernel's send buffer; paho drops its QoS 0 queue) and reconnect.
        self.withdrawn += 1
        log.warning("unconfirmed command may still be in transit; resetting the broker connection",
                    extra=self._kv(mid=info.mid))
        _abort(sock)
        return True

    async def flush(self, timeout: float = 10.0) -> bool:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self._published > self._acked:
            if loop.time() > deadline:
                return False
            await asyncio.sleep(0.01)
        return True

    async def stop(self) -> None:
        self._stopping = True
        client, self._client = self._client, None
        if client is None:
            return
        client.disconnect()  # a clean goodbye: the broker does not publish our last will
        await asyncio.to_thread(client.loop_stop)
        self._up.clear()
        self._drain()  # what had arrived before the goodbye

    # --- paho's thread ------------------------------------------------------------------------------------------

    def _new_client(self) -> mqtt.Client:
        if self.share_group:
            client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=self.client_id, protocol=mqtt.MQTTv5)
        else:
            client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=self.client_id,
                                 clean_session=self.clean_session, protocol=mqtt.MQTTv311)
        if self.config.username is not None:
            client.username_pw_set(self.config.username, self.config.password)
        context = self.config.tls_context()
        if context is not None:
            client.tls_set_context(context)
        if self.will is not None:
            client.will_set(self.will.topic, self.will.payload, qos=1, retain=self.will.retain)
        client.max_inflight_messages_set(self.inflight)
        client.max_queued_messages_set(self.outbox_limit)
        first = self.backoff.initial_s * random.uniform(1 - self.backoff.jitter, 1 + self.backoff.jitter)
        client.reconnect_delay_set(first, max(first, self.backoff.max_s))  # type: ignore[arg-type]
        client.on_socket_open = self._on_socket_open
        client.on_connect = self._on_connect
        client.on_connect_fail = self._on_connect_fail
        client.on_disconnect = self._on_disconnect
        client.on_subscribe = self._on_subscribe
        client.on_message = self._on_message
        client.on_publish = self._on_publish
        return client

    def _kv(self, **extra: object) -> dict:
        return {"kv": {"broker": self.config.describe, "client_id": self.client_id, **extra}}

    def _attempt(self) -> None:
        if self._attempted:
            self.reconnects += 1
        self._attempted = True

    @staticmethod
    def _on_socket_open(client: mqtt.Client, userdata: object, sock) -> None:
        # Small command/confirmation packets must not wait for Nagle's algorithm (~40 ms on loopback).
        with contextlib.suppress(OSError, AttributeError):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _on_connect(self, client: mqtt.Client, userdata: object, flags, reason, properties) -> None:
        self._attempt()
        if reason.is_failure:
            log.warning("broker refused the connection", extra=self._kv(reason=str(reason)))
            return
        log.info("connected to broker", extra=self._kv(reconnects=self.reconnects))
        if self.share_group:
            for topic in list(self._watched):  # watches of commands still waiting survive a reconnection
                self._subscribe_watch(client, topic)
        if self._subscriptions and self.share_group:
            shared = [(f"$share/{self.share_group}/{s}", SubscribeOptions(qos=1)) for s in self._subscriptions]
            _, self._sub_mid = client.subscribe(shared, properties=self._sub_id(SHARED_SUB_ID))
        elif self._subscriptions:
            _, self._sub_mid = client.subscribe([(s, 1) for s in self._subscriptions])
        else:
            self._set_up(True)

    def _on_connect_fail(self, client: mqtt.Client, userdata: object) -> None:
        self._attempt()
        log.warning("broker not reachable", extra=self._kv(reconnects=self.reconnects))

    def _on_subscribe(self, client: mqtt.Client, userdata: object, mid: int, reasons, properties) -> None:
        if mid == self._sub_mid:
            self._set_up(True)
        waiter = self._watch_acks.pop(mid, None)
        if waiter is not None and self._loop is not None and not self._loop.is_closed():
            with contextlib.suppress(RuntimeError):
                self._loop.call_soon_threadsafe(lambda: waiter.done() or waiter.set_result(None))

    def _on_disconnect(self, client: mqtt.Client, userdata: object, flags, reason, properties) -> None:
        if self._link and not self._stopping:
            log.warning("broker connection lost", extra=self._kv(reason=str(reason)))
        self._set_up(False)

    def _set_up(self, up: bool) -> None:
        self._link = up
        loop = self._loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop is closing
                loop.call_soon_threadsafe(self._up.set if up else self._up.clear)

    def _on_publish(self, client: mqtt.Client, userdata: object, mid: int, reason, properties) -> None:
        if self._commands:
            with self._command_lock:
                if mid in self._commands:
                    return  # a command written to the socket: settled by the gateway, not part of the backlog
        self._acked += 1

    def _on_message(self, client: mqtt.Client, userdata: object, message: mqtt.MQTTMessage) -> None:
        watched_only = False
        if self.share_group:
            ids = getattr(message.properties, "SubscriptionIdentifier", None) or []
            watched_only = WATCH_SUB_ID in ids and SHARED_SUB_ID not in ids
        self._inbox.append((message.topic, message.payload, watched_only))
        if not self._drain_scheduled:
            self._drain_scheduled = True
            loop = self._loop
            if loop is not None and not loop.is_closed():
                with contextlib.suppress(RuntimeError):
                    loop.call_soon_threadsafe(self._drain)

    # --- event loop: hand the received batch to the handler ---------------------------------------------------

    def _drain(self) -> None:
        self._drain_scheduled = False
        inbox, handler = self._inbox, self._handler
        if handler is None:
            return
        for _ in range(min(len(inbox), self.batch_limit)):
            topic, payload, watched_only = inbox.popleft()
            try:
                if watched_only:
                    if self.on_watched is not None:
                        self.on_watched(topic, payload)
                else:
                    handler(topic, payload)
            except Exception:
                log.exception("message handler failed", extra={"kv": {"topic": topic}})
        if inbox and not self._drain_scheduled and self._loop is not None:
            self._drain_scheduled = True
            self._loop.call_soon(self._drain)  # the rest on the next turn: other tasks run in between

    # --- watches (replicas): this replica's own view of the state topics it awaits a confirmation on -----------

    @staticmethod
    def _sub_id(number: int) -> Properties:
        props = Properties(PacketTypes.SUBSCRIBE)
        props.SubscriptionIdentifier = number
        return props

    def _subscribe_watch(self, client: mqtt.Client, topic: str) -> int:
        _, mid = client.subscribe(topic, options=SubscribeOptions(qos=1), properties=self._sub_id(WATCH_SUB_ID))
        return mid

    async def watch(self, topics: Sequence[str], timeout: float = 2.0) -> None:
        """Also receive `topics` here (not shared), until `unwatch`; returns once the broker has acknowledged, so
        a command published afterwards cannot be answered before we listen. Counted: nested watches are fine.
        Without a share group every message already arrives here: nothing to do."""
        client = self._client
        if not self.share_group or client is None:
            return
        waits = []
        for topic in topics:
            self._watched[topic] += 1
            if self._watched[topic] == 1:
                future = asyncio.get_running_loop().create_future()
                self._watch_acks[self._subscribe_watch(client, topic)] = future
                waits.append(future)
        if waits:
            # Not acknowledged in time (the link is down): go on; the command then fails on its own window.
            await asyncio.wait(waits, timeout=timeout)

    def unwatch(self, topics: Sequence[str]) -> None:
        client = self._client
        if not self.share_group:
            return
        for topic in topics:
            self._watched[topic] -= 1
            if self._watched[topic] <= 0:
                del self._watched[topic]
                if client is not None:
                    client.unsubscribe(topic)
