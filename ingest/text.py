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


# Counting by bytes, not by regex (findall built a list of one string per character; a Chinese line of
# 400 characters took ~20 µs). In UTF-16-LE every BMP character is two bytes, the high one second: a
# character is in the _CJK ranges when its high byte is 0x34-0x9F or 0xF9-0xFA — except U+4DC0-U+4DFF
# (Yijing hexagrams), whose high byte 0x4D is shared with CJK Extension A and which are counted apart.
# Astral characters are surrogate pairs (high bytes 0xD8-0xDF), never counted, as the regex does not.
_CJK_HIGH_BYTES = bytes([*range(0x34, 0xA0), 0xF9, 0xFA])
_HEXAGRAM = re.compile(r"[\u4dc0-\u4dff]")
_LATIN_BYTES = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def count_cjk(text: str) -> int:
    """How many characters of ``text`` _CJK matches."""
    if text.isascii():  # most lines of an English file (a flag on the string, not a scan)
        return 0
    high = text.encode("utf-16-le", "surrogatepass")[1::2]
    n = len(high) - len(high.translate(None, _CJK_HIGH_BYTES))
    if n and b"\x4d" in high:
        n -= len(_HEXAGRAM.findall(text))
    return n


def count_latin(text: str) -> int:
    """How many characters of ``text`` _LATIN matches (the ASCII letters)."""
    ascii_ = text.encode("ascii", "ignore")
    return len(ascii_) - len(ascii_.translate(None, _LATIN_BYTES))


def lang_of(text: str, cjk: int | None = None) -> str:
    """'zh' when Han characters make up a fair share of the letters, else 'en'. ``cjk``: count_cjk(text)
    when the caller has it already."""
    if cjk is None:
        cjk = count_cjk(text)
    if cjk == 0:
        return "en"
    latin = count_latin(text)
    # one Han character carries about as much as a short English word (~4 letters)
    return "zh" if cjk * 4 >= latin * 0.5 else "en"


_MID_DOT_DECIMAL = re.compile(r"[·•∙](?<=\d[·•∙])(?=\d)")  # the dot first: the engine skips ahead to it


# "1 241例", "1 241 patients": a space as thousands separator before a count of people
# before the people counted, up to two words written with a capital ("18 624 PLATO patients")
_SPACED_THOUSANDS = re.compile(r"(?<![\d.,])(?<!\d )(\d{1,3}) (?=\d{3}(?![\d.])\s*(?:[A-Z][\w-]*\s+){0,2}(?:例|名|人|位|"
                               r"patients|participants|subjects|cases|males|females|men|women|persons|people|"
                               r"individuals|children|adults|volunteers))")


# what every spaced thousand holds ("\d \d{3}"): the full pattern only then; written from its space, which re
# finds by its literal-prefix scan instead of trying \d at every character
_SPACED_QUICK = re.compile(r" (?<=\d )\d{3}")


def normalize(text: str) -> str:
    """Full-width to half-width, dashes/spaces to ASCII, "60·8" to "60.8", "1 241例" to "1,241例" (and "56 392 persons"): one
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


def ends_in(text: str, chars: str) -> bool:
    """Whether the last character of ``text`` that is not white space is one of ``chars`` (str.rstrip strips
    what ``\\s`` matches): what a pattern ending "[chars]\\s*$" tells, without trying it at every place."""
    last = text.rstrip()[-1:]
    return last != "" and last in chars


def nfc(text: str) -> str:
    # ASCII text is NFC already; normalize() would still look every character up to find so
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def is_cjk(ch: str) -> bool:
    return bool(_CJK.match(ch))
