"""Who may do what. Pure: a registry user, the campus and the targets in; a typed decision out.

Admins: everything. Faculty: control and query their assigned rooms (and devices they own). Operators: query
everything, control only when granted (`can_control`). Bulk or campus-wide actions, and permitted actions outside a
user's own rooms, need an explicit confirmation before anything is switched.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from store.campus import Campus, User

# More switches than this in one command, or more than one room, counts as a bulk action.
BULK_SWITCHES = 6


@dataclass(frozen=True)
class Decision:
    """The answer for one request.

    `allowed`: the user may do it at all. `confirm`: allowed, but only after the user confirms (bulk, campus-wide,
    or outside their own rooms). `reason`: one sentence for the user: why not, or what makes it need confirming.
    """

    allowed: bool
    confirm: bool = False
    reason: str = ""


def home_rooms(user: User, campus: Campus) -> tuple[str, ...]:
    """The rooms a user looks after: assigned rooms plus the rooms of switches or boards they own, registry order."""
    owned_rooms = {s.room_id for s in campus.switches if s.id in user.owns}
    owned_rooms |= {b.room_id for b in campus.boards if b.id in user.owns}
    wanted = set(user.rooms) | owned_rooms
    return tuple(r.id for r in campus.rooms if r.id in wanted)


def visible_rooms(user: User, campus: Campus) -> tuple[str, ...]:
    """Rooms whose state, energy and alerts the user may see."""
    if user.role in ("admin", "operator"):
        return tuple(r.id for r in campus.rooms)
    return home_rooms(user, campus)


def _names(campus: Campus, room_ids: Iterable[str]) -> str:
    names = [campus.room(r).name for r in room_ids]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def may_query(user: User, campus: Campus, room_ids: Sequence[str]) -> Decision:
    """May `user` see the state, energy or forecast of `room_ids`?"""
    allowed = set(visible_rooms(user, campus))
    outside = [r for r in room_ids if r not in allowed]
    if not outside:
        return Decision(True)
    mine = home_rooms(user, campus)
    if not mine:
        return Decision(False, reason="You have no rooms assigned yet; ask an admin to add you to your rooms.")
    return Decision(False, reason=f"You can ask about {_names(campus, mine)} only; "
                                  f"{_names(campus, outside)} {'is' if len(outside) == 1 else 'are'} not one of your rooms.")


def may_control(user: User, campus: Campus, switch_ids: Sequence[str]) -> Decision:
    """May `user` switch `switch_ids`, and must they confirm first?"""
    room_of = {s.id: s.room_id for s in campus.switches}
    rooms = list(dict.fromkeys(room_of[s] for s in switch_ids if s in room_of))
    bulk = len(rooms) > 1 or len(switch_ids) > BULK_SWITCHES
    mine_ordered = home_rooms(user, campus)
    mine = set(mine_ordered)
    outside = [r for r in rooms if r not in mine]
    if user.role == "faculty":
        owned = set(user.owns)
        outside = [r for r in outside if not all(s in owned for s in switch_ids if room_of.get(s) == r)]
        if outside:
            if not mine:
                return Decision(False, reason="You have no rooms assigned yet; ask an admin to add you to your rooms.")
            return Decision(False, reason=f"You can control {_names(campus, mine_ordered)} only; "
                                          f"{_names(campus, outside)} {'is' if len(outside) == 1 else 'are'} not one of your rooms.")
    elif user.role == "operator" and not user.can_control:
        return Decision(False, reason="Operators can ask about any room but not switch devices; "
                                      "ask an admin if you need control.")
    elif user.role not in ("admin", "operator"):
        return Decision(False, reason="Your account has no role that allows switching devices.")
    if bulk:
        return Decision(True, confirm=True, reason="That is a bulk action.")
    # Outside one's own rooms is allowed for admins and granted operators, but only on purpose.
    if outside and (mine or user.role == "operator"):
        return Decision(True, confirm=True, reason=f"{_names(campus, outside)} is not one of your rooms.")
    return Decision(True)

