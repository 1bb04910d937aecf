"""Reader for the digest text format (shared/contract/digest-format.md).

Every line is recognised by what it holds, not by where it stands: citation lines by journal/date/doi,
author lines by their shape, affiliation lines by institution words, titles as what is left before
the abstract, and abstract paragraphs by their language (script), each cut at its headings.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from ..document import RawDocument, ReadError, iso_date
from ..sections import split_headings
from ..text import count_cjk, ends_in, lang_of

DOI = re.compile(r"\b(?:doi|DOI)\s*[:：]?\s*(10\.\d{4,9}/[^\s，,;；]+)")
_EN_CITATION = re.compile(
    r"^(?P<journal>[A-Z][^.;:]{1,100}?)\.\s+(?P<year>(?:19|20)\d{2})"
    r"(?:\s+(?P<mon>[A-Z][a-z]{2})[a-z]*(?:\s+(?P<day>\d{1,2}))?)?\s*(?:[.;:]|$)")
_ZH_CITATION = re.compile(
    r"^(?P<journal>[\u4e00-\u9fff][^\d.,，;；:：]{1,40}?)\s*[.,，]?\s*(?P<year>(?:19|20)\d{2})"
    r"(?:(?:-|/)(?P<mon>\d{1,2})(?:(?:-|/)(?P<day>\d{1,2}))?|年(?:(?P<mon2>\d{1,2})月(?:(?P<day2>\d{1,2})日)?)?)?"
    r"(?P<rest>.*)$")
_AFFILIATION_EN = ("University", "Universit[àéä]", "Hospital", "Institute", "Instituto", "Center", "Centre",
                   "Department", "Dept", "Division", "School", "College", "Clinic", "Laborator(?:y|ies)", "Inc",
                   "Ltd", "Foundation", "Academy", "Faculty", "Unit", "Service")
_AFFILIATION_ZH = ("大学", "大學", "医院", "醫院", "研究所", "研究院", "中心", "学院", "學院", "内科", "外科", "肿瘤科",
                   "腫瘤科")
# r"\b(?:University|…)\b|大学|…" written so that every alternative opens with a literal character: the
# engine then only tries the places where one of those characters stands, instead of every place of the
# line. "\bU" is "U(?<!\wU)": the character before the U (if any) is not a word character.
_AFFILIATION = re.compile("|".join([rf"{w[0]}(?<!\w{w[0]}){w[1:]}\b" for w in _AFFILIATION_EN]
                                   + list(_AFFILIATION_ZH)))
_SENTENCE_END_MARKS = ".。!?！？"  # a line that ends with one (then white space only) ends a sentence
_EN_NAME_WORD = re.compile(r"^(?:[A-Z][A-Za-z'\-]*\.?|[A-Z]{1,3}|de|da|del|van|von|der|den|la|le|di|dos|du|ten)$")
_MARKS = re.compile(r"[\d△▲*#☆†‡§]+")


def read_digest(text: str, path: str) -> RawDocument:
    lines = [line for ln in text.splitlines() if (line := ln.strip())]
    if not lines:
        raise ReadError("empty digest: no text")
    doc = RawDocument(format="digest", path=path)
    in_body = False
    for line in lines:
        cjk = count_cjk(line)  # once a line: every test below asks for it
        if _take_citation(doc, line, in_body, cjk):
            continue
        if not in_body:
            if not doc.authors and _is_author_line(line, cjk):
                doc.authors = _authors(line, cjk)
                continue
            if _AFFILIATION.search(line) and _sentences(line) <= 1 and not _has_heading(line):
                doc.affiliations.append(line)
                continue
            if not _is_paragraph(line, cjk):
                _add_title(doc, line)
                continue
        in_body = True
        lang = lang_of(line, cjk)
        doc.paragraphs.extend(split_headings(line, lang))
    if not doc.paragraphs:
        raise ReadError("no abstract paragraphs found (only title, author or citation lines)")
    return doc


_ZH_HEADING = re.compile(r"^\s*[\[【]?(?:目的|背景|方法|结果|結果|摘要)[\]】:：\s]")
_EN_HEADING = re.compile(r"^(?:BACKGROUND|PURPOSE|OBJECTIVES?|METHODS|RESULTS|INTRODUCTION|Background|Purpose|"
                         r"Objectives?|Aims?|Introduction|Context|Importance)\b\s*[:A-Z]")
# r"(?<!\d)[.!?。]\s*[A-Z(\u4e00-\u9fff]" with the mark first: the engine skips ahead to it
_SENTENCE_BREAK = re.compile(r"[.!?。](?<!\d[.!?。])\s*[A-Z(\u4e00-\u9fff]")


def _has_heading(line: str) -> bool:
    return bool(_ZH_HEADING.match(line) or _EN_HEADING.match(line))


def _sentences(line: str) -> int:
    return len(_SENTENCE_BREAK.findall(line)) + (1 if ends_in(line, _SENTENCE_END_MARKS) else 0)


def _is_paragraph(line: str, cjk: int | None = None) -> bool:
    """Abstract text rather than front matter: a heading, or long sentence-like text."""
    if _has_heading(line):
        return True
    if cjk is None:
        cjk = count_cjk(line)
    if cjk:
        return cjk >= 40 and ("。" in line or "；" in line) or cjk >= 120
    sentences = _sentences(line)
    words = line.split()
    title_case = sum(1 for w in words if w[:1].isupper()) / max(len(words), 1)
    return len(line) >= 250 or (sentences >= 2 and len(line) >= 80) or (
        sentences >= 1 and len(line) >= 120 and title_case < 0.5)


_ZH_JOURNAL_WORD = re.compile(r"杂志|雜誌|学报|學報|期刊|医学|醫學|Journal")
_ZH_ISSUE = re.compile(r"\d+\s*\(\s*\d+\s*\)|年\s*\d+\s*期|第\s*\d+\s*卷")
_EN_ISSUE = re.compile(r"\d+\s*(?:\(\s*\d+\s*\))?\s*:\s*\d+|;\s*\d+|Epub")


def _take_citation(doc: RawDocument, line: str, in_body: bool, cjk: int | None = None) -> bool:
    """Read journal, date and doi from a citation line; False when the line is not one."""
    if len(line) > 300:
        return False
    # DOI is only tried where it can match: its pattern opens with \b, which the engine tries at every place
    doi = DOI.search(line) if "doi" in line or "DOI" in line else None
    en = _EN_CITATION.match(line)
    zh = _ZH_CITATION.match(line) if (count_cjk(line) if cjk is None else cjk) else None
    zh_ok = zh and len(line) < 150 and (_ZH_JOURNAL_WORD.search(zh.group("journal")) or _ZH_ISSUE.search(line))
    en_ok = en and (doi or _EN_ISSUE.search(line))
    if not (doi or en_ok or zh_ok):
        return False
    if in_body and not doi and not en_ok:
        return False
    if in_body and doi and not (en_ok or zh_ok) and len(line) > 160:
        return False
    if doi and not doc.doi:
        doc.doi = doi.group(1).rstrip(".")
    m = en if en_ok else zh if zh_ok else None
    if m and not doc.journal:
        doc.journal = m.group("journal").strip()
        doc.published = _date(m)
    elif not m and not doi:
        return False
    return True


def _date(m: re.Match) -> str:
    gd = m.groupdict()
    return iso_date(m.group("year"), gd.get("mon") or gd.get("mon2"), gd.get("day") or gd.get("day2"))


_INITIAL_END = re.compile(r"\b[A-Z]\.$")
_EN_AUTHOR_SEP = re.compile(r"[,;]")
_ZH_AUTHOR_SEP = re.compile(r"[,，、;；]")
_SPACES = re.compile(r"\s+")


def _is_author_line(line: str, cjk: int | None = None) -> bool:
    if count_cjk(line) if cjk is None else cjk:
        # = len(pieces) >= 1 and all(2 <= len(p) <= 4 and all Han for p in pieces) and (len(pieces) >= 2
        # or len(line) <= 5), with pieces = _zh_author_pieces(line); a paragraph fails at its first piece,
        # so the pieces are made one by one, not all of them first
        n = 0
        for p in _zh_author_parts(line):
            p = _SPACES.sub("", _MARKS.sub("", p))
            if not p:
                continue
            if not (2 <= len(p) <= 4 and count_cjk(p) == len(p)):
                return False
            n += 1
        return n >= 1 and (n >= 2 or len(line) <= 5)
    # "\b[A-Z]\.$" can only match in the last four characters ("A.\n" and the one before it for \b)
    if ends_in(line, _SENTENCE_END_MARKS) and not _INITIAL_END.search(line[-4:]):
        return False
    pieces = [p.strip() for p in _EN_AUTHOR_SEP.split(line) if p.strip()]
    if len(pieces) < 2 and len(line.split()) > 4:
        return False
    return all(1 <= len(p.split()) <= 5 and all(_EN_NAME_WORD.match(w) for w in p.split()) for p in pieces)


def _zh_author_parts(line: str) -> Iterator[str]:
    """re.split(r"[,，、;；]", line) (else line.split()), part by part."""
    if not _ZH_AUTHOR_SEP.search(line):
        yield from line.split()
        return
    start = 0
    for m in _ZH_AUTHOR_SEP.finditer(line):
        yield line[start:m.start()]
        start = m.end()
    yield line[start:]


def _zh_author_pieces(line: str) -> list[str]:
    pieces = [_SPACES.sub("", _MARKS.sub("", p)) for p in _zh_author_parts(line)]
    return [p for p in pieces if p]


def _authors(line: str, cjk: int | None = None) -> list[str]:
    if count_cjk(line) if cjk is None else cjk:
        return _zh_author_pieces(line)
    return [p.strip() for p in _EN_AUTHOR_SEP.split(line) if p.strip()]


def _add_title(doc: RawDocument, line: str) -> None:
    line = line.rstrip("*").strip()
    if lang_of(line) == "zh":
        doc.title_zh = f"{doc.title_zh} {line}" if doc.title_zh else line
    else:
        doc.title_en = f"{doc.title_en} {line}" if doc.title_en else line
