"""Cues of one pattern, run as that pattern by the components that search sentence-sized windows."""
from __future__ import annotations

import re
import sys

from ..lexicon import Cue


class OnePattern:
    """A cue of one pattern, run as that pattern: what ``Cue.search`` and ``Cue.finditer`` give (a list, in text
    order), without choosing the patterns to run for the window first: over a sentence-sized window, running the
    one pattern costs less than the choice (tests/pipeline/test_results_speed_equivalence.py)."""

    __slots__ = ("search", "_finditer")

    def __init__(self, pattern: re.Pattern):
        self.search = pattern.search
        self._finditer = pattern.finditer

    def finditer(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> list[re.Match]:
        return list(self._finditer(text, pos, endpos))


def one_pattern(cue: Cue) -> Cue | OnePattern:
    """``cue`` as a :class:`OnePattern` when it has one pattern, else itself."""
    return OnePattern(cue.patterns[0]) if len(cue.patterns) == 1 else cue
