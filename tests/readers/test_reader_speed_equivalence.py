"""The faster reading code (digest reader, headings, script counts, format detection, file reading) tells
exactly what the code before it told. Each rewritten piece is checked against the expression it
replaced, kept here as the reference: over every line of tests/corpus, over random text built from the
pieces those expressions look for, and — for the character-level claims — over every code point."""
from __future__ import annotations

import os
import random
import re
import sys
import unicodedata
from pathlib import Path

import pytest

from ingest import sections
from ingest.document import ReadError
from ingest.readers import _os_path, _read_bytes, detect_format, digest
from ingest.text import _CJK, _LATIN, count_cjk, count_latin, ends_in, lang_of, nfc

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
EVERY_CHAR = "".join(map(chr, range(sys.maxunicode + 1)))


def corpus_lines() -> list[str]:
    lines = []
    for p in sorted(CORPUS.rglob("*")):
        if p.is_file() and p.suffix in (".txt", ".nbib", ".ris", ".xml"):
            lines += [ln for ln in p.read_text(encoding="utf-8", errors="replace").splitlines() if ln.strip()]
    return lines


LINES = corpus_lines()
PIECES = ["University", "Universität", "Universitá", "Hospital", "Inc", "Increased", "Unit", "United", "Dept",
          "Laboratory", "Laboratories", "Service", "大学", "医院", "内科", "外科", "肿瘤科", "中心", "研究院",
          "Background", "BACKGROUND", "Methods", "METHODS", "Results", "Conclusions", "Patients and Methods",
          "Materials and methods", "key  words", "Design, setting, and participants", "Trial registration",
          "Findings", "Interpretation", "In", "The", "And", "ſetting", "İntroduction", "Kontext", "conclusion",
          "目的", "方法", "结果", "結果", "结论", "結論", "背景与目的", "背景與目的", "资料与方法", "摘要", "摘 要",
          "【", "】", "[", "]", "(", ")", ".", "。", "!", "?", "！", "？", ";", "；", ":", "：", ",", "，", "、",
          " ", "  ", "\t", "\u3000", "\xa0", "\u2028", "\x1c", "\n", "A.", "Li J.", "王博", "宋丽杰", "△", "*", "2",
          "10", "é", "_", "x", "doi: 10.1000/abc", "DOI", "Doi", "䷀", "㐀", "丽", "𠀀", "\ud800", "TY  - ", "PMID- 1",
          "TI  - ", "AB - ", "FAU - ", "TYPE", "<", "&amp;"]


def random_texts(n: int, seed: int, size: int = 12) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(PIECES) for _ in range(rng.randint(0, size))) for _ in range(n)]


TEXTS = LINES + random_texts(20000, 1) + [s.strip() for s in random_texts(5000, 2)] + [""]


# --- script counts and NFC (ingest/text.py) ----------------------------------------------------------

def test_count_cjk_and_latin_are_the_regex_counts_for_every_code_point():
    for i in range(0, len(EVERY_CHAR), 4096):  # every code point, in runs of neighbours
        chunk = EVERY_CHAR[i:i + 4096]
        assert count_cjk(chunk) == len(_CJK.findall(chunk)), hex(i)
        assert count_latin(chunk) == len(_LATIN.findall(chunk)), hex(i)
    for cp in [*range(0x3300, 0x3500), *range(0x4d00, 0x4f00), *range(0x9f00, 0xa100), *range(0xf800, 0xfc00),
               *range(0xd7f0, 0xe010), *range(0x10000, 0x10010), *range(0x20000, 0x20010)]:
        ch = chr(cp)
        assert count_cjk(ch) == len(_CJK.findall(ch)), hex(cp)
        assert count_cjk("中" + ch + "a") == len(_CJK.findall("中" + ch + "a")), hex(cp)


def test_count_cjk_lang_of_and_nfc_over_texts():
    rng = random.Random(3)
    mixed = ["".join(rng.choice(EVERY_CHAR[0x3000:0xa000] + "abcXYZ䷀䷿\ud800𠀀 ") for _ in range(rng.randint(0, 60)))
             for _ in range(3000)]
    for t in TEXTS + mixed:
        assert count_cjk(t) == len(_CJK.findall(t)), t
        assert count_latin(t) == len(_LATIN.findall(t)), t
        cjk = len(_CJK.findall(t))
        old_lang = "en" if cjk == 0 else ("zh" if cjk * 4 >= len(_LATIN.findall(t)) * 0.5 else "en")
        assert lang_of(t) == lang_of(t, count_cjk(t)) == old_lang, t
        if "\ud800" not in t:
            assert nfc(t) == unicodedata.normalize("NFC", t), t


# --- the digest reader's tests (ingest/readers/digest.py) ------------------------------------------------

