"""Reader for RIS (EndNote, Zotero, CNKI/Wanfang exports): records from "TY  - " to "ER  - "."""
from __future__ import annotations

import re
from collections.abc import Iterator

from ..document import RawDocument, ReadError, iso_date
from ..sections import split_headings
from ..text import lang_of

_LINE = re.compile(r"^([A-Z][A-Z0-9])\s{1,2}-\s?(.*)$")


def _records(text: str) -> list[list[tuple[str, str]]]:
    records, current = [], None
    for line in text.splitlines():
        m = _LINE.match(line)
        if m:
            tag, value = m.group(1), m.group(2).strip()
            if tag == "TY":
                current = []
            if current is None:
                continue
            if tag == "ER":
                records.append(current)
                current = None
                continue
            current.append((tag, value))
        elif current and line.strip():
            tag, value = current[-1]
            current[-1] = (tag, f"{value} {line.strip()}")
    if current:
        records.append(current)  # a file cut before its last ER keeps what it has
    return records


def _date(value: str):
    m = re.match(r"((?:19|20)\d{2})(?:[/-](\d{1,2})(?:[/-](\d{1,2}))?)?", value)
    return iso_date(*m.groups()) if m else None


def read_ris(text: str, path: str) -> Iterator[RawDocument]:
    records = _records(text)
    if not records:
        raise ReadError("no RIS records (TY  - … ER  -)")
    for i, fields in enumerate(records):
        doc = RawDocument(format="ris", path=path, index=i)
        accession, database = None, ""
        for tag, value in fields:
            if not value:
                continue
            if tag in ("TI", "T1") and not (doc.title_en or doc.title_zh):
                setattr(doc, "title_zh" if lang_of(value) == "zh" else "title_en", value)
            elif tag in ("AB", "N2"):
                doc.paragraphs += split_headings(value, lang_of(value))
            elif tag in ("AU", "A1"):
                doc.authors.append(value)
            elif tag in ("PY", "Y1", "DA"):
                date = _date(value)  # the most precise of the dates given wins
                if date and len(date) > len(doc.published or ""):
                    doc.published = date
            elif tag in ("JO", "JF", "T2", "JA") and not doc.journal:
                doc.journal = value
            elif tag == "DO" and not doc.doi:
                doc.doi = re.sub(r"^https?://(?:dx\.)?doi\.org/", "", value)
            elif tag == "AD":
                doc.affiliations.append(value)
            elif tag == "KW":
                doc.keywords.append(value)
            elif tag == "AN":
                accession = value.strip()
            elif tag in ("DB", "DP"):
                database += value.lower()
        if accession and accession.isdigit() and ("pubmed" in database or "nlm" in database):
            doc.pmid = accession  # PubMed exports put the PMID in AN
        if not doc.paragraphs:
            yield ReadError("record has no abstract (AB/N2)", str(i))
            continue
        yield doc
