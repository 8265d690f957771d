"""Spoken test sentences for the speech benchmark: commands across a campus (as people say them) and
out-of-scope requests. Deterministic for a seed, so figures are comparable between runs."""

from __future__ import annotations

import random

from nlu.grammar import spoken_forms
from nlu.vocabulary import Vocabulary

_TYPE_WORDS = {"light": ("lights", "tube lights", "lamps"), "fan": ("fans", "fan"), "ac": ("ac", "air conditioner"),
               "projector": ("projector",), "outlet": ("sockets", "plugs")}

OUT_OF_SCOPE = (
    "what's the weather like tomorrow", "play some music", "lock the front door", "tell me a joke",
    "set an alarm for seven", "call my mother", "what time is my next meeting", "order a pizza",
    "how is the traffic today", "send an email to the dean", "who won the cricket match", "open the garage",
    "read me the news", "book a taxi to the airport", "what is the capital of france", "good morning everyone",
    "remind me to submit the marks", "how old are you", "translate this into hindi", "turn the volume up",
)


def english_commands(vocabulary: Vocabulary, count: int = 120, seed: int = 7) -> list[str]:
    """`count` sentences across the campus: device control (now and at a time), status, energy, alerts, help."""
    rng = random.Random(seed)
    room_types: dict[str, set[str]] = {}
    for switch in vocabulary.switches:
        room_types.setdefault(switch.room_id, set()).add(switch.type)
    rooms = [r for r in vocabulary.rooms if room_types.get(r.id, set()) & set(_TYPE_WORDS)]
    sentences: list[str] = []
    while len(sentences) < count:
        room = rng.choice(rooms)
        place = rng.choice(spoken_forms(rng.choice((room.name, *room.aliases))))
        kind = rng.choice(sorted(room_types[room.id] & set(_TYPE_WORDS)))
        device = rng.choice(_TYPE_WORDS[kind])
        action = rng.choice(("on", "off"))
        shape = rng.random()
        if shape < 0.35:
            text = f"turn {action} the {device} in {place}"
        elif shape < 0.5:
            text = f"switch {action} the {device} in the {place}"
        elif shape < 0.6:
            text = f"{device} {action} in {place}"
        elif shape < 0.68:
            text = f"please turn {action} the {device} in {place} at {rng.choice(('five', 'six', 'four thirty'))} p.m."
        elif shape < 0.74:
            text = f"turn {action} everything in {place}"
        elif shape < 0.8:
            text = f"turn {action} the {device} in {place} in {rng.choice(('ten', 'twenty', 'thirty'))} minutes"
        elif shape < 0.86:
            text = f"is the {device} on in {place}"
        elif shape < 0.92:
            text = f"how much energy was used in {place} {rng.choice(('today', 'yesterday', 'last week', 'this month'))}"
        elif shape < 0.96:
            text = rng.choice(("show alerts", "which devices are offline", "any anomalies in " + place))
        else:
            text = rng.choice(("help", "what can you do", "show the status of " + place))
        sentences.append(text)
    return sentences
