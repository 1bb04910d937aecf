"""Chinese cues of one pattern, run as that pattern by the components that search sentence-sized windows."""
from __future__ import annotations

import re
import sys

from .. import prefilter
from ..lexicon import Cue


class OnePattern:
    """A cue of one pattern, run as that pattern: what ``Cue.search`` and ``Cue.finditer`` give (a list, in text
    order), without choosing the patterns to run for the window first: over a sentence-sized window, running the
    one pattern costs less than the choice (tests/pipeline/test_results_speed_equivalence.py). Positions as re
    takes them: ``search`` is the pattern's own, so an end of None is refused, not read as the text's end."""

    __slots__ = ("search", "_search", "_finditer", "needs")

    def __init__(self, pattern: re.Pattern):
        self._search = pattern.search
        self._finditer = pattern.finditer
        self.needs = needed_string(pattern)
        self.search = self._search if self.needs is None else self._search_held

    def _search_held(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match | None:
        if text.find(self.needs, max(pos, 0), endpos) < 0:
            return None
        return self._search(text, pos, endpos)

    def finditer(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> list[re.Match]:
        if self.needs is not None and text.find(self.needs, max(pos, 0), endpos) < 0:
            return []
        return list(self._finditer(text, pos, endpos))


def needed_string(pattern: re.Pattern) -> str | None:
    """A string of Han characters every match of ``pattern`` holds, if the prefilter finds one (a set of one string
    among its requirements) and the pattern does not open with it (re itself skips ahead to an opening string):
    one ``str.find`` then rules out a window where the pattern would be tried at every place (the arms' "组",
    after up to ten characters each checked by a look-ahead). Han characters only: they have no case, and the
    prefilter's folding leaves them, so the text itself holds what the folded text holds."""
    for strings in prefilter.requirements(pattern):
        if len(strings) == 1 and strings[0] and all("\u4e00" <= c <= "\u9fff" for c in strings[0]):
            return None if pattern.pattern.startswith(strings[0]) else strings[0]
    return None


def one_pattern(cue: Cue, lang: str) -> Cue | OnePattern:
    """``cue`` as a :class:`OnePattern` when it is a Chinese cue of one pattern, else itself. A Chinese pattern
    opens with Han characters, which have no case: re skips ahead to them by itself. An English one, matched in
    any case, would be tried at every place of the window, and the prefilter's choice pays for itself there
    (measured: English kb_endpoints 17.0 -> 24.0 M instructions over 100 benchmark files when run as patterns)."""
    return OnePattern(cue.patterns[0]) if lang == "zh" and len(cue.patterns) == 1 else cue
