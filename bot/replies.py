"""What the conversation answers, independent of Telegram: text, optional buttons and chart, and the wording of
device results ("Classroom 101: lights off (2/2 confirmed)")."""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from devices.model import LateConfirmation, Outcome, SwitchResult
from store.campus import Campus, Switch


@dataclass(frozen=True)
class Button:
    """An inline button: `label` shown, `data` the signed callback data (see bot.callbacks)."""

    label: str
    data: str


@dataclass(frozen=True)
class Reply:
    """One answer.

    `text`: what to say (plain text). `buttons`: rows of inline buttons. `chart`: a PNG to send with `text` as its
    caption. `outcome`: the audit code. `silent`: send nothing (an unknown user already told, a throttled user
    already warned); the message is still audited. `detail`: JSON-able audit extras.
    """

    text: str
    outcome: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    chart: bytes | None = None
    chart_name: str = "chart.png"
    silent: bool = False
    intent: str | None = None
    detail: dict = field(default_factory=dict)


# How a switch type reads in a sentence, and whether it takes a plural verb.
TYPE_WORDS = {"light": "lights", "fan": "fans", "ac": "AC", "projector": "projector", "outlet": "sockets",
               "heater": "heater", "other": "devices"}


def device_label(switches: Sequence[Switch]) -> str:
    """How a group of switches of one room reads: the type word when all share a type, else their names."""
    types = {s.type for s in switches}
    if len(switches) == 1:
        name = switches[0].name
        return name if name.isupper() else name.lower()
    if len(types) == 1:
        return TYPE_WORDS.get(next(iter(types)), "devices")
    return ", ".join(s.name.lower() for s in switches)


def describe_results(campus: Campus, results: Sequence[SwitchResult],
                     already: frozenset[str] = frozenset()) -> tuple[str, str]:
    """One line per room from the confirmed states (a bulk reply names each room once), and the audit outcome
    (done, partial, failed). `already`: switches that were in the requested state before, said as such rather
    than counted as switched ("AC already off")."""
    by_id = {s.id: s for s in campus.switches}
    order = {s.id: i for i, s in enumerate(campus.switches)}
    rooms: OrderedDict[str, list[SwitchResult]] = OrderedDict()
    for result in sorted(results, key=lambda r: order.get(r.switch_id, 1 << 30)):
        sw = by_id.get(result.switch_id)
        rooms.setdefault(sw.room_id if sw else "?", []).append(result)
    lines = []
    for room_id, items in rooms.items():
        room = campus.room(room_id).name if room_id != "?" else "Unknown room"
        verb = "on" if items[0].on else "off"
        before = [r for r in items if r.ok and r.switch_id in already]
        tried = [r for r in items if r not in before]
        ok = sum(1 for r in tried if r.ok)
        parts = []
        if tried:
            label = _label(by_id, tried)
            if ok == 0:
                parts.append(f"{label} not switched {verb}: " + "; ".join(_reasons(tried)))
            else:
                parts.append(f"{label} {verb} ({ok}/{len(tried)} confirmed)" + (
                    "; " + "; ".join(_reasons(tried)) if ok < len(tried) else ""))
        if before:
            label = _label(by_id, before)
            parts.append(f"{label} already {verb}")
        lines.append(f"{room}: " + "; ".join(parts))
    confirmed = sum(1 for r in results if r.ok)
    outcome = "done" if confirmed == len(results) else ("failed" if confirmed == 0 else "partial")
    return "\n".join(lines), outcome


def describe_late(campus: Campus, late: LateConfirmation) -> str:
    """A board applied a command after the user was told it had not ("... not switched on: board ... did not report
    the new state within 3 s"): say that it is switched after all, so the user can act on the real state."""
    sw = next((s for s in campus.switches if s.id == late.switch_id), None)
    room = campus.room(sw.room_id).name if sw is not None else "Unknown room"
    label = device_label([sw]) if sw is not None else late.switch_id
    verb = "on" if late.on else "off"
    return (f"{room}: {label} switched {verb} after all. The board reported it {late.late_by_s:.0f} s after I said "
            f"it was not switched; it is {verb} now.")


