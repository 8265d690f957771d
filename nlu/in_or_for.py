"""The answer to "In 20 minutes, or for 20 minutes?" (asked when "make it 20 minutes" had nothing before it to change).

The question names the amount, so its answer often does not: "for", "in", "for 20 minutes", "the second one". The
answer is rewritten as the whole time phrase ("for 20 minutes"), which the parser then reads as the answer to the
pending command's time question. A message that is not such an answer is left as it is.
"""

from __future__ import annotations

import datetime as dt

from nlu.command import Command
from nlu.textnorm import tokens as norm_tokens
from nlu.timeexpr import TIME_UNITS, extract_times

# The amount as said ("20 minutes") does not depend on the clock: a fixed aware moment reads it (no clock read here).
_ANY_MOMENT = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
_IN = frozenset({"in", "after", "within", "first", "later"})
_FOR = frozenset({"for", "second"})
# Words an answer may carry around its "in"/"for" and amount: "for, please", "ok in 20", "i meant for".
_AROUND = frozenset("please pls plz ok okay the just it make yes yeah i mean meant then sorry one do so that "
                    "only lets let me".split())


def asked_in_or_for(prev: Command | None) -> str | None:
    """The amount ("20 minutes") the previous command asked in-or-for about, or None when it asked nothing so."""
    if prev is None or not prev.needs_time or prev.when is not None or prev.until is not None:
        return None
    return extract_times(norm_tokens(prev.text), _ANY_MOMENT).unplaced


def as_time_phrase(toks: list[str], prev: Command | None) -> list[str]:
    """`toks` with a bare in-or-for answer made whole ("for" -> "for 20 minutes", "in 20" -> "in 20 minutes")."""
    leads = [t for t in toks if t in _IN | _FOR]
    if len(leads) != 1 or any(t not in _AROUND | _IN | _FOR and not t.isdigit() and t not in TIME_UNITS
                              for t in toks):
        return toks  # the common case: no such answer (checked before the previous command is read again)
    amount = asked_in_or_for(prev)
    if amount is None:
        return toks
    said = amount.split()
    numbers = [t for t in toks if t.isdigit() and not (t == "1" and leads[0] in ("first", "second"))]  # "one"
    if numbers and any(t in TIME_UNITS for t in toks):
        return toks  # "for 30 minutes": an amount of its own, which the time words read
    if numbers:
        said = [numbers[0], *said[1:]] if said[-1] in TIME_UNITS else said  # "in 20": the unit asked about
    return ["in" if leads[0] in _IN else "for", *said]
