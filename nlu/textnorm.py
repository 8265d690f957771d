"""Raw message text to a list of plain lower-case tokens the rest of the parser can match.

Handles what chat and speech recognisers produce: odd Unicode, contractions, "a/c", "5.30pm", "cr101",
punctuation glued to words, and binary junk (which yields None).
"""

from __future__ import annotations

import re
import unicodedata

from nlu.numbers import NUMBER_WORDS, ZERO_LETTERS, normalize_numbers

MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
               "november", "december")


def _numeric_date(match: re.Match[str]) -> str:
    """A numeric date as words the time parser reads ("28/11" -> "28 november"; "2026-12-24" -> "24 december
    2026"). Slashed dates are day first, as in India and Britain, unless only month first makes sense (12/24).
    Anything that is no date keeps its numbers, split."""
    iso_year, iso_month, iso_day, first, second, year = match.groups()
    if iso_year:
        day, month, year = int(iso_day), int(iso_month), iso_year
    else:
        day, month = int(first), int(second)
        if month > 12 >= day:
            day, month = month, day
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return match.group(0).replace("/", " ").replace("-", " ")
    if year is not None and len(year) == 2:
        year = "20" + year
    return f" {day} {MONTH_NAMES[month - 1]}" + (f" {year} " if year else " ")


_SUBS = (
    (re.compile(r"[\u2018\u2019\u02bc`´]"), "'"),
    # "28/11", "28/11/2026", "2026-12-24" (not "1/2 hour": a fraction of an hour).
    (re.compile(r"\b(?:(\d{4})-(\d{1,2})-(\d{1,2})|(\d{1,2})/(\d{1,2})(?:/(\d{4}|\d{2}))?)\b(?!\s*(?:hours?|hrs?|h)\b)"),
     _numeric_date),
    # An hour range with a dash ("2-5 pm", "between 2 - 5"): "2 to 5", not one number or "2:25".
    (re.compile(r"\b(between|from)\s+(\d{1,2})\s*[-\u2013]\s*(\d{1,2})\b(?![:/.-])"), r"\1 \2 to \3"),
    (re.compile(r"(?<![\d:/.-])(\d{1,2})\s*[-\u2013]\s*(\d{1,2})(?![\d:/.-])(?=\s*[ap]\.?\s?m\b)"), r" from \1 to \2 "),
    (re.compile(r"\bo'?clock\b"), " oclock "),
    (re.compile(r"\b([ap])\.\s?m\b\.?"), r"\1m"),
    (re.compile(r"(?<![a-z])a\s?[./]\s?c\b\.?"), " ac "),
    (re.compile(r"(?<![a-z'])a c(?![a-z])"), " ac "),
    (re.compile(r"\b(\d{1,2})[.](\d{2})\s*(am|pm)\b"), r"\1:\2 \3"),
    (re.compile(r"\b(at|by|around) (\d{1,2})[.](\d{2})\b"), r"\1 \2:\3"),
    (re.compile(r"\b(what|when|that|it|there|where|how|who|here|whats|lets|nothing|everything|something|anything|nobody|everyone|someone)'s\b"), r"\1 is"),
    (re.compile(r"\bwhats\b"), "what is"),
    # Chat's "thats/theres/wheres": "tell me every light thats on" switched every light on (twenty-third pass).
    (re.compile(r"\b(that|there|where)s\b"), r"\1 is"),
    (re.compile(r"\bwhens\b"), "when is"),
    (re.compile(r"\bcan't\b|\bcannot\b"), "can not"),
    (re.compile(r"\bwon't\b"), "will not"),
    (re.compile(r"n't\b"), " not"),
    (re.compile(r"'re\b"), " are"),
    (re.compile(r"'ll\b"), " will"),
    (re.compile(r"'ve\b"), " have"),
    (re.compile(r"'d\b"), " would"),
    (re.compile(r"\bi'm\b"), "i am"),
    (re.compile(r"\b(today|tomorrow|yesterday|tonight|week|month|year|weekend|monday|tuesday|wednesday|thursday|"
                r"friday|saturday|sunday)'s\b"), r"\1"),  # "next monday's usage": the day (it was "mondays")
    # "the week so far": this week until now (no period was read: twenty-first pass).
    (re.compile(r"\bthe (week|month|year) (so far|till now|until now|to date)\b"), r"this \1 \2"),
    # A room number's possessive, "room one oh one's energy", "lab 2's fans": the number, not "ones" (voice-kinds10:
    # "room 10 ones" was asked back as room 10).
    (re.compile(r"\b((?:room|lab|classroom|hall|one|two|three|four|five|six|seven|eight|nine|zero|oh|\d+)\s+)"
                r"(one|two|three|four|five|six|seven|eight|nine|zero|oh|ten|\d+)'s\b"), r"\1\2"),
    # "if things go on like this, what will lab 3 use": a forecast's "at this rate"; its "go on" switched (asked) lab 3
    # on (spoken part 15).
    (re.compile(r"\bif (?:things|it|this|that|usage|we|they) (?:go|goes|keep|keeps|carry|carries|continue|continues)"
                r"(?: going)?(?: on)? like (?:this|that)\b"), "at this rate"),
    (re.compile(r"'s\b"), "s"),  # possessive: "principal's" -> "principals"
    (re.compile(r"(?<=\d)(st|nd|rd|th)\b"), ""),
    # Chat's days in digits, before digits and letters are split ("2day" would be "2 day"): "use 2day", "2moro".
    (re.compile(r"\b2day\b"), "today"), (re.compile(r"\b2(?:moro+w?|mrw|morrow)\b"), "tomorrow"),
    (re.compile(r"\b2nite\b"), "tonight"),
    (re.compile(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])"), " "),
    (re.compile(r"(?<!\d):|:(?!\d)"), " "),
    # "lights@lab1 off": chat's "@" between two words is "in" ("@ 5 pm" stays a time).
    (re.compile(r"(?<=[a-z])@(?=[a-z])"), " in "),
    (re.compile(r"[^a-z0-9:@ ]+"), " "),
)


