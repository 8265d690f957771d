"""Hindi time and question words typed in English letters, said in the English the parser reads.

Campus users mix Hindi into their orders ("2 ghante baad lab 1 ki lights band kar dena", "kal subah 9 baje lab 2
ka AC on karna"). The switch words ("band karo", "chalu karo") were read, the times were not: the order ran at once
(eighteenth pass). A Hindi question ("kya lab 3 ki lights on hai") was read as the order "lights on". Pure: tokens
in, tokens out; called before the spelling fixer, which would bend "mein" into "main".
"""

from __future__ import annotations

# Words with one English reading, whatever the message: amounts of time, parts of the day, "now".
_WORDS = {"ghanta": ["hour"], "ghante": ["hours"], "ghanton": ["hours"], "minat": ["minutes"],
          "abhi": ["now"], "mein": ["in"], "aaj": ["today"], "aj": ["today"]}
_PARTS_OF_DAY = {"subah": "morning", "savere": "morning", "shaam": "evening", "sham": "evening",
                 "raat": "night", "dopahar": "afternoon", "dophar": "afternoon"}
# Forms of "kar" (do) and "de" (give) that end an order: "band kar dena", "on karna", "chalu karo".
ORDER_ENDS = frozenset({"karo", "kar", "kr", "kro", "kardo", "krdo", "karde", "kijiye", "kijie", "karein", "karna",
                        "dena", "dijiye", "dijie", "do"})
# Past forms: "kitni bijli use hui", "AC chala tha": a question about what was, so "kal" is yesterday.
_PAST = frozenset({"hui", "hua", "huye", "hue", "tha", "thi", "gaya", "gayi", "gai", "chala", "chali",
                   "chale", "lagi", "laga", "lage", "kiya", "kari",
                   # "kal kitni units kha li / khayi": ate (part 20: "kal" was no day at all)
                   "li", "liya", "khayi", "khai", "khaya", "khaye", "khaa"})
# Future forms: "kal lab 2 kitna use karega" (how much will lab 2 use tomorrow): a forecast, so "kal" is tomorrow.
_FUTURE = frozenset({"karega", "karegi", "karenge", "lagega", "lagegi", "lagenge", "hoga", "hogi", "honge",
                     "khayega", "khayegi", "khayenge", "khaega", "khaegi"})  # "kitni bijli khayega": will eat
# Twentieth pass: lights said as "batti", off as "bujha do", on as "jal rahi" (burning), "sab kuch" everything,
# "kuch" anything, "koi" any, "is/pichle/agle hafte" this/last/next week, "ke liye" for: each was read as no word.
_LIGHTS = frozenset({"batti", "batiyan", "battiyan", "bati"})
_PUT_OUT = frozenset({"bujha", "bujhao", "bujhado", "bujhaa"})
_LIGHT_UP = frozenset({"jala", "jalao", "jalado", "jalaa"})  # "batti jala do": light them
_RUN = frozenset({"chala", "chalao", "chalado", "chalaa"})  # "pankhe chala do": set the fans running
_WEEKS = {"is": "this", "iss": "this", "pichle": "last", "pichhle": "last", "agle": "next", "agla": "next"}
_FORESEEN = frozenset({"expected", "forecast", "predicted", "prediction", "projected", "estimated"})
# "chal raha hai": is running (on).
_RUNNING = frozenset({"raha", "rahi", "rahe"})
# Hindi words only a Hinglish message has: "kal" is read only beside one of them.
_HINDI = frozenset({"ki", "ka", "ke", "hai", "hain", "kya", "kitni", "kitna", "baje", "baad", "bijli", "mein",
                    "wala", "wali", "wale", "ko", "se", "abhi", "subah", "shaam", "raat", "dopahar", "madad",
                    "chahiye", "ghar", "mera", "meri", "mere", "tera", "teri", "tere", "apna", "apni", "apne",
                    "batti", "bujha", "bujhao", "kuch", "koi", "hafte", "liye", "kitne", "jal", "jala", "jalao",
                    "aaj", "der", "thodi"}) \
    | ORDER_ENDS - {"do"} | _FUTURE | _RUNNING | _RUN | {"pankha", "pankhe"}
# "thodi der mein" (in a little while), "baad mein" (later): a time only the sender knows. Read as no words, the
# order ran at once (spoken part 15: "room 101 mein AC thodi der mein band kar dena" switched the AC off now).
_A_WHILE = frozenset({"der", "deir", "dair"})
_LITTLE = frozenset({"thodi", "thori", "thoda", "thora"})
# Numbers said in Hindi after "lab": "lab do mein AC chal raha hai kya" is lab 2's AC (the room was lost).
_LAB_NUMBERS = {"ek": "1", "do": "2", "teen": "3", "tin": "3", "char": "4", "chaar": "4"}
# Whose a thing is: "mera laptop on nahi ho raha" is one's own laptop (read as the reading hall's laptop sockets, it
# switched them on: text-nearmiss).
_OWNERS = {"mera": "my", "meri": "my", "mere": "my", "apna": "my", "apni": "my", "apne": "my",
           "tera": "your", "teri": "your", "tere": "your"}