OLD_AFFILIATION = re.compile(
    r"\b(?:University|Universit[àéä]|Hospital|Institute|Instituto|Center|Centre|Department|Dept|Division|"
    r"School|College|Clinic|Laborator(?:y|ies)|Inc|Ltd|Foundation|Academy|Faculty|Unit|Service)\b"
    r"|大学|大學|医院|醫院|研究所|研究院|中心|学院|學院|[内外]科|肿瘤科|腫瘤科")
OLD_SENTENCE_END = re.compile(r"[.。!?！？]\s*$")
OLD_SENTENCE_BREAK = re.compile(r"(?<!\d)[.!?。]\s*[A-Z(\u4e00-\u9fff]")


def old_is_author_line(line: str) -> bool:
    if len(_CJK.findall(line)):
        pieces = old_zh_author_pieces(line)
        return len(pieces) >= 1 and all(2 <= len(p) <= 4 and len(_CJK.findall(p)) == len(p) for p in pieces) and (
            len(pieces) >= 2 or len(line) <= 5)
    if OLD_SENTENCE_END.search(line) and not re.search(r"\b[A-Z]\.$", line):
        return False
    pieces = [p.strip() for p in re.split(r"[,;]", line) if p.strip()]
    if len(pieces) < 2 and len(line.split()) > 4:
        return False
    return all(1 <= len(p.split()) <= 5 and all(digest._EN_NAME_WORD.match(w) for w in p.split()) for p in pieces)


def old_zh_author_pieces(line: str) -> list[str]:
    parts = re.split(r"[,，、;；]", line) if re.search(r"[,，、;；]", line) else line.split()
    pieces = [re.sub(r"\s+", "", digest._MARKS.sub("", p)) for p in parts]
    return [p for p in pieces if p]


AWKWARD_ENDS = ["", ".", "。", "!", "？", "A.", "xA.", "_A.", "éA.", " A.", "A.\n", "xA.\n", " A.\n", ".\n", ". \n",
                ".\u3000", ".\xa0\u2028", ".\x1c", "a", "A", "1.", "AB.", "A. ", "A.  \n"]


def test_digest_line_tests_tell_what_they_told():
    texts = TEXTS + [a + b for a in ["", "Li ", "Li J, Wang X", "王博, 宋丽", "x"] for b in AWKWARD_ENDS]
    for t in texts:
        assert bool(digest._AFFILIATION.search(t)) == bool(OLD_AFFILIATION.search(t)), t
        assert digest._SENTENCE_BREAK.findall(t) == OLD_SENTENCE_BREAK.findall(t), t
        assert ends_in(t, digest._SENTENCE_END_MARKS) == bool(OLD_SENTENCE_END.search(t)), t
        assert digest._is_author_line(t) == digest._is_author_line(t, count_cjk(t)) == old_is_author_line(t), t
        assert digest._zh_author_pieces(t) == old_zh_author_pieces(t), t
        assert list(digest._zh_author_parts(t)) == (
            re.split(r"[,，、;；]", t) if re.search(r"[,，、;；]", t) else t.split()), t
        assert (bool(re.search(r"[。；]", t))) == ("。" in t or "；" in t)
        assert bool(digest.DOI.search(t)) <= ("doi" in t or "DOI" in t)  # DOI is skipped only where it can't match


def test_affiliation_words_at_word_edges():
    words = ["University", "Universitä", "Inc", "Unit", "Laboratories", "Ltd", "大学", "内科", "外科"]
    edges = ["", " ", "x", "_", "1", "é", "中", "-", ".", "\n"]
    for w in words:
        for a in edges:
            for b in edges + ["s", "ed"]:
                t = a + w + b
                assert bool(digest._AFFILIATION.search(t)) == bool(OLD_AFFILIATION.search(t)), t


# --- headings (ingest/sections.py) -------------------------------------------------------------------

def old_patterns() -> dict[str, re.Pattern]:
    """_heading_patterns as it was: one flat alternation of the headings, "zh" searched as it stands."""
    rows = sections.lexicon().sections
    en = sorted((r.heading for r in rows if r.lang == "en"), key=len, reverse=True)
    zh = sorted((r.heading for r in rows if r.lang == "zh"), key=len, reverse=True)
    en_alt = "|".join(re.escape(h).replace(r"\ ", r"\s+") for h in en)
    zh_alt = "|".join(re.escape(h) for h in zh)
    return {
        "en_start": re.compile(rf"^\s*(?P<h>{en_alt})\s*(?:[:：.]\s*|\s+(?-i:(?=[A-Z0-9(])))", re.I),
        "en_inside": re.compile(rf"[.!?)\]](?P<sp>\s+)(?:(?P<h>{en_alt})\s*:\s+|(?P<hc>(?-i:[A-Z][a-z]+(?: and [A-Z][a-z]+)?))\s+(?-i:(?=[A-Z0-9])))", re.I),
        "zh": re.compile(
            rf"(?:^|(?<=[。.；;！？\s\])】]))\s*(?:[\[【](?P<hb>{zh_alt})[\]】]|(?P<h>{zh_alt})(?:\s*[:：]\s*|\s+))"),
    }