def _decimal_hours(match: re.Match[str]) -> str:
    """ "1.5 hours" as minutes the time parser reads ("90 minutes"): the point would otherwise split it into "1 5"."""
    return f" {round(float(match.group(1)) * 60)} minutes "


# A decimal number of hours ("in 1.5 hours", "2.5 hrs", ".5 h"), before the point is dropped with the punctuation.
_DECIMAL_HOURS = re.compile(r"(?<![\d.])(\d*\.\d+)\s*(?:hours?|hrs?|h)\b")


def is_binary(text: str) -> bool:
    """True for text that is not language: NULs, or mostly control and replacement characters."""
    if not text or "\x00" in text:
        return bool(text)
    bad = sum(1 for ch in text if ch == "\ufffd" or (unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn") and ch not in "\t\n\r"))
    return bad / len(text) > 0.1


def base_tokens(text: str) -> list[str]:
    """Lower-case, split and clean; no number handling (used for registry names and messages alike)."""
    text = _DECIMAL_HOURS.sub(_decimal_hours, unicodedata.normalize("NFKC", text).lower())
    for pattern, replacement in _SUBS:
        text = pattern.sub(replacement, text)
    return text.split()


def _joined_meridiem(toks: list[str]) -> list[str]:
    """ "six p m", "7:30 a m": the letters a voice spells out (or a transcript writes apart) are "pm"/"am" after a
    number; elsewhere "a" and "p" stay words."""
    out: list[str] = []
    for tok in toks:
        if tok == "m" and out and out[-1] in ("a", "p") and len(out) > 1 \
                and (out[-2][-1:].isdigit() or out[-2] in NUMBER_WORDS or out[-2] in ZERO_LETTERS):
            out[-1] += "m"
        else:
            out.append(tok)
    return out


def tokens(text: str) -> list[str]:
    """Clean tokens with spoken numbers turned into digits."""
    return normalize_numbers(_joined_meridiem(base_tokens(text)))
