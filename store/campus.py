"""The campus registry file: its typed form, and reading it from YAML with errors that name file, line and field."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator

from store.tariff import Tariff, TariffSpec

SWITCH_TYPES = ("light", "fan", "ac", "projector", "outlet", "heater", "other")
ROLES = ("admin", "faculty", "operator")
PROTOCOLS = ("autovolt", "tasmota")
# The AutoVolt backend's defaults when a switch's rated power is not given.
DEFAULT_RATED_WATTS = {"light": 40, "fan": 75, "projector": 200, "ac": 1500, "outlet": 100, "heater": 1000, "other": 50}
# The deployed firmware's relay GPIOs, in order.
AUTOVOLT_GPIOS = (16, 17, 18, 19, 21, 22)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

_ID = r"^[a-z0-9][a-z0-9_-]*$"
# libyaml's loader is ~10x faster on a large campus; the pure-Python one gives the same result.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class CampusFileError(Exception):
    """The campus file cannot be used. `problems`: every fault found, each one line naming file, line and field;
    the message is the first of them (with how many more), so a log line stays one line."""

    def __init__(self, problems: str | list[str]) -> None:
        self.problems = tuple([problems] if isinstance(problems, str) else problems)
        more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        super().__init__(self.problems[0] + more)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ClassHoursSpec(_Strict):
    start: dt.time = dt.time(8, 0)
    end: dt.time = dt.time(17, 0)
    days: tuple[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"], ...] = ("mon", "tue", "wed", "thu", "fri")


class _PeriodSpec(_Strict):
    """A named run of whole days, both ends inclusive; `kind` names it in the error for reversed dates."""

    kind: ClassVar[str]
    name: str
    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _ordered(self) -> "_PeriodSpec":
        if self.end < self.start:
            raise ValueError(f"{self.kind} end is before its start")
        return self


class TermSpec(_PeriodSpec):
    kind = "term"


class ClosureSpec(_PeriodSpec):
    kind = "closure"


class CampusInfoSpec(_Strict):
    name: str
    timezone: str = "UTC"
    country: str | None = Field(None, description="ISO country code for public holidays")
    # Declared after `country`: its validator reads the country from the fields already checked.
    subdivision: str | None = Field(None, description="region of the country whose holidays apply too, e.g. MH")
    terms: tuple[TermSpec, ...] = ()
    closures: tuple[ClosureSpec, ...] = Field((), description="whole days the campus is shut beyond public holidays")
    class_hours: ClassHoursSpec = ClassHoursSpec()
    # Where the outdoor temperature is fetched for (the weather feed); both or neither, checked in campus_from_spec.
    latitude: float | None = Field(None, ge=-90, le=90, description="decimal degrees, north positive")
    longitude: float | None = Field(None, ge=-180, le=180, description="decimal degrees, east positive")
    # The price of energy, for answers with cost ("what did it cost"): see store.tariff.
    tariff: TariffSpec | None = None

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}, expected an IANA name such as Asia/Kolkata") from None
        return value

    @field_validator("subdivision")
    @classmethod
    def _subdivision(cls, value: str | None, info: ValidationInfo) -> str | None:
        """Refused here rather than ignored later: the holidays package would drop the whole country's holidays."""
        if value is None:
            return value
        from analytics.calendar import subdivision_code  # here: pandas is slow to import for every campus reader

        country = info.data.get("country")
        if not country:
            raise ValueError("a subdivision needs the campus country as well")
        return subdivision_code(country, value)


class BoardSpec(_Strict):
    id: str = Field(pattern=_ID)
    mac: str | None = None
    protocol: Literal["autovolt", "tasmota"] = "autovolt"
    topic: str | None = Field(None, description="Tasmota device topic; defaults to the board id")
    secret: str | None = None

    @field_validator("mac")
    @classmethod
    def _mac(cls, value: str | None) -> str | None:
        if value is None:
            return value
        if len(re.sub(r"[^0-9A-Fa-f]", "", value)) != 12:
            raise ValueError(f"expected a MAC address such as AA:BB:CC:DD:EE:FF, got {value!r}")
        return value


class SwitchSpec(_Strict):
    id: str = Field(pattern=_ID)
    name: str
    type: Literal["light", "fan", "ac", "projector", "outlet", "heater", "other"]
    aliases: tuple[str, ...] = ()
    board: str | None = None
    gpio: int | None = None
    channel: int | None = Field(None, ge=1, le=32, description="Tasmota POWER<n> index")
    rated_watts: float | None = Field(None, gt=0)


