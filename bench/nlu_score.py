"""Score the text parser on the labelled corpus, tuning and held-out splits apart.

    .venv/bin/python -m bench.nlu_score [--failures N]

Same as `autovolt nlu score`; kept here so every quality and speed figure has a command under bench/.
"""

from __future__ import annotations

import sys

from autovolt.cli import main

if __name__ == "__main__":
    sys.exit(main(["nlu", "score", *sys.argv[1:]]))
