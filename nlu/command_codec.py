"""A faithful JSON form of `nlu.command.Command`, for a conversation's memory kept outside one process.

`Command.to_dict` is the `autovolt nlu parse` contract: it rounds the confidence and writes times as bare ISO
strings, so a command read back from it is not the command given (a follow-up's judge sees another confidence, a
time comes back in a fixed offset instead of the campus zone). This form keeps every field exactly: the confidence
as Python writes a float (shortest repr, read back bit for bit), each time as its ISO instant plus the IANA zone
it was in (when it was a `ZoneInfo`), tuples as lists.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from nlu.command import AskReason, Command, Period

# The fields that hold a tuple of strings, and those that hold a time; the rest are JSON scalars as they are.
_TUPLES = ("device_types", "rooms", "buildings", "switches", "candidates")
_TIMES = ("when", "until")


def time_to_json(value: dt.datetime | None) -> dict[str, Any] | None:
    if value is None:
        return None
    zone = value.tzinfo.key if isinstance(value.tzinfo, ZoneInfo) else None
    return {"at": value.isoformat(), "zone": zone}


def time_from_json(data: dict[str, Any] | None) -> dt.datetime | None:
    if data is None:
        return None
    value = dt.datetime.fromisoformat(data["at"])
    # The offset written fixes the instant (and so the fold in a repeated hour); the zone is put back on it.
    return value.astimezone(ZoneInfo(data["zone"])) if data.get("zone") else value


def command_to_json(command: Command) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in dataclasses.fields(Command):
        value = getattr(command, f.name)
        if f.name in _TUPLES:
            out[f.name] = list(value)
        elif f.name in _TIMES:
            out[f.name] = time_to_json(value)
        elif f.name == "period":
            out[f.name] = None if value is None else {"start": time_to_json(value.start),
                                                      "end": time_to_json(value.end)}
        else:
            out[f.name] = value
    return out


def command_from_json(data: dict[str, Any]) -> Command:
    """The command `command_to_json` wrote. A key it did not write (a field added since) takes the field's
    default, so memory written by an older release still reads."""
    values: dict[str, Any] = {}
    for f in dataclasses.fields(Command):
        if f.name not in data:
            continue
        value = data[f.name]
        if f.name in _TUPLES:
            value = tuple(value)
        elif f.name in _TIMES:
            value = time_from_json(value)
        elif f.name == "period" and value is not None:
            value = Period(time_from_json(value["start"]), time_from_json(value["end"]))  # type: ignore[arg-type]
        elif f.name == "ask_reason" and value is not None:
            value = AskReason(value)  # written as its string
        values[f.name] = value
    return Command(**values)
