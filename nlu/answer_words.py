"""Words that shape an energy answer or ask for one the parser has no intent for: cost ("what did it cost"), peak
demand, a comparison ("compare block A and block B this week") and offline boards ("which boards are offline?").
Pure: text in, an `AnswerAsk` out. The bot re-reads the places and the period with the parser (`energy_words`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_COST = re.compile(r"\b(cost|costs|costed|bill|billed|price|spend|spent|pay|paid|rupees?|rs|inr|money|tariff)\b|\u20b9")
_PEAK = re.compile(r"\b(peak|maximum|max|highest|top)\s+(demand|load|power|draw|usage|use|consumption)\b"
                   r"|\bpeak\b")
_COMPARE = re.compile(r"\b(compare|comparison|versus|vs\.?|against)\b")
_BOARDS = re.compile(r"\b(boards?|esp32s?|esps?|controllers?|panels?|devices?)\b")
_OFFLINE = re.compile(r"\b(offline|off\s*line|down|unreachable|not responding|disconnected|dead|not online)\b")
_COMPARE_WORDS = re.compile(r"\b(compare|comparison|versus|vs\.?|against|with)\b")


@dataclass(frozen=True)
class AnswerAsk:
    """`cost`: say what the energy cost; `peak`: the peak hour's demand; `compare`: energy of each place side by
    side; `offline_boards`: list the boards that do not answer."""

    cost: bool = False
    peak: bool = False
    compare: bool = False
    offline_boards: bool = False

    @property
    def any(self) -> bool:
        return self.cost or self.peak or self.compare or self.offline_boards


def read_answer_ask(text: str) -> AnswerAsk:
    said = text.lower()
    return AnswerAsk(cost=bool(_COST.search(said)), peak=bool(_PEAK.search(said)),
                     compare=bool(_COMPARE.search(said)),
                     offline_boards=bool(_BOARDS.search(said) and _OFFLINE.search(said)))


def energy_words(text: str) -> str:
    """The message as an energy question the parser knows ("compare block A and block B this week" -> "how much
    energy did block a and block b this week use"), so its places and period can be read; "" when nothing is left
    ("what did it cost": all from the question before)."""
    rest = _COMPARE_WORDS.sub(" and ", text.lower())
    rest = re.sub(r"\b(what|was|were|is|the|did|it|do|does|much|how|energy|cost|costs|peak|demand|load|use|used)\b",
                  " ", rest)
    rest = " ".join(rest.replace("?", " ").split()).strip(" and")
    return f"how much energy did {rest} use" if rest else ""
