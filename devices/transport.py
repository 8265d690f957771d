"""How messages move: the `Transport` interface, MQTT topic matching, and the in-process bus used without a broker.

A transport delivers received messages to one handler (called on the event loop, must not block) and accepts
publishes at any time without blocking: messages wait in an outbox while the link is down.
"""

from __future__ import annotations

import asyncio
import logging
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass

log = logging.getLogger(__name__)

MessageHandler = Callable[[str, bytes], None]


class NetworkDown(Exception):
    """The link to the broker is down: a command cannot be sent now, and is not kept to be sent later."""


@dataclass(frozen=True)
class Will:
    """A last-will message the broker publishes if the client vanishes without saying goodbye."""

    topic: str
    payload: bytes
    retain: bool = True


def topic_matches(pattern: str, topic: str) -> bool:
    """MQTT filter matching: `+` matches one level, a final `#` matches any number of levels (including none)."""
    p_parts = pattern.split("/")
    t_parts = topic.split("/")
    for i, part in enumerate(p_parts):
        if part == "#":
            return i == len(p_parts) - 1
        if i >= len(t_parts):
            return False
        if part != "+" and part != t_parts[i]:
            return False
    return len(p_parts) == len(t_parts)


class Transport(ABC):
    """One client connection (real or simulated) to the message bus."""

    @abstractmethod
    async def start(self, subscriptions: Sequence[str], handler: MessageHandler) -> None:
        """Begin delivering messages on `subscriptions` to `handler`; returns without waiting for a broker."""

    @abstractmethod
    def publish(self, topic: str, payload: bytes, qos: int = 1, retain: bool = False) -> None:
        """Queue a message; it is sent as soon as the link is up (QoS 1: resent until the broker has it)."""

    def send_command(self, topic: str, payload: bytes) -> object:
        """Send a command now or never: raises `NetworkDown` when the link is down, and nothing is queued for
        later. Returns a ticket for `settle`. Commands go at QoS 0, so neither the client nor the broker keeps one
        to deliver after a reconnection (a board offline at that moment must not switch when it comes back)."""
        if not self.connected:
            raise NetworkDown("the device network is unreachable")
        self.publish(topic, payload, qos=0)
        return None

    def settle(self, ticket: object, confirmed: bool) -> bool:
        """The command's confirmation window ended. When unconfirmed, make sure it can no longer reach a board;
        returns True when the link had to be cut to guarantee that."""
        return False

    @abstractmethod
    async def wait_connected(self, timeout: float | None = None) -> bool:
        """Wait until the link is up (subscriptions included); False on timeout."""

    @abstractmethod
    async def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every queued message has been handed over; False on timeout."""

    @abstractmethod
    async def stop(self) -> None:
        """Disconnect cleanly (no last will)."""

    # Replicas sharing their subscriptions (devices.mqtt): a replica also watches the topics a confirmation it waits
    # for arrives on; copies received only through a watch go to `on_watched`. A transport that receives every
    # message anyway (the in-process bus, an unshared MQTT client) has nothing to do.
    on_watched: MessageHandler | None = None

    async def watch(self, topics: Sequence[str]) -> None:
        """Receive `topics` here too until `unwatch(topics)`; returns once that is in force."""

    def unwatch(self, topics: Sequence[str]) -> None:
        """End a `watch` (counted: each watch needs its own unwatch)."""

    @property
    @abstractmethod
    def connected(self) -> bool: ...

    @property
    def describe(self) -> str:
        return type(self).__name__


class MemoryBus:
    """A broker in the process: same topic, wildcard and retained-message semantics, no network.

    Delivery is asynchronous (scheduled on the loop), as with a real broker, so code paths stay the same.
    """

    def __init__(self) -> None:
        self._clients: list[MemoryTransport] = []
        self._retained: dict[str, bytes] = {}

    def transport(self, will: Will | None = None) -> MemoryTransport:
        return MemoryTransport(self, will)

    def _attach(self, client: MemoryTransport) -> None:
        self._clients.append(client)
        for topic, payload in self._retained.items():
            client._offer(topic, payload)

    def _detach(self, client: MemoryTransport) -> None:
        if client in self._clients:
            self._clients.remove(client)

    def route(self, topic: str, payload: bytes, retain: bool) -> None:
        if retain:
            if payload:
                self._retained[topic] = payload
            else:
                self._retained.pop(topic, None)  # an empty retained message clears the topic, as in MQTT
        for client in list(self._clients):
            client._offer(topic, payload)


class MemoryTransport(Transport):
    """A client of a `MemoryBus`."""

    def __init__(self, bus: MemoryBus, will: Will | None = None) -> None:
        self._bus = bus
        self._will = will
        self._subscriptions: tuple[str, ...] = ()
        self._handler: MessageHandler | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._up = False

    async def start(self, subscriptions: Sequence[str], handler: MessageHandler) -> None:
        self._loop = asyncio.get_running_loop()
        self._subscriptions = tuple(subscriptions)
        self._handler = handler
        self._up = True
        self._bus._attach(self)

    def _offer(self, topic: str, payload: bytes) -> None:
        if self._up and self._loop and any(topic_matches(p, topic) for p in self._subscriptions):
            self._loop.call_soon(self._deliver, topic, payload)

    def _deliver(self, topic: str, payload: bytes) -> None:
        if self._up and self._handler is not None:
            try:
                self._handler(topic, payload)
            except Exception:  # a handler bug must not stop the bus
                log.exception("message handler failed", extra={"kv": {"topic": topic}})

    def publish(self, topic: str, payload: bytes, qos: int = 1, retain: bool = False) -> None:
        self._bus.route(topic, payload, retain)

    async def wait_connected(self, timeout: float | None = None) -> bool:
        return self._up

    async def flush(self, timeout: float = 10.0) -> bool:
        await asyncio.sleep(0)
        return True

    async def stop(self) -> None:
        self._up = False
        self._bus._detach(self)

    def vanish(self) -> None:
        """Disappear without a goodbye: the bus publishes the last will (for simulating a board losing power)."""
        self._up = False
        self._bus._detach(self)
        if self._will:
            self._bus.route(self._will.topic, self._will.payload, self._will.retain)

    @property
    def connected(self) -> bool:
        return self._up

    @property
    def describe(self) -> str:
        return "in-process bus"