class RoomSpec(_Strict):
    id: str = Field(pattern=_ID)
    name: str
    aliases: tuple[str, ...] = ()
    class_hours: ClassHoursSpec | None = None
    boards: tuple[BoardSpec, ...] = ()
    switches: tuple[SwitchSpec, ...] = ()
    power_threshold_w: float | None = Field(None, gt=0)


class BuildingSpec(_Strict):
    id: str = Field(pattern=_ID)
    name: str
    aliases: tuple[str, ...] = ()
    rooms: tuple[RoomSpec, ...] = ()
    power_threshold_w: float | None = Field(None, gt=0)


class UserSpec(_Strict):
    telegram_id: int
    name: str
    role: Literal["admin", "faculty", "operator"]
    rooms: tuple[str, ...] = ()
    owns: tuple[str, ...] = Field((), description="ids of switches or boards this user owns")
    can_control: bool = Field(False, description="operators: may also switch devices")


class CampusSpec(_Strict):
    campus: CampusInfoSpec
    buildings: tuple[BuildingSpec, ...] = ()
    users: tuple[UserSpec, ...] = ()


# ---------------------------------------------------------------------------------------------------------------
# The typed registry the rest of the service uses (plain dataclasses; no pydantic outside this module).


@dataclass(frozen=True)
class ClassHours:
    """When a room is normally in use: opening time, closing time, weekdays (0 = Monday)."""

    start: dt.time
    end: dt.time
    weekdays: frozenset[int]


@dataclass(frozen=True)
class Term:
    """An academic term; days outside every term (when terms are given) count as breaks."""

    name: str
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class Closure:
    """Days the campus is shut though they are no public holiday (a Diwali break, a strike), both ends inclusive.
    Forecasts treat them as holidays; after-hours alerts as whole days outside class hours."""

    name: str
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class Board:
    """An ESP32 relay board. `secret` authenticates commands to AutoVolt firmware; never log it."""

    id: str
    room_id: str
    protocol: str
    mac: str | None
    topic: str
    secret: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Switch:
    """One relay: `gpio` for AutoVolt boards, `channel` (POWER<n>) for Tasmota boards."""

    id: str
    room_id: str
    building_id: str
    name: str
    type: str
    aliases: tuple[str, ...]
    board_id: str | None
    gpio: int | None
    channel: int | None
    rated_watts: float


@dataclass(frozen=True)
class Room:
    id: str
    building_id: str
    name: str
    aliases: tuple[str, ...]
    class_hours: ClassHours
    power_threshold_w: float | None


@dataclass(frozen=True)
class Building:
    id: str
    name: str
    aliases: tuple[str, ...]
    power_threshold_w: float | None


@dataclass(frozen=True)
class User:
    """A person the bot serves. `rooms` are assigned rooms, `owns` switch or board ids."""

    telegram_id: int
    name: str
    role: str
    rooms: tuple[str, ...]
    owns: tuple[str, ...]
    can_control: bool = False


@dataclass(frozen=True)
class Campus:
    """The whole registry, as loaded from the campus file or the database.

    subdivision: the `holidays` package's code of the campus's region (e.g. "MH" in IN), whose holidays count too.
    closures: campus closures in the file's order. Both come last, with defaults, so older constructors still work.
    latitude, longitude: the campus's location in decimal degrees (both or neither), for the outdoor temperature.
    tariff: the price of energy (store.tariff), None when the campus file gives none.
    """

    name: str
    timezone: str
    country: str | None
    terms: tuple[Term, ...]
    buildings: tuple[Building, ...]
    rooms: tuple[Room, ...]
    boards: tuple[Board, ...]
    switches: tuple[Switch, ...]
    users: tuple[User, ...]
    subdivision: str | None = None
    closures: tuple[Closure, ...] = ()
    latitude: float | None = None
    longitude: float | None = None
    tariff: Tariff | None = None

    @property
    def coordinates(self) -> tuple[float, float] | None:
        """(latitude, longitude) when the campus file gives them; the weather feed runs only then."""
        if self.latitude is None or self.longitude is None:
            return None
        return self.latitude, self.longitude

    def room(self, room_id: str) -> Room:
        return next(r for r in self.rooms if r.id == room_id)

    def switches_in_room(self, room_id: str) -> tuple[Switch, ...]:
        return tuple(s for s in self.switches if s.room_id == room_id)

    def board(self, board_id: str) -> Board:
        return next(b for b in self.boards if b.id == board_id)

    def user(self, telegram_id: int) -> User | None:
        return next((u for u in self.users if u.telegram_id == telegram_id), None)


