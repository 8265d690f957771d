"""Structured (key=value) logs on stderr, with secrets scrubbed before anything is written."""

from __future__ import annotations

import logging
import re
import sys

# Bot tokens look like 123456:ABC-...; MQTT URLs carry passwords; AutoVolt payloads carry "secret".
_SECRET_PATTERNS = (
    (re.compile(r"\b\d{6,12}:[A-Za-z0-9_-]{30,}\b"), "<telegram-token>"),
    (re.compile(r"(mqtts?://[^:/@\s]+:)[^@\s]+@"), r"\1***@"),
    (re.compile(r"(postgres(?:ql)?(?:\+\w+)?://[^:/@\s]+:)[^@\s]+@"), r"\1***@"),
    (re.compile(r'("secret"\s*:\s*")[^"]*(")'), r"\1***\2"),
    (re.compile(r"('secret'\s*:\s*')[^']*(')"), r"\1***\2"),
)


def scrub(text: str) -> str:
    """Remove anything that looks like a credential from a log line."""
    for pattern, replacement in _SECRET_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class KeyValueFormatter(logging.Formatter):
    """`ts level logger msg key=value ...`; extra fields come from `logger.info(msg, extra={"kv": {...}})`."""

    def format(self, record: logging.LogRecord) -> str:
        base = f"{self.formatTime(record, '%Y-%m-%dT%H:%M:%S')} {record.levelname.lower()} {record.name} {record.getMessage()}"
        fields = getattr(record, "kv", None)
        if fields:
            base += " " + " ".join(f"{k}={v!r}" if isinstance(v, str) and " " in v else f"{k}={v}" for k, v in fields.items())
        if record.exc_info:
            base += "\n" + self.formatException(record.exc_info)
        return scrub(base)


class CurrentStderrHandler(logging.StreamHandler):
    """Writes to whatever `sys.stderr` is when a record is emitted, not the stream it was at set-up: a command run
    in-process (tests, an embedding program) may swap stderr and close the old one."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass  # StreamHandler.__init__ assigns one; the current stderr is always used


def configure_logging(level: int = logging.INFO) -> None:
    handler = CurrentStderrHandler()
    handler.setFormatter(KeyValueFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request URL, which contains the bot token.
    for noisy in ("httpx", "httpcore", "cmdstanpy", "prophet", "apscheduler.executors.default", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
