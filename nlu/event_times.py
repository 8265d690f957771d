"""A time told of someone else's event beside an order: "turn the office AC on, sir is coming at eleven".

The clock time belongs to the arrival or the start told after the order ("sir is coming", "the class starts"),
not to the order, which is for now so that the room is ready (tenth voice pass: the AC was set for 11:00 instead of
switched on). Pure: normalised tokens and indices in, a yes/no out.
"""

from __future__ import annotations

# Verbs of someone or something arriving or beginning: the time after them is the event's.
EVENT_VERBS = frozenset("coming arriving comes arrives come arrive starts start begins begin starting beginning "
                        "landing reaching expected due".split())
# Events named as nouns: "switch the projector on, there is a demonstration at 11" (twenty-third pass: set for 11).
# "I have a demo at 11", "there is an inspection at 3" (twenty-fourth pass: the projector was set for 11).
_EVENT_NOUNS = frozenset("class lecture meeting exam viva talk session event function programme program seminar "
                         "demonstration simulation presentation rehearsal screening workshop practical quiz demo "
                         "test inspection visit review interview assembly ceremony concert performance "
                         "tutorial period".split())
# Only an event told as there being one ("there is a class at 2", "we have a viva at 3"): "put them on for the
# rehearsal at 3 pm" is at 3 pm.
_THERE_IS = (["is", "a"], ["is", "an"], ["have", "a"], ["have", "an"], ["has", "a"], ["got", "a"])
# Words that make the event's time the order's too: "switch it on when sir comes at 11" is at 11.
_AT_THE_EVENT = frozenset({"when", "once", "after", "till", "until", "soon", "whenever", "by"})
# Words the order is said with: an event verb before the last of them is in no clause of its own.
_ORDER_WORDS = frozenset({"on", "off", "turn", "switch", "shut", "put", "kill", "cut", "power"})
# Subjects an event is told of; a device or "it" before the verb makes it the device's own doing, not an event.
_NOT_SUBJECTS = frozenset({"it", "that", "which", "this", "to", "will", "i", "you"})


def event_time_only(toks: list[str], time_indices: frozenset[int], mentioned: set[int]) -> bool:
    """Whether every time word of the message follows an event verb said after the order's on/off word, in a clause
    with no order of its own and no "when"/"after" tying the order to the event."""
    if not time_indices:
        return False
    first_time = min(time_indices)
    orders = [i for i, t in enumerate(toks[:first_time]) if t in _ORDER_WORDS and toks[i - 1:i] != ["is"]]
    if not orders:
        return False
    for v in range(orders[-1] + 1, first_time):
        noun = toks[v] in _EVENT_NOUNS and toks[v - 2:v] in _THERE_IS and v not in mentioned
        if not noun and (toks[v] not in EVENT_VERBS or toks[v - 1] in _NOT_SUBJECTS or v - 1 in mentioned):
            continue
        if first_time - v > 3:  # "sir is coming at 11", "coming in here at 11": the time is the verb's
            continue
        between = toks[orders[0]:v]
        if set(between) & _AT_THE_EVENT:
            return False
        return True
    return False