# One's own places and vehicles before "of/in/at" ("ghar ki light", "car ka AC", "flat mein"): said as "at home" or
# "in my car", which the parser reads as one's own, never a campus room.
_OWN_PLACES = {"ghar": "home", "car": "car", "gaadi": "car", "gadi": "car", "bike": "bike", "scooter": "scooter",
               "scooty": "scooter", "flat": "flat"}
_OF_IN_AT = frozenset({"ki", "ka", "ke", "mein", "me", "pe", "par"})
# "kya ... hai": a yes-no question ("is ... ?"); "kitni bijli": how much electricity.
_QUESTION_ENDS = frozenset({"hai", "hain", "he", "h"})


# An amount of time before "mein" in an order is a delay ("10 minute mein ... off kar do", "do ghante mein"); after
# "last/pichle" it is a span asked about ("pichle 10 minute mein kitni bijli").
_DELAY_UNITS = frozenset("minute minutes min mins second seconds hour hours hr hrs".split())
_AMOUNTS = frozenset("ek do teen char paanch panch das bees tees pandrah aadha one two three four five ten fifteen "
                     "twenty thirty half a an".split())


def _amount_before(out: list[str]) -> bool:
    """Whether the English said so far ends in an amount of time ("10 minutes", "do hours") not led by a span word."""
    if len(out) < 2 or out[-1] not in _DELAY_UNITS or not (out[-2].isdigit() or out[-2] in _AMOUNTS):
        return False
    return len(out) < 3 or out[-3] not in ("last", "past", "pichle", "pichhle", "previous")


# An either-or state question: "lab 1 ka AC on hai ya off" (is it on or off), "... chalu hai ya nahi" (on or not).
_STATES = {"on": "on", "off": "off", "chalu": "on", "band": "off", "bandh": "off"}
_OR = frozenset({"ya", "yaa", "or"})
_NOT = frozenset({"nahi", "nahin", "nai", "nhi"})


def _either_or(toks: list[str]) -> list[str]:
    """"lab 1 ka AC on hai ya off" -> "kya lab 1 ka AC on or off hai", the yes-no question the rest reads as "is
    ...". It was read as the order "AC on" and switched it on (spoken part 13); "ya" (or) between two states, or a
    state and "nahi" (not), asks which one holds. An order ("on karo ya off") is left to the rest."""
    if "kya" in toks or set(toks) & ORDER_ENDS:
        return toks
    for i, t in enumerate(toks[:-1]):
        if t not in _OR or not i:
            continue
        j = i - 1 - (toks[i - 1] in _QUESTION_ENDS)  # the state said before "ya", with or without its "hai"
        other = toks[i + 1]
        if j > 0 and toks[j] in _STATES and (other in _STATES or other in _NOT) \
                and all(k in _QUESTION_ENDS | {"kya"} for k in toks[i + 2:]):
            said = [_STATES[toks[j]], "or", _STATES[other]] if other in _STATES else [_STATES[toks[j]]]
            return ["kya", *toks[:j], *said, "hai"]
    return toks


