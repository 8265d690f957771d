"""Keeps a long-running worker's C heap from holding on to memory it freed (glibc malloc; elsewhere a no-op).

The speech worker decodes one voice note after another with native libraries (CTranslate2's threads, PocketSphinx):
glibc gives a thread that allocates under contention an arena of its own and keeps what a note freed for reuse. In
the soak (bench/speech_soak.py, docs/benchmarks.md) handing freed pages back after each note kept the worker 90 MB
lower after 150 notes (585 against 677 MB) and two arenas lowered its memory after loading the engines; the growth
itself was oneDNN's kernel cache (capped in nlu.speech.whisper).
"""

from __future__ import annotations

import ctypes
import logging
import sys

log = logging.getLogger(__name__)

M_ARENA_MAX = -8  # mallopt parameter, from <malloc.h>
# Two arenas: the worker's thread and CTranslate2's threads then share, and contention is rare (one note at a time).
ARENAS = 2

_libc: ctypes.CDLL | None = None


def _glibc() -> ctypes.CDLL | None:
    global _libc
    if _libc is None and sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL("libc.so.6")
            libc.malloc_trim  # musl has no malloc_trim: the attribute lookup fails there
            _libc = libc
        except (OSError, AttributeError):
            return None
    return _libc


def bound_arenas(arenas: int = ARENAS) -> bool:
    """Cap malloc's arenas; call before the threads that allocate start (a worker's initializer). True if applied."""
    libc = _glibc()
    applied = libc is not None and bool(libc.mallopt(M_ARENA_MAX, arenas))
    log.debug("malloc arenas", extra={"kv": {"max": arenas, "applied": applied}})
    return applied


def give_back() -> None:
    """Return the free pages at the top and inside of every arena to the system (after a unit of work)."""
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)
