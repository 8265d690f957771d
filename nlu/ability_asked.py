"""Whether a message asks what the bot CAN do, naming a device action: "is it true you can turn off the lights in any
room", "can you also switch fans or only lights?", "are you able to schedule the AC".

These were read as the order they name and asked "Which room?" (or a schedule question was answered), when the
answer wanted is what the bot does: help (issue 16, text-left4). A polite request is the same modal with a room or
a time: "can you turn off the lights in 101" stays a device command, and so does a bare "can you turn off the
lights" (the room is asked). Only a sign that the ability itself is asked makes it help: hearsay ("is it true you
can"), a choice of scope ("or only lights", "in any room"), a verb of ability ("control", "handle"), a stronger
modal ("are you able to", "do you know how to") or scheduling asked about without a time, with no room named.
Pure: normalised tokens in, a yes/no out.
"""

from __future__ import annotations

# Who is asked about: the bot by its names.
_BOT = (("you",), ("u",), ("the", "bot"), ("this", "bot"), ("the", "assistant"), ("this", "assistant"),
        ("this", "app"), ("the", "app"), ("autovolt",))
# Hearsay about the bot: the ability is in question, whatever room is named.
_HEARSAY = (("is", "it", "true"), ("i", "heard"), ("i", "was", "told"), ("someone", "said"), ("somebody", "said"),
            ("is", "it", "right"), ("they", "say"), ("people", "say"), ("my", "friend", "said"))
_CAN = frozenset({"can", "could", "are", "able", "will"})
# Modals that ask for an ability more than they ask for a favour ("are you able to" vs "can you").
_ABLE_OPENERS = (("are", "you", "able", "to"), ("r", "u", "able", "to"), ("are", "u", "able", "to"),
                 ("is", "it", "possible", "for", "you", "to"), ("do", "you", "know", "how", "to"),
                 ("are", "you", "capable", "of"), ("are", "you", "allowed", "to"), ("are", "you", "permitted", "to"),
                 ("can", "the", "bot"), ("can", "this", "bot"), ("could", "the", "bot"), ("could", "this", "bot"),
                 ("is", "the", "bot", "able", "to"), ("is", "this", "bot", "able", "to"), ("does", "the", "bot"),
                 ("does", "this", "bot"), ("can", "the", "assistant"), ("can", "this", "assistant"),
                 ("can", "this", "app"))
_FAVOUR_OPENERS = (("can", "you"), ("could", "you"), ("can", "u"), ("could", "u"), ("do", "you"), ("will", "you"))
# Permission asked: about the bot's rights, room or not.
_PERMISSION = (("allowed", "to"), ("permitted", "to"))
# A choice of scope: "or only lights", "in any room" ("in every room" is an order for all of them).
_SCOPE = (("or", "only"), ("or", "just"), ("or", "is", "that"), ("or", "is", "it"), ("any", "room"), ("any", "rooms"),
          ("any", "of", "the", "rooms"), ("any", "classroom"), ("any", "lab"))
# Said with no room: "can you do the fans as well as the lights" (with a room it is an order for both).
_BOTH = (("as", "well", "as"),)
# Verbs of ability, not of an order: "can you control the fans too".
_ABILITY_VERBS = frozenset({"control", "handle", "manage", "operate", "automate", "support"})
# Scheduling asked about: "are you able to schedule the AC", "can you turn things off on a timer" ("can you show
# the schedule" is a schedule question: the verb must be the scheduling).
_SCHEDULING = (("schedule",), ("on", "a", "timer"), ("set", "a", "timer"), ("set", "timers"), ("automatically",),
               ("set", "a", "schedule"), ("set", "schedules"), ("on", "a", "schedule"))
# The things in general, as a device.
_THINGS = frozenset({"things", "switches", "devices", "appliances", "stuff", "everything"})
# Words that turn the question into an order after all: "I heard you can switch off the lights in 101, do it now".
_ORDERED = frozenset({"please", "pls", "plz", "now", "kindly"})


def _at(toks: list[str], words: tuple[str, ...], start: int = 0) -> int | None:
    """The index where `words` first occur in `toks` from `start`, or None."""
    n = len(words)
    return next((k for k in range(start, len(toks) - n + 1) if tuple(toks[k:k + n]) == words), None)


def _opened_by(toks: list[str], openers: tuple[tuple[str, ...], ...], within: int = 2) -> int | None:
    """The index after the first of `openers` that starts within the first `within` + 1 words, or None."""
    return next((k + len(o) for o in openers if (k := _at(toks, o)) is not None and k <= within), None)


def _scheduling(toks: list[str], after: int) -> bool:
    """Scheduling said as what is asked for: "schedule" right after the opener ("are you able to schedule"), or a
    timer phrase anywhere ("can you turn things off on a timer")."""
    return any((k := _at(toks, s, after)) is not None and (len(s) > 1 or s[0] != "schedule" or k == after)
               for s in _SCHEDULING)


def _hearsay(toks: list[str]) -> bool:
    """ "is it true (that) you can ...", "i heard the bot can ...": the bot's ability said to be hearsay."""
    for said in _HEARSAY:
        k = _at(toks, said)
        if k is None or k > 2:
            continue
        rest = toks[k + len(said):]
        rest = rest[1:] if rest[:1] == ["that"] else rest
        if any(tuple(rest[:len(b)]) == b and rest[len(b):len(b) + 1] and rest[len(b)] in _CAN for b in _BOT):
            return True
    return False


def asks_what_bot_can(toks: list[str], device_named: bool, room_named: bool, time_named: bool,
                      follow_up: bool) -> bool:
    """Whether the message asks whether the bot can do something to a device, rather than asking it done.
    `device_named`: a device type, switch or "everything" is named (the things in general count too: "can you turn
    things off on a timer"; "can you schedule a meeting" is none of ours); `room_named`: a room or building of the
    campus (or one it lacks) is named, "every room" aside; `time_named`: a time for the order; `follow_up`: it
    answers or continues an earlier command ("can you do the fans too" there means do it)."""
    if _ORDERED & set(toks) or not (device_named or _THINGS & set(toks)):
        return False
    if _hearsay(toks):
        return True
    able = _opened_by(toks, _ABLE_OPENERS)
    opened = able if able is not None else _opened_by(toks, _FAVOUR_OPENERS)
    if opened is None:
        return False
    if any(_at(toks, s) is not None for s in _SCOPE):
        return True  # "can you also switch fans or only lights?", "can you switch off lights in every room"
    if any(_at(toks, p) is not None for p in _PERMISSION):
        return True  # "are you allowed to switch off the AC in the staff room": the bot's rights
    if follow_up or room_named or time_named:
        return False  # "can you do the fans too" after an order; "are you able to turn off the AC in room 202 at 6"
    if set(toks) & _ABILITY_VERBS or any(_at(toks, b) is not None for b in _BOTH):
        return True  # "can you control the fans too", "can you do the fans as well as the lights"
    if _scheduling(toks, opened):
        return True  # "are you able to schedule the AC": how, not when
    return able is not None  # "are you able to turn on the heater", "do you know how to switch the fans off"
