"""Near misses of known words ("clasroom", "projecter", "lihgts", "seminarhall") corrected with rapidfuzz, and
words spelled as they sound ("kanteen", "semmenar") found by their sound key (`nlu.phonetic`).

Only words the parser does not know are touched, and only towards words it does know (registry names and the
fixed lexicon), so an out-of-scope word like "pizza" is never bent into a device.
"""

from __future__ import annotations

from collections import defaultdict

from rapidfuzz import fuzz, process

from nlu.phonetic import sound_key

# A word that sounds like a target (same sound key) is taken for it only when its spelling is at least this close
# too (rapidfuzz ratio): the key alone would make "stuff" the "staff room" and "bottle" a "kettle".
SOUND_SPELLING_MIN = 60


class SpellFixer:
    """Corrects tokens towards `targets`; `known` words are left as they are. Results are cached per word."""

    def __init__(self, targets: set[str], known: set[str], preferred: set[str] = frozenset()) -> None:
        self._choices = sorted(w for w in targets if len(w) >= 3 and w.isalpha())
        # Registry and device words win ties against cue words ("projecter" is a projector, not "projected").
        self._preferred = sorted(w for w in preferred if len(w) >= 3 and w.isalpha())
        self._target_set = set(self._choices) | set(self._preferred)
        self._preferred_set = frozenset(self._preferred)
        self._known = known | self._target_set
        self._cache: dict[str, tuple[str, ...] | None] = {}
        # Sound keys of the targets; registry words listed first so they win a tie.
        self._by_sound: dict[str, list[str]] = defaultdict(list)
        for word in [*self._preferred, *self._choices]:
            key = sound_key(word)
            if len(key) >= 2 and word not in self._by_sound[key]:
                self._by_sound[key].append(word)

    def knows(self, token: str) -> bool:
        """Whether the word is one the parser knows (lexicon, registry, common English)."""
        return token in self._known

    def fix(self, token: str) -> tuple[str, ...] | None:
        """The corrected word(s) for an unknown token, or None when it is known or nothing is close enough."""
        if token in self._known or not token.isalpha() or len(token) < 4:
            return None
        if token in self._cache:
            return self._cache[token]
        result: tuple[str, ...] | None = None
        cutoff = 75 if len(token) == 4 else 80
        best = process.extractOne(token, self._preferred, scorer=fuzz.ratio, score_cutoff=cutoff)
        other = process.extractOne(token, self._choices, scorer=fuzz.ratio, score_cutoff=cutoff)
        if other is not None and (best is None or other[1] > best[1]):
            best = other
        if best is None:
            best = self._by_sound_of(token)
        if best is not None:
            result = (best[0],)
        else:
            # Glued words from speech or fast typing: "seminarhall", "lightsoff".
            for cut in range(2, len(token) - 1):
                left, right = token[:cut], token[cut:]
                if left in self._known and right in self._known and (left in self._target_set or right in self._target_set):
                    result = (left, right)
                    break
            else:
                result = self._glued_near_miss(token)
        if len(self._cache) < 50_000:
            self._cache[token] = result
        return result

    def _glued_near_miss(self, token: str) -> tuple[str, ...] | None:
        """Two registry words glued with a slip in one of them ("stafroom": staff room): one part is a registry word
        as it is, the other (four letters or more) a near miss of one. Registry words only on both sides, so a
        glued everyday word ("mushroom") is never split into campus words."""
        registry = self._preferred_set
        for cut in range(3, len(token) - 2):
            left, right = token[:cut], token[cut:]
            for exact, slip, exact_left in ((right, left, False), (left, right, True)):
                if exact not in registry or len(slip) < 4:
                    continue
                near = process.extractOne(slip, self._preferred, scorer=fuzz.ratio, score_cutoff=80 if len(slip) > 4 else 75)
                if near is not None:
                    return (exact, near[0]) if exact_left else (near[0], exact)
        return None

    def _by_sound_of(self, token: str) -> tuple[str, float] | None:
        """The target that sounds like `token` and is spelled closest to it, if close enough."""
        scored = [(word, fuzz.ratio(token, word)) for word in self._by_sound.get(sound_key(token), ())]
        scored = [pair for pair in scored if pair[1] >= SOUND_SPELLING_MIN]
        return max(scored, key=lambda pair: pair[1]) if scored else None

    def merge(self, left: str, right: str) -> str | None:
        """Two tokens that are one known word when joined ("class room" -> "classroom", "tube light" stays)."""
        joined = left + right
        if joined in self._target_set and (left not in self._target_set or right not in self._target_set):
            return joined
        return None
