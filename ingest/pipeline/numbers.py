"""The grammar of figures in abstracts, English and Chinese: numbers (also in words), units,
n/N, confidence intervals and p-values. Pure functions over normalised text."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from .. import prefilter

NUM = r"\d+(?:,\d{3})*(?:\.\d+)?|\.\d+"
# NUM taken whole, never given back (an atomic group): for a pattern in which what may follow a number can begin
# with neither a digit, "," nor ".", as a shorter number would leave: the same matches, and a place where the
# rest fails is left at once instead of after trying every shorter number
NUM_WHOLE = "(?>" + NUM + ")"
# the first letters of the number words (WORD_NUMBER), in any case (so also "ſ"): a look-ahead for them and the
# digits lets a count pattern that opens with either fail at once at any other character
NUMBER_FIRST = r"(?=[\dzotfsen])"
_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen".split())}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
         "ninety": 90}
WORD_NUMBER = re.compile(
    r"\b(?:(?:one|two|three|four|five|six|seven|eight|nine)\s+hundred(?:\s+(?:and\s+)?)?)?"
    r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-](?:one|two|three|four|five|six|seven|"
    r"eight|nine))?|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen)\b|\b(?:one|two|three|four|five|six|seven|eight|nine)\s+hundred\b",
    re.I)
_ZH_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def to_number(text: str) -> Optional[float]:
    """'19.4' → 19.4, '1,234' → 1234, 'Eighty-eight' → 88, 'one hundred sixteen' → 116."""
    t = text.strip().replace(",", "")
    try:
        return float(t)
    except ValueError:
        pass
    return words_to_int(t)


def words_to_int(text: str) -> Optional[int]:
    """'Eighty-eight' → 88, 'one hundred and six' → 106; None for what is not one number: an unknown word,
    or two words that never follow each other in a number ('eight-nine', 'twenty thirty')."""
    total, current, seen = 0, 0, False
    last = None  # the kind of the previous word: "unit" (0-19), "tens", or None after a scale word
    for w in re.split(r"[\s-]+", text.lower()):
        if w in ("and", ""):
            continue
        if w in _WORDS:
            if last == "unit":
                return None
            current += _WORDS[w]
            last = "unit"
        elif w in _TENS:
            if last is not None:
                return None
            current += _TENS[w]
            last = "tens"
        elif w == "hundred":
            current = max(current, 1) * 100
            last = None
        elif w == "thousand":
            total += max(current, 1) * 1000
            current = 0
            last = None
        elif w in _ZH_DIGITS:
            current += _ZH_DIGITS[w]
        else:
            return None
        seen = True
    return total + current if seen else None


def as_int_or_float(x: float) -> float | int:
    return int(x) if float(x).is_integer() else x


# ---- confidence intervals -------------------------------------------------------------------------------

# (its level written \d\d, not \d{2}: the same, but re skips ahead to a digit instead of trying every character)
CI = re.compile(
    r"(?P<level>\d\d(?:\.\d)?)\s*%\s*(?:CI|Cl|confidence\s+intervals?|可信区间|置信区间|信赖区间)\s*(?:\{CI\}|\(CI\)|\[CI\])?\s*"
    r"(?:[:,=]\s*|\s|为|是)?\s*[\[(]?\s*"
    r"(?P<low>-?(?:" + NUM + r"))\s*(?:%|months?|mo|个月|weeks?)?\s*(?:-|to|,|~|–|—|至|～)\s*"
    r"(?:(?P<high>-?(?:" + NUM + r"))\s*(?:%|months?|mo|个月|weeks?)?|(?P<nr>not\s+reached|NR|not\s+estimable|NE|未达到))", re.I)
# a bare range in brackets right after a value: "3.5 months (1.8-3.7)"
BARE_RANGE = re.compile(r"\s*[(\[]\s*(?P<low>" + NUM + r")\s*(?:-|to|~|–|至)\s*(?P<high>" + NUM + r")\s*[)\]]")


@dataclass
class CIValue:
    level: float
    low: float
    high: Optional[float]
    start: int
    end: int


def find_ci(text: str, start: int = 0, end: Optional[int] = None) -> Optional[CIValue]:
    end = len(text) if end is None else end
    if text.find("%", max(start, 0), end) < 0:  # every CI names its level in per cent
        return None
    return _ci_in(text, start, end)


def _ci_in(text: str, start: int, end: int) -> Optional[CIValue]:
    """The first CI in text[start:end], read by the pattern alone (:func:`find_ci` without its guard)."""
    m = CI.search(text, start, end)
    if not m:
        return None
    low = to_number(m.group("low"))
    high = None if m.group("nr") else to_number(m.group("high"))
    if low is None or (high is None and not m.group("nr")) or (high is not None and low > high):
        return None
    return CIValue(float(m.group("level")), low, high, m.start(), m.end())


# ---- p-values ---------------------------------------------------------------------------------------------

P_VALUE = re.compile(
    r"(?<![A-Za-z])(?P<all>(?:both|all|each)\s+)?(?:[Pp](?:\s*(?:-?\s*values?|for\s+(?:interaction|trend)))?|P值)\s*"
    r"(?P<all2>均|皆|都)?\s*(?P<op><=|>=|≤|≥|<|>|=|＜|＞|&?lt;|&?gt;)\s*(?P<p>0?\.\d+|[01](?:\.0+)?|\d\.\d+\s*[x×]\s*10\s*[-−]\s*\d+)"
    r"|(?<![A-Za-z])[Pp]\s*=\s*(?P<ns>NS|n\.s\.)")
# "差异均有统计学意义(P<0.05)": 均 (all) said of the differences, before their p
_ALL_BEFORE_P = re.compile(r"均[^，,。；;()（）]{0,10}[(（]\s*$")
_P_VALUE_HEADS = ("p", "P", "both", "all", "each")
_SCIENTIFIC = re.compile(r"(\d\.\d+)\s*[x×]\s*10\s*[-−]\s*(\d+)")
_OPS = {"≤": "<=", "≥": ">=", "＜": "<", "＞": ">", "lt;": "<", "gt;": ">", "&lt;": "<", "&gt;": ">"}  # damaged entities


@dataclass
class PValue:
    p: Optional[float]
    op: Optional[str]
    start: int
    end: int
    shared: bool = False  # "both P>0.05", "P值均<0.001": the p of every figure before it


def find_p_values(text: str, start: int = 0, end: Optional[int] = None) -> list[PValue]:
    out: list[PValue] = []
    end = len(text) if end is None else end
    lo = max(start, 0)
    if text.find("p", lo, end) < 0 and text.find("P", lo, end) < 0:  # in every p-value
        return out
    for m in _p_value_matches(text, lo, end):
        if m.group("ns"):
            out.append(PValue(None, None, m.start(), m.end()))
            continue
        raw = m.group("p")
        sci = _SCIENTIFIC.match(raw)
        p = float(sci.group(1)) * 10 ** -int(sci.group(2)) if sci else float(raw)
        if not 0 <= p <= 1:
            continue
        op = _OPS.get(m.group("op"), m.group("op"))
        shared = bool(m.group("all") or m.group("all2")
                      or _ALL_BEFORE_P.search(text, max(0, m.start() - 14), m.start()))
        out.append(PValue(p, op, m.start(), m.end(), shared))
    return out


def _p_value_matches(text: str, lo: int, end: int) -> list[re.Match]:
    """The matches of ``P_VALUE.finditer(text, lo, end)``. A p-value begins with its p or with "both", "all" or
    "each": the pattern is tried at those places alone. A window holds few, and scanning it would try the
    pattern at every character (the prefilter cannot read these heads through the pattern's look-behind)."""
    starts = []
    for head in _P_VALUE_HEADS:
        i = text.find(head, lo, end)
        while i >= 0:
            starts.append(i)
            i = text.find(head, i + 1, end)
    return prefilter.finditer_at(P_VALUE, text, sorted(starts), lo, end)


# ---- n/N ----------------------------------------------------------------------------------------------------

FRACTION = re.compile(r"\s*[(\[]?\s*(?:n\s*=\s*)?(?P<n>\d+)\s*(?:/|of)\s*(?P<N>\d+)\s*[)\]]?")
FRACTION_ANYWHERE = re.compile(r"(?<![\d.])(?P<n>\d+)\s*/\s*(?P<N>\d+)(?![\d.])")