def _label(by_id: dict[str, Switch], results: Sequence[SwitchResult]) -> str:
    switches = [by_id[r.switch_id] for r in results if r.switch_id in by_id]
    if not switches:
        return "unknown device"
    types = list(dict.fromkeys(s.type for s in switches))
    if len(types) == 1 or len(switches) == 1:
        return device_label(switches)
    words = [TYPE_WORDS.get(t, "devices") for t in types]
    return ", ".join(words[:-1]) + " and " + words[-1]


def _reasons(results: Sequence[SwitchResult]) -> list[str]:
    return list(dict.fromkeys(_why(r) for r in results if r.outcome is not Outcome.CONFIRMED))


def already_in_state(fleet, switch_ids: Sequence[str], on: bool) -> frozenset[str]:
    """Switches whose last known state is already `on` (None, never reported, is not "already"). With replicas
    (`fleet.shares_reports`) this process hears only a share of the boards' reports, so its view is not asked:
    `settled_already` takes the gateway's answer instead."""
    if getattr(fleet, "shares_reports", False):
        return frozenset()
    return frozenset(s for s in switch_ids if fleet.state(s).on is on)


def settled_already(fleet, before: frozenset[str], results: Sequence[SwitchResult]) -> frozenset[str]:
    """The switches to word "already so": `before` (from `already_in_state`), or with replicas those the gateway
    found already in the requested state."""
    if getattr(fleet, "shares_reports", False):
        return frozenset(r.switch_id for r in results if r.ok and r.reason.startswith("was already"))
    return before


def _why(result: SwitchResult) -> str:
    if result.outcome is Outcome.UNREACHABLE:
        return result.reason or "the device network is unreachable"
    if result.outcome is Outcome.OFFLINE:
        return result.reason or "the board is offline"
    if result.outcome is Outcome.UNCONFIRMED:
        return result.reason or "the board did not confirm"
    return result.reason or "not wired to a board"


def describe_targets(campus: Campus, switch_ids: Sequence[str]) -> str:
    """A short phrase for a set of switches: "lights in Classroom 101" or "16 devices in 13 rooms"."""
    by_id = {s.id: s for s in campus.switches}
    switches = [by_id[s] for s in switch_ids if s in by_id]
    rooms = list(dict.fromkeys(s.room_id for s in switches))
    if len(rooms) == 1:
        return f"{device_label(switches)} in {campus.room(rooms[0]).name}"
    types = {s.type for s in switches}
    what = TYPE_WORDS.get(next(iter(types)), "devices") if len(types) == 1 else "devices"
    return f"{len(switches)} {what} in {len(rooms)} rooms"


def when_text(moment: dt.datetime, tz: ZoneInfo, now: dt.datetime) -> str:
    """"at 17:00" today, "tomorrow at 09:00", else "on Mon 30 Nov at 09:00", in the campus zone."""
    local, today = moment.astimezone(tz), now.astimezone(tz).date()
    clock = local.strftime("%H:%M")
    if local.date() == today:
        return f"at {clock}"
    if local.date() == today + dt.timedelta(days=1):
        return f"tomorrow at {clock}"
    return f"on {local.strftime('%a %d %b')} at {clock}"


def planned(what: str, on: bool, moment: dt.datetime, tz: ZoneInfo, now: dt.datetime) -> str:
    """"lights in Classroom 101 off at 17:00"; a day's "on" is not doubled ("AC on, Mon 30 Nov at 09:00")."""
    verb, when = ("on" if on else "off"), when_text(moment, tz, now)
    if verb == "on" and when.startswith("on "):
        return f"{what} on, {when[3:]}"
    return f"{what} {verb} {when}"


def room_list(campus: Campus, room_ids: Sequence[str]) -> str:
    names = [campus.room(r).name for r in room_ids]
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