def _class_hours(spec: ClassHoursSpec) -> ClassHours:
    return ClassHours(spec.start, spec.end, frozenset(WEEKDAYS.index(d) for d in spec.days))


def campus_from_spec(spec: CampusSpec) -> Campus:
    """Check cross-references (unique ids, boards, rooms of users) and build the typed registry."""
    buildings, rooms, boards, switches = [], [], [], []
    seen: dict[str, str] = {}
    problems: list[_CrossRefError] = []  # all of them are reported at once, not one per run

    def fail(where: str, message: str) -> None:
        problems.append(_CrossRefError(where, message))

    def claim(kind: str, ident: str, where: str) -> None:
        if ident in seen:
            fail(where, f"duplicate {kind} id {ident!r} (already used by a {seen[ident]})")
            return
        seen[ident] = kind

    default_hours = spec.campus.class_hours
    for bi, b in enumerate(spec.buildings):
        claim("building", b.id, f"buildings[{bi}].id")
        buildings.append(Building(b.id, b.name, b.aliases, b.power_threshold_w))
        for ri, r in enumerate(b.rooms):
            rwhere = f"buildings[{bi}].rooms[{ri}]"
            claim("room", r.id, f"{rwhere}.id")
            rooms.append(Room(r.id, b.id, r.name, r.aliases, _class_hours(r.class_hours or default_hours), r.power_threshold_w))
            board_ids = set()
            for oi, o in enumerate(r.boards):
                claim("board", o.id, f"{rwhere}.boards[{oi}].id")
                board_ids.add(o.id)
                boards.append(Board(o.id, r.id, o.protocol, o.mac, o.topic or o.id, o.secret))
            used_outputs: set[tuple[str, int]] = set()
            for si, s in enumerate(r.switches):
                swhere = f"{rwhere}.switches[{si}]"
                claim("switch", s.id, f"{swhere}.id")
                board_id = s.board
                if board_id is None and len(r.boards) == 1:
                    board_id = r.boards[0].id
                if board_id is not None and board_id not in board_ids:
                    fail(f"{swhere}.board", f"board {board_id!r} is not a board of room {r.id!r}")
                    board_id = None  # keep the switch, so later references to it are not reported as well
                gpio, channel = s.gpio, s.channel
                if board_id is not None:
                    protocol = next(o.protocol for o in r.boards if o.id == board_id)
                    index = sum(1 for prev in switches if prev.board_id == board_id)
                    if protocol == "autovolt" and gpio is None:
                        if index >= len(AUTOVOLT_GPIOS):
                            fail(f"{swhere}.gpio", "more than 6 relays on one AutoVolt board: give each a gpio")
                        else:
                            gpio = AUTOVOLT_GPIOS[index]
                    if protocol == "tasmota" and channel is None:
                        channel = index + 1
                    output = (board_id, gpio if protocol == "autovolt" else channel)
                    if output[1] is not None and output in used_outputs:
                        fail(f"{swhere}", f"two switches on board {board_id!r} use the same relay {output[1]}")
                    used_outputs.add(output)
                watts = s.rated_watts if s.rated_watts is not None else DEFAULT_RATED_WATTS[s.type]
                switches.append(Switch(s.id, r.id, b.id, s.name, s.type, s.aliases, board_id, gpio, channel, float(watts)))
    users, telegram_ids = [], set()
    room_ids = {r.id for r in rooms}
    device_ids = {s.id for s in switches} | {o.id for o in boards}
    for ui, u in enumerate(spec.users):
        if u.telegram_id in telegram_ids:
            fail(f"users[{ui}].telegram_id", f"duplicate telegram_id {u.telegram_id}")
        telegram_ids.add(u.telegram_id)
        for k, room in enumerate(u.rooms):
            if room not in room_ids:
                fail(f"users[{ui}].rooms[{k}]", f"unknown room {room!r}")
        for k, dev in enumerate(u.owns):
            if dev not in device_ids:
                fail(f"users[{ui}].owns[{k}]", f"unknown switch or board {dev!r}")
        users.append(User(u.telegram_id, u.name, u.role, tuple(sorted(set(u.rooms))), tuple(sorted(set(u.owns))), u.can_control))
    info = spec.campus
    if (info.latitude is None) != (info.longitude is None):
        given, missing = ("latitude", "longitude") if info.longitude is None else ("longitude", "latitude")
        fail(f"campus.{given}", f"give campus.{missing} as well (both or neither)")
    if problems:
        raise _CrossRefErrors(problems)
    terms = tuple(Term(t.name, t.start, t.end) for t in info.terms)
    closures = tuple(Closure(c.name, c.start, c.end) for c in info.closures)
    return Campus(info.name, info.timezone, info.country, terms, tuple(buildings), tuple(rooms), tuple(boards),
                  tuple(switches), tuple(users), subdivision=info.subdivision, closures=closures,
                  latitude=info.latitude, longitude=info.longitude,
                  tariff=info.tariff.build() if info.tariff is not None else None)


