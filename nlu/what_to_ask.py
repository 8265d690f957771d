"""Help asked as what one may ask or say: "what questions can I ask you", "what sort of things can i ask about energy
here", "which commands should we type", Hindi "kaise use karte hain isko".

The help phrases hold "what can i ask" and a few others word for word; with a noun between ("what questions can I
ask") the message was out of scope, and with a topic after it ("... about energy here") an energy question asking
which room (twenty-third pass). A "what/which" opening, up to four words, then "can/should/do" + "I/we/one" + a verb
of asking or saying asks what the bot understands. Pure: normalised tokens in, a yes/no out.
"""

from __future__ import annotations

_OPENERS = frozenset({"what", "which"})
_MODALS = frozenset({"can", "could", "should", "do", "may", "might"})
_ASKERS = frozenset({"i", "we", "one"})
_SAYING = frozenset({"ask", "say", "type", "tell", "request", "text", "write", "send"})
_GAP = 4  # "what sort of things can i ask": the words between the opener and the modal
# Hindi "how to use": "kaise use karte hain isko", "ise kaise use karna hai" (the verb forms after "use").
_HOW = frozenset({"kaise", "kese", "kaisey"})
_USE_FORMS = frozenset({"karte", "karna", "karu", "karun", "karein", "kare", "kiya", "karoon", "kar", "hota", "hoga"})


def asks_what_to_ask(toks: list[str]) -> bool:
    """Whether the message asks what one can ask or say to the bot (or, in Hindi, how it is used)."""
    for i, t in enumerate(toks):
        if t in _OPENERS:
            for k in range(i + 1, min(len(toks) - 2, i + 2 + _GAP)):
                if toks[k] in _MODALS and toks[k + 1] in _ASKERS and toks[k + 2] in _SAYING:
                    return True
        if t in _HOW and toks[i + 1:i + 2] == ["use"] and toks[i + 2:i + 3] and toks[i + 2] in _USE_FORMS:
            return True
    return False
