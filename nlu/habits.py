"""Someone's habit of switching, complained of: "someone keeps switching off the fans in 102, it's annoying".

A doer who "keeps / kept / keeps on" switching, or "always" switches, tells what people do, and asks the bot for
nothing; read as the order inside it, the complaint switched the fans of room 102 off (twenty-fourth pass, rules
alone). A request around it ("can you make sure nobody keeps turning the AC on") is left to the caller's wishes.
Pure: tokens in, a verdict out.
"""

from __future__ import annotations

# Who does it: people, told of, never the bot.
_DOERS = frozenset("someone somebody people everyone everybody nobody he she they students staff kids cleaners "
                   "guards juniors seniors we you i".split())
_KEEPS = frozenset({"keeps", "kept", "keep"})
_ALWAYS = frozenset({"always", "constantly", "repeatedly", "often", "usually", "never"})
# Switch verbs of a habit: a gerund after "keeps", a third-person form after "always".
_GERUNDS = frozenset({"switching", "turning", "shutting", "leaving", "putting", "powering", "killing"})
_THIRD = frozenset({"switches", "turns", "shuts", "leaves", "puts", "powers", "kills", "switch", "turn", "shut",
                    "leave", "put"})
_ORDER_WORDS = frozenset({"switch", "turn", "shut", "power", "kill", "on", "off"})
# Words a habit's subject never is: an order's opening ("please always switch off ...") or a link.
_NOT_SUBJECTS = frozenset({"please", "pls", "plz", "and", "then", "just", "so", "to", "kindly", "do"})
_ONE_DOER = frozenset({"he", "she", "someone", "somebody"})
_ASKED_OF = frozenset({"can", "could", "will", "would", "sure", "ensure", "please", "let", "dont", "stop", "make"})


def habit_told(toks: list[str]) -> bool:
    """Whether the message tells of a doer's habit of switching ("someone keeps switching off the fans", "the
    juniors always leave the projector on", "they kept turning the AC off") with nothing asked of them before it."""
    for i, tok in enumerate(toks[:-2]):
        if not tok.isalpha() or tok in _NOT_SUBJECTS:
            continue
        if set(toks[max(0, i - 3):i]) & _ASKED_OF:
            continue  # "can someone keep switching ...", "make sure nobody keeps turning it on": asked
        if set(toks[:i]) & _ORDER_WORDS:
            return False  # "switch off the fans in 102, someone keeps switching them on": the order comes first
        verb, after = toks[i + 1], toks[i + 2]
        if verb in _KEEPS and after == "on" and i + 3 < len(toks):
            after = toks[i + 3]  # "keeps on switching off"
        if verb in ("keeps", "kept") and after in _GERUNDS:
            return True  # a third person's (or a past) habit: "the peon keeps switching ..."
        if verb == "keep" and tok in _DOERS and tok not in _ONE_DOER and after in _GERUNDS:
            return True  # "people keep switching the fans on"
        if verb in _ALWAYS and after in _THIRD:
            return True  # "the juniors always leave the projector on", "someone always switches off the AC"
    return False
