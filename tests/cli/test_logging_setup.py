"""The service's log handler follows stderr: a command run in-process must not leave the root logger writing to a
stream that its caller has since closed (pytest closes each test's captured stderr)."""

from __future__ import annotations

import io
import logging
import sys

from autovolt.logging_setup import configure_logging


def test_records_go_to_the_current_stderr_and_never_to_a_closed_one(monkeypatch):
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    first, second = io.StringIO(), io.StringIO()
    try:
        monkeypatch.setattr(sys, "stderr", first)
        configure_logging()
        logging.getLogger("autovolt.test").info("gateway started", extra={"kv": {"boards": 3}})
        assert "info autovolt.test gateway started boards=3" in first.getvalue()
        first.close()  # the caller's stream goes away
        monkeypatch.setattr(sys, "stderr", second)
        logging.getLogger("autovolt.test").warning("still heard", extra={"kv": {"token": "123456:ABCdefGHIjklMNOpqrSTUvwxYZ012345678"}})
        text = second.getvalue()
        assert "warning autovolt.test still heard" in text
        assert "Logging error" not in text and "ABCdefGHI" not in text  # no failure to write; the token scrubbed
    finally:
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)
