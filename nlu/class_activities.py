"""What a class is showing, said as the reason for an order: "power up the projector, I'm showing a simulation".

The spelling fixer bends only words it does not know, and "simulation" was near enough to the forecast word
"estimation" that the order became a forecast question (twenty-third pass). These nouns of showing end as cue words
do ("-ation", "-ing"), which makes them close to them; known, they are left as they are. They stay things (no
device, no cue): "start the simulation in lab 1" names no switch.
"""

from __future__ import annotations

ACTIVITY_WORDS = frozenset(
    "simulation simulations demonstration demonstrations presentation presentations animation animations "
    "visualisation visualisations visualization visualizations screening screenings recording recordings "
    "rehearsal rehearsals".split())