def as_english(toks: list[str]) -> list[str]:
    """The tokens with Hindi time and question words in English: "2 ghante baad" -> "2 hours baad" (read as a
    delay), "kal subah 9 baje" -> "tomorrow morning 9 oclock" in an order, "kal" in a past question -> "yesterday",
    "kya X on hai" -> "is X on", "kitni bijli" -> "how much electricity". A message with no Hindi word is returned
    as it is ("do" and "sham" are English words too)."""
    hindi = [i for i, t in enumerate(toks) if t in _HINDI]
    if not hindi or (len(hindi) == 1 and toks[hindi[0]] in ("se", "ko", "ke", "ka", "ki")):
        return toks
    if len(toks) > 2 and toks[-1] == "kya" and toks[-2] in _QUESTION_ENDS:
        toks = ["kya", *toks[:-1]]  # "lab 1 ke fans on hai kya": asked as "kya lab 1 ke fans on hai" is
    elif len(toks) > 3 and toks[-1] in ("abhi", "now") and toks[-2] == "kya" and toks[-3] in _QUESTION_ENDS:
        toks = ["kya", *toks[:-2], toks[-1]]  # "... on hai kya abhi": the same, "now" after it (twenty-second pass)
    if len(toks) > 3 and toks[-1] in _QUESTION_ENDS and toks[-2] in _RUNNING and toks[-3] in ("jal", "chal") \
            and "kya" not in toks:
        toks = ["kya", *toks]  # "reading hall ki lights jal rahi hain?": asked as "kya ... jal rahi hain" is
    toks = _either_or(toks)
    # "bot kya kya kar sakta hai" asks what the bot can do (help), no state: "sakta/sakte/sakti" (can) keeps it so.
    what_all = any(toks[i:i + 2] == ["kya", "kya"] for i in range(len(toks) - 1)) and toks[-1] in _QUESTION_ENDS \
        and not set(toks) & {"sakta", "sakte", "sakti"}
    if what_all:
        toks = toks[:-1]  # "... kya kya on hai": its "hai" is said as the "is" of "what all is" ("kya kya kar
        # sakte ho", what all can you do, is no state asked)
    order = bool(set(toks) & ORDER_ENDS - {"do"}) or toks[-1:] == ["do"] or toks[-1:] in (["bujha"], ["bujhao"], ["jala"], ["jalao"])
    past = bool(set(toks) & _PAST)
    # "kal ka expected usage batao": a forecast word asks what will be, so "kal" is tomorrow (spoken part 15: lost).
    future = bool(set(toks) & (_FUTURE | _FORESEEN))
    out: list[str] = []
    pending, skip, until = "", -1, -1  # a part of the day waiting for its clock time; a word (words) already said
    for i, t in enumerate(toks):
        nxt = toks[i + 1] if i + 1 < len(toks) else ""
        prev = out[-1] if out else ""
        if i <= until:
            continue
        if t == "kal" and nxt == "ke" and toks[i + 2:i + 3] in (["liye"], ["lie"]):
            out.extend(["for", "tomorrow"])  # "koi schedule hai kal ke liye": for tomorrow
            until = i + 2
        elif t == "kal" and (order or past or future):
            out.append("yesterday" if past and not order and not future else "tomorrow")
        elif t == "mat" and order:
            out.append("dont")  # "mat band karo fans room 201 ke": don't switch them off (it switched them off)
        elif t == "madad":
            out.append("help")  # "madad chahiye": help wanted
        elif t == "chal" and nxt in _RUNNING:
            out.append("running")  # "room 202 mein AC chal raha hai kya": is the AC running
            skip = i + 1
        elif t == "use" and nxt in _FUTURE:
            out.extend(["will", "use"])  # "kitna use karega": how much will it use
            skip = i + 1
        elif t in _FUTURE:
            out.extend(["will", "be", "used"])  # "kitni bijli lagegi": how much electricity will be used
        elif t in _PARTS_OF_DAY and nxt[:1].isdigit():
            pending = _PARTS_OF_DAY[t]  # "shaam 6 baje": "at 6 oclock in the evening", said after the clock time
            out.append("at")
        elif t in _PARTS_OF_DAY:
            part = _PARTS_OF_DAY[t]
            out.extend([part] if prev in ("tomorrow", "yesterday", "today") else ["in", "the", part])
        elif t == "baje" and prev[:1].isdigit():
            if len(out) > 1 and out[-2] not in ("at", "by", "till", "until", "se", "from", "to"):
                out.insert(len(out) - 1, "at")  # "fans 2 baje chalu kar dena": at 2 o'clock, no lab 32
            out.append("oclock")
            if pending:
                out.extend(["in", "the", pending])
                pending = ""
        elif t == "ko" and prev in _PARTS_OF_DAY.values():
            continue  # "raat ko": at night
        elif t == "ek" and nxt in ("ghanta", "ghante", "minat", "minute"):
            out.append("1")
        elif t in ("aadha", "aadhe", "adha", "adhe") and nxt in ("ghanta", "ghante"):
            out.extend(["half", "an", "hour"])
            skip = i + 1
        elif i == skip:
            continue
        elif t == "kya" and not i and toks[-1] in _QUESTION_ENDS | {"now", "abhi"} \
                and set(toks) & _QUESTION_ENDS:
            out.append("is")  # "kya lab 3 ki lights on hai abhi": is ... on
        elif t in _QUESTION_ENDS and out and out[0] == "is":
            continue
        elif t in _OWNERS and nxt in ("liye", "liya", "lie"):
            out.extend(["for", "me" if _OWNERS[t] == "my" else "you"])  # "mere liye": for me ("liye" was "light")
            skip = i + 1
        elif t in _OWNERS:
            out.append(_OWNERS[t])
        elif t in _OWN_PLACES and nxt in _OF_IN_AT:
            out.extend(["at", "home"] if t == "ghar" else ["in", "my", _OWN_PLACES[t]])
        elif t == "ghar":
            out.append("home")
        elif t in ("kitni", "kitna") and (nxt == "bijli" or future):
            out.extend(["how", "much"])
        elif t == "bijli":
            out.append("electricity")
        elif t == "use" and nxt in _PAST:
            out.append("used")
        elif t in _PAST and prev == "used":
            continue
        elif t in _LIGHTS:
            out.append("lights")
        elif t in _PUT_OUT:
            out.append("off")  # "saari batti bujha do": put all the lights out
        elif t in _LIGHT_UP:
            out.append("on")
        elif t in _RUN and (nxt in ORDER_ENDS or t not in ("chala", "chalaa")):
            out.append("on")  # "pankhe chala do": run the fans ("AC chala tha", it ran, stays past)
        elif t == "jal" and nxt in _RUNNING:
            out.append("on")  # "lights jal rahi hain": the lights are burning
            skip = i + 1
        elif t == "kya" and nxt == "kya" and what_all:
            out.extend(["what", "all", "is"])  # "room 201 mein kya kya on hai": what all is on in room 201
            until = i + 1
        elif t in ("sab", "saara", "saare", "sabhi") and (not nxt or nxt in ORDER_ENDS | {"band", "chalu", "off", "on"}) \
                and order:
            out.append("everything")  # "band karo sab", "sab band kar do": switch everything off (where: asked)
        elif t == "sab" and nxt == "kuch":
            out.append("everything")
            skip = i + 1
        elif t == "kuch" and nxt in ("on", "off", "chalu", "band", "jal", "chal"):
            out.append("anything")  # "101 mein kuch on hai kya": is anything on in 101
        elif t == "koi":
            out.append("any")
        elif t in _WEEKS and nxt in ("hafte", "hafta", "week"):
            out.extend([_WEEKS[t], "week"])
            skip = i + 1
        elif t in ("ke", "ki", "ka") and nxt in ("liye", "lie"):
            out.append("for")
            skip = i + 1
        elif t == "ne" and prev and i + 1 < len(toks):
            continue  # "block A ne kitni bijli use ki": the doer's mark
        elif t in ("kitne", "kitni", "kitna") and nxt in ("unit", "units"):
            out.extend(["how", "many", "units"])  # "kitne unit lage": how many units were used
            skip = i + 1
        elif t in ("lage", "lagi", "laga") and "how" in out and i + 1 == len(toks):
            out.append("used")
        elif t == "use" and nxt in ("ki", "kiya", "kari") and i + 2 == len(toks):
            out.append("used")  # "kitni bijli use ki": how much was used
            skip = i + 1
        elif t == "mein" and order and _amount_before(out):
            out.append("later")  # "10 minute mein lights off kar do": in 10 minutes (it ran at once: part 20)
        elif t in _LITTLE and nxt in _A_WHILE:
            out.extend(["in", "a", "bit"])  # "thodi der mein/baad": in a little while (its "mein"/"baad" dropped)
            until = i + 2 if toks[i + 2:i + 3] in (["mein"], ["me"], ["baad"]) else i + 1
        elif t == "baad" and nxt in ("mein", "me") and not prev[:1].isdigit() \
                and prev not in ("hours", "minutes", "ghante", "ghanta", "minat", "minute", "uske", "iske", "ke"):
            out.extend(["later", "on"])  # "baad mein band kar dena": switch it off later ("2 ghante baad" is a delay)
            skip = i + 1
        elif t in ("mein", "me") and _amount_start(out) is not None:
            out.insert(_amount_start(out), "in")  # "10 minat mein band karo": in 10 minutes (it switched at once)
        elif t in _LAB_NUMBERS and prev == "lab" and (not nxt or nxt in _OF_IN_AT):
            out.append(_LAB_NUMBERS[t])  # "lab do mein": in lab 2 (an order's "do" ends it: "lab 2 band kar do")
        elif t in _WORDS:
            out.extend(_WORDS[t])
        else:
            out.append(t)
    return out


_UNITS = frozenset({"hour", "hours", "minute", "minutes"})


def _amount_start(out: list[str]) -> int | None:
    """Where an amount of time read so far begins ("10 minutes", "half an hour"), so that a Hindi "mein" after it
    is said before it, as English says "in 10 minutes"; None when `out` ends with no such amount."""
    if out[-1:] and out[-1] in _UNITS:
        if out[-3:-1] == ["half", "an"]:
            return len(out) - 3
        if len(out) > 1 and out[-2][:1].isdigit():
            return len(out) - 2
    return None
