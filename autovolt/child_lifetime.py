"""Worker processes end when the service that started them dies, even by kill -9.

A spawned pool worker holds both ends of its task pipe, so it never sees the parent go and would keep its model in
memory (the speech worker: about 250 MB) for as long as the machine runs; multiprocessing's resource-tracker
helper then lives on too, since the worker keeps its pipe open. `end_with_parent`, called first in the child (a pool
initializer), ties the child to the parent twice over:

- on Linux, the kernel's parent-death signal (prctl PR_SET_PDEATHSIG) kills the child the moment the parent dies;
- everywhere, a watchdog thread notices the child was re-parented (or the parent pid is gone) and exits.

The kernel signal follows the parent *thread* that started the child, so pools must be started from threads that
live as long as the pool (the event loop's executor threads, the refit thread that also shuts its pool down).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import signal
import sys
import threading

log = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
WATCH_INTERVAL_S = 1.0


def end_with_parent(parent_pid: int, interval_s: float = WATCH_INTERVAL_S) -> None:
    """Make this process end when `parent_pid` (the process that started it) ends."""
    _parent_death_signal()
    if not _parent_alive(parent_pid):  # the parent died before the signal was armed
        os._exit(1)
    watchdog = threading.Thread(target=_watch, args=(parent_pid, interval_s), name="parent-watchdog", daemon=True)
    watchdog.start()


def _parent_death_signal() -> None:
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) != 0:
            log.warning("parent-death signal not set", extra={"kv": {"errno": ctypes.get_errno()}})
    except OSError as exc:  # no libc to load: the watchdog alone has to do
        log.warning("parent-death signal not set", extra={"kv": {"error": type(exc).__name__}})


def _parent_alive(parent_pid: int) -> bool:
    if os.getppid() != parent_pid:  # re-parented to init or a subreaper: the parent is gone
        return False
    try:
        os.kill(parent_pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else (cannot happen for our own parent, but harmless)
        return True
    return True


def _watch(parent_pid: int, interval_s: float) -> None:
    stopped = threading.Event()
    while not stopped.wait(interval_s):
        if not _parent_alive(parent_pid):
            os._exit(1)  # no cleanup to run: the parent that owned the work is gone