def sig(matches) -> list:
    return [(m.span(), m.regs, m.groupdict()) for m in matches if m]


def test_no_character_matches_two_ascii_letters_case_blind():
    """What grouping the English headings by first letter rests on."""
    seen: dict[str, str] = {}
    for letter in "abcdefghijklmnopqrstuvwxyz":
        for ch in re.findall(letter, EVERY_CHAR, re.I):
            assert seen.setdefault(ch, letter) == letter, (ch, letter, seen[ch])


def test_heading_patterns_find_what_they_found():
    old, new = old_patterns(), sections._heading_patterns()
    assert new["zh"].pattern == old["zh"].pattern
    assert new["en_start"].pattern != old["en_start"].pattern  # grouped: the test below is not vacuous
    texts = TEXTS + [t.upper() for t in TEXTS[-3000:]] + [t.lower() for t in TEXTS[-3000:]]
    for t in texts:
        assert sig([new["en_start"].match(t)]) == sig([old["en_start"].match(t)]), t
        assert sig(new["en_inside"].finditer(t)) == sig(old["en_inside"].finditer(t)), t
        marks = [(m.start(), m.end(), m.group("hb") or m.group("h")) for m in old["zh"].finditer(t)]
        assert sections._zh_marks(t, new) == marks, t


def test_glued_headings_found_as_before():
    def old_glued(text):
        marks = [(m.start("h"), m.end("h"), m.group("h")) for m in sections._GLUED.finditer(text)]
        order = ["目的", "方法", "结果", "结论"]
        heads = [h for _, _, h in marks]
        if len(set(heads)) >= 2 and heads == sorted(heads, key=order.index) and len(heads) == len(set(heads)):
            return marks
        return []

    for t in TEXTS:
        assert sections._glued_headings(t) == old_glued(t), t


# --- format detection and file reading (ingest/readers/__init__.py) ------------------------------------

def old_detect_format(text: str) -> str:
    head = text.lstrip()[:2000]
    if head.startswith("<") and re.search(r"<(?:PubmedArticleSet|PubmedArticle|MedlineCitation)\b", text[:20000]):
        return "pubmed-xml"
    if head.startswith("<"):
        raise ReadError("XML that is not a PubMed article set")
    if re.search(r"^TY\s{1,2}- ", head, re.M):
        return "ris"
    if re.search(r"^PMID-\s*\d+", head, re.M) or re.search(r"^(?:TI|AB|FAU)\s{0,2}- ", head, re.M):
        return "medline"
    return "digest"


def test_detect_format_as_before():
    rng = random.Random(4)
    texts = TEXTS + ["\n".join(rng.sample(TEXTS[-25000:], 5)) for _ in range(5000)]
    texts += [p.read_text(encoding="utf-8", errors="replace") for p in sorted(CORPUS.rglob("*")) if p.is_file()]
    for t in texts:
        try:
            old = old_detect_format(t)
        except ReadError as exc:
            with pytest.raises(ReadError, match=re.escape(exc.reason)):
                detect_format(t, "x")
        else:
            assert detect_format(t, "x") == old, t


def test_os_path_is_what_path_makes_of_it():
    rng = random.Random(5)
    parts = ["", ".", "..", "a", "b.txt", ".hidden", "/", "//", "///", " ", "~"]
    names = ["".join(rng.choice(parts) for _ in range(rng.randint(0, 6))) for _ in range(20000)]
    for name in names + ["", ".", "./", "/.", "a/.", "a/./b", "//a", "a//b", "a/"]:
        assert _os_path(name) == str(Path(name)), name
        assert _os_path(Path(name)) == str(Path(name)), name


def old_read_bytes(path) -> bytes:
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > 200 * 1024 * 1024:
            raise ReadError(f"file too large ({size} bytes > {200 * 1024 * 1024})")
        return p.read_bytes()
    except OSError as exc:
        raise ReadError(f"cannot read file: {exc.strerror or exc}") from None


def test_read_bytes_reads_and_fails_as_before(tmp_path):
    (tmp_path / "f.txt").write_bytes(b"abc\n")
    (tmp_path / "d").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "missing")
    names = ["f.txt", "f.txt/", "f.txt/.", "./f.txt", "d", "d/", "missing", "link", "f.txt/x", "", "."]
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        for name in names:
            for arg in (name, Path(name), str(tmp_path / name)):
                try:
                    want = ("ok", old_read_bytes(arg))
                except ReadError as exc:
                    want = ("error", exc.reason)
                try:
                    got = ("ok", _read_bytes(arg))
                except ReadError as exc:
                    got = ("error", exc.reason)
                assert got == want, arg
    finally:
        os.chdir(cwd)
