"""Speech to text (Vosk, PocketSphinx) and text to a command (spaCy, rapidfuzz). Pure: no I/O beyond models.

`nlu.recognize(text, vocabulary, context=None, now=None) -> Command` is the text entry point. It is loaded lazily,
so that importing a speech module does not pay for spaCy.
"""

from __future__ import annotations

from typing import Any

_LAZY = {
    "recognize": ("nlu.parser", "recognize"),
    "Parser": ("nlu.parser", "Parser"),
    "parser_for": ("nlu.parser", "parser_for"),
    "Command": ("nlu.command", "Command"),
    "ParseContext": ("nlu.command", "ParseContext"),
    "Period": ("nlu.command", "Period"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'nlu' has no attribute {name!r}")