class _CrossRefError(Exception):
    def __init__(self, where: str, message: str) -> None:
        super().__init__(message)
        self.where = where
        self.message = message


class _CrossRefErrors(Exception):
    def __init__(self, errors: list[_CrossRefError]) -> None:
        super().__init__(errors[0].message)
        self.errors = errors


def _path_of(where: str) -> list[str | int]:
    return [int(p) if p.isdigit() else p for p in re.findall(r"[^.\[\]]+", where)]


def _line_of(node: yaml.Node | None, path: list[str | int]) -> int | None:
    """Follow a validation error's location through the YAML node tree to a 1-based line number."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in path:
        if isinstance(node, yaml.MappingNode):
            nxt = next(((k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == part), None)
            if nxt is None:
                return line
            node = nxt[1]
            line = nxt[0].start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def _dotted(path: list[str | int]) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def parse_campus_text(text: str, source: str = "<campus>") -> Campus:
    """Parse campus YAML text; raise CampusFileError with `source:line: field: problem` on any fault."""
    try:
        root = yaml.compose(text, Loader=_LOADER)
        data = yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise CampusFileError(f"{source}{line}: invalid YAML: {problem}") from None
    if not isinstance(data, dict):
        raise CampusFileError(f"{source}:1: expected a mapping with 'campus' and 'buildings'")
    try:
        spec = CampusSpec.model_validate(data)
    except ValidationError as exc:
        raise CampusFileError([_validation_problem(source, root, err) for err in exc.errors()]) from None
    try:
        return campus_from_spec(spec)
    except _CrossRefErrors as exc:
        raise CampusFileError([f"{source}:{_line_of(root, _path_of(e.where))}: {e.where}: {e.message}"
                               for e in exc.errors]) from None


def _validation_problem(source: str, root: yaml.Node | None, err: Any) -> str:
    path = [p for p in err["loc"] if not (isinstance(p, str) and p.startswith(("function-", "literal[")))]
    message = err["msg"].removeprefix("Value error, ")
    if err["type"] == "literal_error" and path and path[-1] == "type":
        message = f"unknown switch type {err.get('input')!r}, expected one of {', '.join(SWITCH_TYPES)}"
    elif err["type"] == "extra_forbidden":
        message = "unknown field"
    return f"{source}:{_line_of(root, path)}: {_dotted(path)}: {message}"


def load_campus_file(path: str | Path) -> Campus:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CampusFileError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CampusFileError(f"{path}: cannot read: {exc}") from None
    return parse_campus_text(text, str(path))


def campus_to_dict(campus: Campus) -> dict[str, Any]:
    """A JSON-ready view of the registry (used by `autovolt campus show --json`)."""
    from dataclasses import asdict

    out = asdict(campus)
    for board in out["boards"]:
        board.pop("secret", None)
    for room in out["rooms"]:
        ch = room["class_hours"]
        room["class_hours"] = {"start": ch["start"].isoformat(), "end": ch["end"].isoformat(), "weekdays": sorted(ch["weekdays"])}
    out["terms"] = periods_to_json(campus.terms)
    out["closures"] = periods_to_json(campus.closures)
    return out


def periods_to_json(periods: tuple[Term, ...] | tuple[Closure, ...]) -> list[dict[str, str]]:
    """Terms or closures as JSON rows (the campus table's columns and `campus show --json`)."""
    return [{"name": p.name, "start": p.start.isoformat(), "end": p.end.isoformat()} for p in periods]


def periods_from_json(rows: list[dict[str, str]], kind: type[Term] | type[Closure]) -> tuple[Any, ...]:
    """The inverse of periods_to_json, building `kind` (Term or Closure) rows."""
    return tuple(kind(r["name"], dt.date.fromisoformat(r["start"]), dt.date.fromisoformat(r["end"])) for r in rows)
