"""The Dask cluster as an outside service (AUTOVOLT_DASK_SCHEDULER=tcp://host:8786): one client per process, made on
first use, that runs a function of the service's own code on a worker and waits for its result. Callers run in
worker threads (scans, the refit), never on the event loop."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


class DaskRunner:
    """`run(fn, *args)`: fn(*args) on the cluster at `address`; `close()` when the service stops."""

    def __init__(self, address: str, connect_timeout_s: float = 30.0) -> None:
        self.address = address
        self.connect_timeout_s = connect_timeout_s
        self._client: Any = None
        self._lock = threading.Lock()

    def _connected(self) -> Any:
        with self._lock:
            if self._client is None:
                from distributed import Client

                self._client = Client(self.address, timeout=self.connect_timeout_s, set_as_default=False)
            return self._client

    def run(self, fn: Callable[..., T], *args: Any) -> T:
        return self._connected().submit(fn, *args, pure=False).result()

    def close(self) -> None:
        with self._lock:
            if self._client is not None:
                self._client.close()
                self._client = None
