"""Script detection and length-preserving normalisation of text for matching.

The pipelines match on the normalised text while spans point into the text as written: every
mapping here keeps one character for one character, so offsets stay valid.
"""
from __future__ import annotations

import re
import unicodedata

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")

# Full-width forms and the punctuation Chinese text writes figures with, each to one ASCII char.
_ONE_FOR_ONE = {0x3000: " ", 0x2212: "-", 0x2013: "-", 0x2014: "-", 0x2010: "-", 0x2011: "-",
                0x00a0: " ", 0x2009: " ", 0x202f: " ", 0x301c: "~", 0x3010: "[", 0x3011: "]",
                0x2032: "'", 0x2019: "'"}
_TABLE = {cp: chr(cp - 0xFEE0) for cp in range(0xFF01, 0xFF5F)}
_TABLE.update(_ONE_FOR_ONE)
_TABLE = str.maketrans(_TABLE)
# the same mapping applied by one regex pass: str.translate looks up every character of non-ASCII
# text in a dict, while the characters mapped are few and far between
_MAPPED = re.compile("[" + "".join(re.escape(chr(cp)) for cp in sorted(_TABLE)) + "]")
_CHAR_MAP = {chr(cp): to for cp, to in _TABLE.items()}


def _map_char(m: re.Match) -> str:
    return _CHAR_MAP[m.group()]


def count_cjk(text: str) -> int:
    if not _CJK.search(text):  # most lines of an English file: no list of characters built
        return 0
    return len(_CJK.findall(text))


def lang_of(text: str) -> str:
    """'zh' when Han characters make up a fair share of the letters, else 'en'."""
    cjk = count_cjk(text)
    if cjk == 0:
        return "en"
    latin = len(_LATIN.findall(text))
    # one Han character carries about as much as a short English word (~4 letters)
    return "zh" if cjk * 4 >= latin * 0.5 else "en"


_MID_DOT_DECIMAL = re.compile(r"[·•∙](?<=\d[·•∙])(?=\d)")  # the dot first: the engine skips ahead to it


# "1 241例", "1 241 patients": a space as thousands separator before a count of people
_SPACED_THOUSANDS = re.compile(r"(?<![\d.,])(?<!\d )(\d{1,3}) (?=\d{3}(?![\d.])\s*(?:例|名|人|位|patients|participants|"
                               r"subjects|cases|males|females|men|women))")


_SPACED_QUICK = re.compile(r"\d \d{3}")  # what every spaced thousand holds: the full pattern only then


def normalize(text: str) -> str:
    """Full-width to half-width, dashes/spaces to ASCII, "60·8" to "60.8", "1 241例" to "1,241例": one
    character for one character."""
    out = text if text.isascii() else _MID_DOT_DECIMAL.sub(".", _MAPPED.sub(_map_char, text))  # all mapped are non-ASCII
    if _SPACED_QUICK.search(out):
        out = _SPACED_THOUSANDS.sub(lambda m: m.group(1) + ",", out)
    assert len(out) == len(text)
    return out


_T2S = None


def to_simplified(text: str) -> str:
    """Traditional to Simplified Chinese for matching (OpenCC t2s); the length is kept, or the text is
    converted character by character so that offsets stay valid."""
    global _T2S
    if not _CJK.search(text):
        return text
    if _T2S is None:
        import opencc

        _T2S = opencc.OpenCC("t2s")
    out = _T2S.convert(text)
    if len(out) != len(text):
        out = "".join(c if len(c := _T2S.convert(ch)) == 1 else ch for ch in text)
    return out


def normalize_zh(text: str) -> str:
    """What the Chinese pipeline reads: half-width figures and Simplified characters, same length."""
    return to_simplified(normalize(text))


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def is_cjk(ch: str) -> bool:
    return bool(_CJK.match(ch))
