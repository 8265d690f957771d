"""The `autovolt` command: one argparse tree, each command group in its own module under autovolt.commands."""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys

from autovolt.logging_setup import configure_logging
from autovolt.settings import SettingsError

# Each module defines `register(subparsers)` and sets `func(args) -> int` on its parsers.
COMMAND_MODULES = (
    "autovolt.commands.campus",
    "autovolt.commands.db",
    "autovolt.commands.demo",
    "autovolt.commands.chat",
    "autovolt.commands.devices",
    "autovolt.commands.nlu",
    "autovolt.commands.voice",
    "autovolt.commands.analytics",
    "autovolt.commands.alerts",
    "autovolt.commands.weather",
)


class UserError(Exception):
    """An error the user can fix; printed as one line, exit status 2, no traceback."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="autovolt", description="AutoVolt Assistant: campus energy automation")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    configure_logging(logging.DEBUG if args.verbose else logging.INFO)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except (UserError, SettingsError) as exc:
        print(f"autovolt: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`autovolt campus show --json | head`): end quietly, as `cat` would, and keep the
        # interpreter's final flush from raising again on the closed pipe.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 128 + 13  # killed by SIGPIPE, by the shell's convention


if __name__ == "__main__":
    sys.exit(main())
